package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.HistogramBin;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Neighbor;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.Score;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.WalkSummary;

import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

class QuiverSchemasTest {
    @Test
    void recordTypesAreTheNineTopLevelTypes() {
        assertThat(QuiverSchemas.recordTypes())
                .containsExactly(
                        VectorEvent.class,
                        QueryEvent.class,
                        Observation.class,
                        PosteriorUpdate.class,
                        MatchResult.class,
                        WalkSummary.class,
                        Score.class,
                        ModelUpdate.class,
                        DeadLetter.class)
                .doesNotContain(Neighbor.class, HistogramBin.class);
        assertThatThrownBy(() -> QuiverSchemas.recordTypes().add(Neighbor.class))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyRecordTypeHasItsOwnFingerprint() {
        Set<Long> fingerprints = new HashSet<>();
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            long fingerprint = SingleObjectFormat.fingerprint(SpecificData.get().getSchema(type));
            assertThat(fingerprints.add(fingerprint)).as("fingerprint of %s", type).isTrue();
            assertThat(QuiverSchemas.typeOf(fingerprint)).isEqualTo(type);
        }
    }

    @Test
    void decodeAnyRejectsWhatIsNotAQuiverRecord() throws Exception {
        byte[] neighbor = AvroSingleObjectCodecTest.toArray(new Neighbor("v", 1.0).toByteBuffer());
        String fingerprint =
                SingleObjectFormat.hex(SingleObjectFormat.fingerprint(Neighbor.getClassSchema()));

        assertThatThrownBy(() -> QuiverSchemas.decodeAny(neighbor))
                .isInstanceOf(DecodeException.class)
                .hasMessage(
                        "unknown schema fingerprint "
                                + fingerprint
                                + ", not one of Quiver's record types");
        assertThatThrownBy(() -> QuiverSchemas.decodeAny(new byte[] {1, 2, 3}))
                .hasMessageStartingWith("not Avro single-object encoding: bad header");
        assertThatThrownBy(() -> QuiverSchemas.decodeAny(null)).isInstanceOf(DecodeException.class);
        assertThatThrownBy(
                        () ->
                                QuiverSchemas.decodeAny(
                                        new byte[AvroSingleObjectCodec.DEFAULT_MAX_BYTES + 1]))
                .hasMessageContaining("exceeds the limit of 1048576");
    }

    @Test
    void decodeAnyReportsDamageInsideTheRecord() throws Exception {
        Score score = (Score) SampleRecords.populated(Score.class);
        byte[] bytes = AvroSingleObjectCodec.of(Score.class).encode(score);
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);

        assertThatThrownBy(() -> QuiverSchemas.decodeAny(cut))
                .isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("truncated: field 'latencyMs'");
    }
}
