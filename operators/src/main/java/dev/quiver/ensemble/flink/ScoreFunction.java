package dev.quiver.ensemble.flink;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.ensemble.EnsembleModel;
import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.JavaForestKernel;
import dev.quiver.ensemble.ModelFormatException;
import dev.quiver.ensemble.ScoreBuffer;
import dev.quiver.io.DecodeException;
import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordDecoder;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.BatchPolicy;
import dev.quiver.io.flink.BatchedFunction;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.GpuIndex;
import dev.quiver.io.flink.MicroBatch;
import dev.quiver.io.flink.MicroBatchBroadcastOperator;
import dev.quiver.io.flink.OperatorMetrics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.Score;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * The score operator: scores each observation's {@code features} with the version of one model in
 * use when the observation is processed, and takes new versions from the broadcast models input
 * (raw {@link ModelUpdate}s, decoded here), so every subtask switches at once, between two
 * observations.
 *
 * <p><b>Start.</b> Observations are held until the models input has been read up to where it
 * ended when the job started ({@link ModelsInput#endAtStart()}), then scored in arrival order: a
 * model published before the start scores every observation, whichever input the job reads faster.
 * Every record of the models input counts, also one that is a dead letter, so the end is reached
 * whatever it holds. At most {@link ModelsInput#maxHeldObservations()} are held per subtask;
 * further ones are dead letters.
 *
 * <p><b>State.</b> The update in use (its model bytes, not the parsed trees) is the one entry of
 * the broadcast state {@link #MODELS}, so it is checkpointed and restored with the job; the parsed
 * model is a cache, rebuilt from those bytes when the version in state differs from it (after a
 * restore). Before any update, the model given at construction (version 0) is used. The broadcast
 * state {@link #MODEL_OFFSETS} keeps the offset of the last models record read per partition, and
 * the held observations are operator state: in one checkpoint with the sources' offsets, so after
 * a restore the held observations are still held, and the models read before the checkpoint still
 * count towards the end at the new start (the models source resumes past them). A snapshot written
 * before the offsets were recorded has none to compare, and scores at once.
 *
 * <p><b>Dead letters.</b> An observation whose feature count differs from the model's, or with NaN
 * where the model has no rule for missing values, or scored before any model exists, or beyond the
 * bound of held observations. An update that cannot be decoded, does not parse or is refused
 * ({@link ModelFormatException}, with its reason), has an unknown format, or is not newer than the
 * version in use: the version in use stays. Every subtask judges each update identically (as
 * broadcast state requires), and only subtask 0 emits its dead letter, so a bad update is reported
 * once. Updates for other model ids are ignored.
 *
 * <p><b>Micro-batches.</b> An observation that can be scored waits, its features already checked
 * and copied into a row block, in a {@link MicroBatch} ({@link BatchPolicy}: {@code --batch-size},
 * {@code --batch-timeout-ms}); a flush scores the block in one {@link EnsembleModel#score} call and
 * emits the scores in arrival order. A new model version flushes the waiting rows before it takes
 * over, so each row is scored with the version in use when it arrived, as without batching. The
 * function runs in a {@link MicroBatchBroadcastOperator}, which flushes before every checkpoint
 * barrier: no waiting row is outside a snapshot. Latencies include the wait in the batch.
 *
 * <pre>{@code
 * observations
 *     .connect(rawModelUpdates.broadcast())
 *     .transform("score", TypeInformation.of(Score.class),
 *             new MicroBatchBroadcastOperator<>(
 *                     new ScoreFunction("churn", initialUpdate, modelsInput, batchPolicy),
 *                     List.of(ScoreFunction.MODELS)));
 * }</pre>
 */
public final class ScoreFunction
        extends BroadcastProcessFunction<Traced<Observation>, RawRecord, Score>
        implements CheckpointedFunction, BatchedFunction<Score> {

    private static final Logger LOG = LoggerFactory.getLogger(ScoreFunction.class);


    /** The broadcast state's value type, an Avro record; golden files pin its format. */
    static final TypeInformation<ModelUpdate> MODEL_UPDATE_TYPE =
            TypeInformation.of(ModelUpdate.class);

    /** The held observations' type, an Avro record with its origin; golden files pin its format. */
    static final TypeInformation<Traced<Observation>> OBSERVATION_TYPE =
            new TypeHint<Traced<Observation>>() {}.getTypeInfo();

    /** Broadcast state: model id to the update in use. */
    public static final MapStateDescriptor<String, ModelUpdate> MODELS =
            new MapStateDescriptor<>("models", Types.STRING, MODEL_UPDATE_TYPE);

    /** Broadcast state: partition of the models input to the offset of its last record read. */
    static final MapStateDescriptor<Integer, Long> MODEL_OFFSETS =
            new MapStateDescriptor<>("model-offsets", Types.INT, Types.LONG);

    /** Operator state: the observations held until the models input is read to its start end. */
    static final ListStateDescriptor<Traced<Observation>> HELD =
            new ListStateDescriptor<>("held-observations", OBSERVATION_TYPE);

    private final String modelId;
    private final ModelUpdate initial;
    private final ModelsInput models;
    private final BatchPolicy batchPolicy;
    private final String backendName;

    /** An observation waiting for its batch's flush; its features are its row of the block. */
    private record Waiting(Observation record, long startNanos, Long timestamp) {}

    private transient RecordDecoder<ModelUpdate> decoder;
    private transient BroadcastState<Integer, Long> modelOffsets;
    private transient Map<Integer, Long> lastRead;
    private transient ListState<Traced<Observation>> heldState;
    private transient List<Traced<Observation>> held;
    private transient boolean modelsReadToStartEnd;
    private transient EnsembleModel model;
    private transient long modelVersion;
    private transient ScoreBuffer buffer;
    private transient float[] rows;
    private transient MicroBatch<Waiting> batch;
    private transient TimestampedCollector<Score> flushOutput;
    private transient LongSupplier clock;
    private transient Counter scores;
    private transient OperatorMetrics metrics;
    private transient Counter swaps;
    private transient ComputeBackend backend;

    /**
     * @param modelId the id of the model scored; updates for other ids are ignored
     * @param initial the update in use until a newer one arrives (null: none, observations are dead
     *     letters until one arrives); it must load
     * @param models how the models input is encoded and where it ended at the start
     */
    public ScoreFunction(String modelId, ModelUpdate initial, ModelsInput models) {
        this(modelId, initial, models, BatchPolicy.UNBATCHED, JavaForestKernel.BACKEND);
    }

    /**
     * @param modelId the id of the model scored; updates for other ids are ignored
     * @param initial the update in use until a newer one arrives (null: none, observations are dead
     *     letters until one arrives); it must load
     * @param models how the models input is encoded and where it ended at the start
     * @param backend the compute backend whose forests score ({@code ComputeBackends.byName})
     */
    public ScoreFunction(String modelId, ModelUpdate initial, ModelsInput models, String backend) {
        this(modelId, initial, models, BatchPolicy.UNBATCHED, backend);
    }

    /**
     * @param modelId the id of the model scored; updates for other ids are ignored
     * @param initial the update in use until a newer one arrives (null: none, observations are dead
     *     letters until one arrives); it must load
     * @param models how the models input is encoded and where it ended at the start
     * @param batchPolicy how many rows wait, and how long, for one scoring call
     */
    public ScoreFunction(
            String modelId, ModelUpdate initial, ModelsInput models, BatchPolicy batchPolicy) {
        this(modelId, initial, models, batchPolicy, JavaForestKernel.BACKEND);
    }

    /**
     * @param modelId the id of the model scored; updates for other ids are ignored
     * @param initial the update in use until a newer one arrives (null: none, observations are dead
     *     letters until one arrives); it must load
     * @param models how the models input is encoded and where it ended at the start
     * @param batchPolicy how many rows wait, and how long, for one scoring call
     * @param backend the compute backend whose forests score ({@code ComputeBackends.byName}): a
     *     backend without forests of its own scores with {@code java}'s, and the {@code backend}
     *     metric names the one that really runs
     */
    public ScoreFunction(
            String modelId,
            ModelUpdate initial,
            ModelsInput models,
            BatchPolicy batchPolicy,
            String backend) {
        this.backendName = ComputeBackends.requireKnown(backend);
        this.modelId = modelId;
        this.initial = initial;
        this.models = models;
        this.batchPolicy = batchPolicy;
        if (initial != null) {
            load(initial);
        }
    }

    @Override
    public void openBatch(TimestampedCollector<Score> out, LongSupplier processingTimeMs) {
        flushOutput = out;
        clock = processingTimeMs;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        OperatorStateStore store = context.getOperatorStateStore();
        // Asked before the state is registered: a restored snapshot lists the states it holds.
        boolean offsetsRestored =
                store.getRegisteredBroadcastStateNames().contains(MODEL_OFFSETS.getName());
        modelOffsets = store.getBroadcastState(MODEL_OFFSETS);
        lastRead = new HashMap<>();
        for (Map.Entry<Integer, Long> partition : modelOffsets.entries()) {
            lastRead.put(partition.getKey(), partition.getValue());
        }
        heldState = store.getListState(HELD);
        held = new ArrayList<>();
        for (Traced<Observation> observation : heldState.get()) {
            held.add(observation);
        }
        // A snapshot without the offsets comes from before they were recorded: its models source
        // resumes past what it read, so waiting would wait for records that never come again.
        modelsReadToStartEnd =
                (context.isRestored() && !offsetsRestored)
                        || models.endAtStart().isReachedBy(lastRead);
        if (!modelsReadToStartEnd) {
            LOG.info(
                    "Holding observations until the models input is read up to {} (read: {})",
                    models.endAtStart(),
                    lastRead);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        heldState.update(held);
    }

    @Override
    public void open(OpenContext openContext) {
        BatchedFunction.requireFlushOutput(
                flushOutput,
                this,
                "rows",
                "MicroBatchBroadcastOperator (ConnectedStreams.transform)");
        batch = new MicroBatch<>(batchPolicy);
        decoder = RecordDecoder.of(ModelUpdate.class, models.format(), models.maxBytes());
        modelVersion = -1;
        var group = getRuntimeContext().getMetricGroup();
        scores = group.counter("scores");
        backend = ComputeBackends.byName(backendName, GpuIndex.of(getRuntimeContext()));
        metrics =
                OperatorMetrics.register(group, backend.forests().backend())
                        .withBackendCounters(() -> backend);
        swaps = group.counter("modelSwaps");
        group.gauge("heldObservations", (Gauge<Integer>) () -> held.size());
    }

    @Override
    public void close() throws Exception {
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    public void processElement(
            Traced<Observation> traced, ReadOnlyContext ctx, Collector<Score> out)
            throws Exception {
        metrics.eventIn();
        if (!modelsReadToStartEnd) {
            hold(traced, ctx);
            return;
        }
        ModelUpdate current = ctx.getBroadcastState(MODELS).get(modelId);
        if (!held.isEmpty()) {
            // Left by a restore that found the models input already read that far: first.
            release(
                    current,
                    (origin, reason) -> ctx.output(DeadLetters.TAG, counted(origin, reason)));
        }
        String reason = score(traced, current, ctx.timestamp());
        if (reason != null) {
            ctx.output(DeadLetters.TAG, counted(traced.origin, reason));
        }
    }

    @Override
    public void processBroadcastElement(RawRecord raw, Context ctx, Collector<Score> out)
            throws Exception {
        Long read = lastRead.get(raw.partition);
        if (read == null || raw.offset > read) {
            lastRead.put(raw.partition, raw.offset);
            modelOffsets.put(raw.partition, raw.offset);
        }
        apply(raw, ctx);
        if (!modelsReadToStartEnd && models.endAtStart().isReachedBy(lastRead)) {
            modelsReadToStartEnd = true;
            LOG.info(
                    "Models input read up to {}; scoring the {} held observations",
                    models.endAtStart(),
                    held.size());
            release(
                    ctx.getBroadcastState(MODELS).get(modelId),
                    (origin, reason) -> ctx.output(DeadLetters.TAG, counted(origin, reason)));
        }
    }

    /** Decodes and judges one update: in use from now on, ignored, or a dead letter. */
    private void apply(RawRecord raw, Context ctx) throws Exception {
        ModelUpdate update;
        try {
            update = decoder.decode(raw.payload);
        } catch (DecodeException e) {
            rejectUpdate(ctx, raw, e.getMessage());
            return;
        }
        if (!update.getModelId().equals(modelId)) {
            return;
        }
        BroadcastState<String, ModelUpdate> state = ctx.getBroadcastState(MODELS);
        ModelUpdate current = state.get(modelId);
        long inUse =
                current != null
                        ? current.getVersion()
                        : initial != null ? initial.getVersion() : -1;
        if (update.getVersion() <= inUse) {
            rejectUpdate(
                    ctx,
                    raw,
                    named(update.getVersion()) + " is not newer than version " + inUse + " in use");
            return;
        }
        if (!EnsembleModels.FORMATS.contains(update.getFormat())) {
            rejectUpdate(
                    ctx,
                    raw,
                    "unknown model format '"
                            + update.getFormat()
                            + "'; known: "
                            + EnsembleModels.FORMATS);
            return;
        }
        EnsembleModel loaded;
        try {
            loaded = load(update);
        } catch (ModelFormatException e) {
            rejectUpdate(ctx, raw, named(update.getVersion()) + ": " + e.getMessage());
            return;
        }
        state.put(modelId, update);
        use(update, loaded);
        swaps.inc();
    }

    /** Every subtask judges an update alike; only subtask 0 reports it, so it is reported once. */
    private void rejectUpdate(Context ctx, RawRecord raw, String reason) {
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            ctx.output(DeadLetters.TAG, counted(raw, reason));
        }
    }

    private void hold(Traced<Observation> traced, ReadOnlyContext ctx) {
        if (held.size() < models.maxHeldObservations()) {
            held.add(traced);
            return;
        }
        ctx.output(
                DeadLetters.TAG,
                counted(
                        traced.origin,
                        "the models input is not read yet up to where it ended at the start, and "
                        + models.maxHeldObservations()
                        + " observations are held already (--max-held-observations, the bound"
                                + " on a subtask's memory and checkpoints while it waits)"));
    }

    /**
     * Scores the held observations in arrival order with {@code current} (or the initial model),
     * handing those that cannot be scored to {@code rejected} with the reason.
     */
    private void release(ModelUpdate current, BiConsumer<RawRecord, String> rejected) {
        for (Traced<Observation> traced : held) {
            // Held records carry no stream timestamp: they leave the operator long after arrival.
            String reason = score(traced, current, null);
            if (reason != null) {
                rejected.accept(traced.origin, reason);
            }
        }
        held.clear();
    }

    /**
     * Queues one observation to be scored with {@code current} (the initial model when null);
     * returns why it cannot be scored, or null when it was queued.
     */
    private String score(Traced<Observation> traced, ModelUpdate current, Long timestamp) {
        long startNanos = System.nanoTime();
        if (current == null) {
            current = initial;
        }
        if (current == null) {
            return "no model '" + modelId + "' has been published yet";
        }
        if (model == null || current.getVersion() != modelVersion) {
            use(current, load(current));
        }
        List<Double> features = traced.record.getFeatures();
        int featureCount = model.featureCount();
        if (features.size() != featureCount) {
            return named(modelVersion)
                    + " takes "
                    + model.featureCount()
                    + " features, got "
                    + features.size();
        }
        int offset = batch.size() * featureCount;
        if (rows.length < offset + featureCount) {
            rows = Arrays.copyOf(rows, Math.max(rows.length * 2, offset + featureCount));
        }
        for (int f = 0; f < featureCount; f++) {
            float x = features.get(f).floatValue();
            rows[offset + f] = x;
            if (x != x && !model.acceptsMissing()) {
                return "feature "
                        + f
                        + " is NaN and "
                        + named(modelVersion)
                        + " has no rule for missing values";
            }
        }
        if (batch.add(new Waiting(traced.record, startNanos, timestamp), clock.getAsLong())) {
            flush();
        }
        return null;
    }

    @Override
    public MicroBatch<?> waiting() {
        return batch;
    }

    /** Scores the waiting rows in one call, with the model they arrived under, in arrival order. */
    @Override
    public void flushWaiting(int count) {
        if (buffer.rowCapacity() < count) {
            buffer = model.newBuffer(Math.max(count, Math.min(batchPolicy.size(), 2 * count)));
        }
        model.score(rows, count, model.featureCount(), buffer);
        scores.inc(count);
        for (int i = 0; i < count; i++) {
            Waiting waiting = batch.get(i);
            long latencyNanos = System.nanoTime() - waiting.startNanos();
            Score score = toScore(waiting.record(), i, latencyNanos / 1_000_000);
            BatchedFunction.collectAt(flushOutput, waiting.timestamp(), score);
            metrics.eventOut(latencyNanos);
        }
    }

    private static EnsembleModel load(ModelUpdate update) {
        ByteBuffer payload = update.getPayload().duplicate();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return EnsembleModels.fromBytes(bytes);
    }

    /** Takes {@code loaded} into use, once the rows waiting for the one in use are scored. */
    private void use(ModelUpdate update, EnsembleModel loaded) {
        flush();
        // Scored through the backend's forests: the same bits as the model's own loop.
        model = loaded.scoredBy(backend.forests());
        modelVersion = update.getVersion();
        buffer = model.newBuffer(1);
        rows = new float[loaded.featureCount()];
    }

    /** "model 'ID' version N", as the reasons name a version. */
    private String named(long version) {
        return "model '" + modelId + "' version " + version;
    }

    /** The dead letter of {@code origin}, counted. */
    private DeadLetter counted(RawRecord origin, String reason) {
        metrics.deadLetter();
        return DeadLetters.of(origin, reason);
    }

    private Score toScore(Observation observation, int row, long latencyMs) {
        List<Double> margins = new ArrayList<>(buffer.marginCount());
        for (int k = 0; k < buffer.marginCount(); k++) {
            margins.add(buffer.margin(row, k));
        }
        List<Double> probabilities = new ArrayList<>(buffer.classCount());
        for (int k = 0; k < buffer.classCount(); k++) {
            probabilities.add(buffer.probability(row, k));
        }
        return Score.newBuilder()
                .setId(observation.getId())
                .setKey(observation.getKey())
                .setTs(observation.getTs())
                .setModelId(modelId)
                .setModelVersion(modelVersion)
                .setMargin(margins)
                .setProbabilities(probabilities)
                .setPrediction(buffer.prediction(row))
                .setLatencyMs(latencyMs)
                .build();
    }

    /**
     * A model update for {@code bytes}, as {@code quiver publish-model} and {@code --model} make
     * them.
     */
    public static ModelUpdate update(String modelId, long version, byte[] bytes, Instant ts) {
        return ModelUpdate.newBuilder()
                .setModelId(modelId)
                .setVersion(version)
                .setFormat(EnsembleModels.formatOf(bytes))
                .setPayload(ByteBuffer.wrap(bytes))
                .setTs(ts)
                .build();
    }
}
