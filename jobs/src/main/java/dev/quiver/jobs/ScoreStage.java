package dev.quiver.jobs;

import dev.quiver.compute.PlainJavaProvider;
import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.LoadLimits;
import dev.quiver.ensemble.ModelFormatException;
import dev.quiver.ensemble.flink.ModelsInput;
import dev.quiver.ensemble.flink.ScoreFunction;
import dev.quiver.io.InputEnd;
import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordValidator;
import dev.quiver.io.Topics;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.MicroBatchBroadcastOperator;
import dev.quiver.io.flink.NumberedLineFormat;
import dev.quiver.kafka.TopicEnds;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.Score;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The score stage: observations' {@code features} scored by an ensemble model, one {@link Score}
 * per valid observation; new model versions published to the models topic replace the one in use
 * without stopping the job; rows are scored in micro-batches across keys ({@code --batch-size},
 * {@code --batch-timeout-ms}). Holds the family's options as a picocli mixin; {@link
 * JobRegistry#SCORE} makes it {@code quiver run score} and the main class {@link ScoreJob}.
 *
 * <pre>{@code
 * quiver run score --model churn.json --input obs.ndjson --output scores.ndjson
 * }</pre>
 */
public final class ScoreStage implements Stage {

    /** The largest model update decoded from the models topic or file. */
    static final int MAX_MODEL_BYTES = 64 << 20;

    /** How long finding where the models topic ends at the start may take. */
    static final Duration MODELS_END_TIMEOUT = Duration.ofSeconds(30);

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

    final ObservationsInput observations = new ObservationsInput();

    final FileOption modelsFile =
            FileOption.optional(
                    "--models",
                    "With --input: model updates (NDJSON ModelUpdate records) to apply.");

    @Option(
            names = "--max-held-observations",
            paramLabel = "N",
            defaultValue = "100000",
            description =
                    "Observations are held until the models topic (or --models file) is read up to"
                            + " where it ended at the start, so that a model published before the"
                            + " start scores them all; each subtask holds at most N, further ones"
                            + " are dead letters (default: ${DEFAULT-VALUE}).")
    int maxHeldObservations;

    @Mixin BatchOptions batches;

    /** The backend whose forests score. */
    @Mixin BackendOption backend = new BackendOption(PlainJavaProvider.NAME);

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
    public List<FileOption> files() {
        return List.of(observations.file, modelsFile);
    }

    /** Checks the model options and loads the --model file, refusing one that does not load. */
    @Override
    public void check() {
        if (maxHeldObservations < 1) {
            throw new IllegalArgumentException(
                    "--max-held-observations must be positive, got " + maxHeldObservations);
        }
        batches.policy();
        backend.check();
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
        // Checked here, where the file is read, rather than by a converter when the options are
        // parsed: on a cluster the JobManager reads it, from a mount the submitter may not have.
        String unreadable = PathChecks.whyNotReadable(model);
        if (unreadable != null) {
            throw new IllegalArgumentException("--model: " + unreadable);
        }
        try {
            byte[] bytes = EnsembleModels.selfContained(model, LoadLimits.DEFAULTS);
            EnsembleModels.fromBytes(bytes);
            return ScoreFunction.update(modelId(), 0, bytes, Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read --model " + model + ": " + e.getMessage(), e);
        } catch (ModelFormatException e) {
            // The file's contents are refused, not the option: a failure (exit 1), as when
            // publish-model refuses it, rather than bad usage.
            throw new IllegalStateException(
                    "--model " + model + " does not load: " + e.getMessage(), e);
        }
    }

    /**
     * Adds the score stage: decode observations, score each with the model version in use (the
     * operator decodes the raw model updates itself, so that it sees where every one of them was,
     * also those it rejects), write scores; dead letters go to the context.
     */
    @Override
    public void addTo(StageContext context) {
        DataStream<RawRecord> raw = observations.source(context);
        SingleOutputStreamOperator<Traced<Observation>> decoded =
                observations.decode(context, raw, RecordValidator.acceptAll(), "score-decode");
        ModelsInput models =
                new ModelsInput(
                        context.io().controlFormat(),
                        MAX_MODEL_BYTES,
                        modelsEnd(context),
                        maxHeldObservations);
        SingleOutputStreamOperator<Score> scores =
                decoded.connect(modelSource(context, raw).broadcast())
                        .transform(
                                "score " + modelId(),
                                TypeInformation.of(Score.class),
                                new MicroBatchBroadcastOperator<>(
                                        new ScoreFunction(
                                                modelId(),
                                                initial,
                                                models,
                                                batches.policy(),
                                                backend.name()),
                                        List.of(ScoreFunction.MODELS)))
                        // The models in use live in this operator's broadcast state: a savepoint
                        // finds them by uid after an upgrade.
                        .uid("score");
        context.io().sink(scores, Score.class, scoresTopic.topic(), Score::getKey);
        context.collectDeadLetters(decoded, scores);
    }

    /**
     * Where the models input ends now, which the operator reads up to before it scores: the offset
     * of each partition's last record, or the --models file's last line; nothing without one.
     */
    private InputEnd modelsEnd(StageContext context) {
        if (context.usesKafka()) {
            return InputEnd.of(
                    TopicEnds.lastRecordOffsets(
                            context.io().options().bootstrap(),
                            context.io().options().clientConfig(),
                            modelsTopic.topic(),
                            MODELS_END_TIMEOUT));
        }
        Path file = modelsFile.file();
        if (file == null) {
            return InputEnd.none();
        }
        try {
            return InputEnd.ofFile(NumberedLineFormat.lastRecordLine(file));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read --models " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Raw model updates from the models topic (from its beginning on a fresh start: the version in
     * use is the newest of the whole topic) or file; in a file run without --models, none (the
     * observations filtered to nothing, a stream that ends when they do).
     */
    private DataStream<RawRecord> modelSource(StageContext context, DataStream<RawRecord> raw) {
        if (context.usesKafka() || modelsFile.file() != null) {
            return context.controlSource(modelsTopic.topic(), modelsFile.file());
        }
        return raw.filter(record -> false)
                .name("no model updates")
                .uid("score-no-model-updates");
    }
}
