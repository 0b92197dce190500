package dev.quiver.io.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

/**
 * Lateness within one input under Flink's test harness: exactly the records that a
 * bounded-out-of-orderness watermark after them would have passed are dead letters.
 */
class LateInInputFunctionTest {

    @Test
    void aRecordMoreThanTheBoundBehindTheLatestBeforeItIsADeadLetter() throws Exception {
        try (OneInputStreamOperatorTestHarness<Traced<Observation>, Traced<Observation>> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new LateInInputFunction<Observation>(
                                100, (traced, previous) -> traced.record.getTs().toEpochMilli()))) {
            long[] times = {1000, 950, 1200, 1100, 1099, 5000, Long.MIN_VALUE};
            for (int line = 0; line < times.length; line++) {
                harness.processElement(observation(line + 1, times[line]), 0);
            }

            // The watermark after 1200 is 1099: 1100 is after it, 1099 is not.
            assertThat(harness.extractOutputValues())
                    .extracting(traced -> traced.origin.offset)
                    .containsExactly(1L, 2L, 3L, 4L, 6L);
            List<DeadLetter> dead =
                    harness.getSideOutput(DeadLetters.TAG).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(5L, 7L);
            assertThat(dead.get(0).getReason())
                    .isEqualTo(
                            "late record: event time 1970-01-01T00:00:01.099Z is more than 100 ms"
                                    + " behind 1970-01-01T00:00:01.200Z, the latest before it in"
                                    + " its input");
        }
    }

    private static Traced<Observation> observation(long line, long ts) {
        Observation o =
                Observation.newBuilder()
                        .setKey("k")
                        .setTs(Instant.ofEpochMilli(ts))
                        .setValue(0)
                        .build();
        return Traced.of(o, RawRecord.of("file:obs.ndjson", -1, line, new byte[] {1}));
    }
}
