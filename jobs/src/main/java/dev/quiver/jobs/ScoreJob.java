package dev.quiver.jobs;

import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.LoadLimits;
import dev.quiver.ensemble.flink.ScoreFunction;
import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordValidator;
import dev.quiver.io.Topics;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.DecodeFunction;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.Score;

import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The score job: observations' {@code features} scored by an ensemble model, one {@link Score} per
 * valid observation; new model versions published to the models topic replace the one in use
 * without stopping the job. The same class is {@code quiver run score} and the main class a Flink
 * cluster runs.
 *
 * <pre>{@code
 * flink run -c dev.quiver.jobs.ScoreJob quiver-jobs.jar --bootstrap kafka:9092 --model churn.json
 * }</pre>
 */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description =
                "Ensemble scoring: XGBoost models, bagging and stacking, with hot model swaps from"
                        + " the models topic.")
public final class ScoreJob implements Callable<Integer> {

    /** The largest model update decoded from the models topic or file. */
    static final int MAX_MODEL_BYTES = 64 << 20;

    @Mixin JobIoOptions io;

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
            description =
                    "Id of the model scored (default: the --model file name without its"
                            + " extension; required without --model).")
    String modelId;

    @Option(
            names = "--input",
            paramLabel = "FILE",
            description = "Read observations from this NDJSON file instead of Kafka (bounded).")
    Path input;

    @Option(
            names = "--models",
            paramLabel = "FILE",
            description = "With --input: model updates (NDJSON ModelUpdate records) to apply.")
    Path modelsFile;

    @Option(
            names = "--observations-topic",
            defaultValue = Topics.OBSERVATIONS,
            description = "Input topic (default: ${DEFAULT-VALUE}).")
    String observationsTopic;

    @Option(
            names = "--models-topic",
            defaultValue = Topics.MODELS,
            description = "Model updates topic (default: ${DEFAULT-VALUE}).")
    String modelsTopic;

    @Option(
            names = "--scores-topic",
            defaultValue = Topics.SCORES,
            description = "Result topic (default: ${DEFAULT-VALUE}).")
    String scoresTopic;

    /** Runs the job on a Flink cluster ({@code flink run -c dev.quiver.jobs.ScoreJob}). */
    public static void main(String[] args) {
        JobMain.run(new ScoreJob(), "score", args);
    }

    @Override
    public Integer call() throws Exception {
        build().execute("quiver score");
        return 0;
    }

    /** The job's environment with its pipeline added, ready to execute. */
    public StreamExecutionEnvironment build() {
        ModelUpdate initial = initialModel();
        io.checkBrokerReachable();
        PipelineIo pipeline = pipelineIo();
        StreamExecutionEnvironment env = pipeline.environment();
        addTo(env, pipeline, initial);
        return env;
    }

    /** Where this job reads and writes. */
    PipelineIo pipelineIo() {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("--input", input);
        if (modelsFile != null) {
            files.put("--models", modelsFile);
        }
        return new PipelineIo("score", io, files);
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
        return dot > 0 ? name.substring(0, dot) : name;
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

    void addTo(StreamExecutionEnvironment env, PipelineIo pipeline, ModelUpdate initial) {
        DataStream<RawRecord> raw = pipeline.source(env, observationsTopic, input);
        SingleOutputStreamOperator<Traced<Observation>> observations =
                raw.process(
                                DecodeFunction.traced(
                                        Observation.class,
                                        pipeline.format(),
                                        pipeline.options().maxRecordBytes(),
                                        RecordValidator.acceptAll()))
                        .returns(new TypeHint<Traced<Observation>>() {})
                        .name("decode observations")
                        .uid("score-decode");
        SingleOutputStreamOperator<Traced<ModelUpdate>> models =
                modelSource(env, pipeline, raw)
                        .returns(new TypeHint<Traced<ModelUpdate>>() {})
                        .name("decode models")
                        .uid("score-decode-models");
        SingleOutputStreamOperator<Score> scores =
                observations
                        .connect(models.broadcast(ScoreFunction.MODELS))
                        .process(new ScoreFunction(modelId(), initial))
                        .returns(Score.class)
                        .name("score " + modelId())
                        // The models in use live in this operator's broadcast state: a savepoint
                        // finds them by uid after an upgrade.
                        .uid("score");
        pipeline.sink(scores, Score.class, scoresTopic, Score::getKey);
        DataStream<DeadLetter> deadLetters =
                observations
                        .getSideOutput(DeadLetters.TAG)
                        .union(
                                models.getSideOutput(DeadLetters.TAG),
                                scores.getSideOutput(DeadLetters.TAG));
        pipeline.deadLetterSink(deadLetters);
    }

    /**
     * Model updates from the models topic or file; in a file run without --models, none (the
     * observations filtered to nothing, a stream that ends when they do).
     */
    private SingleOutputStreamOperator<Traced<ModelUpdate>> modelSource(
            StreamExecutionEnvironment env,
            PipelineIo pipeline,
            DataStream<RawRecord> observations) {
        DecodeFunction<ModelUpdate, Traced<ModelUpdate>> decode =
                DecodeFunction.traced(
                        ModelUpdate.class,
                        pipeline.format(),
                        MAX_MODEL_BYTES,
                        RecordValidator.acceptAll());
        if (io.usesKafka() || modelsFile != null) {
            return pipeline.source(env, modelsTopic, modelsFile).process(decode);
        }
        return observations
                .filter(record -> false)
                .name("no model updates")
                .uid("score-no-model-updates")
                .process(decode);
    }
}
