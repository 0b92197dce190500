package dev.quiver.bayes;

/**
 * The Beta posterior of a binomial success probability theta, from observations of s successes in n
 * trials, kept as prior plus counts.
 *
 * <p>An observation is {@code value} = s successes with {@code features = {n}} trials: whole
 * numbers with 0 &le; s &le; n, 1 &le; n &le; 2^53, and exactly one feature. Anything else
 * (including {@code NaN}, infinities and fractions) is rejected, never ignored. With prior
 * Beta(alpha0, beta0) the posterior is Beta(alpha0 + &Sigma;s, beta0 + &Sigma;(n - s)) (Gelman et
 * al., <i>Bayesian Data Analysis</i>, 3rd ed., ch. 2). The posterior predictive of s given n is the
 * beta-binomial mass C(n, s) B(alpha + s, beta + n - s) / B(alpha, beta).
 *
 * <p>The state also keeps the number of observations ({@link #getN()}) and the sum of log C(n, s)
 * over them: the binomial coefficients do not change the posterior, but they are part of every
 * predictive mass, so {@link #logMarginalLikelihood()} needs their sum to equal the sum of
 * sequential {@link #logPredictive} scores. Counts are whole numbers, so updates, merges and
 * reverts are exact in them; the coefficient sum is a floating-point sum, exact only up to rounding
 * in the order of additions. After {@link #decay(double)} every statistic is a weight. Not
 * thread-safe. Updates, reverts and merges do not allocate; {@link #summarize()} does.
 *
 * <p>State layout after the {@link PosteriorStateFormat} preamble (family {@link
 * PosteriorStateFormat#BETA_BINOMIAL}, serial version 2, config hash {@code configHash(priorAlpha,
 * priorBeta)}), 56 bytes in all:
 *
 * <pre>
 *  Byte offset | contents (little-endian doubles)
 * -------------+--------------------------------------------------------------
 *            8 | priorAlpha (finite, &gt; 0)
 *           16 | priorBeta  (finite, &gt; 0)
 *           24 | observations (finite, &ge; 0)
 *           32 | successes    (finite, &ge; 0)
 *           40 | failures     (finite, &ge; 0)
 *           48 | sum of log C(n, s) over the observations (finite)
 * </pre>
 *
 * <pre>{@code
 * BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(1.0, 1.0);
 * posterior.update(BayesObservation.withFeatures(3.0, 10.0)); // 3 successes in 10 trials
 * posterior.update(BayesObservation.withFeatures(1.0, 5.0));
 * posterior.alpha();                    // 5.0 = 1 + 4 successes
 * posterior.beta();                     // 12.0 = 1 + 11 failures
 * posterior.getN();                     // 2.0 observations
 * double score = posterior.logPredictive(BayesObservation.withFeatures(0.0, 2.0));
 * BetaBinomialPosterior restored = BetaBinomialPosterior.fromBytes(posterior.toBytes());
 * }</pre>
 */
public final class BetaBinomialPosterior extends BetaPosterior<BetaBinomialPosterior> {

    /** The model name, as returned by {@link #modelName()} and shown in summaries. */
    public static final String MODEL = "beta-binomial";

    /** The largest number of trials: above it a count can no longer grow by 1 exactly. */
    private static final double MAX_TRIALS = 0x1p53;

    private double observations;
    private double logBinomialCoefficientSum;

    private BetaBinomialPosterior(
            double priorAlpha,
            double priorBeta,
            double observations,
            double successes,
            double failures,
            double logBinomialCoefficientSum) {
        super(BetaBinomialPosterior.class, priorAlpha, priorBeta, successes, failures);
        this.observations = observations;
        this.logBinomialCoefficientSum = logBinomialCoefficientSum;
    }

    /**
     * Creates an empty posterior, equal to the prior Beta(alpha, beta).
     *
     * @throws IllegalArgumentException unless both are finite and greater than 0
     */
    public static BetaBinomialPosterior withPrior(double alpha, double beta) {
        PosteriorChecks.checkPrior("alpha", alpha);
        PosteriorChecks.checkPrior("beta", beta);
        return new BetaBinomialPosterior(alpha, beta, 0.0, 0.0, 0.0, 0.0);
    }

    /**
     * Reads a posterior from bytes written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are corrupted ({@code "Corrupted: ..."}), of
     *     another model, or of an unknown serial version
     */
    public static BetaBinomialPosterior fromBytes(byte[] bytes) {
        final StateReader reader =
                StateReader.openVersion2(bytes, PosteriorStateFormat.BETA_BINOMIAL, MODEL);
        final double priorAlpha = reader.positiveDouble("prior alpha");
        final double priorBeta = reader.positiveDouble("prior beta");
        reader.checkConfigHash(PosteriorStateFormat.configHash(priorAlpha, priorBeta));
        final double observations = reader.nonNegativeDouble("observations");
        final double successes = reader.nonNegativeDouble("successes");
        final double failures = reader.nonNegativeDouble("failures");
        final double logBinomialCoefficientSum = reader.finiteDouble("log binomial coefficients");
        reader.finish();
        return new BetaBinomialPosterior(
                priorAlpha,
                priorBeta,
                observations,
                successes,
                failures,
                logBinomialCoefficientSum);
    }

    @Override
    public String modelName() {
        return MODEL;
    }

