package dev.quiver.bayes.flink;

import dev.quiver.bayes.BayesModels;
import dev.quiver.bayes.BayesObservation;
import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.ChangePointDetector;
import dev.quiver.bayes.ConjugatePosterior;
import dev.quiver.bayes.PosteriorStateFormat;
import dev.quiver.bayes.PrequentialUpdate;
import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.BatchPolicy;
import dev.quiver.io.flink.BatchedFunction;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.KernelState;
import dev.quiver.io.flink.MicroBatch;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
import dev.quiver.io.flink.OperatorMetrics;
import dev.quiver.schema.ChangePoint;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * The bayes operator: per key, keeps the posterior's state bytes in keyed state, updates it with
 * each observation through the kernel and emits {@link PosteriorUpdate}s.
 *
 * <p>Each valid observation of a key goes through the kernel's {@link PrequentialUpdate}: forget
 * ({@code --decay}), score ({@code logPredictive}, summed per key into {@code logScore}), learn,
 * and with {@code --window N} unlearn the key's observation from N observations ago, which this
 * function keeps in keyed state. The key's state is then written, and a result emitted as {@code --emit} says: after
 * every observation, every N-th, or on a processing-time timer at most once per interval (the
 * latest posterior, only if it changed).
 *
 * <p>State of record, all keyed: the kernel's headered bytes ({@link PosteriorStateFormat}); a
 * {@link KeyProgress} (observation count, running log score, what an interval emission needs); with
 * a window, the window's observations by sequence number. A restored key whose bytes were written
 * with another prior or configuration fails the job with a message, never a silent mix.
 *
 * <p>Observations arrive already checked by {@link ObservationValidator}; what only the key's state
 * can judge (a Dirichlet key beyond {@code --max-categories}) is dead-lettered here with the
 * original bytes, which is why the input is {@link Traced}.
 *
 * <p>With {@code --global}, every observation added or evicted also updates its key group's partial
 * posterior ({@link GlobalPartials}, operator state, union-redistributed). Changed partials go to
 * the {@link #PARTIALS} side output at most once per {@code --global-interval-ms} on
 * processing-time timers (and when the input ends), where {@link GlobalPosteriorFunction} merges
 * the latest partial of every key group into the global posterior.
 *
 * <p>With {@code --changepoint} (normal only), each key also has a {@link ChangePointDetector}
 * (Adams and MacKay's run-length posterior) in keyed state, fed every observation of the key
 * whatever the window or forgetting do to the posterior, and each result carries its {@code
 * changepoint}: the most probable run length and P(run length &lt; w), the change signal.
 *
 * <p>Bounded inputs: processing-time timers do not fire once the input has ended, so every key with
 * pending output also holds an event-time timer at {@code Long.MAX_VALUE}, which the final
 * watermark fires: pending interval emissions and unsent partials go out before the job finishes.
 *
 * <p><b>Micro-batches.</b> Every state change happens on the record's arrival, under its key, in
 * arrival order: the update (forget, score, learn, unlearn), the window, the change-point detector,
 * the partials, dead letters. What waits ({@link PosteriorEmissions}, up to {@code --batch-size}
 * results across keys, at most {@code --batch-timeout-ms}) is the result: the key's posterior as
 * that observation left it, summarized with every other waiting one at the flush. Interval
 * emissions wait alike. The function runs in a {@link MicroBatchKeyedOperator}, which flushes
 * before every checkpoint barrier and watermark and at the end of the input, so the results, their
 * order and exactly-once are those of an unbatched run ({@code latencyMs}, which includes the wait,
 * aside).
 *
 * <pre>{@code
 * SingleOutputStreamOperator<PosteriorUpdate> updates = observations
 *     .keyBy(traced -> traced.record.getKey())
 *     .transform("bayes", TypeInformation.of(PosteriorUpdate.class),
 *             new MicroBatchKeyedOperator<>(
 *                     new BayesFunction(options, new BatchPolicy(256, 100))));
 * DataStream<KeyGroupPartial[]> partials = updates.getSideOutput(BayesFunction.PARTIALS);
 * }</pre>
 */
public final class BayesFunction
        extends KeyedProcessFunction<String, Traced<Observation>, PosteriorUpdate>
        implements CheckpointedFunction, BatchedFunction<PosteriorUpdate> {

    /**
     * The state types, each a Flink POJO: their serializers' snapshots and bytes are pinned by
     * golden files, so a field rename cannot silently break a restore.
     */
    static final TypeInformation<KeyProgress> PROGRESS_TYPE =
            TypeInformation.of(KeyProgress.class);

    static final TypeInformation<WindowEntry> WINDOW_ENTRY_TYPE =
            TypeInformation.of(WindowEntry.class);

    /** A windowed key's observations by their sequence number (only when a window is set). */
    static final MapStateDescriptor<Long, WindowEntry> WINDOW =
            new MapStateDescriptor<>("window", Types.LONG, WINDOW_ENTRY_TYPE);

    static final TypeInformation<KeyGroupPartial> PARTIAL_TYPE =
            TypeInformation.of(KeyGroupPartial.class);

    /** Side output of changed key-group partial posteriors, for the global merge. */
    public static final OutputTag<KeyGroupPartial[]> PARTIALS =
            new OutputTag<>("bayes-global-partials", Types.OBJECT_ARRAY(PARTIAL_TYPE));

    /** The event time of the timer the final watermark of a bounded input fires. */
    private static final long END_OF_INPUT = Long.MAX_VALUE;

    /** {@link KeyProgress#emitDueAt} when no interval emission is pending. */
    private static final long NOT_DUE = 0;

    /**
     * A key's bookkeeping beside its posterior. A Flink POJO, so fields can be added later with
     * state schema evolution.
     */
    public static final class KeyProgress {
        /** Observations added to the key so far (not only those in its window). */
        public long observations;

        /** Sum of every observation's log predictive density before it was added. */
        public double logScore;

        /** Processing time at which a pending interval emission is due; 0 when none is. */
        public long emitDueAt;

        /** Id of the latest observation, for an interval emission. */
        public String lastId;

        /** Event time of the latest observation, epoch milliseconds. */
        public long lastTs;

        /** Log predictive density of the latest observation. */
        public double lastLogPredictive;

        /** Processing time at which the latest observation arrived. */
        public long lastArrivalMs;

        /** After the latest observation, with change points: the most probable run length. */
        public long changeMapRunLength;

        /** After the latest observation: P(run length &lt; --short-run-window). */
        public double changeProbShortRun;

        /** After the latest observation: the run-length mass truncated so far. */
        public double changeTruncatedMass;

        /** For Flink's POJO serializer. */
        public KeyProgress() {}
    }

    /** One observation in a key's window: the fields the kernels read. A Flink POJO. */
    public static final class WindowEntry {
        /** The observed value. */
        public double value;

        /** The features, empty when none. */
        public double[] features;

        /** The category, or null. */
        public String category;

        /** For Flink's POJO serializer. */
        public WindowEntry() {}

        static WindowEntry of(BayesObservation observation) {
            WindowEntry entry = new WindowEntry();
            entry.value = observation.value();
            entry.features = observation.features();
            entry.category = observation.category();
            return entry;
        }

        BayesObservation toKernel() {
            return new BayesObservation(value, features, category);
        }
    }

    private final BayesOptions options;
    private final BatchPolicy batchPolicy;

    /** Forget, score, learn, unlearn: the kernel's order of a key's updates. */
    private transient PrequentialUpdate rule;

    private transient ValueState<byte[]> posteriorState;
    private transient ValueState<KeyProgress> progressState;
    private transient MapState<Long, WindowEntry> windowState;
    private transient ListState<KeyGroupPartial> partialsState;

    private transient ValueState<byte[]> detectorState;

    /** The keys' change-point detectors; null without {@code --changepoint}. */
    private transient ChangePointStage changePoints;

    /** The subtask's key-group partials; null without {@code --global}. */
    private transient GlobalPartials partials;

    private transient int maxParallelism;
    private transient long lastFlushAt;

    /** The empty posterior's bytes, whose preamble every restored key must match. */
    private transient byte[] priorBytes;

    private transient Counter observationsAdded;
    private transient OperatorMetrics metrics;
    private transient Counter evictions;
    private transient Counter partialsSent;

    /** The results waiting for the next flush. */
    private transient PosteriorEmissions emissions;

    private transient TimestampedCollector<PosteriorUpdate> flushOutput;
    private transient LongSupplier clock;

    /**
     * Each result emitted on its own, unbatched ({@link BatchPolicy#UNBATCHED}).
     *
     * @param options the model, prior, forgetting or window, emission and global settings
     */
    public BayesFunction(BayesOptions options) {
        this(options, BatchPolicy.UNBATCHED);
    }

    /**
     * @param options the model, prior, forgetting or window, emission and global settings
     * @param batchPolicy how many results wait, and how long, for one flush
     */
    public BayesFunction(BayesOptions options, BatchPolicy batchPolicy) {
        this.options = options;
        this.batchPolicy = batchPolicy;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        if (!options.global()) {
            return;
        }
        partialsState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>("global-partials", PARTIAL_TYPE));
        partials = new GlobalPartials(options);
        // Union state hands every subtask every partial; each keeps those of its own key groups,
        // the groups whose keys (and windows) it now holds, so rescaling stays exact.
        TaskInfo task = getRuntimeContext().getTaskInfo();
        KeyGroupRange own =
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                        task.getMaxNumberOfParallelSubtasks(),
                        task.getNumberOfParallelSubtasks(),
                        task.getIndexOfThisSubtask());
        for (KeyGroupPartial partial : partialsState.get()) {
            if (own.contains(partial.keyGroup)) {
                partials.restore(partial);
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (partials != null) {
            partialsState.update(partials.snapshot());
        }
    }

    @Override
    public void open(OpenContext openContext) {
        BatchedFunction.requireFlushOutput(
                flushOutput,
                this,
                "results",
                "MicroBatchKeyedOperator (KeyedStream.transform)");
        rule = PrequentialUpdate.of(options);
        posteriorState = getRuntimeContext().getState(KernelState.value("posterior"));
        progressState =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("progress", PROGRESS_TYPE));
        if (rule.hasWindow()) {
            windowState = getRuntimeContext().getMapState(WINDOW);
        }
        if (options.changepoint()) {
            detectorState = getRuntimeContext().getState(KernelState.value("changepoint"));
            changePoints = new ChangePointStage(options);
        }
        maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        priorBytes = options.newPosterior().toBytes();
        MetricGroup group = getRuntimeContext().getMetricGroup();
        // Conjugate updates are a few floating-point operations per observation, in plain Java:
        // no compute capability covers them, so "java" is the backend that really runs.
        metrics = OperatorMetrics.register(group, OperatorMetrics.PLAIN_JAVA);
        observationsAdded = group.counter("observations");
        evictions = group.counter("windowEvictions");
        partialsSent = group.counter("globalPartialsSent");
        emissions =
                new PosteriorEmissions(
                        batchPolicy, flushOutput, metrics, group.counter("posteriorUpdates"));
    }

    @Override
    public void processElement(
            Traced<Observation> traced, Context ctx, Collector<PosteriorUpdate> out)
            throws Exception {
        long arrivedNanos = metrics.eventIn();
        Observation observation = traced.record;
        String key = ctx.getCurrentKey();
        BayesObservation x = ObservationAdapter.toKernel(observation);
        ConjugatePosterior posterior = posterior(key);
        String reason = posterior.invalidReason(x);
        if (reason != null) {
            deadLetter(ctx, traced.origin, reason);
            return;
        }
        ChangePointDetector detector = null;
        if (changePoints != null) {
            detector = changePoints.detector(detectorState.value());
            reason = detector.invalidReason(x);
            if (reason != null) {
                deadLetter(ctx, traced.origin, reason);
                return;
            }
        }
        KeyProgress progress = progressState.value();
        if (progress == null) {
            progress = new KeyProgress();
        }
        double logPredictive = rule.add(posterior, x);
        long ts = observation.getTs().toEpochMilli();
        int keyGroup = -1;
        if (partials != null) {
            keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
            if (partials.update(keyGroup, x, ts)) {
                // Registered in this key's context, so the timer moves with the key group.
                scheduleAfter(ctx, options.globalIntervalMs());
            }
        }
        if (windowState != null) {
            slide(progress.observations, x, posterior, keyGroup);
        }
        ChangePoint changePoint = null;
        if (detector != null) {
            changePoint = changePoints.update(detector, x);
            detectorState.update(detector.toBytes());
            progress.changeMapRunLength = changePoint.getMapRunLength();
            progress.changeProbShortRun = changePoint.getProbShortRun();
            progress.changeTruncatedMass = changePoint.getTruncatedMass();
        }
        progress.observations++;
        progress.logScore += logPredictive;
        posteriorState.update(posterior.toBytes());
        observationsAdded.inc();

        if (options.emitsOnInterval()) {
            progress.lastId = observation.getId();
            progress.lastTs = ts;
            progress.lastLogPredictive = logPredictive;
            progress.lastArrivalMs = ctx.timerService().currentProcessingTime();
            if (progress.emitDueAt == NOT_DUE) {
                progress.emitDueAt = scheduleAfter(ctx, options.emitIntervalMs());
            }
        } else if (progress.observations % options.emitEvery() == 0) {
            // No later record changes this posterior: the next one of the key restores a copy.
            enqueue(
                    new PosteriorEmissions.Emission(
                            key,
                            posterior,
                            observation.getId(),
                            ts,
                            logPredictive,
                            progress.logScore,
                            changePoint,
                            arrivedNanos,
                            ctx.timestamp()));
        }
        progressState.update(progress);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PosteriorUpdate> out)
            throws Exception {
        boolean endOfInput = ctx.timeDomain() == TimeDomain.EVENT_TIME;
        long now = ctx.timerService().currentProcessingTime();
        if (options.emitsOnInterval()) {
            KeyProgress progress = progressState.value();
            // A timer of this key may also be a global-send timer, or an emission timer made
            // stale by an earlier emission: only a due emission goes out.
            if (progress != null
                    && progress.emitDueAt != NOT_DUE
                    && (endOfInput || progress.emitDueAt <= timestamp)) {
                // The latency runs from the latest observation's arrival; the result has the
                // timer's stream timestamp as a KeyedProcessOperator gives it: event-time
                // timers their time, processing-time timers none.
                enqueue(
                        new PosteriorEmissions.Emission(
                                ctx.getCurrentKey(),
                                posterior(ctx.getCurrentKey()),
                                progress.lastId,
                                progress.lastTs,
                                progress.lastLogPredictive,
                                progress.logScore,
                                changePoints == null
                                        ? null
                                        : new ChangePoint(
                                                progress.changeMapRunLength,
                                                progress.changeProbShortRun,
                                                options.shortRunWindow(),
                                                progress.changeTruncatedMass),
                                System.nanoTime() - (now - progress.lastArrivalMs) * 1_000_000,
                                endOfInput ? timestamp : null));
                progress.emitDueAt = NOT_DUE;
                progressState.update(progress);
            }
        }
        // A key group that changed registered a timer at least one interval after its change, and
        // any send takes every changed group: so at that timer either the change went out, or no
        // send happened since and one is due. Other timers send no more often than the interval.
        if (partials != null
                && partials.hasUnsent()
                && (endOfInput || now >= lastFlushAt + options.globalIntervalMs())) {
            ctx.output(PARTIALS, partials.takeUnsent());
            partialsSent.inc();
            lastFlushAt = now;
        }
    }

    /**
     * Adds {@code added} to the key's window under {@code sequence} and evicts the observation that
     * falls out of it from the posterior and the key group's partial.
     */
    private void slide(
            long sequence, BayesObservation added, ConjugatePosterior posterior, int keyGroup)
            throws Exception {
        windowState.put(sequence, WindowEntry.of(added));
        long oldest = rule.evictedSequence(sequence);
        if (oldest == PrequentialUpdate.NONE) {
            return;
        }
        BayesObservation evicted = windowState.get(oldest).toKernel();
        windowState.remove(oldest);
        rule.evict(posterior, evicted);
        if (partials != null) {
            partials.revert(keyGroup, evicted);
        }
        evictions.inc();
    }

    /**
     * Registers a processing-time timer {@code delayMs} from now and, for a bounded input that ends
     * first, the end-of-input timer; returns the processing-time timer's time.
     */
    private static long scheduleAfter(Context ctx, long delayMs) {
        long due = ctx.timerService().currentProcessingTime() + delayMs;
        ctx.timerService().registerProcessingTimeTimer(due);
        ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
        return due;
    }

    /** The key's posterior from state, or the prior for a new key. */
    private ConjugatePosterior posterior(String key) throws IOException {
        byte[] bytes = posteriorState.value();
        if (bytes == null) {
            return options.newPosterior();
        }
        if (!BayesModels.sameConfiguration(priorBytes, bytes)) {
            throw new IllegalStateException(
                    "the state of key '"
                            + key
                            + "' was written with another model, prior or configuration than this"
                            + " job's options; restore with the options it was written with");
        }
        return options.restore(bytes);
    }

    @Override
    public void openBatch(
            TimestampedCollector<PosteriorUpdate> out, LongSupplier processingTimeMs) {
        flushOutput = out;
        clock = processingTimeMs;
    }

    @Override
    public MicroBatch<?> waiting() {
        return emissions.waiting();
    }

    @Override
    public void flushWaiting(int count) {
        emissions.flushWaiting(count);
    }

    /** Adds a result to the batch, flushing the batch when it is full. */
    private void enqueue(PosteriorEmissions.Emission emission) {
        if (emissions.add(emission, clock.getAsLong())) {
            flush();
        }
    }

    private void deadLetter(Context ctx, RawRecord origin, String reason) {
        metrics.deadLetter();
        ctx.output(DeadLetters.TAG, DeadLetters.of(origin, reason));
    }
}
