package dev.quiver.walk.flink;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.WalkBatch;
import dev.quiver.compute.WalkKernel;
import dev.quiver.compute.WalkTallies;
import dev.quiver.io.flink.BatchPolicy;
import dev.quiver.io.flink.BatchedFunction;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.GpuIndex;
import dev.quiver.io.flink.MicroBatch;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
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
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

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
 * <p><b>Micro-batches.</b> A triggered simulation waits in a {@link MicroBatch} (the {@link
 * BatchPolicy}: {@code --batch-size}, {@code --batch-timeout-ms}) with every other key's, and a
 * flush runs them in one simulator call per run of observations with the same step law (the whole
 * batch for the job's model; a learned law is each observation's own), then emits the summaries in
 * arrival order. The observation number is
 * taken on arrival, and a random stream depends on (seed, key, number, path) only, so the summaries
 * are those of an unbatched run, bit for bit, whatever the batch size. The function runs in a
 * {@link MicroBatchKeyedOperator}, which flushes before every checkpoint barrier and watermark.
 *
 * <p>Keyed state: the next observation number; with the interval trigger, the pending observations
 * by interval. The latency of an interval summary runs from the timer, not from the observation's
 * arrival; every latency includes the wait in the batch. Observations reach this function
 * validated by {@link WalkStartFunction}.
 *
 * <pre>{@code
 * starts.keyBy(start -> start.observation.getKey())
 *       .transform("walk", TypeInformation.of(WalkSummary.class),
 *               new MicroBatchKeyedOperator<>(new WalkFunction(options, new BatchPolicy(256, 100))));
 * }</pre>
 */
