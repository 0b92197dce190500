package dev.quiver.bayes.flink;

import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.ConjugatePosterior;
import dev.quiver.io.flink.KernelState;
import dev.quiver.io.flink.OperatorMetrics;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The global merge of {@code --global}: keeps the latest partial posterior of every key group (from
 * {@link BayesFunction#PARTIALS}) and, for each batch of changed partials, emits their merge, the
 * posterior of every key's current data, with key {@code "*"} and scope {@code global}.
 *
 * <p>Exact: each key group's partial is the prior plus exactly its keys' data, a group belongs to
 * one subtask at a time, and {@code merge} adds data, so the merge of the latest partials is the
 * posterior of the union, for any parallelism and after restores or rescaling. Partials are merged
 * in key-group order, so the same partials always give the same bits. Runs keyed by the constant
 * {@link #KEY} at parallelism 1; its state is the partials by key group (at most the maximum
 * parallelism of them) and the latest event time.
 *
 * <pre>{@code
 * updates.getSideOutput(BayesFunction.PARTIALS)
 *     .keyBy(batch -> GlobalPosteriorFunction.KEY, Types.STRING)
 *     .process(new GlobalPosteriorFunction(options))
 *     .setParallelism(1);
 * }</pre>
 */
public final class GlobalPosteriorFunction
        extends KeyedProcessFunction<String, KeyGroupPartial[], PosteriorUpdate> {

    /** The key of the global posterior, and of this function's one key. */
    public static final String KEY = PosteriorUpdates.GLOBAL_KEY;

    private final BayesOptions options;

    private transient MapState<Integer, byte[]> partials;
    private transient ValueState<Long> maxTs;
    private transient Counter globalUpdates;
    private transient OperatorMetrics metrics;

    /**
     * @param options the model and prior, the same the bayes operator runs with
     */
    public GlobalPosteriorFunction(BayesOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext openContext) {
        partials = getRuntimeContext().getMapState(KernelState.map("partials", Types.INT));
        maxTs = getRuntimeContext().getState(new ValueStateDescriptor<>("max-ts", Types.LONG));
        globalUpdates = getRuntimeContext().getMetricGroup().counter("globalUpdates");
        // Merging key-group partials is plain-Java bookkeeping: no compute capability covers it.
        metrics =
                OperatorMetrics.register(
                        getRuntimeContext().getMetricGroup(), OperatorMetrics.PLAIN_JAVA);
    }

    @Override
    public void processElement(KeyGroupPartial[] batch, Context ctx, Collector<PosteriorUpdate> out)
            throws Exception {
        long arrivedNanos = metrics.eventIn();
        Long previous = maxTs.value();
        long ts = previous == null ? Long.MIN_VALUE : previous;
        for (KeyGroupPartial partial : batch) {
            partials.put(partial.keyGroup, partial.state);
            ts = Math.max(ts, partial.maxTs);
        }
        maxTs.update(ts);

        List<Integer> keyGroups = new ArrayList<>();
        for (Integer keyGroup : partials.keys()) {
            keyGroups.add(keyGroup);
        }
        Collections.sort(keyGroups);
        ConjugatePosterior global = options.newPosterior();
        for (Integer keyGroup : keyGroups) {
            global.merge(options.restore(partials.get(keyGroup)));
        }
        long latencyNanos = System.nanoTime() - arrivedNanos;
        out.collect(
                PosteriorUpdates.builder(KEY, global.summarize())
                        .setTs(Instant.ofEpochMilli(ts))
                        .setScope(PosteriorUpdates.GLOBAL_SCOPE)
                        .setLatencyMs(latencyNanos / 1_000_000)
                        .build());
        globalUpdates.inc();
        metrics.eventOut(latencyNanos);
    }
}
