package dev.quiver.jobs;

import dev.quiver.bayes.BayesFunction;
import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.ObservationValidator;
import dev.quiver.io.DeadLetters;
import dev.quiver.io.DecodeFunction;
import dev.quiver.io.RawRecord;
import dev.quiver.io.Topics;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The bayes job: observations in, one posterior update per valid observation out. The same class is
 * {@code quiver run bayes} and the main class a Flink cluster runs.
 *
 * <pre>{@code
 * flink run -c dev.quiver.jobs.BayesJob quiver-jobs.jar --bootstrap kafka:9092 --prior-alpha 2
 * }</pre>
 */
@Command(
        name = "bayes",
        mixinStandardHelpOptions = true,
        description = "Online Bayesian updating: a Beta-Bernoulli posterior per observation key.")
public final class BayesJob implements Callable<Integer> {

    @Mixin JobIoOptions io;

    @Option(
            names = "--input",
            paramLabel = "FILE",
            description = "Read observations from this NDJSON file instead of Kafka (bounded).")
    Path input;

    @Option(
            names = "--model",
            defaultValue = "beta-bernoulli",
            description = "Conjugate model (default: ${DEFAULT-VALUE}); known: beta-bernoulli.")
    String model;

    @Option(
            names = "--prior-alpha",
            defaultValue = "1",
            description = "Beta prior alpha (default: ${DEFAULT-VALUE}).")
    double priorAlpha;

    @Option(
            names = "--prior-beta",
            defaultValue = "1",
            description = "Beta prior beta (default: ${DEFAULT-VALUE}).")
    double priorBeta;

    @Option(
            names = "--observations-topic",
            defaultValue = Topics.OBSERVATIONS,
            description = "Input topic (default: ${DEFAULT-VALUE}).")
    String observationsTopic;

    @Option(
            names = "--posteriors-topic",
            defaultValue = Topics.POSTERIORS,
            description = "Result topic (default: ${DEFAULT-VALUE}).")
    String posteriorsTopic;

    /** Runs the job on a Flink cluster ({@code flink run -c dev.quiver.jobs.BayesJob}). */
    public static void main(String[] args) {
        int exit = new CommandLine(new BayesJob()).execute(args);
        if (exit != 0) {
            throw new IllegalStateException("bayes job failed, exit code " + exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        build().execute("quiver bayes");
        return 0;
    }

    /**
     * The job's environment with its pipeline added, ready to execute. With Kafka, first checks
     * that the broker answers, so a wrong address is a one-line error rather than a hanging job.
     */
    public StreamExecutionEnvironment build() {
        if (io.usesKafka()) {
            KafkaTopics.checkReachable(io.bootstrap(), Duration.ofSeconds(15));
        }
        PipelineIo pipeline = pipelineIo();
        StreamExecutionEnvironment env = pipeline.environment();
        addTo(env, pipeline);
        return env;
    }

    /** Where this job reads and writes. */
    PipelineIo pipelineIo() {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("--input", input);
        return new PipelineIo("bayes", io, files);
    }

    /** The job's kernel options from its command-line options. */
    BayesOptions options() {
        return BayesOptions.builder()
                .setModel(model)
                .setPriorAlpha(priorAlpha)
                .setPriorBeta(priorBeta)
                .build();
    }

    /**
     * Adds the bayes stage to a pipeline: decode and validate observations, update posteriors by
     * key, write updates and dead letters.
     */
    void addTo(StreamExecutionEnvironment env, PipelineIo pipeline) {
        BayesOptions options = options();
        DataStream<RawRecord> raw = pipeline.source(env, observationsTopic, input);
        SingleOutputStreamOperator<Observation> observations =
                raw.process(
                                DecodeFunction.of(
                                        Observation.class,
                                        pipeline.format(),
                                        pipeline.options().maxRecordBytes(),
                                        new ObservationValidator(options)))
                        .returns(Observation.class)
                        .name("decode observations");
        DataStream<PosteriorUpdate> updates =
                observations
                        .keyBy(Observation::getKey)
                        .process(new BayesFunction(options))
                        .returns(PosteriorUpdate.class)
                        .name("bayes " + options.model());
        pipeline.sink(updates, PosteriorUpdate.class, posteriorsTopic, PosteriorUpdate::getKey);
        DataStream<DeadLetter> deadLetters = observations.getSideOutput(DeadLetters.TAG);
        pipeline.deadLetterSink(deadLetters);
    }
}
