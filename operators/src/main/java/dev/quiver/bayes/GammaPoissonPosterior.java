package dev.quiver.bayes;

import org.hipparchus.util.FastMath;

/**
 * The Gamma posterior of a Poisson rate lambda, from counts observed over exposures, kept as prior
 * plus sums.
 *
 * <p>An observation is {@code value} = y, a whole number in [0, 2^53], with an optional exposure e
 * = {@code features[0]}, finite and &gt; 0 (1 when {@code features} is empty; more than one feature
 * is invalid): y ~ Poisson(lambda e). Anything else, including {@code NaN}, is rejected, never
 * ignored; so is an exposure that would take the posterior rate past the largest double. With prior
 * Gamma(shape a0, rate b0) the posterior is Gamma(a0 + &Sigma;y, b0 + &Sigma;e) (Gelman et al.,
 * <i>Bayesian Data Analysis</i>, 3rd ed., ch. 2), and the posterior predictive of y at exposure e
 * is negative binomial: Γ(a + y) / (Γ(a) y!) (b / (b + e))^a (e / (b + e))^y.
 *
 * <p>The state also keeps the number of observations ({@link #getN()}) and &Sigma;(y log e - log
 * y!), the log base measure of the Poisson likelihood: it does not change the posterior, but it is
 * part of every predictive mass, so {@link #logMarginalLikelihood()} needs it to equal the sum of
 * sequential {@link #logPredictive} scores. Counts are whole numbers, so they add and subtract
 * exactly; exposures and the base-measure sum are floating-point sums, exact only up to rounding in
 * the order of additions. After {@link #decay(double)} every statistic is a weight. Not
 * thread-safe. Updates, reverts and merges do not allocate; {@link #summarize()} does.
 *
 * <p>State layout after the {@link PosteriorStateFormat} preamble (family {@link
 * PosteriorStateFormat#GAMMA_POISSON}, serial version 2, config hash {@code configHash(priorShape,
 * priorRate)}), 56 bytes in all:
 *
 * <pre>
 *  Byte offset | contents (little-endian doubles)
 * -------------+--------------------------------------------------------------
 *            8 | priorShape (finite, &gt; 0)
 *           16 | priorRate  (finite, &gt; 0)
 *           24 | observations   (finite, &ge; 0)
 *           32 | total count    (finite, &ge; 0)
 *           40 | total exposure (finite, &ge; 0)
 *           48 | sum of y log e - log y! over the observations (finite)
 * </pre>
 *
 * <pre>{@code
 * GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(2.0, 1.0);
 * posterior.update(BayesObservation.of(3.0));                 // 3 events in one unit
 * posterior.update(BayesObservation.withFeatures(5.0, 2.5));  // 5 events in 2.5 units
 * posterior.shape();                    // 10.0 = 2 + 8 events
 * posterior.rate();                     // 4.5 = 1 + 3.5 units
 * posterior.mean();                     // 10 / 4.5 events per unit
 * posterior.mle();                      // 8 / 3.5
 * GammaPoissonPosterior restored = GammaPoissonPosterior.fromBytes(posterior.toBytes());
 * }</pre>
 */
public final class GammaPoissonPosterior extends ConjugateFamily<GammaPoissonPosterior> {

    /** The model name, as returned by {@link #modelName()} and shown in summaries. */
    public static final String MODEL = "gamma-poisson";

    /** The largest count: above it a count total can no longer grow by 1 exactly. */
    private static final double MAX_COUNT = 0x1p53;

    private final double priorShape;
    private final double priorRate;
    private double observations;
    private double totalCount;
    private double totalExposure;
    private double logBaseMeasureSum;

    private GammaPoissonPosterior(
            double priorShape,
            double priorRate,
            double observations,
            double totalCount,
            double totalExposure,
            double logBaseMeasureSum) {
        super(GammaPoissonPosterior.class);
        this.priorShape = priorShape;
        this.priorRate = priorRate;
        this.observations = observations;
        this.totalCount = totalCount;
        this.totalExposure = totalExposure;
        this.logBaseMeasureSum = logBaseMeasureSum;
    }

    /**
     * Creates an empty posterior, equal to the prior Gamma(shape, rate) with mean shape / rate.
     *
     * @throws IllegalArgumentException unless both are finite and greater than 0
     */
    public static GammaPoissonPosterior withPrior(double shape, double rate) {
        PosteriorChecks.checkPrior("shape", shape);
        PosteriorChecks.checkPrior("rate", rate);
        return new GammaPoissonPosterior(shape, rate, 0.0, 0.0, 0.0, 0.0);
    }

