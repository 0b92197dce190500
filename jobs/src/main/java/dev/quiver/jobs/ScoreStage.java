package dev.quiver.jobs;

import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.LoadLimits;
import dev.quiver.ensemble.flink.ScoreFunction;
import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordValidator;
import dev.quiver.io.Topics;
import dev.quiver.io.Traced;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.Score;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The score stage: observations' {@code features} scored by an ensemble model, one {@link Score}
 * per valid observation; new model versions published to the models topic replace the one in use
 * without stopping the job. Holds the family's options as a picocli mixin; {@link
 * JobRegistry#SCORE} makes it {@code quiver run score} and the main class {@link ScoreJob}.
 *
 * <pre>{@code
 * quiver run score --model churn.json --input obs.ndjson --output scores.ndjson
 * }</pre>
 */
public final class ScoreStage implements Stage {

    /** The largest model update decoded from the models topic or file. */
    static final int MAX_MODEL_BYTES = 64 << 20;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description =
                    "The model to start with (version 0): an XGBoost JSON or UBJSON file, or a"
                            + " quiver-ensemble composition (member files are read beside it and"
                            + " shipped with it). A newer version on the models topic replaces"
                            + " it. Without it, the job waits for --model-id on the models topic.")
    Path model;

    @Option(
            names = "--model-id",
            paramLabel = "ID",
            converter = ModelIdConverter.class,
            description =
                    "Id of the model scored (default: the --model file name without its"
                            + " extension; required without --model): 1 to 128 characters,"
                            + " without control characters or whitespace at its ends.")
    String modelId;

    @Mixin ObservationsInput observations;

    @Option(
            names = "--models",
            paramLabel = "FILE",
            description = "With --input: model updates (NDJSON ModelUpdate records) to apply.")
    Path modelsFile;

    final TopicOption modelsTopic =
            TopicOption.described(
                    "--models-topic",
                    Topics.MODELS,
                    "Model updates topic (default: ${DEFAULT-VALUE}).");

    final TopicOption scoresTopic = TopicOption.result("--scores-topic", Topics.SCORES);

    /** The --model file as version 0, read by {@link #check()}; null without --model. */
    private ModelUpdate initial;

    @Override
    public List<TopicOption> topics() {
        return List.of(observations.topic, modelsTopic, scoresTopic);
    }

    @Override
    public Map<String, Path> fileInputs() {
        Map<String, Path> files = observations.fileInputs();
        if (modelsFile != null) {
            files.put("--models", modelsFile);
        }
        return files;
    }

    /** Checks the model options and loads the --model file, refusing one that does not load. */
    @Override
    public void check() {
        initial = initialModel();
    }

    /** The id of the model scored. */
    String modelId() {
        if (modelId != null) {
            return modelId;
        }
        if (model == null) {
            throw new IllegalArgumentException(
                    "give --model FILE, or --model-id ID to wait for that model on the models"
                            + " topic");
        }
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String fromName = dot > 0 ? name.substring(0, dot) : name;
        String reason = ModelIdConverter.invalidReason(fromName);
        if (reason != null) {
            throw new IllegalArgumentException(
                    "give --model-id: the --model file name gives no model id, " + reason);
        }
        return fromName;
    }

    /**
     * The --model file as version 0, a composition's member files embedded so that the operators
     * never read files; refused here, before any job starts, if it does not load. Null without
     * --model: observations are dead letters until a version arrives on the models topic.
     */
    ModelUpdate initialModel() {
        if (model == null) {
            modelId();
            return null;
        }
        byte[] bytes;
        try {
            bytes = EnsembleModels.selfContained(model, LoadLimits.DEFAULTS);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read --model " + model + ": " + e.getMessage(), e);
        }
        ModelUpdate initial = ScoreFunction.update(modelId(), 0, bytes, Instant.now());
        new ScoreFunction(modelId(), initial);
        return initial;
    }

    /**
     * Adds the score stage: decode observations and model updates, score each observation with
     * the model version in use, write scores; dead letters go to the context.
     */
    @Override
    public void addTo(StageContext context) {
        DataStream<RawRecord> raw = observations.source(context);
        SingleOutputStreamOperator<Traced<Observation>> decoded =
                observations.decode(context, raw, RecordValidator.acceptAll(), "score-decode");
        SingleOutputStreamOperator<Traced<ModelUpdate>> models =
                context.decode(
                        modelSource(context, raw),
                        ModelUpdate.class,
                        MAX_MODEL_BYTES,
                        RecordValidator.acceptAll(),
                        "decode models",
                        "score-decode-models");
        SingleOutputStreamOperator<Score> scores =
                decoded.connect(models.broadcast(ScoreFunction.MODELS))
                        .process(new ScoreFunction(modelId(), initial))
                        .returns(Score.class)
                        .name("score " + modelId())
                        // The models in use live in this operator's broadcast state: a savepoint
                        // finds them by uid after an upgrade.
                        .uid("score");
        context.io().sink(scores, Score.class, scoresTopic.topic(), Score::getKey);
        context.collectDeadLetters(decoded, models, scores);
    }

    /**
     * Raw model updates from the models topic or file; in a file run without --models, none (the
     * observations filtered to nothing, a stream that ends when they do).
     */
    private DataStream<RawRecord> modelSource(StageContext context, DataStream<RawRecord> raw) {
        if (context.usesKafka() || modelsFile != null) {
            return context.source(modelsTopic.topic(), modelsFile);
        }
        return raw.filter(record -> false)
                .name("no model updates")
                .uid("score-no-model-updates");
    }
}
