package dev.quiver.bayes;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bayesian online change-point detection (R. P. Adams and D. J. C. MacKay, <i>Bayesian Online
 * Changepoint Detection</i>, 2007) over a Normal model with unknown mean and variance: a posterior
 * over the current run length (observations since the last change), updated per observation.
 *
 * <p>Each run length r keeps the Normal-Inverse-Gamma posterior of the last r observations (see
 * {@link NormalInverseGammaPosterior}; run length 0 is the prior). With a constant hazard H = 1 /
 * lambda, one observation x_t does, with pi_r the Student-t predictive density of x_t under run r:
 *
 * <pre>
 * P(r_t = r + 1, x_1..t) = P(r_(t-1) = r, x_1..t-1) pi_r (1 - H)     (the run grows)
 * P(r_t = 0,     x_1..t) = sum_r P(r_(t-1) = r, x_1..t-1) pi_r H     (a change)
 * </pre>
 *
 * and normalizes. Hence P(r_t = 0 | data) = H whatever the data: the change mass is H times the
 * total. It is not a change signal (an implementation that reports it reports the hazard); the
 * signal here is P(r_t &lt; w | data) for a small window w, see {@link ChangePointSummary}.
 *
 * <p>Truncation: run lengths above {@code maxRunLength} M are folded into the last bin, which then
 * means "M or longer" and is scored with the statistics of the last M observations (a long run's
 * predictive barely changes with more data). No mass is dropped, so the posterior always sums to 1;
 * the folded bin's mass is reported as {@link ChangePointSummary#truncatedMass()}. While that mass
 * is negligible the posterior equals the untruncated one.
 *
 * <p>Numerics: the run-length probabilities are kept normalized after every observation, so long
 * streams cannot underflow. They are kept as probabilities rather than logarithms because
 * log-sum-exp costs a logarithm and an exponential per run length, which held updates with M = 500
 * below 100,000 per second; a run whose probability underflows to 0 weighed under 1e-300. With
 * alpha_r, beta_r and kappa_r the parameters of run r and beta'_r its beta after adding x_t, the
 * predictive density is
 *
 * <pre>
 * pi_r = c_r (beta_r / beta'_r)^(alpha_r + 1/2) / sqrt(beta_r),
 * c_r  = exp(-log B(1/2, alpha_r)) sqrt(kappa_r / (2 (kappa_r + 1)))
 * </pre>
 *
 * (the Student-t density with nu = 2 alpha_r and nu scale^2 = 2 beta_r (kappa_r + 1) / kappa_r,
 * rearranged). When 2 alpha0 is a whole number (alpha0 = 0.5, 1, 1.5, ...) the power is a whole
 * power of sqrt(beta_r / beta'_r) taken by repeated squaring, so an update needs one square root,
 * one division and no logarithm or exponential per run length; otherwise the power costs a
 * logarithm and an exponential. If the total unnormalized mass of a step would fall below 1e-280
 * (an observation far outside every run's predictive), that step is redone in log space with
 * log-sum-exp, so the result stays accurate. A run's statistics are rebuilt from the prior at each
 * change and see at most M updates, so nothing drifts. Each update is O(M) and allocates only the
 * returned summary. Observations are valid under the rule of {@link NormalInverseGammaPosterior}
 * (finite, magnitude at most 1e100); then no output is NaN. Not thread-safe.
 *
 * <p>State bytes, family {@link PosteriorStateFormat#CHANGE_POINT}, serial version 2; configHash =
 * {@code PosteriorStateFormat.configHash(priorMean, priorKappa, priorAlpha, priorBeta,
 * hazardLambda, maxRunLength, shortRunWindow)}; B = min(t, maxRunLength) + 1 bins:
 *
 * <pre>
 *  Byte offset  | 0        | 1      | 2        | 3     | 4 .. 7
 * --------------+----------+--------+----------+-------+----------------------
 *             0 | preLongs | serVer | familyId | flags | configHash (int32)
 *             8 | priorMean    (double)
 *            16 | priorKappa   (double)
 *            24 | priorAlpha   (double)
 *            32 | priorBeta    (double)
 *            40 | hazardLambda (double, &gt; 1)
 *            48 | maxRunLength (int32)    | shortRunWindow (int32)
 *            56 | t, observations seen (int64)
 *            64 | P(r = 0 .. B-1 | data)  (B doubles in [0, 1] summing to 1; P(r = 0) = H once t &gt; 0)
 *   64 + 8 B    | mu of run 0 .. B-1      (B doubles; run 0 holds the prior)
 *   64 + 16 B   | beta of run 0 .. B-1    (B doubles, &gt; 0)
 * </pre>
 *
 * <pre>{@code
 * ChangePointDetector detector =
 *         ChangePointDetector.create(0.0, 0.1, 1.0, 1.0, 200.0, 500, 10);
 * ChangePointSummary summary = detector.update(BayesObservation.of(0.3));
 * summary.probRunLengthBelow(); // P(a change within the last 10 observations)
 * summary.mapRunLength();       // most probable number of observations since the last change
 * byte[] state = detector.toBytes();
 * ChangePointDetector restored = ChangePointDetector.fromBytes(state);
 * }</pre>
 */
public final class ChangePointDetector {

    /** The name in error messages. */
    public static final String MODEL = "change-point";

    /** The largest accepted maxRunLength: eight arrays of this many doubles are kept. */
    public static final int MAX_MAX_RUN_LENGTH = 1_000_000;

    /**
     * Below this total unnormalized mass a step is redone in log space. Bins that underflow to
     * subnormals beside a total at least this large weigh under 1e-27 of it, so nothing of
     * consequence is lost; realistic data keeps the total near the predictive density, 1e-3 to 1.
     */
    private static final double MIN_LINEAR_EVIDENCE = 1e-280;

    /** Whole-number powers up to this exponent are taken by repeated squaring. */
    private static final int MAX_INTEGER_EXPONENT = 1 << 24;

    /** How far the stored probabilities may sum from 1 before the state counts as corrupted. */
    private static final double STORED_MASS_TOLERANCE = 1e-9;

    /** The largest beta valid updates can produce, with a wide margin below overflow. */
    private static final double MAX_STORED_BETA = 1e300;

    private final ChangePointConfig config;
    private final int maxRunLength;
    private final double hazard;
    private final double growth;
    private final double priorSqrtBeta;

    /** Whether 2 alpha_r is a whole number for every r, so powers are repeated squarings. */
    private final boolean integerPowers;

    /** Per run length r, fixed by the prior: c_r of the class javadoc. */
    private final double[] coefficient;

    /** Per run length r: 2 alpha_r = 2 alpha0 + r, see {@link #predictiveDensity}. */
    private final double[] exponent;

    /** {@link #exponent} as whole numbers, when {@link #integerPowers}. */
    private final int[] integerExponent;

    /** Per run length r: kappa_r / (2 (kappa_r + 1)), so beta'_r = beta_r + this (x - mu_r)^2. */
    private final double[] betaStep;

    /** Per run length r: 1 / (kappa_r + 1), so mu'_r = mu_r + this (x - mu_r). */
    private final double[] muStep;

    /** {@link #MIN_LINEAR_EVIDENCE}, or +Infinity to take the log-space path on every step. */
    private double minLinearEvidence = MIN_LINEAR_EVIDENCE;

    private long t;

    /*
     * An update reads the state and writes the next one, then swaps them: the log-space redo
     * still sees the old state.
     */
    private RunLengths state;
    private RunLengths next;

    private ChangePointDetector(ChangePointConfig config) {
        this.config = config;
        this.maxRunLength = config.maxRunLength();
        this.hazard = 1.0 / config.hazardLambda();
        this.growth = 1.0 - hazard;
        this.priorSqrtBeta = Math.sqrt(config.prior().beta());
        final double priorKappa = config.prior().kappa();
        final double priorAlpha = config.prior().alpha();
        final int bins = maxRunLength + 1;
        final double largestExponent = 2.0 * priorAlpha + maxRunLength;
        this.integerPowers =
                2.0 * priorAlpha == Math.rint(2.0 * priorAlpha)
                        && largestExponent <= MAX_INTEGER_EXPONENT;
        coefficient = new double[bins];
        exponent = new double[bins];
        integerExponent = new int[integerPowers ? bins : 0];
        betaStep = new double[bins];
        muStep = new double[bins];
        for (int r = 0; r < bins; r++) {
            final double kappa = priorKappa + r;
            final double alpha = priorAlpha + 0.5 * r;
            exponent[r] = 2.0 * alpha;
            if (integerPowers) {
                integerExponent[r] = (int) exponent[r];
            }
            betaStep[r] = kappa / (2.0 * (kappa + 1.0));
            muStep[r] = 1.0 / (kappa + 1.0);
            coefficient[r] =
                    Math.exp(
                            StudentTMarginal.logNormalizer(alpha)
                                    + 0.5 * Math.log(kappa / (2.0 * (kappa + 1.0))));
        }
        state = RunLengths.empty(bins);
        next = RunLengths.empty(bins);
        state.probability[0] = 1.0;
        state.startRun(config.prior(), priorSqrtBeta);
    }

    /** A copy that shares the immutable per-run-length constants. */
    private ChangePointDetector(ChangePointDetector other) {
        config = other.config;
        maxRunLength = other.maxRunLength;
        hazard = other.hazard;
        growth = other.growth;
        priorSqrtBeta = other.priorSqrtBeta;
        integerPowers = other.integerPowers;
        coefficient = other.coefficient;
        exponent = other.exponent;
        integerExponent = other.integerExponent;
        betaStep = other.betaStep;
        muStep = other.muStep;
        minLinearEvidence = other.minLinearEvidence;
        t = other.t;
        state = other.state.copy();
        next = RunLengths.empty(maxRunLength + 1);
    }

    /**
     * Creates a detector that has seen nothing (run length 0 with probability 1) from the numbers
     * of a {@link NormalInverseGammaPrior} and a {@link ChangePointConfig}.
     *
     * @param priorMean mu0 of the Normal-Inverse-Gamma prior of each run's mean and variance
     * @param priorKappa kappa0 of that prior
     * @param priorAlpha alpha0 of that prior; updates are fastest when 2 alpha0 is a whole number
     * @param priorBeta beta0 of that prior
     * @param hazardLambda the expected run length lambda; the hazard is H = 1 / lambda
     * @param maxRunLength M, the longest run length tracked separately; longer ones share bin M
     * @param shortRunWindow w, the change signal is P(run length &lt; w)
     * @throws IllegalArgumentException unless the prior is valid for {@link
     *     NormalInverseGammaPosterior#withPrior}, lambda is finite and &gt; 1, 1 &le; M &le;
     *     {@value #MAX_MAX_RUN_LENGTH} and 1 &le; w &le; M; the message names the bad value
     */
    public static ChangePointDetector create(
            double priorMean,
            double priorKappa,
            double priorAlpha,
            double priorBeta,
            double hazardLambda,
            int maxRunLength,
            int shortRunWindow) {
        final NormalInverseGammaPrior prior =
                new NormalInverseGammaPrior(priorMean, priorKappa, priorAlpha, priorBeta);
        return create(new ChangePointConfig(prior, hazardLambda, maxRunLength, shortRunWindow));
    }

    /** Creates a detector that has seen nothing (run length 0 with probability 1). */
    public static ChangePointDetector create(ChangePointConfig config) {
        return new ChangePointDetector(Objects.requireNonNull(config, "config"));
    }

    /** Says why the observation is invalid ({@code null} if valid), naming {@value #MODEL}. */
    public String invalidReason(BayesObservation observation) {
        return NormalInverseGammaPosterior.invalidValueReason(MODEL, observation.value());
    }

    /**
     * Adds one observation and returns the updated run-length summary. O(maxRunLength); allocates
     * only the summary.
     *
     * @throws IllegalArgumentException if the observation is invalid; the message is {@link
     *     #invalidReason(BayesObservation)}, and nothing changes
     */
    public ChangePointSummary update(BayesObservation observation) {
        final String reason = invalidReason(observation);
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
        final double x = observation.value();
        final int top = bins() - 1;
        final boolean folded = top == maxRunLength;
        final int lastGrowing = folded ? top - 1 : top;
        double evidence = 0.0;
        for (int r = 0; r <= lastGrowing; r++) {
            final double deviation = x - state.mu[r];
            final double grownBeta = state.beta[r] + betaStep[r] * deviation * deviation;
            final double grownSqrtBeta = Math.sqrt(grownBeta);
            final double joint =
                    state.probability[r]
                            * predictiveDensity(r, state.sqrtBeta[r], 1.0 / grownSqrtBeta);
            next.probability[r + 1] = joint;
            next.mu[r + 1] = state.mu[r] + muStep[r] * deviation;
            next.beta[r + 1] = grownBeta;
            next.sqrtBeta[r + 1] = grownSqrtBeta;
            evidence += joint;
        }
        if (folded) {
            // Runs of M or more stay in bin M, which takes over the statistics of run M - 1
            // grown by x (written above); only the old bin's predictive is needed.
            final double deviation = x - state.mu[top];
            final double grownSqrtBeta =
                    Math.sqrt(state.beta[top] + betaStep[top] * deviation * deviation);
            final double joint =
                    state.probability[top]
                            * predictiveDensity(top, state.sqrtBeta[top], 1.0 / grownSqrtBeta);
            next.probability[top] += joint;
            evidence += joint;
        }
        final int newTop = folded ? top : top + 1;
        final double logEvidence;
        final double scale;
        if (evidence >= minLinearEvidence) {
            logEvidence = Math.log(evidence);
            scale = growth / evidence;
        } else {
            logEvidence = redoInLogSpace(x, top, folded);
            scale = growth;
        }
        next.probability[0] = hazard;
        long mapRunLength = 0;
        double best = hazard;
        for (int r = 1; r <= newTop; r++) {
            final double normalized = next.probability[r] * scale;
            next.probability[r] = normalized;
            if (normalized > best) {
                best = normalized;
                mapRunLength = r;
            }
        }
        next.startRun(config.prior(), priorSqrtBeta);
        swap();
        t++;
        final int shortRunWindow = config.shortRunWindow();
        return new ChangePointSummary(
                mapRunLength,
                probabilityBelow(shortRunWindow),
                shortRunWindow,
                folded ? state.probability[top] : 0.0,
                logEvidence);
    }

    /**
     * Returns pi_r = c_r ratio^(2 alpha_r + 1) / sqrt(beta_r) = c_r ratio^(2 alpha_r) /
     * sqrt(beta'_r), the class javadoc's predictive density, with ratio = sqrt(beta_r / beta'_r) in
     * (0, 1]; the second form needs one division per run length instead of two.
     */
    private double predictiveDensity(int r, double sqrtBeta, double inverseGrownSqrtBeta) {
        final double ratio = sqrtBeta * inverseGrownSqrtBeta;
        final double power =
                integerPowers
                        ? integerPower(ratio, integerExponent[r])
                        : Math.exp(exponent[r] * Math.log(ratio));
        return coefficient[r] * power * inverseGrownSqrtBeta;
    }

    /** x^n by repeated squaring: about 2 log2(n) multiplications, relative error near n eps. */
    static double integerPower(double x, int n) {
        double power = 1.0;
        double square = x;
        for (int bits = n; bits != 0; bits >>>= 1) {
            if ((bits & 1) != 0) {
                power *= square;
            }
            square *= square;
        }
        return power;
    }

    /**
     * Recomputes the step's joint masses as logarithms from the old state, normalizes them by
     * log-sum-exp into {@code next.probability[1..]} (still to be multiplied by 1 - H) and returns
     * the log evidence. Run 0 always has mass, so the result is finite.
     */
    private double redoInLogSpace(double x, int top, boolean folded) {
        // Recomputing logJoint in each pass costs logarithms, but this path is rare and must not
        // allocate.
        double max = Double.NEGATIVE_INFINITY;
        for (int r = 0; r <= top; r++) {
            max = Math.max(max, logJoint(r, x));
        }
        double sum = 0.0;
        for (int r = 0; r <= top; r++) {
            sum += Math.exp(logJoint(r, x) - max);
        }
        final double logEvidence = max + Math.log(sum);
        for (int r = 0; r <= (folded ? top - 1 : top); r++) {
            next.probability[r + 1] = Math.exp(logJoint(r, x) - logEvidence);
        }
        if (folded) {
            next.probability[top] += Math.exp(logJoint(top, x) - logEvidence);
        }
        return logEvidence;
    }

    /** log P(r) + log pi_r(x) from the old state, -Infinity when P(r) is 0. */
    private double logJoint(int r, double x) {
        final double deviation = x - state.mu[r];
        final double logBeta = Math.log(state.beta[r]);
        final double logGrownBeta = Math.log(state.beta[r] + betaStep[r] * deviation * deviation);
        return Math.log(state.probability[r])
                + Math.log(coefficient[r])
                + (0.5 * exponent[r] + 0.5) * (logBeta - logGrownBeta)
                - 0.5 * logBeta;
    }

    private void swap() {
        final RunLengths swapped = state;
        state = next;
        next = swapped;
    }

    /** P(run length &lt; w | data), at most 1 despite rounding. */
    private double probabilityBelow(int window) {
        final int end = Math.min(window, bins());
        double sum = 0.0;
        for (int r = 0; r < end; r++) {
            sum += state.probability[r];
        }
        return Math.min(1.0, sum);
    }

    /** The number of run lengths with mass: min(t, maxRunLength) + 1. */
    private int bins() {
        return (int) Math.min(t, maxRunLength) + 1;
    }

    /**
     * Returns P(run length = r | data) for r = 0 .. maxRunLength (the last entry meaning "at least
     * maxRunLength"; 0 where no run can be that long yet). Allocates the returned array.
     */
    public double[] runLengthDistribution() {
        final double[] distribution = new double[maxRunLength + 1];
        System.arraycopy(state.probability, 0, distribution, 0, bins());
        return distribution;
    }

    /** Makes every later update take the log-space path, so tests can check it on any data. */
    void alwaysRedoInLogSpace() {
        minLinearEvidence = Double.POSITIVE_INFINITY;
    }

    /** Returns the number of observations seen. */
    public long observations() {
        return t;
    }

    /** Returns the hazard H = 1 / lambda. */
    public double hazard() {
        return hazard;
    }

    /** Returns M, the longest separately tracked run length. */
    public int maxRunLength() {
        return maxRunLength;
    }

    /** Returns w, the window of the change signal P(run length &lt; w). */
    public int shortRunWindow() {
        return config.shortRunWindow();
    }

    /** Returns the configuration the detector was created with. */
    public ChangePointConfig config() {
        return config;
    }

    /** Returns an independent copy in the same state. */
    public ChangePointDetector copy() {
        return new ChangePointDetector(this);
    }

    /** Returns the configuration and state in the layout of the class javadoc. */
    public byte[] toBytes() {
        final int bins = bins();
        final StateWriter writer =
                StateWriter.version2(PosteriorStateFormat.CHANGE_POINT, config.configHash());
        return config.write(writer)
                .putLong(t)
                .putDoubles(state.probability, 0, bins)
                .putDoubles(state.mu, 0, bins)
                .putDoubles(state.beta, 0, bins)
                .toBytes();
    }

    /**
     * Reads a detector written by {@link #toBytes()}; it continues exactly where the writer was.
     *
     * @throws IllegalArgumentException if the bytes are corrupted ({@code "Corrupted: ..."}), of
     *     another family or of an unknown serial version
     */
    public static ChangePointDetector fromBytes(byte[] bytes) {
        final StateReader reader =
                StateReader.openVersion2(bytes, PosteriorStateFormat.CHANGE_POINT, MODEL);
        final ChangePointConfig config = ChangePointConfig.read(reader);
        reader.checkConfigHash(config.configHash());
        final ChangePointDetector detector = new ChangePointDetector(config);
        detector.t = reader.longInRange("t", 0, Long.MAX_VALUE);
        final int bins = detector.bins();
        final double[] probability = reader.finiteDoubles("probability", bins);
        final double[] mu = reader.finiteDoubles("mu", bins);
        final double[] beta = reader.finiteDoubles("beta", bins);
        reader.finish();
        double mass = 0.0;
        for (int r = 0; r < bins; r++) {
            if (!(probability[r] >= 0.0 && probability[r] <= 1.0)) {
                throw StateReader.corrupted(
                        "probability[" + r + "] " + probability[r] + " is not in [0, 1]");
            }
            // Bounds that valid updates keep (means are averages of values within 1e100, betas
            // sums of at most M + 1 terms below 1e201) and that keep the next update finite.
            if (!(Math.abs(mu[r]) <= NormalInverseGammaPosterior.MAX_ABS_VALUE)) {
                throw StateReader.corrupted("mu[" + r + "] " + mu[r] + " is out of range");
            }
            if (!(beta[r] > 0.0 && beta[r] <= MAX_STORED_BETA)) {
                throw StateReader.corrupted("beta[" + r + "] " + beta[r] + " is out of range");
            }
            mass += probability[r];
        }
        if (!(Math.abs(mass - 1.0) <= STORED_MASS_TOLERANCE)) {
            throw StateReader.corrupted("run-length probabilities sum to " + mass + ", not 1");
        }
        final double expectedProbability0 = detector.t == 0 ? 1.0 : detector.hazard;
        if (probability[0] != expectedProbability0
                || mu[0] != config.prior().mean()
                || beta[0] != config.prior().beta()) {
            throw StateReader.corrupted("run length 0 does not hold the prior and the hazard");
        }
        System.arraycopy(probability, 0, detector.state.probability, 0, bins);
        System.arraycopy(mu, 0, detector.state.mu, 0, bins);
        System.arraycopy(beta, 0, detector.state.beta, 0, bins);
        for (int r = 0; r < bins; r++) {
            detector.state.sqrtBeta[r] = Math.sqrt(beta[r]);
        }
        return detector;
    }

    /**
     * One state of the recursion: P(r_t = r | x_1..t) and run r's mu and beta for r below bins(),
     * plus sqrt(beta) computed from beta (so a restored detector continues bit for bit).
     */
    private record RunLengths(
            double[] probability, double[] mu, double[] beta, double[] sqrtBeta) {

        static RunLengths empty(int bins) {
            return new RunLengths(
                    new double[bins], new double[bins], new double[bins], new double[bins]);
        }

        RunLengths copy() {
            return new RunLengths(probability.clone(), mu.clone(), beta.clone(), sqrtBeta.clone());
        }

        /** Run length 0 holds the prior alone: a change just happened. */
        void startRun(NormalInverseGammaPrior prior, double priorSqrtBeta) {
            mu[0] = prior.mean();
            beta[0] = prior.beta();
            sqrtBeta[0] = priorSqrtBeta;
        }
    }

    @Override
    public String toString() {
        return "ChangePointDetector{t="
                + t
                + ", hazard=1/"
                + config.hazardLambda()
                + ", maxRunLength="
                + maxRunLength
                + ", shortRunWindow="
                + config.shortRunWindow()
                + ", runLengths="
                + Arrays.toString(Arrays.copyOf(state.probability, Math.min(bins(), 8)))
                + (bins() > 8 ? "..." : "")
                + '}';
    }
}