    /**
     * Reads a posterior from bytes written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are corrupted ({@code "Corrupted: ..."}), of
     *     another model, or of an unknown serial version
     */
    public static GammaPoissonPosterior fromBytes(byte[] bytes) {
        final StateReader reader =
                StateReader.openVersion2(bytes, PosteriorStateFormat.GAMMA_POISSON, MODEL);
        final double priorShape = reader.positiveDouble("prior shape");
        final double priorRate = reader.positiveDouble("prior rate");
        reader.checkConfigHash(PosteriorStateFormat.configHash(priorShape, priorRate));
        final double observations = reader.nonNegativeDouble("observations");
        final double totalCount = reader.nonNegativeDouble("total count");
        final double totalExposure = reader.nonNegativeDouble("total exposure");
        final double logBaseMeasureSum = reader.finiteDouble("log base measure");
        reader.finish();
        return new GammaPoissonPosterior(
                priorShape, priorRate, observations, totalCount, totalExposure, logBaseMeasureSum);
    }

    @Override
    public String modelName() {
        return MODEL;
    }

    private static boolean isValidCount(double count) {
        return count >= 0.0 && count <= MAX_COUNT && count == Math.rint(count);
    }

    private static boolean isValidExposure(double exposure) {
        return exposure > 0.0 && exposure <= Double.MAX_VALUE;
    }

