package dev.quiver.bayes;

import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Map;

/**
 * The bayes operator: per key, keeps the posterior's state bytes in keyed state, updates it with
 * each observation through the kernel and emits a {@link PosteriorUpdate}.
 *
 * <p>State of record is the kernel's headered byte array ({@link PosteriorStateFormat}), so a
 * checkpoint holds only sufficient statistics and survives kernel upgrades. Observations reach this
 * function already validated by {@link ObservationValidator} in the decode step, which applies the
 * kernel's own rule.
 *
 * <pre>{@code
 * observations.keyBy(Observation::getKey).process(new BayesFunction(options));
 * }</pre>
 */
public final class BayesFunction
        extends KeyedProcessFunction<String, Observation, PosteriorUpdate> {

    private final BayesOptions options;
    private transient ValueState<byte[]> posteriorState;
    private transient Counter updates;

    /**
     * @param options the model and prior
     */
    public BayesFunction(BayesOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext openContext) {
        posteriorState =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "posterior",
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        updates = getRuntimeContext().getMetricGroup().counter("posteriorUpdates");
    }

    @Override
    public void processElement(Observation observation, Context ctx, Collector<PosteriorUpdate> out)
            throws Exception {
        long arrivedNanos = System.nanoTime();
        byte[] stateBytes = posteriorState.value();
        ConjugatePosterior posterior =
                stateBytes == null ? options.newPosterior() : options.restore(stateBytes);
        posterior.update(ObservationAdapter.toKernel(observation));
        posteriorState.update(posterior.toBytes());
        updates.inc();
        out.collect(
                toUpdate(
                        observation,
                        posterior.summarize(),
                        (System.nanoTime() - arrivedNanos) / 1_000_000));
    }

    private static PosteriorUpdate toUpdate(
            Observation observation, PosteriorSummary summary, long latencyMs) {
        return PosteriorUpdate.newBuilder()
                .setKey(observation.getKey())
                .setId(observation.getId())
                .setTs(observation.getTs())
                .setModel(summary.model())
                .setN(summary.n())
                .setParams(Map.copyOf(summary.params()))
                .setMean(summary.mean())
                .setVariance(summary.variance())
                .setCiLow(summary.ciLow())
                .setCiHigh(summary.ciHigh())
                .setMle(nullIfNaN(summary.mle()))
                .setMap(nullIfNaN(summary.map()))
                .setLatencyMs(latencyMs)
                .build();
    }

    private static Double nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
