package dev.quiver.jobs;

import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.flink.BayesFunction;
import dev.quiver.bayes.flink.GlobalPosteriorFunction;
import dev.quiver.bayes.flink.ObservationValidator;
import dev.quiver.io.Topics;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The bayes stage: observations in, one posterior update per valid observation out, an exact
 * conjugate posterior per key (and, with {@code --global}, across all keys); the updates'
 * summaries are computed in micro-batches across keys ({@code --batch-size}, {@code
 * --batch-timeout-ms}). Holds the family's options as a picocli mixin; {@link JobRegistry#BAYES} makes it {@code quiver run bayes} and the
 * main class {@link BayesJob}.
 *
 * <pre>{@code
 * quiver run bayes --input obs.ndjson --output posteriors.ndjson --model normal --changepoint
 * }</pre>
 */
public final class BayesStage extends ObservationsStage {


    @Option(
            names = "--model",
            defaultValue = "beta-bernoulli",
            paramLabel = "MODEL",
            description =
                    "Conjugate model (default: ${DEFAULT-VALUE}): beta-bernoulli (value 0/1),"
                            + " beta-binomial (value = successes, features[0] = trials),"
                            + " gamma-poisson (value = count, optional features[0] = exposure),"
                            + " normal (unknown mean and variance), dirichlet (category),"
                            + " blr (Bayesian linear regression of value on features).")
    String model;

    @Option(
            names = "--prior-alpha",
            paramLabel = "A",
            description = "Beta prior alpha (beta-bernoulli, beta-binomial; default 1).")
    Double priorAlpha;

    @Option(
            names = "--prior-beta",
            paramLabel = "B",
            description = "Beta prior beta (beta-bernoulli, beta-binomial; default 1).")
    Double priorBeta;

    @Option(
            names = "--prior-shape",
            paramLabel = "A",
            description =
                    "Shape of the Gamma prior on the rate (gamma-poisson) or of the inverse-gamma"
                            + " prior on the variance (normal, blr); default 1.")
    Double priorShape;

    @Option(
            names = "--prior-rate",
            paramLabel = "B",
            description = "Rate of the Gamma prior on the rate (gamma-poisson; default 1).")
    Double priorRate;

    @Option(
            names = "--prior-scale",
            paramLabel = "B",
            description =
                    "Scale of the inverse-gamma prior on the variance (normal, blr; default 1).")
    Double priorScale;

    @Option(
            names = "--prior-mean",
            paramLabel = "M",
            description = "Prior mean of the mean (normal; default 0).")
    Double priorMean;

    @Option(
            names = "--prior-kappa",
            paramLabel = "K",
            description = "Prior pseudo-observations behind --prior-mean (normal; default 1).")
    Double priorKappa;

    @Option(
            names = "--prior-concentration",
            paramLabel = "C",
            description = "Symmetric Dirichlet concentration per category (dirichlet; default 1).")
    Double priorConcentration;

    @Option(
            names = "--max-categories",
            paramLabel = "N",
            description =
                    "Most categories per key; observations of further ones are dead letters"
                            + " (dirichlet; default 1000).")
    Integer maxCategories;

    @Option(
            names = "--dimension",
            paramLabel = "D",
            description = "Number of features (blr; required).")
    Integer dimension;

    @Option(
            names = "--prior-precision",
            paramLabel = "P",
            description =
                    "Precision of the N(0, I/P) prior on the regression weights (blr; default 1).")
    Double priorPrecision;

    @Option(
            names = "--decay",
            paramLabel = "LAMBDA",
            defaultValue = "1",
            description =
                    "Exponential forgetting in (0, 1]: before each update the key's data are"
                            + " weighted by LAMBDA (default: 1, no forgetting). Not with --window"
                            + " or --global.")
    double decay;

    @Option(
            names = "--window",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "Posterior over each key's last N observations, removing the oldest exactly"
                            + " (default: 0, all observations).")
    int window;

    @Option(
            names = "--emit",
            paramLabel = "WHEN",
            defaultValue = "every",
            description =
                    "every: an update per observation (default); N: on every N-th observation of"
                            + " a key; an interval such as 500ms or 2s: per key at most once per"
                            + " interval (processing time), the latest posterior if it changed.")
    String emit;

    @Option(
            names = "--global",
            description =
                    "Also emit the exact global posterior of all keys' data (key \"*\", scope"
                            + " global), merged from partial posteriors of every subtask.")
    boolean global;

    @Option(
            names = "--global-interval-ms",
            paramLabel = "MS",
            defaultValue = "1000",
            description =
                    "With --global: how often changed partials are merged (default:"
                            + " ${DEFAULT-VALUE}).")
    long globalIntervalMs;

