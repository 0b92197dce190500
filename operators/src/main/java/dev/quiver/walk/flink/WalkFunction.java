package dev.quiver.walk.flink;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.WalkKernel;
import dev.quiver.compute.WalkTallies;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.OperatorMetrics;
import dev.quiver.schema.HistogramBin;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.JavaWalkKernel;
import dev.quiver.walk.WalkEstimate;
import dev.quiver.walk.WalkExact;
import dev.quiver.walk.WalkLaws;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkOptions;
import dev.quiver.walk.WalkSpec;
import dev.quiver.walk.WalkStream;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
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
 * bit for bit; the {@code seed} field spells these coordinates out, and the step law. The step law
 * is the job's model, or the one a {@link WalkStart} carries (the posterior predictive that {@link
 * StepPosteriorFunction} learned for exactly that observation).
 *
 * <p>Count triggers simulate on arrival. The interval trigger keeps, per key and event-time
 * interval, the interval's latest observation (largest event time, ties to the later arrival) in
 * keyed state with an event-time timer at the interval's last millisecond ({@link
 * WalkOptions#intervalLastMs}): when the watermark passes it, that observation is simulated, so the
 * last observations of a key get their summary too. At the end of a bounded input the final
 * watermark fires every pending interval. The timers are in the checkpoint with the pending
 * observations, so a restore neither loses nor repeats an interval. An observation whose interval
 * the watermark has already closed is late: it still takes its number, and becomes a dead letter
 * (which observations are late depends on how far the watermark got, so only input within the
 * allowed out-of-orderness is deterministic).
 *
 * <p>Each simulation holds at most {@code --max-memory-mb} ({@link WalkOptions#maxMemoryBytes}):
 * the simulator runs a real-valued walk whose paths' values would not fit in passes, with the same
 * result; what fits neither way {@link WalkStartFunction} has already made a dead letter.
 *
 * <p>Keyed state: the next observation number; with the interval trigger, the pending observations
 * by interval. The latency of an interval summary runs from the timer, not from the observation's
 * arrival. Observations reach this function validated by {@link WalkStartFunction}.
 *
 * <pre>{@code
 * starts.keyBy(start -> start.observation.getKey()).process(new WalkFunction(options));
 * }</pre>
 */
public final class WalkFunction extends KeyedProcessFunction<String, WalkStart, WalkSummary> {

    /**
     * The interval's latest observation, waiting for the watermark to close its interval: the
     * fields a simulation and its summary need. A Flink POJO.
     */
    public static final class Pending {
        /** The observation's number within its key. */
        public long sequence;

        /** The observation's id, or null. */
        public String id;

        /** The observation's event time, epoch milliseconds. */
        public long tsMs;

        /** The start level. */
        public double start;

        /** The learned step law's location. */
        public double location;

        /** The learned step law's scale. */
        public double scale;

        /** The learned step law's degrees of freedom; NaN for the job's model. */
        public double dof;

        /** For Flink's POJO serializer. */
        public Pending() {}
    }

    /**
     * The pending observations' state type, a Flink POJO whose serializer snapshot and bytes are
     * pinned by golden files.
     */
    static final TypeInformation<Pending> PENDING_TYPE = TypeInformation.of(Pending.class);

    /** The quantiles every summary reports, {@link WalkExact#QUANTILE_PROBABILITIES}. */
    private static final double[] QUANTILE_PROBABILITIES =
            WalkExact.QUANTILE_PROBABILITIES.stream().mapToDouble(Double::doubleValue).toArray();

    private final WalkOptions options;
    private final String backendName;
    private transient ValueState<Long> nextSequence;
    private transient MapState<Long, Pending> pending;
    private transient Counter simulations;
    private transient OperatorMetrics metrics;
    private transient WalkSpec spec;
    private transient WalkExact exact;
    private transient ComputeBackend backend;
    private transient WalkKernel walks;
    private transient long[] keyHashes;
    private transient long[] sequences;
    private transient double[] starts;
    private transient WalkTallies tallies;

    /**
     * @param options the simulation settings
     */
    public WalkFunction(WalkOptions options) {
        this(options, JavaWalkKernel.BACKEND);
    }

    /**
     * @param options the simulation settings
     * @param backend the compute backend whose walks simulate ({@code ComputeBackends.byName}):
     *     a backend without walks of its own simulates with {@code java}'s, and the {@code backend}
     *     metric names the one that really runs
     */
    public WalkFunction(WalkOptions options, String backend) {
        this.options = options;
        this.backendName = ComputeBackends.requireKnown(backend);
    }

    @Override
    public void open(OpenContext openContext) {
        nextSequence =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("nextSequence", Types.LONG));
        if (options.triggersOnInterval()) {
            pending =
                    getRuntimeContext()
                            .getMapState(
                                    new MapStateDescriptor<>(
                                            "pending",
                                            Types.LONG,
                                            PENDING_TYPE));
        }
        simulations = getRuntimeContext().getMetricGroup().counter("walkSimulations");
        backend = ComputeBackends.byName(backendName);
        walks = backend.walks();
        metrics = OperatorMetrics.register(getRuntimeContext().getMetricGroup(), walks.backend());
        spec = options.spec();
        exact = WalkExact.of(spec);
        keyHashes = new long[1];
        sequences = new long[1];
        starts = new double[1];
        tallies = new WalkTallies(QUANTILE_PROBABILITIES);
    }

    @Override
    public void close() throws Exception {
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    public void processElement(WalkStart start, Context ctx, Collector<WalkSummary> out)
            throws Exception {
        long arrivedNanos = metrics.eventIn();
        Long stored = nextSequence.value();
        long sequence = stored == null ? 0 : stored;
        nextSequence.update(sequence + 1);
        long ts = start.observation.getTs().toEpochMilli();
        if (!options.triggersOnInterval()) {
            if (options.countTriggers(sequence)) {
                simulate(
                        ctx.getCurrentKey(),
                        start.observation.getId(),
                        ts,
                        start.observation.getValue(),
                        start.location,
                        start.scale,
                        start.dof,
                        sequence,
                        arrivedNanos,
                        out);
            }
            return;
        }
        long intervalLast = options.intervalLastMs(ts);
        long watermark = ctx.timerService().currentWatermark();
        if (intervalLast <= watermark) {
            metrics.deadLetter();
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.of(
                            start.origin,
                            "late observation: event time "
                                    + ts
                                    + " is in the trigger interval ending at "
                                    + intervalLast
                                    + ", already closed by the watermark "
                                    + watermark));
            return;
        }
        Pending latest = pending.get(intervalLast);
        if (latest == null) {
            ctx.timerService().registerEventTimeTimer(intervalLast);
        } else if (ts < latest.tsMs) {
            return;
        }
        pending.put(intervalLast, pending(start, sequence, ts));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WalkSummary> out)
            throws Exception {
        Pending due = pending.get(timestamp);
        pending.remove(timestamp);
        simulate(
                ctx.getCurrentKey(),
                due.id,
                due.tsMs,
                due.start,
                due.location,
                due.scale,
                due.dof,
                due.sequence,
                System.nanoTime(),
                out);
    }

    private static Pending pending(WalkStart start, long sequence, long ts) {
        Pending p = new Pending();
        p.sequence = sequence;
        p.id = start.observation.getId();
        p.tsMs = ts;
        p.start = start.observation.getValue();
        p.location = start.location;
        p.scale = start.scale;
        p.dof = start.dof;
        return p;
    }

    private void simulate(
            String key,
            String id,
            long ts,
            double start,
            double location,
            double scale,
            double dof,
            long sequence,
            long arrivedNanos,
            Collector<WalkSummary> out) {
        WalkSpec eventSpec = spec;
        WalkExact eventExact = exact;
        if (!Double.isNaN(dof)) {
            // A learned law differs per event; its exact values (moments only) cost O(1).
            eventSpec = options.spec(WalkModel.studentT(location, scale, dof));
            eventExact = WalkExact.of(eventSpec);
        }
        keyHashes[0] = WalkStream.keyHash(key);
        sequences[0] = sequence;
        starts[0] = start;
        // WalkStartFunction has already refused what cannot fit, so this never throws for memory.
        walks.simulate(
                WalkLaws.of(eventSpec, options.maxMemoryBytes()),
                options.seed(),
                keyHashes,
                sequences,
                starts,
                1,
                tallies);
        simulations.inc();
        long latencyNanos = System.nanoTime() - arrivedNanos;
        out.collect(
                toSummary(
                        key,
                        id,
                        ts,
                        eventSpec,
                        eventExact,
                        start,
                        keyHashes[0],
                        sequence,
                        latencyNanos / 1_000_000));
        metrics.eventOut(latencyNanos);
    }

    private WalkSummary toSummary(
            String key,
            String id,
            long ts,
            WalkSpec eventSpec,
            WalkExact eventExact,
            double start,
            long keyHash,
            long sequence,
            long latencyMs) {
        Map<String, Double> quantiles = new LinkedHashMap<>();
        for (int j = 0; j < QUANTILE_PROBABILITIES.length; j++) {
            quantiles.put(Double.toString(QUANTILE_PROBABILITIES[j]), tallies.quantile(0, j));
        }
        List<HistogramBin> histogram = new ArrayList<>(tallies.binCount(0));
        for (int b = 0; b < tallies.binCount(0); b++) {
            histogram.add(new HistogramBin(tallies.binLevel(0, b), tallies.binPaths(0, b)));
        }
        Map<String, Double> exactValues = new LinkedHashMap<>();
        Map<String, Double> simulatedValues = new LinkedHashMap<>();
        Map<String, Double> zScores = new LinkedHashMap<>();
        for (WalkEstimate estimate : eventExact.estimates(tallies, 0, start)) {
            putIfFinite(simulatedValues, estimate.name(), estimate.simulated());
            putIfFinite(exactValues, estimate.name(), estimate.exact());
            putIfFinite(zScores, estimate.name(), estimate.zScore());
        }
        double hit = tallies.hitProbability(0);
        return WalkSummary.newBuilder()
                .setKey(key)
                .setId(id)
                .setTs(Instant.ofEpochMilli(ts))
                .setSteps(eventSpec.steps())
                .setPaths(eventSpec.paths())
                .setMean(tallies.mean(0))
                .setVariance(tallies.variance(0))
                .setQuantiles(quantiles)
                .setHistogram(histogram)
                .setHitProbability(Double.isNaN(hit) ? null : hit)
                .setExact(exactValues)
                .setSimulated(simulatedValues)
                .setZScores(zScores)
                .setSeed(coordinates(key, keyHash, sequence, eventSpec))
                .setLatencyMs(latencyMs)
                .build();
    }

    /** Avro maps hold no NaN honestly and JSON none at all: an unknown value is left out. */
    private static void putIfFinite(Map<String, Double> map, String name, double value) {
        if (Double.isFinite(value)) {
            map.put(name, value);
        }
    }

    private String coordinates(String key, long keyHash, long sequence, WalkSpec eventSpec) {
        return "philox4x32-10 seed="
                + options.seed()
                + " key="
                + key
                + " keyHash="
                + Long.toHexString(keyHash)
                + " sequence="
                + sequence
                + " model="
                + eventSpec.model()
                + " barrier="
                + eventSpec.barrier();
    }
}