    /** Whole successes and trials with 0 &le; s &le; n and 1 &le; n &le; 2^53. */
    private static boolean isValid(double successes, double trials) {
        return successes >= 0.0
                && successes <= trials
                && trials >= 1.0
                && trials <= MAX_TRIALS
                && successes == Math.rint(successes)
                && trials == Math.rint(trials);
    }

    @Override
    public String invalidReason(BayesObservation observation) {
        final double[] features = observation.features();
        if (features.length != 1) {
            return MODEL
                    + " needs one feature, the number of trials, got "
                    + features.length
                    + " features";
        }
        final double successes = observation.value();
        final double trials = features[0];
        if (isValid(successes, trials)) {
            return null;
        }
        if (!(trials >= 1.0 && trials <= MAX_TRIALS && trials == Math.rint(trials))) {
            return MODEL + " needs trials (features[0]) a whole number in [1, 2^53], got " + trials;
        }
        if (!(successes >= 0.0 && successes == Math.rint(successes))) {
            return MODEL + " needs value (successes) a whole number >= 0, got " + successes;
        }
        return MODEL + " needs successes <= trials, got " + successes + " of " + trials;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One range check on the hot path; the reason is only worked out for a rejected observation.
     */
    @Override
    public void update(BayesObservation observation) {
        final double[] features = observation.features();
        final double s = observation.value();
        if (features.length != 1 || !isValid(s, features[0])) {
            throw new IllegalArgumentException(invalidReason(observation));
        }
        final double n = features[0];
        observations += 1.0;
        successes += s;
        failures += n - s;
        logBinomialCoefficientSum += SpecialFunctions.logBinomialCoefficient(n, s);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Throws {@link IllegalStateException} when fewer than one observation, s successes or n - s
     * failures are held. Reverting the last observation resets the coefficient sum to exactly 0, so
     * no rounding residue outlives the data.
     */
    @Override
    public void revert(BayesObservation observation) {
        checkValid(observation);
        final double s = observation.value();
        final double n = observation.features()[0];
        if (observations < 1.0 || successes < s || failures < n - s) {
            throw new IllegalStateException(
                    "cannot revert "
                            + s
                            + " of "
                            + n
                            + ": "
                            + MODEL
                            + " holds "
                            + observations
                            + " observations, "
                            + successes
                            + " successes, "
                            + failures
                            + " failures");
        }
        observations -= 1.0;
        successes -= s;
        failures -= n - s;
        logBinomialCoefficientSum =
                observations == 0.0
                        ? 0.0
                        : logBinomialCoefficientSum - SpecialFunctions.logBinomialCoefficient(n, s);
    }

    @Override
    void addData(BetaBinomialPosterior other) {
        observations += other.observations;
        successes += other.successes;
        failures += other.failures;
        logBinomialCoefficientSum += other.logBinomialCoefficientSum;
    }

    /** Multiplies every statistic, the coefficient sum included, by {@code lambda}. */
    @Override
    void scaleData(double lambda) {
        observations *= lambda;
        successes *= lambda;
        failures *= lambda;
        logBinomialCoefficientSum *= lambda;
    }

    /** Returns the number of observations (a weight after {@link #decay}), not of trials. */
    @Override
    public double getN() {
        return observations;
    }

    /** Returns the sum of log C(n, s) over the observations (weighted after {@link #decay}). */
    public double logBinomialCoefficientSum() {
        return logBinomialCoefficientSum;
    }

    /**
     * Returns log C(n, s) + log B(alpha + s, beta + n - s) - log B(alpha, beta), the beta-binomial
     * log mass of s successes in n trials.
     */
    @Override
    public double logPredictive(BayesObservation observation) {
        checkValid(observation);
        final double s = observation.value();
        final double n = observation.features()[0];
        final double a = alpha();
        final double b = beta();
        // n - s first: b + n - s would lose a tiny b to rounding and reach log B(., 0) = NaN.
        return SpecialFunctions.logBinomialCoefficient(n, s)
                + SpecialFunctions.logBeta(a + s, b + (n - s))
                - SpecialFunctions.logBeta(a, b);
    }

    /**
     * Returns &Sigma; log C(n, s) + log B(alpha, beta) - log B(alpha0, beta0), the evidence of the
     * observations.
     */
    @Override
    public double logMarginalLikelihood() {
        return logBinomialCoefficientSum
                + SpecialFunctions.logBeta(alpha(), beta())
                - SpecialFunctions.logBeta(priorAlpha, priorBeta);
    }

    @Override
    public byte[] toBytes() {
        return StateWriter.version2(
                        PosteriorStateFormat.BETA_BINOMIAL,
                        PosteriorStateFormat.configHash(priorAlpha, priorBeta))
                .putDouble(priorAlpha)
                .putDouble(priorBeta)
                .putDouble(observations)
                .putDouble(successes)
                .putDouble(failures)
                .putDouble(logBinomialCoefficientSum)
                .toBytes();
    }

    @Override
    public String toString() {
        return "BetaBinomialPosterior{priorAlpha="
                + priorAlpha
                + ", priorBeta="
                + priorBeta
                + ", observations="
                + observations
                + ", successes="
                + successes
                + ", failures="
                + failures
                + ", logBinomialCoefficientSum="
                + logBinomialCoefficientSum
                + '}';
    }
}