    @Option(
            names = "--changepoint",
            description =
                    "Also run Bayesian online change-point detection (Adams and MacKay 2007) per"
                            + " key, over the Normal model and its prior (--model normal): each"
                            + " result carries the most probable run length and P(run length <"
                            + " --short-run-window), the change signal.")
    boolean changepoint;

    @Option(
            names = "--hazard",
            paramLabel = "LAMBDA",
            description =
                    "With --changepoint: expected observations between changes, a constant"
                            + " hazard 1/LAMBDA (default 250).")
    Double hazard;

    @Option(
            names = "--max-run-length",
            paramLabel = "N",
            description =
                    "With --changepoint: the longest run length tracked; the probability beyond"
                            + " it is dropped and reported as truncatedMass (default 500).")
    Integer maxRunLength;

    @Option(
            names = "--short-run-window",
            paramLabel = "W",
            description = "With --changepoint: the change signal is P(run length < W) (default 5).")
    Integer shortRunWindow;

    @Mixin BatchOptions batches;

    /** A stage writing posterior updates to {@code --posteriors-topic}. */
    public BayesStage() {
        super(TopicOption.result("--posteriors-topic", Topics.POSTERIORS));
    }

    @Override
    public void check() {
        options();
        batches.policy();
    }

    /** The kernel options from the command-line options; messages name the bad option. */
    BayesOptions options() {
        BayesOptions.Builder builder =
                BayesOptions.builder()
                        .setModel(model)
                        .setDecay(decay)
                        .setWindow(window)
                        .setEmit(emit)
                        .setGlobal(global)
                        .setGlobalIntervalMs(globalIntervalMs)
                        .setChangepoint(changepoint);
        // Only the options given are set, so the builder can reject those of another model or
        // change-point options without --changepoint.
        GivenOptions.set(priorAlpha, builder::setPriorAlpha);
        GivenOptions.set(priorBeta, builder::setPriorBeta);
        GivenOptions.set(priorShape, builder::setPriorShape);
        GivenOptions.set(priorRate, builder::setPriorRate);
        GivenOptions.set(priorScale, builder::setPriorScale);
        GivenOptions.set(priorMean, builder::setPriorMean);
        GivenOptions.set(priorKappa, builder::setPriorKappa);
        GivenOptions.set(priorConcentration, builder::setPriorConcentration);
        GivenOptions.set(maxCategories, builder::setMaxCategories);
        GivenOptions.set(dimension, builder::setDimension);
        GivenOptions.set(priorPrecision, builder::setPriorPrecision);
        GivenOptions.set(hazard, builder::setHazard);
        GivenOptions.set(maxRunLength, builder::setMaxRunLength);
        GivenOptions.set(shortRunWindow, builder::setShortRunWindow);
        return builder.build();
    }

    @Override
    public void addTo(StageContext context) {
        addSharingObservations(context);
    }

    /**
     * Adds the bayes stage: decode and validate observations, update posteriors by key (and merge
     * them globally with {@code --global}), write updates; dead letters go to the context. Returns
     * the decoded observations, so that another stage of a pipeline can read them without a second
     * decode (and a second dead letter per bad record).
     */
    SingleOutputStreamOperator<Traced<Observation>> addSharingObservations(StageContext context) {
        BayesOptions options = options();
        SingleOutputStreamOperator<Traced<Observation>> decoded =
                observations.decodeInSourceOrder(
                        context, new ObservationValidator(options), "bayes-decode");
        SingleOutputStreamOperator<PosteriorUpdate> updates =
                decoded.keyBy(traced -> traced.record.getKey())
                        .transform(
                                "bayes " + options.model(),
                                TypeInformation.of(PosteriorUpdate.class),
                                new MicroBatchKeyedOperator<>(
                                        new BayesFunction(options, batches.policy())))
                        .uid("bayes");
        DataStream<PosteriorUpdate> results = updates;
        if (options.global()) {
            DataStream<PosteriorUpdate> global =
                    updates.getSideOutput(BayesFunction.PARTIALS)
                            .keyBy(batch -> GlobalPosteriorFunction.KEY, Types.STRING)
                            .process(new GlobalPosteriorFunction(options))
                            .returns(PosteriorUpdate.class)
                            .name("bayes global " + options.model())
                            .uid("bayes-global")
                            // All partials meet in one place; the merge is cheap.
                            .setParallelism(1);
            // All global updates through the sink's first subtask: a rebalance would spread them
            // over several producers, and consumers could read an older global after a newer.
            results = updates.union(global.global());
        }
        context.io()
                .sink(
                        results,
                        PosteriorUpdate.class,
                        resultTopic.topic(),
                        PosteriorUpdate::getKey);
        context.collectDeadLetters(decoded, updates);
        return decoded;
    }
}