public final class WalkFunction extends KeyedProcessFunction<String, WalkStart, WalkSummary>
        implements BatchedFunction<WalkSummary> {

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


    /** Each key's pending observation by the last millisecond of its interval. */
    static final MapStateDescriptor<Long, Pending> PENDING =
            new MapStateDescriptor<>("pending", Types.LONG, PENDING_TYPE);

    /** A triggered simulation waiting for its batch's flush: what its summary needs. */
    private record Simulation(
            String key,
            String id,
            long ts,
            double start,
            WalkSpec spec,
            WalkExact exact,
            long sequence,
            long arrivedNanos,
            Long timestamp) {}

    /** The quantiles every summary reports, {@link WalkExact#QUANTILE_PROBABILITIES}. */
    private static final double[] QUANTILE_PROBABILITIES =
            WalkExact.QUANTILE_PROBABILITIES.stream().mapToDouble(Double::doubleValue).toArray();

    private final WalkOptions options;
    private final String backendName;
    private final BatchPolicy batchPolicy;
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
    private transient MicroBatch<Simulation> batch;
    private transient TimestampedCollector<WalkSummary> flushOutput;
    private transient LongSupplier clock;

    /**
     * A walk simulated on each trigger, unbatched ({@link BatchPolicy#UNBATCHED}).
     *
     * @param options the simulation settings
     */
    public WalkFunction(WalkOptions options) {
        this(options, JavaWalkKernel.BACKEND, BatchPolicy.UNBATCHED);
    }

    /**
     * A walk simulated on each trigger by {@code backend}'s walks, unbatched.
     *
     * @param options the simulation settings
     * @param backend the compute backend whose walks simulate ({@code ComputeBackends.byName})
     */
    public WalkFunction(WalkOptions options, String backend) {
        this(options, backend, BatchPolicy.UNBATCHED);
    }

    /**
     * Walks simulated in micro-batches by the plain-Java kernel.
     *
     * @param options the simulation settings
     * @param batchPolicy how many triggered simulations wait, and how long, for one kernel call
     */
    public WalkFunction(WalkOptions options, BatchPolicy batchPolicy) {
        this(options, JavaWalkKernel.BACKEND, batchPolicy);
    }

    /**
     * @param options the simulation settings
     * @param backend the compute backend whose walks simulate ({@code ComputeBackends.byName}):
     *     a backend without walks of its own simulates with {@code java}'s, and the {@code backend}
     *     metric names the one that really runs
     * @param batchPolicy how many triggered simulations wait, and how long, for one kernel call
     */
    public WalkFunction(WalkOptions options, String backend, BatchPolicy batchPolicy) {
        this.options = options;
        this.backendName = ComputeBackends.requireKnown(backend);
        this.batchPolicy = batchPolicy;
    }

    @Override
    public void openBatch(TimestampedCollector<WalkSummary> out, LongSupplier processingTimeMs) {
        flushOutput = out;
        clock = processingTimeMs;
    }

    @Override
    public void open(OpenContext openContext) {
        BatchedFunction.requireFlushOutput(
                flushOutput,
                this,
                "simulations",
                "MicroBatchKeyedOperator (KeyedStream.transform)");
        nextSequence =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("nextSequence", Types.LONG));
        if (options.triggersOnInterval()) {
            pending = getRuntimeContext().getMapState(PENDING);
        }
        simulations = getRuntimeContext().getMetricGroup().counter("walkSimulations");
        backend = ComputeBackends.byName(backendName, GpuIndex.of(getRuntimeContext()));
        walks = backend.walks();
        metrics =
                OperatorMetrics.register(getRuntimeContext().getMetricGroup(), walks.backend())
                        .withBackendCounters(() -> backend);
        spec = options.spec();
        exact = WalkExact.of(spec);
        batch = new MicroBatch<>(batchPolicy);
        keyHashes = new long[0];
        sequences = new long[0];
        starts = new double[0];
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
                enqueue(
                        ctx.getCurrentKey(),
                        start.observation.getId(),
                        ts,
                        start.observation.getValue(),
                        start.location,
                        start.scale,
                        start.dof,
                        sequence,
                        arrivedNanos,
                        ctx.timestamp());
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
        enqueue(
                ctx.getCurrentKey(),
                due.id,
                due.tsMs,
                due.start,
                due.location,
                due.scale,
                due.dof,
                due.sequence,
                System.nanoTime(),
                timestamp);
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

    /** Adds a triggered simulation to the batch, flushing the batch when it is full. */
    private void enqueue(
            String key,
            String id,
            long ts,
            double start,
            double location,
            double scale,
            double dof,
            long sequence,
            long arrivedNanos,
            Long timestamp) {
        WalkSpec eventSpec = spec;
        WalkExact eventExact = exact;
        if (!Double.isNaN(dof)) {
            // A learned law differs per event; its exact values (moments only) cost O(1).
            eventSpec = options.spec(WalkModel.studentT(location, scale, dof));
            eventExact = WalkExact.of(eventSpec);
        }
        Simulation simulation =
                new Simulation(
                        key, id, ts, start, eventSpec, eventExact, sequence, arrivedNanos, timestamp);
        if (batch.add(simulation, clock.getAsLong())) {
            flush();
        }
    }

    @Override
    public MicroBatch<?> waiting() {
        return batch;
    }

    /**
     * Simulates the batch, one kernel call per run of simulations with the same step law (the
     * whole batch for the job's model), and emits the summaries in arrival order: runs are
     * consecutive, so emitting each run's summaries after its call keeps that order.
     */
    @Override
    public void flushWaiting(int count) {
        ensureCapacity(count);
        int first = 0;
        while (first < count) {
            WalkSpec law = batch.get(first).spec();
            int end = first + 1;
            while (end < count && batch.get(end).spec().equals(law)) {
                end++;
            }
            simulate(law, first, end);
            emit(first, end);
            first = end;
        }
    }

    /**
     * One kernel call for the waiting simulations {@code first} to {@code end - 1}, all of step
     * law {@code law}; simulation {@code first + k} lands at index {@code k} of the tallies.
     */
    private void simulate(WalkSpec law, int first, int end) {
        int n = end - first;
        for (int k = 0; k < n; k++) {
            Simulation s = batch.get(first + k);
            keyHashes[k] = WalkStream.keyHash(s.key());
            sequences[k] = s.sequence();
            starts[k] = s.start();
        }
        // WalkStartFunction has already refused what cannot fit, so this never throws for memory.
        walks.simulate(
                WalkLaws.of(law, options.maxMemoryBytes()),
                new WalkBatch(options.seed(), keyHashes, sequences, starts, n),
                tallies);
        simulations.inc(n);
    }

    /** The summaries of the run just simulated, with each observation's stream timestamp. */
    private void emit(int first, int end) {
        for (int k = 0; k < end - first; k++) {
            Simulation s = batch.get(first + k);
            long latencyNanos = System.nanoTime() - s.arrivedNanos();
            WalkSummary summary = toSummary(s, k, latencyNanos / 1_000_000);
            BatchedFunction.collectAt(flushOutput, s.timestamp(), summary);
            metrics.eventOut(latencyNanos);
        }
    }

    /** Room for {@code count} simulations in the kernel's arrays; grows only. */
    private void ensureCapacity(int count) {
        if (keyHashes.length >= count) {
            return;
        }
        keyHashes = new long[count];
        sequences = new long[count];
        starts = new double[count];
    }

    /** The summary of simulation {@code s}, whose statistics are at index {@code i} of the tallies. */
    private WalkSummary toSummary(Simulation s, int i, long latencyMs) {
        Map<String, Double> quantiles = new LinkedHashMap<>();
        for (int j = 0; j < QUANTILE_PROBABILITIES.length; j++) {
            quantiles.put(Double.toString(QUANTILE_PROBABILITIES[j]), tallies.quantile(i, j));
        }
        List<HistogramBin> histogram = new ArrayList<>(tallies.binCount(i));
        for (int b = 0; b < tallies.binCount(i); b++) {
            histogram.add(new HistogramBin(tallies.binLevel(i, b), tallies.binPaths(i, b)));
        }
        Map<String, Double> exactValues = new LinkedHashMap<>();
        Map<String, Double> simulatedValues = new LinkedHashMap<>();
        Map<String, Double> zScores = new LinkedHashMap<>();
        for (WalkEstimate estimate : s.exact().estimates(tallies, i, s.start())) {
            putIfFinite(simulatedValues, estimate.name(), estimate.simulated());
            putIfFinite(exactValues, estimate.name(), estimate.exact());
            putIfFinite(zScores, estimate.name(), estimate.zScore());
        }
        double hit = tallies.hitProbability(i);
        return WalkSummary.newBuilder()
                .setKey(s.key())
                .setId(s.id())
                .setTs(Instant.ofEpochMilli(s.ts()))
                .setSteps(s.spec().steps())
                .setPaths(s.spec().paths())
                .setMean(tallies.mean(i))
                .setVariance(tallies.variance(i))
                .setQuantiles(quantiles)
                .setHistogram(histogram)
                .setHitProbability(Double.isNaN(hit) ? null : hit)
                .setExact(exactValues)
                .setSimulated(simulatedValues)
                .setZScores(zScores)
                .setSeed(coordinates(s.key(), keyHashes[i], s.sequence(), s.spec()))
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
