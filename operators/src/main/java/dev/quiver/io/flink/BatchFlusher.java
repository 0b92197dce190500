package dev.quiver.io.flink;

import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * The flush rules of the micro-batch operators that need Flink, in one place: a processing-time
 * timer when the oldest entry is due, and a flush before any watermark leaves the operator (so no
 * result falls behind a watermark that was emitted after its record). The operators add the flush
 * before each checkpoint barrier and at the end of the input.
 *
 * @param <OUT> the function's results
 */
final class BatchFlusher<OUT> {

    private final BatchedFunction<OUT> function;
    private final ProcessingTimeService time;
    private final Output<StreamRecord<OUT>> flushingOutput;
    private long timerAtMs = Long.MAX_VALUE;

    /**
     * Hands {@code function} its flush output, over the operator's {@code output}, and the
     * processing-time clock of {@code time}.
     */
    BatchFlusher(
            BatchedFunction<OUT> function,
            Output<StreamRecord<OUT>> output,
            ProcessingTimeService time) {
        this.function = function;
        this.time = time;
        this.flushingOutput = new FlushBeforeWatermarks<>(output, function);
        function.openBatch(new TimestampedCollector<>(output), time::getCurrentProcessingTime);
    }

    /**
     * The flusher of an operator's user function, which its constructor bound to be a {@link
     * BatchedFunction} of {@code OUT}: what both micro-batch operators build in {@code open()}.
     */
    @SuppressWarnings("unchecked")
    static <OUT> BatchFlusher<OUT> ofUserFunction(
            Object userFunction, Output<StreamRecord<OUT>> output, ProcessingTimeService time) {
        return new BatchFlusher<>((BatchedFunction<OUT>) userFunction, output, time);
    }

    /** The operator's output, flushing the function before it forwards a watermark. */
    Output<StreamRecord<OUT>> flushingOutput() {
        return flushingOutput;
    }

    /** Emits every waiting result. */
    void flush() {
        function.flush();
    }

    /** After each input: a timer for the oldest waiting entry, unless an earlier one is set. */
    void scheduleDue() {
        long due = function.flushDueAtMs();
        if (due < timerAtMs) {
            timerAtMs = due;
            time.registerTimer(due, this::onTimer);
        }
    }

    private void onTimer(long nowMs) {
        timerAtMs = Long.MAX_VALUE;
        if (function.flushDueAtMs() <= nowMs) {
            function.flush();
        }
        // A batch begun after this timer was set is due later.
        scheduleDue();
    }

    /** The operator's output, flushing the function before a watermark passes. */
    private static final class FlushBeforeWatermarks<OUT> implements Output<StreamRecord<OUT>> {

        private final Output<StreamRecord<OUT>> output;
        private final BatchedFunction<OUT> function;

        FlushBeforeWatermarks(Output<StreamRecord<OUT>> output, BatchedFunction<OUT> function) {
            this.output = output;
            this.function = function;
        }

        @Override
        public void emitWatermark(Watermark mark) {
            function.flush();
            output.emitWatermark(mark);
        }

        @Override
        public void emitWatermark(WatermarkEvent watermark) {
            function.flush();
            output.emitWatermark(watermark);
        }

        @Override
        public void emitWatermarkStatus(WatermarkStatus status) {
            output.emitWatermarkStatus(status);
        }

        @Override
        public <X> void collect(OutputTag<X> tag, StreamRecord<X> record) {
            output.collect(tag, record);
        }

        @Override
        public void emitLatencyMarker(LatencyMarker marker) {
            output.emitLatencyMarker(marker);
        }

        @Override
        public void emitRecordAttributes(RecordAttributes attributes) {
            output.emitRecordAttributes(attributes);
        }

        @Override
        public void collect(StreamRecord<OUT> record) {
            output.collect(record);
        }

        @Override
        public void close() {
            output.close();
        }
    }
}
