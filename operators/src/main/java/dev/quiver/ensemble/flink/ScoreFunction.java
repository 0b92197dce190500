package dev.quiver.ensemble.flink;

import dev.quiver.ensemble.EnsembleModel;
import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.ModelFormatException;
import dev.quiver.ensemble.ScoreBuffer;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.OperatorMetrics;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.Score;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The score operator: scores each observation's {@code features} with the version of one model in
 * use when the observation is processed, and takes new versions from a broadcast stream of {@link
 * ModelUpdate}s, so every subtask switches at once, between two observations.
 *
 * <p><b>State.</b> The update in use (its model bytes, not the parsed trees) is the one entry of
 * the broadcast state {@link #MODELS}, so it is checkpointed and restored with the job; the parsed
 * model is a cache, rebuilt from those bytes when the version in state differs from it (after a
 * restore). Before any update, the model given at construction (version 0) is used.
 *
 * <p><b>Dead letters.</b> An observation whose feature count differs from the model's, or with NaN
 * where the model has no rule for missing values, or arriving before any model exists. An update
 * that does not parse or is refused ({@link ModelFormatException}, with its reason), has an unknown
 * format, or is not newer than the version in use: the version in use stays. Every subtask judges
 * each update identically (as broadcast state requires), and only subtask 0 emits its dead letter,
 * so a bad update is reported once. Updates for other model ids are ignored.
 *
 * <pre>{@code
 * observations
 *     .connect(models.broadcast(ScoreFunction.MODELS))
 *     .process(new ScoreFunction("churn", initialUpdate))
 *     .returns(Score.class);
 * }</pre>
 */
public final class ScoreFunction
        extends BroadcastProcessFunction<Traced<Observation>, Traced<ModelUpdate>, Score> {

    /** The broadcast state's value type, an Avro record; golden files pin its format. */
    static final TypeInformation<ModelUpdate> MODEL_UPDATE_TYPE =
            TypeInformation.of(ModelUpdate.class);

    /** Broadcast state: model id to the update in use. */
    public static final MapStateDescriptor<String, ModelUpdate> MODELS =
            new MapStateDescriptor<>("models", Types.STRING, MODEL_UPDATE_TYPE);

    private final String modelId;
    private final ModelUpdate initial;

    private transient EnsembleModel model;
    private transient long modelVersion;
    private transient ScoreBuffer buffer;
    private transient float[] row;
    private transient Counter scores;
    private transient OperatorMetrics metrics;
    private transient Counter swaps;

    /**
     * @param modelId the id of the model scored; updates for other ids are ignored
     * @param initial the update in use until a newer one arrives (null: none, observations are dead
     *     letters until one arrives); it must load
     */
    public ScoreFunction(String modelId, ModelUpdate initial) {
        this.modelId = modelId;
        this.initial = initial;
        if (initial != null) {
            load(initial);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        modelVersion = -1;
        scores = getRuntimeContext().getMetricGroup().counter("scores");
        metrics = OperatorMetrics.register(getRuntimeContext().getMetricGroup(), "java");
        swaps = getRuntimeContext().getMetricGroup().counter("modelSwaps");
    }

    @Override
    public void processElement(
            Traced<Observation> traced, ReadOnlyContext ctx, Collector<Score> out)
            throws Exception {
        long arrivedNanos = metrics.eventIn();
        ModelUpdate current = ctx.getBroadcastState(MODELS).get(modelId);
        if (current == null) {
            current = initial;
        }
        if (current == null) {
            reject(ctx, traced, "no model '" + modelId + "' has been published yet");
            return;
        }
        if (model == null || current.getVersion() != modelVersion) {
            use(current, load(current));
        }
        List<Double> features = traced.record.getFeatures();
        if (features.size() != model.featureCount()) {
            reject(
                    ctx,
                    traced,
                    "model '"
                            + modelId
                            + "' version "
                            + modelVersion
                            + " takes "
                            + model.featureCount()
                            + " features, got "
                            + features.size());
            return;
        }
        for (int f = 0; f < row.length; f++) {
            row[f] = features.get(f).floatValue();
            if (row[f] != row[f] && !model.acceptsMissing()) {
                reject(
                        ctx,
                        traced,
                        "feature "
                                + f
                                + " is NaN and model '"
                                + modelId
                                + "' version "
                                + modelVersion
                                + " has no rule for missing values");
                return;
            }
        }
        model.score(row, 1, row.length, buffer);
        scores.inc();
        long latencyNanos = System.nanoTime() - arrivedNanos;
        out.collect(toScore(traced.record, latencyNanos / 1_000_000));
        metrics.eventOut(latencyNanos);
    }

    @Override
    public void processBroadcastElement(
            Traced<ModelUpdate> traced, Context ctx, Collector<Score> out) throws Exception {
        ModelUpdate update = traced.record;
        if (!update.getModelId().equals(modelId)) {
            return;
        }
        BroadcastState<String, ModelUpdate> state = ctx.getBroadcastState(MODELS);
        ModelUpdate current = state.get(modelId);
        long inUse =
                current != null
                        ? current.getVersion()
                        : initial != null ? initial.getVersion() : -1;
        String reason = null;
        EnsembleModel loaded = null;
        if (update.getVersion() <= inUse) {
            reason =
                    "model '"
                            + modelId
                            + "' version "
                            + update.getVersion()
                            + " is not newer than version "
                            + inUse
                            + " in use";
        } else if (!EnsembleModels.FORMATS.contains(update.getFormat())) {
            reason = "unknown model format '" + update.getFormat() + "'; known: " + EnsembleModels.FORMATS;
        } else {
            try {
                loaded = load(update);
            } catch (ModelFormatException e) {
                reason =
                        "model '"
                                + modelId
                                + "' version "
                                + update.getVersion()
                                + ": "
                                + e.getMessage();
            }
        }
        if (reason != null) {
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                metrics.deadLetter();
                ctx.output(DeadLetters.TAG, DeadLetters.of(traced.origin, reason));
            }
            return;
        }
        state.put(modelId, update);
        use(update, loaded);
        swaps.inc();
    }

    private static EnsembleModel load(ModelUpdate update) {
        ByteBuffer payload = update.getPayload().duplicate();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return EnsembleModels.fromBytes(bytes);
    }

    private void use(ModelUpdate update, EnsembleModel loaded) {
        model = loaded;
        modelVersion = update.getVersion();
        buffer = loaded.newBuffer(1);
        row = new float[loaded.featureCount()];
    }

    private void reject(ReadOnlyContext ctx, Traced<Observation> traced, String reason) {
        metrics.deadLetter();
        ctx.output(DeadLetters.TAG, DeadLetters.of(traced.origin, reason));
    }

    private Score toScore(Observation observation, long latencyMs) {
        List<Double> margins = new ArrayList<>(buffer.marginCount());
        for (int k = 0; k < buffer.marginCount(); k++) {
            margins.add(buffer.margin(0, k));
        }
        List<Double> probabilities = new ArrayList<>(buffer.classCount());
        for (int k = 0; k < buffer.classCount(); k++) {
            probabilities.add(buffer.probability(0, k));
        }
        return Score.newBuilder()
                .setId(observation.getId())
                .setKey(observation.getKey())
                .setTs(observation.getTs())
                .setModelId(modelId)
                .setModelVersion(modelVersion)
                .setMargin(margins)
                .setProbabilities(probabilities)
                .setPrediction(buffer.prediction(0))
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
