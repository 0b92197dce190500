package dev.quiver.io.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The flush rules of {@link MicroBatchKeyedOperator} that need Flink, on a test harness: before
 * the checkpoint barrier, when the oldest entry is due, before a watermark, at the end of the
 * input; and keyed state updated on arrival, so a restore continues exactly once.
 */
class MicroBatchOperatorsTest {

    /** Timeouts that never pass in these tests unless the processing time is moved. */
    private static final long HOUR_MS = 3_600_000;

    @Test
    void waitingEntriesAreFlushedBeforeTheCheckpointBarrierAndARestoreContinuesExactlyOnce()
            throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(new BatchPolicy(100, HOUR_MS))) {
            h.open();
            h.processElement("a:1", 0);
            h.processElement("b:1", 0);
            h.processElement("a:2", 0);
            assertThat(h.extractOutputValues()).isEmpty();
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.extractOutputValues())
                    .containsExactly("flush1 a#0=1", "flush1 b#0=1", "flush1 a#1=2");
            snapshot = h.snapshot(1, 10);
            // Arrives after the barrier: its entry is not in the snapshot, and is lost with the
            // subtask; the replay from the snapshot brings it again.
            h.processElement("a:3", 0);
        }
        try (var h = harness(new BatchPolicy(100, HOUR_MS))) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processElement("a:3", 0);
            h.prepareSnapshotPreBarrier(2);
            assertThat(h.extractOutputValues()).containsExactly("flush1 a#2=3");
        }
    }

    @Test
    void aFullBatchIsFlushedOnTheEntryThatFillsIt() throws Exception {
        try (var h = harness(new BatchPolicy(2, HOUR_MS))) {
            h.open();
            h.processElement("a:1", 0);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement("b:1", 0);
            h.processElement("a:2", 0);
            assertThat(h.extractOutputValues()).containsExactly("flush1 a#0=1", "flush1 b#0=1");
        }
    }

    @Test
    void batchSizeOneEmitsEveryRecordOnArrival() throws Exception {
        try (var h = harness(BatchPolicy.UNBATCHED)) {
            h.open();
            h.processElement("a:1", 0);
            assertThat(h.extractOutputValues()).containsExactly("flush1 a#0=1");
            h.processElement("a:2", 0);
            assertThat(h.extractOutputValues()).containsExactly("flush1 a#0=1", "flush2 a#1=2");
        }
    }

    @Test
    void theOldestEntryIsFlushedWhenItsTimeoutPasses() throws Exception {
        try (var h = harness(new BatchPolicy(100, 50))) {
            h.open();
            h.setProcessingTime(1_000);
            h.processElement("a:1", 0);
            h.setProcessingTime(1_020);
            h.processElement("b:1", 0);
            h.setProcessingTime(1_049);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(1_050);
            assertThat(h.extractOutputValues()).containsExactly("flush1 a#0=1", "flush1 b#0=1");
            h.processElement("a:2", 0);
            h.setProcessingTime(1_099);
            assertThat(h.extractOutputValues()).hasSize(2);
            h.setProcessingTime(1_100);
            assertThat(h.extractOutputValues()).endsWith("flush2 a#1=2");
        }
    }

    @Test
    void resultsLeaveBeforeTheWatermarkThatFollowsTheirRecordsAndTimers() throws Exception {
        try (var h = harness(new BatchPolicy(100, HOUR_MS))) {
            h.open();
            h.processElement("a:timer", 5);
            h.processElement("b:1", 7);
            h.processWatermark(6);
            List<Object> output = new ArrayList<>(h.getOutput());
            assertThat(output)
                    .containsExactly(
                            new StreamRecord<>("flush1 a#0=timer", 5),
                            new StreamRecord<>("flush1 b#0=1", 7),
                            new StreamRecord<>("flush1 a@5", 5),
                            new Watermark(6));
        }
    }

    @Test
    void theEndOfTheInputFlushesWhatWaits() throws Exception {
        try (var h = harness(new BatchPolicy(100, HOUR_MS))) {
            h.open();
            h.processElement("a:1", 0);
            h.getOperator().finish();
            assertThat(h.extractOutputValues()).containsExactly("flush1 a#0=1");
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            BatchPolicy policy) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new MicroBatchKeyedOperator<>(new Numbering(policy)),
                value -> value.substring(0, value.indexOf(':')),
                Types.STRING);
    }

    /**
     * Numbers each key's records in keyed state on arrival ("KEY:VALUE" becomes "KEY#N=VALUE"), and
     * a value "timer" sets an event-time timer at its timestamp; a flush emits the waiting entries
     * prefixed with the flush's number, keeping each entry's timestamp.
     */
    private static final class Numbering extends KeyedProcessFunction<String, String, String>
            implements BatchedFunction<String> {

        private final BatchPolicy policy;
        private transient ValueState<Integer> seen;
        private transient MicroBatch<StreamRecord<String>> batch;
        private transient TimestampedCollector<String> out;
        private transient LongSupplier clock;
        private transient int flushes;

        Numbering(BatchPolicy policy) {
            this.policy = policy;
        }

        @Override
        public void openBatch(TimestampedCollector<String> out, LongSupplier processingTimeMs) {
            this.out = out;
            this.clock = processingTimeMs;
        }

        @Override
        public void open(OpenContext openContext) {
            seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.INT));
            batch = new MicroBatch<>(policy);
        }

        @Override
        public void processElement(String record, Context ctx, Collector<String> ignored)
                throws Exception {
            int n = seen.value() == null ? 0 : seen.value();
            seen.update(n + 1);
            String value = record.substring(record.indexOf(':') + 1);
            if (value.equals("timer")) {
                ctx.timerService().registerEventTimeTimer(ctx.timestamp());
            }
            add(ctx.getCurrentKey() + "#" + n + "=" + value, ctx.timestamp());
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> ignored) {
            add(ctx.getCurrentKey() + "@" + timestamp, timestamp);
        }

        private void add(String entry, long timestamp) {
            if (batch.add(new StreamRecord<>(entry, timestamp), clock.getAsLong())) {
                flush();
            }
        }

        @Override
        public MicroBatch<?> waiting() {
            return batch;
        }

        @Override
        public void flushWaiting(int count) {
            flushes++;
            for (int i = 0; i < count; i++) {
                out.setAbsoluteTimestamp(batch.get(i).getTimestamp());
                out.collect("flush" + flushes + " " + batch.get(i).getValue());
            }
        }
    }
}
