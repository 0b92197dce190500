package dev.quiver.io.flink;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.List;

/**
 * A non-keyed broadcast operator whose function micro-batches its kernel calls ({@link
 * BatchedFunction}) over the records of the first input, flushed when full, when due, before every
 * checkpoint barrier ({@link #prepareSnapshotPreBarrier}: no waiting entry is outside the
 * snapshot), before every watermark, and at the end of the input ({@link #finish}). What a
 * broadcast element changes (a new model) the function must apply to the entries that arrive after
 * it only; it flushes the waiting ones first. Broadcast and operator state are those of Flink's
 * {@link CoBroadcastWithNonKeyedOperator}, so a savepoint of either restores into the other.
 *
 * <pre>{@code
 * observations.connect(models.broadcast())
 *         .transform("score", TypeInformation.of(Score.class),
 *                 new MicroBatchBroadcastOperator<>(scoreFunction, List.of(ScoreFunction.MODELS)))
 *         .uid("score");
 * }</pre>
 *
 * @param <IN1> the records batched
 * @param <IN2> the broadcast records
 * @param <OUT> the results
 */
public final class MicroBatchBroadcastOperator<IN1, IN2, OUT>
        extends CoBroadcastWithNonKeyedOperator<IN1, IN2, OUT> {

    private static final long serialVersionUID = 1L;

    private transient BatchFlusher<OUT> flusher;

    /**
     * @param function the function, batching its kernel calls
     * @param broadcastStates the broadcast state it reads and writes
     */
    public <F extends BroadcastProcessFunction<IN1, IN2, OUT> & BatchedFunction<OUT>>
            MicroBatchBroadcastOperator(F function, List<MapStateDescriptor<?, ?>> broadcastStates) {
        super(function, broadcastStates);
    }

    @Override
    public void open() throws Exception {
        flusher = BatchFlusher.ofUserFunction(getUserFunction(), output, getProcessingTimeService());
        output = flusher.flushingOutput();
        super.open();
    }

    @Override
    public void processElement1(StreamRecord<IN1> element) throws Exception {
        super.processElement1(element);
        flusher.scheduleDue();
    }

    @Override
    public void processElement2(StreamRecord<IN2> element) throws Exception {
        super.processElement2(element);
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
