package dev.quiver.knn.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.RawRecord;
import dev.quiver.io.SampleRecords;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.StateGoldenBytes;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import org.junit.jupiter.api.Test;

import java.io.IOException;

/**
 * The match operator's Flink state formats (the batched and time-ordered inputs, each an Avro record
 * with its origin) still read their golden bytes (version 1). The points themselves are the
 * kernel's headered bytes, pinned by the knn package's own golden files.
 */
class MatchStateFormatsTest {

    private static <T> void assertSameTraced(Traced<T> actual, Traced<T> expected) {
        assertThat(actual.record).isEqualTo(expected.record);
        assertThat(actual.origin).isEqualTo(expected.origin);
    }

    @Test
    void bufferedVectorReadsItsGoldenBytes() throws IOException {
        Traced<VectorEvent> vector =
                Traced.of(
                        (VectorEvent) SampleRecords.populated(VectorEvent.class),
                        RawRecord.of("quiver.vectors", 3, 12_345L, new byte[] {(byte) 0xC3, 1, 2}));
        new StateGoldenBytes<>(MatchFunction.class, "traced_vector", 1, MatchFunction.VECTOR_TYPE)
                .assertCurrentFormatReads(vector, MatchStateFormatsTest::assertSameTraced);
    }

    @Test
    void bufferedQueryReadsItsGoldenBytes() throws IOException {
        Traced<QueryEvent> query =
                Traced.of(
                        (QueryEvent) SampleRecords.populated(QueryEvent.class),
                        RawRecord.of("quiver.queries", 1, 678L, new byte[] {(byte) 0xC3, 1, 9}));
        new StateGoldenBytes<>(MatchFunction.class, "traced_query", 1, MatchFunction.QUERY_TYPE)
                .assertCurrentFormatReads(query, MatchStateFormatsTest::assertSameTraced);
    }
}
