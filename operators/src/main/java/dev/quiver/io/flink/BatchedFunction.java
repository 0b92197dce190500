package dev.quiver.io.flink;

import org.apache.flink.streaming.api.operators.TimestampedCollector;

import java.util.function.LongSupplier;

/**
 * A Flink function whose records wait in a {@link MicroBatch} for one kernel call: it adds an
 * entry per record (flushing itself when the batch is full), and its operator ({@link
 * MicroBatchKeyedOperator}, {@link MicroBatchBroadcastOperator}) flushes it when the oldest entry is
 * due, before every checkpoint barrier and watermark, and at the end of the input.
 *
 * <pre>{@code
 * keyed.transform("walk", TypeInformation.of(WalkSummary.class),
 *         new MicroBatchKeyedOperator<>(new WalkFunction(options, policy)));
 * }</pre>
 *
 * @param <OUT> the results the flush emits
 */
public interface BatchedFunction<OUT> {

    /**
     * Called by the operator before the function is opened: where flushes emit (the function sets
     * each result's timestamp), and the operator's processing-time clock, in milliseconds.
     */
    void openBatch(TimestampedCollector<OUT> out, LongSupplier processingTimeMs);

    /** The entries waiting for the next kernel call; the function adds to it, a flush empties it. */
    MicroBatch<?> waiting();

    /** The processing time at which the oldest waiting entry is due; MAX_VALUE if none waits. */
    default long flushDueAtMs() {
        return waiting().dueAtMs();
    }

    /**
     * Runs the kernel once over the waiting entries, if any, emits their results in arrival order
     * ({@link #flushWaiting}), and empties the batch.
     */
    default void flush() {
        MicroBatch<?> batch = waiting();
        if (!batch.isEmpty()) {
            flushWaiting(batch.size());
            batch.clear();
        }
    }

    /**
     * Runs the kernel once over the {@code count >= 1} waiting entries and emits their results in
     * arrival order; {@link #flush} empties the batch afterwards.
     */
    void flushWaiting(int count);

    /**
     * Fails the opening of {@code function}, which batches its {@code what}, unless its operator
     * handed it a flush output ({@code flushOutput} not null, see {@link #openBatch}): run with
     * {@code process()} instead of in {@code operator}, nothing would ever flush it.
     *
     * @param operator the operator to run it in, and how, for the message
     */
    static void requireFlushOutput(
            Object flushOutput, BatchedFunction<?> function, String what, String operator) {
        if (flushOutput == null) {
            throw new IllegalStateException(
                    function.getClass().getSimpleName()
                            + " batches its "
                            + what
                            + ": run it in a "
                            + operator
                            + ", not with process()");
        }
    }

    /**
     * Emits {@code result} through {@code out} with the stream timestamp of the record it answers,
     * or none when that record had none: how every flush gives its results their timestamps.
     */
    static <OUT> void collectAt(TimestampedCollector<OUT> out, Long timestamp, OUT result) {
        if (timestamp == null) {
            out.eraseTimestamp();
        } else {
            out.setAbsoluteTimestamp(timestamp);
        }
        out.collect(result);
    }
}
