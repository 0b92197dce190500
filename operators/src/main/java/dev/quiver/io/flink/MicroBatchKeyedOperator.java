package dev.quiver.io.flink;

import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * A keyed process operator whose function micro-batches its kernel calls ({@link
 * BatchedFunction}), flushed when full, when due, before every checkpoint barrier ({@link
 * #prepareSnapshotPreBarrier}: no waiting entry is outside the snapshot, so exactly-once holds),
 * before every watermark, and at the end of the input ({@link #finish}).
 *
 * <p>The function updates its keyed state on each record's arrival, under that record's key as
 * Flink sets it, and a flush touches no keyed state: each key's state sees its records in arrival
 * order, and a snapshot taken after the flush holds the state of exactly the records whose results
 * were emitted. Keyed state, timers ({@code user-timers}) and the function are those of Flink's
 * {@link KeyedProcessOperator}, so a savepoint of either restores into the other.
 *
 * <pre>{@code
 * starts.keyBy(start -> start.observation.getKey())
 *       .transform("walk", TypeInformation.of(WalkSummary.class),
 *               new MicroBatchKeyedOperator<>(new WalkFunction(options, policy)))
 *       .uid("walk");
 * }</pre>
 *
 * @param <K> the key
 * @param <IN> the input records
 * @param <OUT> the results
 */
public final class MicroBatchKeyedOperator<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT> {

    private static final long serialVersionUID = 1L;

    private transient BatchFlusher<OUT> flusher;

    /**
     * @param function the keyed function, batching its kernel calls
     */
    public <F extends KeyedProcessFunction<K, IN, OUT> & BatchedFunction<OUT>>
            MicroBatchKeyedOperator(F function) {
        super(function);
    }

    @Override
    public void open() throws Exception {
        flusher = BatchFlusher.ofUserFunction(getUserFunction(), output, getProcessingTimeService());
        output = flusher.flushingOutput();
        super.open();
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        super.processElement(element);
        flusher.scheduleDue();
    }

    @Override
    public void onEventTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
        super.onEventTime(timer);
        flusher.scheduleDue();
    }

    @Override
    public void onProcessingTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
        super.onProcessingTime(timer);
        flusher.scheduleDue();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flusher.flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flusher.flush();
        super.finish();
    }
}
