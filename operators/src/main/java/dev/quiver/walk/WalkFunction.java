package dev.quiver.walk;

import dev.quiver.io.OperatorMetrics;
import dev.quiver.schema.HistogramBin;
import dev.quiver.schema.Observation;
import dev.quiver.schema.WalkSummary;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The walk operator: per key, numbers the observations in keyed state and, when the trigger says
 * so, simulates {@code paths} walks of {@code steps} steps from the observation's value and emits a
 * {@link WalkSummary}.
 *
 * <p>The random stream of a simulation is that of (job seed, key, the observation's number within
 * its key), so a replay after a restore, any parallelism and any batching reproduce every summary
 * bit for bit; the {@code seed} field spells these coordinates out. Keyed state is two longs: the
 * next observation number, and the event time of the last simulation (for interval triggers).
 * Observations reach this function validated by {@link WalkObservationValidator}.
 *
 * <pre>{@code
 * observations.keyBy(Observation::getKey).process(new WalkFunction(options));
 * }</pre>
 */
public final class WalkFunction extends KeyedProcessFunction<String, Observation, WalkSummary> {

    private final WalkOptions options;
    private transient ValueState<Long> nextSequence;
    private transient ValueState<Long> lastSimulatedTs;
    private transient Counter simulations;
    private transient OperatorMetrics metrics;
    private transient WalkSpec spec;
    private transient WalkExact exact;
    private transient WalkSimulator simulator;
    private transient long[] keyHashes;
    private transient long[] sequences;
    private transient double[] starts;
    private transient WalkResult[] results;

    /**
     * @param options the simulation settings
     */
    public WalkFunction(WalkOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext openContext) {
        nextSequence =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("nextSequence", Types.LONG));
        lastSimulatedTs =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("lastSimulatedTs", Types.LONG));
        simulations = getRuntimeContext().getMetricGroup().counter("walkSimulations");
        metrics = OperatorMetrics.register(getRuntimeContext().getMetricGroup(), "java");
        spec = options.spec();
        exact = WalkExact.of(spec);
        simulator = new JavaWalkSimulator();
        keyHashes = new long[1];
        sequences = new long[1];
        starts = new double[1];
        results = new WalkResult[] {new WalkResult()};
    }

    @Override
    public void processElement(Observation observation, Context ctx, Collector<WalkSummary> out)
            throws Exception {
        long arrivedNanos = System.nanoTime();
        metrics.eventIn();
        Long stored = nextSequence.value();
        long sequence = stored == null ? 0 : stored;
        nextSequence.update(sequence + 1);
        long ts = observation.getTs().toEpochMilli();
        Long last = lastSimulatedTs.value();
        if (!options.triggers(sequence, ts, last == null ? Long.MIN_VALUE : last)) {
            return;
        }
        lastSimulatedTs.update(ts);
        keyHashes[0] = WalkStream.keyHash(observation.getKey());
        sequences[0] = sequence;
        starts[0] = observation.getValue();
        simulator.simulate(spec, options.seed(), keyHashes, sequences, starts, 1, results);
        simulations.inc();
        long latencyNanos = System.nanoTime() - arrivedNanos;
        out.collect(toSummary(observation, results[0], sequence, latencyNanos / 1_000_000));
        metrics.eventOut(latencyNanos);
    }

    private WalkSummary toSummary(
            Observation observation, WalkResult result, long sequence, long latencyMs) {
        Map<String, Double> quantiles = new LinkedHashMap<>();
        for (double probability : WalkExact.QUANTILE_PROBABILITIES) {
            quantiles.put(Double.toString(probability), result.quantile(probability));
        }
        List<HistogramBin> histogram = new ArrayList<>(result.binCount());
        for (int i = 0; i < result.binCount(); i++) {
            histogram.add(new HistogramBin(result.binLevel(i), result.binPaths(i)));
        }
        Map<String, Double> exactValues = new LinkedHashMap<>();
        Map<String, Double> simulatedValues = new LinkedHashMap<>();
        Map<String, Double> zScores = new LinkedHashMap<>();
        for (WalkEstimate estimate : exact.estimates(result)) {
            putIfFinite(simulatedValues, estimate.name(), estimate.simulated());
            putIfFinite(exactValues, estimate.name(), estimate.exact());
            putIfFinite(zScores, estimate.name(), estimate.zScore());
        }
        double hit = result.hitProbability();
        return WalkSummary.newBuilder()
                .setKey(observation.getKey())
                .setId(observation.getId())
                .setTs(observation.getTs())
                .setSteps(spec.steps())
                .setPaths(spec.paths())
                .setMean(result.mean())
                .setVariance(result.variance())
                .setQuantiles(quantiles)
                .setHistogram(histogram)
                .setHitProbability(Double.isNaN(hit) ? null : hit)
                .setExact(exactValues)
                .setSimulated(simulatedValues)
                .setZScores(zScores)
                .setSeed(coordinates(observation.getKey(), result.keyHash(), sequence))
                .setLatencyMs(latencyMs)
                .build();
    }

    /** Avro maps hold no NaN honestly and JSON none at all: an unknown value is left out. */
    private static void putIfFinite(Map<String, Double> map, String name, double value) {
        if (Double.isFinite(value)) {
            map.put(name, value);
        }
    }

    private String coordinates(String key, long keyHash, long sequence) {
        return "philox4x32-10 seed="
                + options.seed()
                + " key="
                + key
                + " keyHash="
                + Long.toHexString(keyHash)
                + " sequence="
                + sequence
                + " model="
                + spec.model()
                + " barrier="
                + spec.barrier();
    }
}
