package dev.quiver.bayes;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of the bayes job: the conjugate model and its prior, forgetting or a sliding window,
 * when to emit, and the global posterior. Immutable; build with {@link #builder()}, whose setters
 * check single values and whose {@code build()} checks the combination. Messages name the
 * command-line option and the bad value.
 *
 * <p>Priors, with their defaults, by model (an option that does not belong to the chosen model is
 * an error, so a typo cannot be silently ignored):
 *
 * <table>
 *   <caption>prior options</caption>
 *   <tr><th>model</th><th>options (default)</th></tr>
 *   <tr><td>beta-bernoulli, beta-binomial</td><td>prior-alpha (1), prior-beta (1)</td></tr>
 *   <tr><td>gamma-poisson</td><td>prior-shape (1), prior-rate (1) of the Gamma prior</td></tr>
 *   <tr><td>normal</td><td>prior-mean (0), prior-kappa (1); prior-shape (1), prior-scale (1) of
 *       the inverse-gamma prior on the variance</td></tr>
 *   <tr><td>dirichlet</td><td>prior-concentration (1), max-categories (1000)</td></tr>
 *   <tr><td>blr</td><td>dimension (required), prior-precision (1) of the N(0, I/precision) prior
 *       on the weights; prior-shape (1), prior-scale (1) of the inverse-gamma noise prior</td></tr>
 * </table>
 *
 * <p>Change points ({@code --changepoint}, normal only): Bayesian online change-point detection per
 * key over the Normal prior, with {@code --hazard} λ (250; hazard 1/λ), {@code --max-run-length}
 * (500) and {@code --short-run-window} w (5).
 *
 * <p>Emission ({@code --emit}): {@code every} observation (the default); {@code N}, every N-th
 * observation of a key; or an interval such as {@code 500ms} or {@code 2s}: per key at most once
 * per interval of processing time, the latest posterior, and only if it changed.
 *
 * <pre>{@code
 * BayesOptions options = BayesOptions.builder().setPriorAlpha(2).setPriorBeta(8).build();
 * ConjugatePosterior prior = options.newPosterior();
 * BayesOptions windowed = BayesOptions.builder().setWindow(100).setEmit("500ms").build();
 * }</pre>
 *
 * @param model the model name, one of {@link BayesModels#names()}
 * @param priorAlpha the Beta prior's alpha (beta-bernoulli, beta-binomial)
 * @param priorBeta the Beta prior's beta (beta-bernoulli, beta-binomial)
 * @param priorShape the Gamma prior's shape (gamma-poisson) or the inverse-gamma prior's shape
 *     (normal, blr)
 * @param priorRate the Gamma prior's rate (gamma-poisson)
 * @param priorScale the inverse-gamma prior's scale (normal, blr)
 * @param priorMean the prior mean of the Normal model's mean
 * @param priorKappa the Normal model's prior pseudo-count for the mean
 * @param priorConcentration the symmetric Dirichlet prior's concentration per category
 * @param maxCategories the most categories a Dirichlet key may have
 * @param dimension the feature dimension of Bayesian linear regression; 0 for other models
 * @param priorPrecision the precision of the regression weights' Gaussian prior
 * @param decay the forgetting factor λ in (0, 1], applied before each update; 1 forgets nothing
 * @param window the posterior covers each key's last {@code window} observations; 0 all of them
 * @param emitEvery with no interval: emit on every {@code emitEvery}-th observation of a key
 * @param emitIntervalMs emit per key at most once per this many processing-time milliseconds; 0
 *     when emitting by count
 * @param global also merge every key's data into one global posterior
 * @param globalIntervalMs how often each subtask sends its changed partial posteriors to the global
 *     merge
 * @param changepoint also run Bayesian online change-point detection per key (normal only), with
 *     the Normal prior
 * @param hazard the expected run length λ between changes: constant hazard 1/λ
 * @param maxRunLength the longest run length the detector tracks; longer runs' mass is truncated
 * @param shortRunWindow the w of the change signal P(run length < w)
 */
public record BayesOptions(
        String model,
        double priorAlpha,
        double priorBeta,
        double priorShape,
        double priorRate,
        double priorScale,
        double priorMean,
        double priorKappa,
        double priorConcentration,
        int maxCategories,
        int dimension,
        double priorPrecision,
        double decay,
        int window,
        long emitEvery,
        long emitIntervalMs,
        boolean global,
        long globalIntervalMs,
        boolean changepoint,
        double hazard,
        int maxRunLength,
        int shortRunWindow)
        implements Serializable {

    /** The name of Bayesian linear regression, the one model that needs {@code --dimension}. */
    static final String LINEAR_REGRESSION = "blr";

    /** The one model change-point detection runs over: it shares the Normal prior. */
    static final String NORMAL = "normal";

    /** The model whose categories are learnt per key, so keys cannot be merged globally. */
    static final String DIRICHLET = "dirichlet";

    /** The prior options each model reads; any other prior option is an error. */
    private static final Map<String, List<String>> PRIOR_OPTIONS =
            Map.of(
                    BetaBernoulliPosterior.MODEL,
                    List.of("--prior-alpha", "--prior-beta"),
                    "beta-binomial",
                    List.of("--prior-alpha", "--prior-beta"),
                    "gamma-poisson",
                    List.of("--prior-shape", "--prior-rate"),
                    "normal",
                    List.of("--prior-mean", "--prior-kappa", "--prior-shape", "--prior-scale"),
                    DIRICHLET,
                    List.of("--prior-concentration", "--max-categories"),
                    LINEAR_REGRESSION,
                    List.of("--dimension", "--prior-precision", "--prior-shape", "--prior-scale"));

    /** {@code --emit}: a count, or an interval with its unit. */
    private static final Pattern EMIT = Pattern.compile("(\\d{1,18})(ms|s)?");

    /** Starts a builder with the defaults: beta-bernoulli with a uniform Beta(1, 1) prior. */
    public static Builder builder() {
        return new Builder();
    }

    /** A fresh posterior equal to the prior. */
    public ConjugatePosterior newPosterior() {
        return BayesModels.create(this);
    }

    /** Reads a posterior of this model from its state bytes. */
    public ConjugatePosterior restore(byte[] stateBytes) {
        return BayesModels.fromBytes(model, stateBytes);
    }

    /**
     * The change-point detector's configuration: the Normal model's prior, {@code --hazard},
     * {@code --max-run-length} and {@code --short-run-window}.
     */
    public ChangePointConfig changePointConfig() {
        return new ChangePointConfig(
                new NormalInverseGammaPrior(priorMean, priorKappa, priorShape, priorScale),
                hazard,
                maxRunLength,
                shortRunWindow);
    }

    /** True when the job emits on a processing-time interval rather than by count. */
    public boolean emitsOnInterval() {
        return emitIntervalMs > 0;
    }

    /** Builder of {@link BayesOptions}. */
    public static final class Builder {
        private String model = BetaBernoulliPosterior.MODEL;
        private double priorAlpha = 1.0;
        private double priorBeta = 1.0;
        private double priorShape = 1.0;
        private double priorRate = 1.0;
        private double priorScale = 1.0;
        private double priorMean = 0.0;
        private double priorKappa = 1.0;
        private double priorConcentration = 1.0;
        private int maxCategories = 1000;
        private int dimension = 0;
        private double priorPrecision = 1.0;
        private double decay = 1.0;
        private int window = 0;
        private long emitEvery = 1;
        private long emitIntervalMs = 0;
        private boolean global = false;
        private long globalIntervalMs = 1000;
        private boolean changepoint = false;
        private double hazard = 250;
        private int maxRunLength = 500;
        private int shortRunWindow = 5;

        /** The change-point options given, to reject them without {@code --changepoint}. */
        private final Set<String> changePointOptionsGiven = new LinkedHashSet<>();

        /** The prior options given, to reject those the model does not read. */
        private final Set<String> priorOptionsGiven = new LinkedHashSet<>();

        private Builder() {}

        /** The conjugate model; one of {@link BayesModels#names()}. */
        public Builder setModel(String model) {
            if (!BayesModels.names().contains(model)) {
                throw new IllegalArgumentException(
                        "--model must be one of "
                                + String.join(", ", BayesModels.names())
                                + ", got '"
                                + model
                                + "'");
            }
            this.model = model;
            return this;
        }

        /** The Beta prior's alpha, finite and positive (beta-bernoulli, beta-binomial). */
        public Builder setPriorAlpha(double priorAlpha) {
            this.priorAlpha = positive("--prior-alpha", priorAlpha);
            return this;
        }

        /** The Beta prior's beta, finite and positive (beta-bernoulli, beta-binomial). */
        public Builder setPriorBeta(double priorBeta) {
            this.priorBeta = positive("--prior-beta", priorBeta);
            return this;
        }

        /** The Gamma (gamma-poisson) or inverse-gamma (normal, blr) prior's shape, positive. */
        public Builder setPriorShape(double priorShape) {
            this.priorShape = positive("--prior-shape", priorShape);
            return this;
        }

        /** The Gamma prior's rate, positive (gamma-poisson). */
        public Builder setPriorRate(double priorRate) {
            this.priorRate = positive("--prior-rate", priorRate);
            return this;
        }

        /** The inverse-gamma prior's scale, positive (normal, blr). */
        public Builder setPriorScale(double priorScale) {
            this.priorScale = positive("--prior-scale", priorScale);
            return this;
        }

        /** The prior mean of the Normal model's mean, finite. */
        public Builder setPriorMean(double priorMean) {
            this.priorMean = finite("--prior-mean", priorMean);
            return this;
        }

        /** The Normal model's prior pseudo-count for the mean, positive. */
        public Builder setPriorKappa(double priorKappa) {
            this.priorKappa = positive("--prior-kappa", priorKappa);
            return this;
        }

        /** The symmetric Dirichlet prior's concentration per category, positive. */
        public Builder setPriorConcentration(double priorConcentration) {
            this.priorConcentration = positive("--prior-concentration", priorConcentration);
            return this;
        }

        /** The most categories one Dirichlet key learns; more are dead letters. At least 1. */
        public Builder setMaxCategories(int maxCategories) {
            this.maxCategories = atLeastOne(priorOptionsGiven, "--max-categories", maxCategories);
            return this;
        }

        /** The feature dimension of Bayesian linear regression, at least 1. */
        public Builder setDimension(int dimension) {
            this.dimension = atLeastOne(priorOptionsGiven, "--dimension", dimension);
            return this;
        }

        /** The precision of the regression weights' Gaussian prior, positive. */
        public Builder setPriorPrecision(double priorPrecision) {
            this.priorPrecision = positive("--prior-precision", priorPrecision);
            return this;
        }

        /** Exponential forgetting: λ in (0, 1]; 1 (the default) forgets nothing. */
        public Builder setDecay(double decay) {
            this.decay = PosteriorChecks.checkDecay("--decay", decay);
            return this;
        }

        /** The posterior covers each key's last {@code window} observations; 0 (default) all. */
        public Builder setWindow(int window) {
            if (window < 0) {
                throw new IllegalArgumentException(
                        "--window must be 0 (unbounded) or positive, got " + window);
            }
            this.window = window;
            return this;
        }

        /**
         * When to emit: {@code every}, a count {@code N} (every N-th observation of a key), or an
         * interval {@code <number>ms} or {@code <number>s} (per key at most once per interval, the
         * latest posterior if it changed).
         */
        public Builder setEmit(String emit) {
            String text = emit.strip();
            if (text.equals("every")) {
                emitEvery = 1;
                emitIntervalMs = 0;
                return this;
            }
            Matcher m = EMIT.matcher(text);
            if (!m.matches() || Long.parseLong(m.group(1)) < 1) {
                throw new IllegalArgumentException(
                        "--emit must be every, a count N >= 1 (every N-th observation of a key)"
                                + " or an interval such as 500ms or 2s, got '"
                                + emit
                                + "'");
            }
            long amount = Long.parseLong(m.group(1));
            if (m.group(2) == null) {
                emitEvery = amount;
                emitIntervalMs = 0;
            } else {
                emitEvery = 1;
                emitIntervalMs =
                        m.group(2).equals("s") ? Math.multiplyExact(amount, 1000L) : amount;
            }
            return this;
        }

        /** Also merge every key's data into one global posterior (scope "global", key "*"). */
        public Builder setGlobal(boolean global) {
            this.global = global;
            return this;
        }

        /** How often each subtask sends its changed partials to the global merge; at least 10. */
        public Builder setGlobalIntervalMs(long globalIntervalMs) {
            if (globalIntervalMs < 10) {
                throw new IllegalArgumentException(
                        "--global-interval-ms must be at least 10, got " + globalIntervalMs);
            }
            this.globalIntervalMs = globalIntervalMs;
            return this;
        }

        /** Also run Bayesian online change-point detection per key (normal only). */
        public Builder setChangepoint(boolean changepoint) {
            this.changepoint = changepoint;
            return this;
        }

        /** The expected run length λ between changes, at least 1: a constant hazard 1/λ. */
        public Builder setHazard(double hazard) {
            if (!(hazard >= 1.0) || Double.isInfinite(hazard)) {
                throw new IllegalArgumentException(
                        "--hazard must be finite and >= 1, got " + hazard);
            }
            changePointOptionsGiven.add("--hazard");
            this.hazard = hazard;
            return this;
        }

        /** The longest run length the detector tracks, at least 1. */
        public Builder setMaxRunLength(int maxRunLength) {
            this.maxRunLength =
                    atLeastOne(changePointOptionsGiven, "--max-run-length", maxRunLength);
            return this;
        }

        /** The w of the change signal P(run length < w), at least 1. */
        public Builder setShortRunWindow(int shortRunWindow) {
            this.shortRunWindow =
                    atLeastOne(changePointOptionsGiven, "--short-run-window", shortRunWindow);
            return this;
        }

        /**
         * The options, after checking the combination.
         *
         * @throws IllegalArgumentException for prior options the model does not read, blr without a
         *     dimension, a window with forgetting, a global posterior with forgetting or with
         *     dirichlet, change-point options without {@code --changepoint}, or change points over
         *     another model than normal
         */
        public BayesOptions build() {
            sanityCheck();
            return new BayesOptions(
                    model,
                    priorAlpha,
                    priorBeta,
                    priorShape,
                    priorRate,
                    priorScale,
                    priorMean,
                    priorKappa,
                    priorConcentration,
                    maxCategories,
                    dimension,
                    priorPrecision,
                    decay,
                    window,
                    emitEvery,
                    emitIntervalMs,
                    global,
                    globalIntervalMs,
                    changepoint,
                    hazard,
                    maxRunLength,
                    shortRunWindow);
        }

        private void sanityCheck() {
            List<String> foreign = new ArrayList<>(priorOptionsGiven);
            foreign.removeAll(PRIOR_OPTIONS.getOrDefault(model, List.of()));
            if (!foreign.isEmpty()) {
                throw new IllegalArgumentException(
                        String.join(", ", foreign)
                                + (foreign.size() == 1 ? " does" : " do")
                                + " not apply to --model "
                                + model
                                + ", which reads "
                                + String.join(", ", PRIOR_OPTIONS.getOrDefault(model, List.of())));
            }
            if (model.equals(LINEAR_REGRESSION) && dimension == 0) {
                throw new IllegalArgumentException("--model blr needs --dimension");
            }
            if (window > 0 && decay < 1.0) {
                throw new IllegalArgumentException(
                        "--window "
                                + window
                                + " and --decay "
                                + decay
                                + " cannot be combined: once forgetting has reweighted the"
                                + " window's observations, removing the oldest is no longer exact;"
                                + " choose one");
            }
            if (global && decay < 1.0) {
                throw new IllegalArgumentException(
                        "--global and --decay "
                                + decay
                                + " cannot be combined: each key forgets at its own observations,"
                                + " so the keys' weights do not add up to one global posterior");
            }
            if (!changepoint && !changePointOptionsGiven.isEmpty()) {
                throw new IllegalArgumentException(
                        String.join(", ", changePointOptionsGiven) + " needs --changepoint");
            }
            if (changepoint && !model.equals(NORMAL)) {
                throw new IllegalArgumentException(
                        "--changepoint runs over the Normal model: use it with --model normal, not "
                                + model);
            }
            if (changepoint && shortRunWindow > maxRunLength) {
                throw new IllegalArgumentException(
                        "--short-run-window "
                                + shortRunWindow
                                + " must not exceed --max-run-length "
                                + maxRunLength);
            }
            if (global && model.equals(DIRICHLET)) {
                throw new IllegalArgumentException(
                        "--global does not support --model dirichlet: each key learns its own"
                                + " categories up to --max-categories, and their union has no such"
                                + " bound");
            }
        }

        // The checks below record each prior (or change-point) option they accept, so that
        // build() can name the options given for a model (or without --changepoint) that does not
        // use them.

        private double positive(String option, double value) {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(
                        option + " must be finite and > 0, got " + value);
            }
            priorOptionsGiven.add(option);
            return value;
        }

        private double finite(String option, double value) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException(option + " must be finite, got " + value);
            }
            priorOptionsGiven.add(option);
            return value;
        }

        private static int atLeastOne(Set<String> given, String option, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(option + " must be at least 1, got " + value);
            }
            given.add(option);
            return value;
        }
    }
}