    @Override
    public String invalidReason(BayesObservation observation) {
        final double[] features = observation.features();
        if (features.length > 1) {
            return MODEL
                    + " takes at most one feature, the exposure, got "
                    + features.length
                    + " features";
        }
        final double count = observation.value();
        if (!isValidCount(count)) {
            return MODEL + " needs value (a count) a whole number in [0, 2^53], got " + count;
        }
        final double exposure = exposure(features);
        if (!isValidExposure(exposure)) {
            return MODEL + " needs exposure (features[0]) finite and > 0, got " + exposure;
        }
        if (rate() + exposure == Double.POSITIVE_INFINITY) {
            return MODEL + " rate " + rate() + " would overflow with exposure " + exposure;
        }
        return null;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One range check on the hot path; the reason is only worked out for a rejected observation.
     * The logarithm of the exposure is only taken when it is not 1.
     */
    @Override
    public void update(BayesObservation observation) {
        final double[] features = observation.features();
        final double y = observation.value();
        final double exposure = exposure(features);
        if (features.length > 1
                || !isValidCount(y)
                || !isValidExposure(exposure)
                || rate() + exposure == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(invalidReason(observation));
        }
        observations += 1.0;
        totalCount += y;
        totalExposure += exposure;
        logBaseMeasureSum += logBaseMeasure(y, exposure);
    }

    /** The exposure of an observation: its one feature, 1 when it has none. */
    private static double exposure(double[] features) {
        return features.length == 0 ? 1.0 : features[0];
    }

    /**
     * Returns y log e - log y!, the log of the Poisson mass's factor that is free of lambda. It
     * goes into the state, so its log is Hipparchus's platform-independent one (see
     * SpecialFunctions).
     */
    private static double logBaseMeasure(double y, double exposure) {
        final double logFactorial = SpecialFunctions.logFactorial(y);
        return exposure == 1.0 || y == 0.0
                ? -logFactorial
                : y * FastMath.log(exposure) - logFactorial;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Throws {@link IllegalStateException} when fewer than one observation or y counts are held.
     * Exposures are real numbers, so after other additions the running total can round to just
     * below an exposure that was added; it is therefore not used to refuse a revert, and is kept at
     * 0 or above. Reverting the last observation resets the floating-point sums to exactly 0, so no
     * rounding residue outlives the data.
     */
    @Override
    public void revert(BayesObservation observation) {
        checkValid(observation);
        final double y = observation.value();
        final double exposure = exposure(observation.features());
        if (observations < 1.0 || totalCount < y) {
            throw new IllegalStateException(
                    "cannot revert count "
                            + y
                            + ": "
                            + MODEL
                            + " holds "
                            + observations
                            + " observations with total count "
                            + totalCount);
        }
        observations -= 1.0;
        totalCount -= y;
        if (observations == 0.0) {
            totalExposure = 0.0;
            logBaseMeasureSum = 0.0;
        } else {
            totalExposure = Math.max(0.0, totalExposure - exposure);
            logBaseMeasureSum -= logBaseMeasure(y, exposure);
        }
    }

    @Override
    boolean samePrior(GammaPoissonPosterior other) {
        return priorShape == other.priorShape && priorRate == other.priorRate;
    }

    @Override
    void addData(GammaPoissonPosterior other) {
        observations += other.observations;
        totalCount += other.totalCount;
        totalExposure += other.totalExposure;
        logBaseMeasureSum += other.logBaseMeasureSum;
    }

    /** Multiplies every statistic, exposure and base-measure sum included, by {@code lambda}. */
    @Override
    void scaleData(double lambda) {
        observations *= lambda;
        totalCount *= lambda;
        totalExposure *= lambda;
        logBaseMeasureSum *= lambda;
    }

    /** Returns the number of observations (a weight after {@link #decay}). */
    @Override
    public double getN() {
        return observations;
    }

    /** Returns the posterior shape = prior shape + total count. */
    public double shape() {
        return priorShape + totalCount;
    }

    /** Returns the posterior rate = prior rate + total exposure. */
    public double rate() {
        return priorRate + totalExposure;
    }

    /** Returns the prior shape given to {@link #withPrior(double, double)}. */
    public double priorShape() {
        return priorShape;
    }

    /** Returns the prior rate given to {@link #withPrior(double, double)}. */
    public double priorRate() {
        return priorRate;
    }

    /** Returns the sum of the counts (a weight after {@link #decay}). */
    public double totalCount() {
        return totalCount;
    }

    /** Returns the sum of the exposures (weighted after {@link #decay}). */
    public double totalExposure() {
        return totalExposure;
    }

    /** Returns &Sigma;(y log e - log y!) over the observations (weighted after decay). */
    public double logBaseMeasureSum() {
        return logBaseMeasureSum;
    }

    /** Returns the posterior mean of lambda, shape / rate. */
    public double mean() {
        return GammaMarginal.mean(shape(), rate());
    }

    /** Returns the posterior variance of lambda, shape / rate^2. */
    public double variance() {
        return GammaMarginal.variance(shape(), rate());
    }

    /**
     * Returns the maximum-likelihood estimate total count / total exposure, {@code NaN} when there
     * is no exposure (no data, or all of it decayed below the smallest double).
     */
    public double mle() {
        return totalExposure == 0.0 ? Double.NaN : totalCount / totalExposure;
    }

    /**
     * Returns the posterior mode of lambda: (shape - 1) / rate when shape &ge; 1, otherwise 0,
     * where the density decreases from its (unbounded) value at 0. Never {@code NaN}.
     */
    public double map() {
        return GammaMarginal.mode(shape(), rate());
    }

    /**
     * Returns the negative binomial log mass of count y at exposure e: log Γ(a + y) - log Γ(a) -
     * log y! - a log(1 + e / b) - y log(1 + b / e), with a = {@link #shape()} and b = {@link
     * #rate()}; the two log1p forms stay accurate when e and b differ by orders of magnitude.
     */
    @Override
    public double logPredictive(BayesObservation observation) {
        checkValid(observation);
        final double y = observation.value();
        final double exposure = exposure(observation.features());
        final double a = shape();
        final double b = rate();
        final double countTerm = y == 0.0 ? 0.0 : y * SpecialFunctions.log1pRatio(b, exposure);
        return SpecialFunctions.logGammaRatio(a, y)
                - SpecialFunctions.logFactorial(y)
                - a * SpecialFunctions.log1pRatio(exposure, b)
                - countTerm;
    }

    /**
     * Returns the evidence log Γ(a) - log Γ(a0) + a0 log b0 - a log b + &Sigma;(y log e - log y!),
     * computed as log Γ(a0 + Y) - log Γ(a0) - a0 log(1 + E / b0) - Y log b with Y the total count
     * and E the total exposure, which avoids the difference of two large a log b terms.
     */
    @Override
    public double logMarginalLikelihood() {
        final double countTerm = totalCount == 0.0 ? 0.0 : totalCount * Math.log(rate());
        return SpecialFunctions.logGammaRatio(priorShape, totalCount)
                - priorShape * SpecialFunctions.log1pRatio(totalExposure, priorRate)
                - countTerm
                + logBaseMeasureSum;
    }

    /** Summarizes lambda: params {@code {shape, rate}}, n = the number of observations. */
    @Override
    public PosteriorSummary summarize() {
        return PosteriorLaw.GAMMA.summary(MODEL, observations, shape(), rate(), mle(), map());
    }

    @Override
    public byte[] toBytes() {
        return StateWriter.version2(
                        PosteriorStateFormat.GAMMA_POISSON,
                        PosteriorStateFormat.configHash(priorShape, priorRate))
                .putDouble(priorShape)
                .putDouble(priorRate)
                .putDouble(observations)
                .putDouble(totalCount)
                .putDouble(totalExposure)
                .putDouble(logBaseMeasureSum)
                .toBytes();
    }

    @Override
    String priorString() {
        return "Gamma(shape " + priorShape + ", rate " + priorRate + ")";
    }

    @Override
    public String toString() {
        return "GammaPoissonPosterior{priorShape="
                + priorShape
                + ", priorRate="
                + priorRate
                + ", observations="
                + observations
                + ", totalCount="
                + totalCount
                + ", totalExposure="
                + totalExposure
                + ", logBaseMeasureSum="
                + logBaseMeasureSum
                + '}';
    }
}
