package dev.quiver.jobs;

import dev.quiver.io.DeadLetters;
import dev.quiver.io.DecodeFunction;
import dev.quiver.io.RawRecord;
import dev.quiver.io.Topics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.WalkFunction;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkObservationValidator;
import dev.quiver.walk.WalkOptions;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The walk job: observations in, a Monte Carlo random-walk summary per triggering observation out,
 * each starting at the observation's value. The same class is {@code quiver run walk} and the main
 * class a Flink cluster runs.
 *
 * <pre>{@code
 * flink run -c dev.quiver.jobs.WalkJob quiver-jobs.jar --bootstrap kafka:9092 --steps 1000 \
 *     --paths 10000 --barrier 20 --seed 7
 * }</pre>
 */
@Command(
        name = "walk",
        mixinStandardHelpOptions = true,
        description =
                "Random-walk simulation per observation key, replay-safe, with exact values"
                        + " beside the simulated ones.")
public final class WalkJob implements Callable<Integer> {

    @Mixin JobIoOptions io;

    @Option(
            names = "--input",
            paramLabel = "FILE",
            description = "Read observations from this NDJSON file instead of Kafka (bounded).")
    Path input;

    @Option(
            names = "--steps",
            defaultValue = "1000",
            description = "Steps per path (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--paths",
            defaultValue = "10000",
            description = "Paths per simulation (default: ${DEFAULT-VALUE}).")
    int paths;

    @Option(
            names = "--model",
            defaultValue = "simple",
            description = "Step law: simple, lazy or gaussian (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--p",
            defaultValue = "0.5",
            description = "Up-probability of a simple or lazy step (default: ${DEFAULT-VALUE}).")
    double p;

    @Option(
            names = "--laziness",
            defaultValue = "0.5",
            description = "Probability that a lazy step stays put (default: ${DEFAULT-VALUE}).")
    double laziness;

    @Option(
            names = "--mu",
            defaultValue = "0",
            description = "Mean of a Gaussian step (default: ${DEFAULT-VALUE}).")
    double mu;

    @Option(
            names = "--sigma",
            defaultValue = "1",
            description = "Standard deviation of a Gaussian step (default: ${DEFAULT-VALUE}).")
    double sigma;

    @Option(
            names = "--barrier",
            paramLabel = "A",
            description =
                    "Track first passage to start + A (nonzero; an integer for simple and lazy"
                            + " walks); default none.")
    Double barrier;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Job seed of every random stream (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--trigger",
            defaultValue = "every",
            description =
                    "Simulate on 'every' observation, every N-th of a key, or at most once per"
                            + " event-time interval like '500ms' (default: ${DEFAULT-VALUE}).")
    String trigger;

    @Option(
            names = "--max-work",
            defaultValue = "100000000",
            description =
                    "Most steps * paths per event; more makes the event a dead letter (default:"
                            + " ${DEFAULT-VALUE}).")
    long maxWork;

    @Option(
            names = "--observations-topic",
            defaultValue = Topics.OBSERVATIONS,
            description = "Input topic (default: ${DEFAULT-VALUE}).")
    String observationsTopic;

    @Option(
            names = "--walks-topic",
            defaultValue = Topics.WALKS,
            description = "Result topic (default: ${DEFAULT-VALUE}).")
    String walksTopic;

    /** Runs the job on a Flink cluster ({@code flink run -c dev.quiver.jobs.WalkJob}). */
    public static void main(String[] args) {
        JobMain.run(new WalkJob(), "walk", args);
    }

    @Override
    public Integer call() throws Exception {
        build().execute("quiver walk");
        return 0;
    }

    /**
     * The job's environment with its pipeline added, ready to execute. With Kafka, first checks
     * that the broker answers.
     */
    public StreamExecutionEnvironment build() {
        WalkOptions options = options();
        io.checkBrokerReachable();
        PipelineIo pipeline = pipelineIo();
        StreamExecutionEnvironment env = pipeline.environment();
        addTo(env, pipeline, options);
        return env;
    }

    /** Where this job reads and writes. */
    PipelineIo pipelineIo() {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("--input", input);
        return new PipelineIo("walk", io, files);
    }

    /** The kernel options from the command line; throws naming a bad value. */
    WalkOptions options() {
        WalkModel stepLaw =
                switch (model) {
                    case "simple" -> WalkModel.simple(p);
                    case "lazy" -> WalkModel.lazy(laziness, p);
                    case "gaussian" -> WalkModel.gaussian(mu, sigma);
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown model '" + model + "'; known: simple, lazy, gaussian");
                };
        long[] parsed = WalkOptions.parseTrigger(trigger);
        return new WalkOptions(
                stepLaw,
                steps,
                paths,
                barrier == null ? Double.NaN : barrier,
                seed,
                (int) parsed[0],
                parsed[1],
                maxWork);
    }

    /** Adds the walk stage: decode and validate observations, simulate by key, write summaries. */
    void addTo(StreamExecutionEnvironment env, PipelineIo pipeline, WalkOptions options) {
        DataStream<RawRecord> raw = pipeline.source(env, observationsTopic, input);
        SingleOutputStreamOperator<Observation> observations =
                raw.process(
                                DecodeFunction.of(
                                        Observation.class,
                                        pipeline.format(),
                                        pipeline.options().maxRecordBytes(),
                                        new WalkObservationValidator(options)))
                        .returns(Observation.class)
                        .name("decode observations");
        if (!pipeline.options().usesKafka()) {
            // The one file reader would otherwise deal lines round-robin to the decoders and a
            // key's observations would reach the walk out of order, changing their numbers (and
            // so their random streams) from run to run; Kafka keeps each key in one partition,
            // read and decoded by one subtask.
            observations.setParallelism(1);
        }
        DataStream<WalkSummary> summaries =
                observations
                        .keyBy(Observation::getKey)
                        .process(new WalkFunction(options))
                        .returns(WalkSummary.class)
                        .name("walk " + options.model().name());
        pipeline.sink(summaries, WalkSummary.class, walksTopic, WalkSummary::getKey);
        DataStream<DeadLetter> deadLetters = observations.getSideOutput(DeadLetters.TAG);
        pipeline.deadLetterSink(deadLetters);
    }
}
