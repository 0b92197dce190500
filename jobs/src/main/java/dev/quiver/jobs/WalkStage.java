package dev.quiver.jobs;

import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.NormalInverseGammaPosterior;
import dev.quiver.compute.PlainJavaProvider;
import dev.quiver.io.RecordValidator;
import dev.quiver.io.Topics;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
import dev.quiver.schema.Observation;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.StepPosterior;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkOptions;
import dev.quiver.walk.flink.StepPosteriorFunction;
import dev.quiver.walk.flink.WalkFunction;
import dev.quiver.walk.flink.WalkStart;
import dev.quiver.walk.flink.WalkStartFunction;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The walk stage: observations in, a Monte Carlo random-walk summary per triggering observation
 * out, each starting at the observation's value. Holds the family's options as a picocli mixin;
 * {@link JobRegistry#WALK} makes it {@code quiver run walk} and the main class {@link WalkJob}.
 *
 * <p>The stage: decode, {@link WalkStartFunction} (the walk's checks), with {@code --model
 * posterior} the bayes stage {@link StepPosteriorFunction} (per key, the Normal-Inverse-Gamma
 * posterior of the level increments, each observation handed on with its predictive step law), then
 * {@link WalkFunction} by key, its simulations micro-batched across keys ({@code --batch-size},
 * {@code --batch-timeout-ms}). With an interval trigger, event time and watermarks (bounded
 * out-of-orderness) are assigned before the walk.
 *
 * <pre>{@code
 * quiver run walk --input obs.ndjson --output walks.ndjson --steps 1000 --paths 10000 --seed 7
 * }</pre>
 */
public final class WalkStage extends ObservationsStage {


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
            description =
                    "Step law: simple, lazy, gaussian, or posterior: Student-t steps from the"
                            + " Normal-Inverse-Gamma posterior predictive of the key's increments"
                            + " between consecutive values (default: ${DEFAULT-VALUE}).")
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
            names = "--prior-mean",
            paramLabel = "M",
            description = "Posterior: prior mean of the mean step (default 0).")
    Double priorMean;

    @Option(
            names = "--prior-kappa",
            paramLabel = "K",
            description = "Posterior: prior pseudo-steps behind --prior-mean (default 1).")
    Double priorKappa;

    @Option(
            names = "--prior-shape",
            paramLabel = "A",
            description =
                    "Posterior: shape of the inverse-gamma prior on the step variance (default 1).")
    Double priorShape;

    @Option(
            names = "--prior-scale",
            paramLabel = "B",
            description =
                    "Posterior: scale of the inverse-gamma prior on the step variance (default 1).")
    Double priorScale;

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
                    "Simulate on 'every' observation, every N-th of a key, or, with an interval"
                            + " like '500ms', each key's latest observation of each event-time"
                            + " interval once the watermark closes it (default: ${DEFAULT-VALUE}).")
    String trigger;

    @Option(
            names = "--max-work",
            defaultValue = "100000000",
            description =
                    "Most steps * paths per event; more makes the event a dead letter (default:"
                            + " ${DEFAULT-VALUE}).")
    long maxWork;

    @Option(
            names = "--max-memory-mb",
            defaultValue = "64",
            paramLabel = "MB",
            description =
                    "Most memory one simulation holds, per walk subtask: a Gaussian or posterior"
                            + " walk that needs more runs in passes (the same result, in up to"
                            + " about 2.5 times the time), one that needs more even so (a lattice"
                            + " walk or path statistics of very many steps) is a dead letter"
                            + " (default: ${DEFAULT-VALUE}).")
    long maxMemoryMb;

    @Mixin WatermarkOptions watermarks;

    @Mixin BatchOptions batches;

    /** The backend whose walks simulate. */
    @Mixin BackendOption backend = new BackendOption(PlainJavaProvider.NAME);

    /** A stage writing walk summaries to {@code --walks-topic}. */
    public WalkStage() {
        super(TopicOption.result("--walks-topic", Topics.WALKS));
    }

    @Override
    public void check() {
        options();
        batches.policy();
        backend.check();
    }

    /** The kernel options from the command line; throws naming a bad value. */
    WalkOptions options() {
        WalkModel stepLaw =
                switch (model) {
                    case "simple" -> WalkModel.simple(p);
                    case "lazy" -> WalkModel.lazy(laziness, p);
                    case "gaussian" -> WalkModel.gaussian(mu, sigma);
                    // What a key with no increment yet walks with; later ones learn theirs.
                    case "posterior" ->
                            StepPosterior.predictive(
                                    (NormalInverseGammaPosterior) stepPrior().newPosterior());
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown model '"
                                            + model
                                            + "'; known: simple, lazy, gaussian, posterior");
                };
        List<String> priors = new ArrayList<>();
        if (!model.equals("posterior")) {
            addIfGiven(priors, "--prior-mean", priorMean);
            addIfGiven(priors, "--prior-kappa", priorKappa);
            addIfGiven(priors, "--prior-shape", priorShape);
            addIfGiven(priors, "--prior-scale", priorScale);
        }
        if (!priors.isEmpty()) {
            throw new IllegalArgumentException(
                    String.join(", ", priors) + " apply only to --model posterior");
        }
        long[] parsed = WalkOptions.parseTrigger(trigger);
        watermarks.checkNotNegative();
        return new WalkOptions(
                stepLaw,
                steps,
                paths,
                barrier == null ? Double.NaN : barrier,
                seed,
                (int) parsed[0],
                parsed[1],
                maxWork,
                maxMemoryMb);
    }

    /**
     * The step prior of {@code --model posterior}: the bayes job's normal model and its checks,
     * with the options this job exposes.
     */
    BayesOptions stepPrior() {
        BayesOptions.Builder builder = BayesOptions.builder().setModel("normal");
        GivenOptions.set(priorMean, builder::setPriorMean);
        GivenOptions.set(priorKappa, builder::setPriorKappa);
        GivenOptions.set(priorShape, builder::setPriorShape);
        GivenOptions.set(priorScale, builder::setPriorScale);
        return builder.build();
    }

    private static void addIfGiven(List<String> given, String option, Double value) {
        if (value != null) {
            given.add(option);
        }
    }

    /** Adds the walk job: decode observations, then the walk stage. */
    @Override
    public void addTo(StageContext context) {
        SingleOutputStreamOperator<Traced<Observation>> decoded =
                observations.decodeInSourceOrder(
                        context,
                        // The walk's own checks run in the stage, as in the pipeline where it
                        // reads the bayes stage's decode.
                        RecordValidator.acceptAll(),
                        "walk-decode");
        context.collectDeadLetters(decoded);
        addAfter(context, decoded);
    }

    /**
     * Adds the walk stage over decoded observations (chained to them, so each key's order stays):
     * the walk's checks, the step posterior with {@code --model posterior}, the walk by key and the
     * summaries' sink; its dead letters go to the context. The pipeline adds it after the bayes
     * stage, over the observations that stage decoded.
     */
    void addAfter(
            StageContext context, SingleOutputStreamOperator<Traced<Observation>> observations) {
        WalkOptions options = options();
        int parallelism = observations.getParallelism();
        DataStream<Traced<Observation>> timed = observations;
        if (options.triggersOnInterval()) {
            timed =
                    observations
                            .assignTimestampsAndWatermarks(
                                    // Event time from the observation's ts.
                                    watermarks.strategy(
                                            (traced, previous) ->
                                                    traced.record.getTs().toEpochMilli()))
                            .name("walk event time")
                            .uid("walk-watermarks")
                            .setParallelism(parallelism);
        }
        SingleOutputStreamOperator<WalkStart> starts =
                timed.process(new WalkStartFunction(options))
                        .returns(WalkStart.class)
                        .name("walk checks")
                        .uid("walk-start")
                        .setParallelism(parallelism);
        context.collectDeadLetters(starts);
        DataStream<WalkStart> walked = starts;
        if (model.equals("posterior")) {
            SingleOutputStreamOperator<WalkStart> predicted =
                    starts.keyBy(start -> start.observation.getKey())
                            .process(new StepPosteriorFunction(stepPrior()))
                            .returns(WalkStart.class)
                            .name("bayes normal steps")
                            .uid("walk-step-posterior");
            context.collectDeadLetters(predicted);
            walked = predicted;
        }
        SingleOutputStreamOperator<WalkSummary> summaries =
                walked.keyBy(start -> start.observation.getKey())
                        .transform(
                                "walk " + model,
                                TypeInformation.of(WalkSummary.class),
                                new MicroBatchKeyedOperator<>(
                                        new WalkFunction(
                                                options, backend.name(), batches.policy())))
                        .uid("walk");
        context.io().sink(summaries, WalkSummary.class, resultTopic.topic(), WalkSummary::getKey);
        context.collectDeadLetters(summaries);
    }
}
