package dev.quiver.io.flink;

import dev.quiver.io.Traced;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;

/**
 * Judges lateness within one input, in its own order: a record whose event time is more than
 * {@code maxOutOfOrdernessMs} behind the latest before it is a dead letter, and every other one
 * passes. That is exactly the rule of the bounded-out-of-orderness watermark put after it, so no
 * record that passes can be behind a watermark downstream, where the watermarks of several inputs
 * meet at whatever pace each is read: which records are late depends on the input's order alone,
 * the same in every run.
 *
 * <p>For a bounded input read by one reader in order (a file), with parallelism 1 and chained to
 * it. The latest time is a field, not state: file runs have no checkpoints, and a failure reruns
 * them from the start.
 *
 * <pre>{@code
 * vectors.process(new LateInInputFunction<>(1000, eventTime))
 *         .setParallelism(1)
 *         .assignTimestampsAndWatermarks(
 *                 WatermarkStrategy.<Traced<VectorEvent>>forBoundedOutOfOrderness(
 *                                 Duration.ofMillis(1000))
 *                         .withTimestampAssigner(eventTime));
 * }</pre>
 *
 * @param <T> the record type
 */
public final class LateInInputFunction<T> extends ProcessFunction<Traced<T>, Traced<T>> {

    private final long maxOutOfOrdernessMs;
    private final SerializableTimestampAssigner<Traced<T>> eventTime;

    private transient boolean any;
    private transient long latest;
    private transient OperatorMetrics metrics;

    /**
     * @param maxOutOfOrdernessMs how far behind the latest time a record may be; not negative
     * @param eventTime a record's event time in epoch milliseconds
     */
    public LateInInputFunction(
            long maxOutOfOrdernessMs, SerializableTimestampAssigner<Traced<T>> eventTime) {
        if (maxOutOfOrdernessMs < 0) {
            throw new IllegalArgumentException(
                    "maxOutOfOrdernessMs must not be negative, got " + maxOutOfOrdernessMs);
        }
        this.maxOutOfOrdernessMs = maxOutOfOrdernessMs;
        this.eventTime = eventTime;
    }

    @Override
    public void open(OpenContext openContext) {
        any = false;
        // Comparing event times with the watermark is plain-Java bookkeeping: no compute
        // capability covers it.
        metrics =
                OperatorMetrics.register(
                        getRuntimeContext().getMetricGroup(), OperatorMetrics.PLAIN_JAVA);
    }

    @Override
    public void processElement(Traced<T> traced, Context ctx, Collector<Traced<T>> out) {
        long arrivedNanos = metrics.eventIn();
        long ts = eventTime.extractTimestamp(traced, Long.MIN_VALUE);
        if (any && isBehind(ts)) {
            metrics.deadLetter();
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.of(
                            traced.origin,
                            "late record: event time "
                                    + Instant.ofEpochMilli(ts)
                                    + " is more than "
                                    + maxOutOfOrdernessMs
                                    + " ms behind "
                                    + Instant.ofEpochMilli(latest)
                                    + ", the latest before it in its input"));
            return;
        }
        latest = any ? Math.max(latest, ts) : ts;
        any = true;
        out.collect(traced);
        metrics.eventOut(System.nanoTime() - arrivedNanos);
    }

    /** ts &lt; latest - maxOutOfOrdernessMs, without overflow: a wrapped difference is huge. */
    private boolean isBehind(long ts) {
        long behind = latest - ts;
        return ts < latest && (behind > maxOutOfOrdernessMs || behind < 0);
    }
}
