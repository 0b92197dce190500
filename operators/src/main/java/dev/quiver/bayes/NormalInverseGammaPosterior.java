package dev.quiver.bayes;

import static dev.quiver.bayes.PosteriorSummary.CREDIBLE_HIGH_PROBABILITY;
import static dev.quiver.bayes.PosteriorSummary.CREDIBLE_LOW_PROBABILITY;

import dev.quiver.bayes.special.GammaQuantile;

import org.hipparchus.special.Gamma;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Normal-Inverse-Gamma posterior of a Normal model whose mean mu and variance sigma2 are both
 * unknown, kept as prior plus the numerically stable statistics (n, mean, m2).
 *
 * <p>Prior: sigma2 ~ InvGamma(alpha0, beta0) and mu | sigma2 ~ N(mu0, sigma2 / kappa0). After n
 * observations with sample mean xbar and sum of squared deviations m2 = sum (x - xbar)^2 the
 * posterior is NIG(mun, kappan, alphan, betan) with (K. P. Murphy, <i>Conjugate Bayesian analysis
 * of the Gaussian distribution</i>, 2007, section 6):
 *
 * <pre>
 * kappan = kappa0 + n                 mun   = mu0 + n (xbar - mu0) / kappan
 * alphan = alpha0 + n / 2             betan = beta0 + m2 / 2 + kappa0 n (xbar - mu0)^2 / (2 kappan)
 * </pre>
 *
 * <p>Why (n, mean, m2) and not sums of x and x^2: the sums cancel catastrophically when the data's
 * offset is large against its spread (values 1e8 + N(0, 1) leave no correct digit of the variance
 * in sum x^2 - n xbar^2). {@link #update(double)} is Welford's step, {@link #merge} the pairwise
 * combination of Chan, Golub and LeVeque (1979), {@link #revert(double)} the inverse Welford step,
 * and {@link #decay(double)} scales n and m2 by lambda and keeps the mean (the weighted mean of
 * geometrically weighted data is unchanged). Their relative error is bounded by about n (offset /
 * spread) eps, where the sums' is n (offset / spread)^2 eps. Because floating-point addition is not
 * associative, a merge or a revert reproduces a sequential posterior to rounding (about 1e-15
 * relative), not bit for bit.
 *
 * <p>Summary: the top level describes mu, whose marginal is Student-t with 2 alphan degrees of
 * freedom, location mun and scale sqrt(betan / (alphan kappan)); its variance is betan / ((alphan -
 * 1) kappan) for alphan &gt; 1 and {@code +Infinity} otherwise (the second moment diverges, so
 * infinity is the value, not a placeholder for NaN). The MLE is xbar ({@code NaN} when n = 0); the
 * mode is mun. {@link PosteriorSummary#parameters()} holds {@code "mu"} (the same numbers) and
 * {@code "sigma2"}: InvGamma(alphan, betan) with mean betan / (alphan - 1) ({@code +Infinity} for
 * alphan &le; 1), variance betan^2 / ((alphan - 1)^2 (alphan - 2)) ({@code +Infinity} for alphan
 * &le; 2), the biased MLE m2 / n ({@code NaN} when n = 0) and, as {@code map}, the sigma2 component
 * of the joint mode, betan / (alphan + 3/2) (the joint density is proportional to sigma2^-(alphan +
 * 3/2) exp(-(2 betan + kappan (mu - mun)^2) / (2 sigma2)), maximal at mu = mun and there at sigma2
 * = betan / (alphan + 3/2); the marginal mode would be betan / (alphan + 1)). {@code params} is
 * {@code {mu, kappa, alpha, beta}} of the posterior.
 *
 * <p>Quantiles come from {@code dev.quiver.bayes.special} ({@code StudentTQuantile}, {@code
 * GammaQuantile}): within 1e-12 relative of SciPy, checked by mpmath, for degrees of freedom and
 * shapes from 1e-3 to 1e8; beyond, the t quantile is the four-term Cornish-Fisher expansion (from
 * ν = 1e5) and the Gamma quantile the Wilson-Hilferty transform (from shape 1e15), each exact to
 * rounding there.
 *
 * <p>Valid observations have a finite {@code value} of magnitude at most {@value #MAX_ABS_VALUE},
 * so that squared deviations summed over any realistic count stay finite; features and category are
 * ignored. Not thread-safe. Updates, reverts, merges and decays do not allocate; {@link
 * #summarize()} does.
 *
 * <p>State bytes, family {@link PosteriorStateFormat#NORMAL_INVERSE_GAMMA}, serial version 2 (64
 * bytes; configHash = {@code PosteriorStateFormat.configHash(priorMean, priorKappa, priorAlpha,
 * priorBeta)}):
 *
 * <pre>
 *  Byte offset | 0        | 1      | 2        | 3     | 4 .. 7
 * -------------+----------+--------+----------+-------+----------------------
 *            0 | preLongs | serVer | familyId | flags | configHash (int32)
 *            8 | priorMean  (double, finite, |.| &lt;= 1e100)
 *           16 | priorKappa (double, &gt; 0)
 *           24 | priorAlpha (double, &gt; 0)
 *           32 | priorBeta  (double, &gt; 0)
 *           40 | n          (double, &gt;= 0; a weight after forgetting)
 *           48 | mean       (double, finite; 0 when n = 0)
 *           56 | m2         (double, &gt;= 0; 0 when n = 0)
 * </pre>
 *
 * <pre>{@code
 * NormalInverseGammaPosterior posterior = NormalInverseGammaPosterior.withPrior(0.0, 1.0, 2.0, 2.0);
 * posterior.update(new double[] {4.8, 5.1, 5.3, 4.9}, 0, 4);
 * posterior.update(5.2);
 * posterior.sampleMean();           // 5.06
 * posterior.mu();                   // 0 + 5 (5.06 - 0) / 6 = 4.2166...
 * PosteriorSummary summary = posterior.summarize();
 * summary.ciLow();                  // 2.5% quantile of mu's Student-t marginal
 * summary.parameters().get(1).name(); // "sigma2"
 * double score = posterior.logPredictive(BayesObservation.of(5.0)); // Student-t log density
 *
 * NormalInverseGammaPosterior restored = NormalInverseGammaPosterior.fromBytes(posterior.toBytes());
 * }</pre>
 */
public final class NormalInverseGammaPosterior
        extends ConjugateFamily<NormalInverseGammaPosterior> implements SingleValueFamily {

    /** The model name, as returned by {@link #modelName()} and shown in summaries. */
    public static final String MODEL = "normal";

    /**
     * The largest accepted magnitude of an observation or the prior mean: squared deviations up to
     * 4e200 leave room for 1e100 of them before a sum overflows.
     */
    public static final double MAX_ABS_VALUE = 1e100;

    /** The largest accepted prior kappa, alpha or beta, for the same reason. */
    static final double MAX_PRIOR_PARAMETER = 1e100;

    private static final double LOG_TWO_PI = Math.log(2.0 * Math.PI);

    /**
     * The quantiles a summary needs, all functions of alphan alone, remembered by it ({@link
     * QuantileMemo}; without forgetting alphan is the prior's plus n / 2, the same for every key
     * after n observations): {@code {t, gammaHigh, gammaLow}}, the standard Student-t's 97.5%
     * point at 2 alphan degrees of freedom and the standard Gamma(alphan, 1)'s 97.5% and 2.5%
     * points.
     */
    private static final QuantileMemo SUMMARY_QUANTILES =
            new QuantileMemo(
                    (alpha, unused) ->
                            new double[] {
                                StudentTMarginal.quantile(2.0 * alpha, CREDIBLE_HIGH_PROBABILITY),
                                gammaQuantile(alpha, CREDIBLE_HIGH_PROBABILITY),
                                gammaQuantile(alpha, CREDIBLE_LOW_PROBABILITY)
                            });

    private final NormalInverseGammaPrior prior;
    private double n;
    private double mean;
    private double m2;

    private NormalInverseGammaPosterior(
            NormalInverseGammaPrior prior, double n, double mean, double m2) {
        super(NormalInverseGammaPosterior.class);
        this.prior = prior;
        this.n = n;
        this.mean = mean;
        this.m2 = m2;
    }

    /**
     * Creates an empty posterior, equal to the prior NIG(mean, kappa, alpha, beta): sigma2 ~
     * InvGamma(alpha, beta), mu | sigma2 ~ N(mean, sigma2 / kappa).
     *
     * <p>kappa is the prior's weight on the mean in pseudo-observations; alpha and beta are the
     * shape and scale of the variance's prior (the prior guess of sigma2 is beta / (alpha - 1) for
     * alpha &gt; 1). Improper priors (0) are not allowed because the empty posterior must be a
     * distribution.
     *
     * @throws IllegalArgumentException unless {@code mean} is finite with magnitude at most {@value
     *     #MAX_ABS_VALUE} and kappa, alpha and beta are finite, &gt; 0 and at most 1e100; the
     *     message names the parameter and its value
     */
    public static NormalInverseGammaPosterior withPrior(
            double mean, double kappa, double alpha, double beta) {
        return new NormalInverseGammaPosterior(
                new NormalInverseGammaPrior(mean, kappa, alpha, beta), 0.0, 0.0, 0.0);
    }

    /**
     * Reads a posterior from bytes written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are corrupted, of another model, or of an
     *     unknown serial version; see the layout above
     */
    public static NormalInverseGammaPosterior fromBytes(byte[] bytes) {
        final StateReader reader =
                StateReader.openVersion2(bytes, PosteriorStateFormat.NORMAL_INVERSE_GAMMA, MODEL);
        final NormalInverseGammaPrior prior = NormalInverseGammaPrior.read(reader);
        reader.checkConfigHash(configHash(prior));
        final double n = reader.nonNegativeDouble("n");
        final double mean = reader.finiteDouble("mean");
        final double m2 = reader.nonNegativeDouble("m2");
        reader.finish();
        if (n == 0.0 && (mean != 0.0 || m2 != 0.0)) {
            throw StateReader.corrupted(
                    "n is 0 but mean " + mean + " and m2 " + m2 + " are not both 0");
        }
        return new NormalInverseGammaPosterior(prior, n, mean, m2);
    }

    private static int configHash(NormalInverseGammaPrior prior) {
        return PosteriorStateFormat.configHash(
                prior.mean(), prior.kappa(), prior.alpha(), prior.beta());
    }

    @Override
    public String modelName() {
        return MODEL;
    }

    /** Returns {@code null} for a finite value of magnitude at most 1e100, else the reason. */
    @Override
    public String invalidValueReason(double value) {
        return invalidValueReason(MODEL, value);
    }

    /** The same rule, worded for {@code model}; shared with the change detector. */
    static String invalidValueReason(String model, double value) {
        if (Math.abs(value) <= MAX_ABS_VALUE) {
            return null;
        }
        return model
                + " needs a finite value of magnitude at most "
                + MAX_ABS_VALUE
                + ", got "
                + value;
    }

    private static void checkValue(double value) {
        final String reason = invalidValueReason(MODEL, value);
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
    }

    /** Adds one observation: Welford's step. */
    @Override
    public void update(double value) {
        checkValue(value);
        n += 1.0;
        final double delta = value - mean;
        mean += delta / n;
        m2 += delta * (value - mean);
    }

    /**
     * Adds {@code length} observations. All are checked first, so a rejected batch changes nothing;
     * then the batch's mean and m2 are computed in two passes and combined with the state as in
     * {@link #merge}, which is at least as accurate as one Welford step per value.
     *
     * @throws IllegalArgumentException if any value is invalid; the message names its index
     */
    public void update(double[] values, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, values.length);
        final int end = offset + length;
        double sum = 0.0;
        for (int i = offset; i < end; i++) {
            final String reason = invalidValueReason(values[i]);
            if (reason != null) {
                throw new IllegalArgumentException("values[" + i + "]: " + reason);
            }
            sum += values[i];
        }
        if (length == 0) {
            return;
        }
        final double batchMean = sum / length;
        double batchM2 = 0.0;
        for (int i = offset; i < end; i++) {
            final double deviation = values[i] - batchMean;
            batchM2 += deviation * deviation;
        }
        combine(length, batchMean, batchM2);
    }

    /**
     * Removes one observation: the inverse of Welford's step. Removing the last observation
     * restores the empty state exactly.
     *
     * @throws IllegalArgumentException if the value is invalid
     * @throws IllegalStateException if n &lt; 1, so no whole observation is left to remove
     */
    @Override
    public void revert(double value) {
        checkValue(value);
        if (n < 1.0) {
            throw new IllegalStateException("cannot revert: " + MODEL + " has n " + n + " < 1");
        }
        final double remaining = n - 1.0;
        if (remaining == 0.0) {
            n = 0.0;
            mean = 0.0;
            m2 = 0.0;
            return;
        }
        final double previousMean = mean - (value - mean) / remaining;
        // Welford added (value - previousMean)(value - mean); rounding can leave a result a few
        // ulps below zero when the remaining observations are (nearly) all equal.
        m2 = Math.max(0.0, m2 - (value - previousMean) * (value - mean));
        mean = previousMean;
        n = remaining;
    }

    /**
     * Adds the other posterior's data: the pairwise combination of Chan, Golub and LeVeque. {@code
     * other} is not changed; merging a posterior into itself doubles its data.
     *
     * @throws IllegalArgumentException if the priors differ (exact comparison)
     */
    public void merge(NormalInverseGammaPosterior other) {
        mergeSameFamily(other);
    }

    @Override
    boolean samePrior(NormalInverseGammaPosterior other) {
        // Exact comparison of the numbers, not record equality: 0.0 and -0.0 are the same mean.
        return prior.mean() == other.prior.mean()
                && prior.kappa() == other.prior.kappa()
                && prior.alpha() == other.prior.alpha()
                && prior.beta() == other.prior.beta();
    }

    @Override
    void addData(NormalInverseGammaPosterior other) {
        combine(other.n, other.mean, other.m2);
    }

    private void combine(double otherN, double otherMean, double otherM2) {
        if (otherN == 0.0) {
            return;
        }
        if (n == 0.0) {
            n = otherN;
            mean = otherMean;
            m2 = otherM2;
            return;
        }
        final double total = n + otherN;
        final double delta = otherMean - mean;
        final double otherShare = otherN / total;
        mean += delta * otherShare;
        m2 += otherM2 + delta * delta * n * otherShare;
        n = total;
    }

    /**
     * Multiplies n and m2 by {@code lambda} and keeps the mean. Once n underflows to 0 the state is
     * reset to the prior exactly.
     */
    @Override
    void scaleData(double lambda) {
        n *= lambda;
        m2 *= lambda;
        if (n == 0.0) {
            mean = 0.0;
            m2 = 0.0;
        }
    }

    @Override
    public double getN() {
        return n;
    }

    /** Returns the sample mean xbar, or {@code NaN} when n is 0. */
    public double sampleMean() {
        return n == 0.0 ? Double.NaN : mean;
    }

    /** Returns m2, the (weighted) sum of squared deviations from the sample mean. */
    public double sumOfSquaredDeviations() {
        return m2;
    }

    /** Returns the posterior mun = mu0 + n (xbar - mu0) / kappan. */
    public double mu() {
        return prior.mean() + (n / kappa()) * (mean - prior.mean());
    }

    /** Returns the posterior kappan = kappa0 + n. */
    public double kappa() {
        return prior.kappa() + n;
    }

    /** Returns the posterior alphan = alpha0 + n / 2. */
    public double alpha() {
        return prior.alpha() + 0.5 * n;
    }

    /** Returns the posterior betan = beta0 + m2 / 2 + kappa0 n (xbar - mu0)^2 / (2 kappan). */
    public double beta() {
        final double offset = mean - prior.mean();
        return prior.beta() + 0.5 * m2 + 0.5 * offset * offset * prior.kappa() * (n / kappa());
    }

    /** Returns the prior mean mu0. */
    public double priorMean() {
        return prior.mean();
    }

    /** Returns the prior kappa0. */
    public double priorKappa() {
        return prior.kappa();
    }

    /** Returns the prior alpha0. */
    public double priorAlpha() {
        return prior.alpha();
    }

    /** Returns the prior beta0. */
    public double priorBeta() {
        return prior.beta();
    }

    /**
     * Returns the log density of the posterior predictive, Student-t with nu = 2 alphan degrees of
     * freedom, location mun and scale^2 = betan (kappan + 1) / (alphan kappan), at {@code value}:
     * -log B(1/2, alphan) - log(nu scale^2) / 2 - (alphan + 1/2) log1p(z^2 / nu). The Beta function
     * replaces lgamma(alphan + 1/2) - lgamma(alphan), which would cancel to a few digits with
     * billions of observations.
     */
    public double logPredictive(double value) {
        checkValue(value);
        final double kappa = kappa();
        final double alpha = alpha();
        final double beta = beta();
        final double deviation = value - mu();
        final double nuScale2 = 2.0 * beta * (kappa + 1.0) / kappa;
        return StudentTMarginal.logDensityOfDeviation(deviation, alpha, nuScale2);
    }

    @Override
    public double logPredictive(BayesObservation observation) {
        return logPredictive(observation.value());
    }

    /**
     * Returns log p(data) = lgamma(alphan) - lgamma(alpha0) + alpha0 log beta0 - alphan log betan +
     * log(kappa0 / kappan) / 2 - (n / 2) log(2 pi) (Murphy 2007, section 6), written as alpha0
     * log(beta0 / betan) - (n / 2) log betan so that the large terms do not cancel.
     */
    @Override
    public double logMarginalLikelihood() {
        if (n == 0.0) {
            return 0.0;
        }
        final double alpha = alpha();
        final double beta = beta();
        return Gamma.logGamma(alpha)
                - Gamma.logGamma(prior.alpha())
                + prior.alpha() * Math.log(prior.beta() / beta)
                - 0.5 * n * Math.log(beta)
                + 0.5 * Math.log(prior.kappa() / kappa())
                - 0.5 * n * LOG_TWO_PI;
    }

    @Override
    public PosteriorSummary summarize() {
        final double mu = mu();
        final double kappa = kappa();
        final double alpha = alpha();
        final double beta = beta();
        final double muScale = Math.sqrt(beta / (alpha * kappa));
        final double muVariance =
                alpha > 1.0 ? beta / ((alpha - 1.0) * kappa) : Double.POSITIVE_INFINITY;
        final double[] quantiles = SUMMARY_QUANTILES.of(alpha, 1.0);
        final double tQuantile = quantiles[0];
        final ParameterSummary muSummary =
                new ParameterSummary(
                        "mu",
                        mu,
                        muVariance,
                        mu - tQuantile * muScale,
                        mu + tQuantile * muScale,
                        sampleMean(),
                        mu);
        final ParameterSummary sigma2Summary =
                new ParameterSummary(
                        "sigma2",
                        alpha > 1.0 ? beta / (alpha - 1.0) : Double.POSITIVE_INFINITY,
                        alpha > 2.0
                                ? beta / (alpha - 1.0) * (beta / (alpha - 1.0)) / (alpha - 2.0)
                                : Double.POSITIVE_INFINITY,
                        // sigma2 = 1 / precision and precision ~ Gamma(alphan, rate betan), so
                        // sigma2's p-quantile is 1 / (the precision's (1 - p)-quantile).
                        beta / quantiles[1],
                        beta / quantiles[2],
                        n == 0.0 ? Double.NaN : m2 / n,
                        beta / (alpha + 1.5));
        final Map<String, Double> params = new LinkedHashMap<>(8);
        params.put("mu", mu);
        params.put("kappa", kappa);
        params.put("alpha", alpha);
        params.put("beta", beta);
        // The headline is mu's marginal: its mean and mode are both mu.
        return PosteriorSummary.withHeadline(
                MODEL, n, params, muSummary, List.of(muSummary, sigma2Summary));
    }

    /** The p-quantile of Gamma(shape, scale 1), {@link GammaQuantile#quantile}. */
    static double gammaQuantile(double shape, double p) {
        return GammaQuantile.quantile(shape, p);
    }

    @Override
    public byte[] toBytes() {
        final StateWriter writer =
                StateWriter.version2(PosteriorStateFormat.NORMAL_INVERSE_GAMMA, configHash(prior));
        return prior.write(writer)
                .putDouble(n)
                .putDouble(mean)
                .putDouble(m2)
                .toBytes();
    }

    @Override
    String priorString() {
        return prior.toString();
    }

    @Override
    public String toString() {
        return "NormalInverseGammaPosterior{prior="
                + priorString()
                + ", n="
                + n
                + ", mean="
                + mean
                + ", m2="
                + m2
                + '}';
    }
}
