package dev.quiver.bayes;

/**
 * The part the Beta-Bernoulli and Beta-Binomial posteriors share: a Beta(alpha0 + successes, beta0
 * + failures) posterior of a success probability theta, its prior compared and shown alike, and its
 * moments, mode, maximum-likelihood estimate and summary. Each family keeps its own observations,
 * state bytes and evidence; the success and failure weights are updated by the family.
 *
 * <pre>{@code
 * BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(1.0, 1.0);
 * posterior.update(BayesObservation.withFeatures(3.0, 10.0));
 * posterior.alpha(); // 4.0, from this class
 * }</pre>
 *
 * @param <P> the family's own class
 */
abstract class BetaPosterior<P extends BetaPosterior<P>> extends ConjugateFamily<P> {

    final double priorAlpha;
    final double priorBeta;

    /** The successes: 1s of a Bernoulli model, successes of a binomial one (a weight after decay). */
    double successes;

    /** The failures: 0s, or trials minus successes (a weight after decay). */
    double failures;

    BetaPosterior(
            Class<P> family,
            double priorAlpha,
            double priorBeta,
            double successes,
            double failures) {
        super(family);
        this.priorAlpha = priorAlpha;
        this.priorBeta = priorBeta;
        this.successes = successes;
        this.failures = failures;
    }

    @Override
    final boolean samePrior(P other) {
        return priorAlpha == other.priorAlpha && priorBeta == other.priorBeta;
    }

    @Override
    final String priorString() {
        return "Beta(" + priorAlpha + ", " + priorBeta + ")";
    }

    /** Returns the posterior alpha = prior alpha + successes. */
    public final double alpha() {
        return priorAlpha + successes;
    }

    /** Returns the posterior beta = prior beta + failures. */
    public final double beta() {
        return priorBeta + failures;
    }

    /** Returns the prior alpha given to {@code withPrior}. */
    public final double priorAlpha() {
        return priorAlpha;
    }

    /** Returns the prior beta given to {@code withPrior}. */
    public final double priorBeta() {
        return priorBeta;
    }

    /** Returns the number of successes (a weight after {@link #decay}). */
    public final double successes() {
        return successes;
    }

    /** Returns the number of failures (a weight after {@link #decay}). */
    public final double failures() {
        return failures;
    }

    /**
     * Returns the posterior mean alpha / (alpha + beta); for Beta-Bernoulli also the posterior
     * predictive probability that the next observation is 1.
     */
    public final double mean() {
        return BetaMarginal.mean(alpha(), beta());
    }

    /**
     * Returns the posterior variance alpha beta / ((alpha + beta)^2 (alpha + beta + 1)), within a
     * few ulps; see {@link BetaMarginal#variance}.
     */
    public final double variance() {
        return BetaMarginal.variance(alpha(), beta());
    }

    /**
     * Returns the maximum-likelihood estimate successes / (successes + failures), or {@code NaN}
     * when both are 0.
     */
    public final double mle() {
        final double trials = successes + failures;
        return trials == 0.0 ? Double.NaN : successes / trials;
    }

    /**
     * Returns the posterior mode (MAP estimate) of theta in [0, 1], or {@code NaN} where it is not
     * unique. With a = {@link #alpha()} and b = {@link #beta()}:
     *
     * <ul>
     *   <li>a &gt; 1 and b &gt; 1: (a - 1) / (a + b - 2), the interior maximum;
     *   <li>a = 1 and b = 1: {@code NaN}, the density is uniform;
     *   <li>a &lt; 1 and b &lt; 1: {@code NaN}, the density is U-shaped with maxima at 0 and 1;
     *   <li>otherwise a &le; 1 and b &ge; 1: 0, the density is decreasing;
     *   <li>otherwise a &ge; 1 and b &le; 1: 1, the density is increasing.
     * </ul>
     */
    public final double map() {
        return BetaMarginal.mode(alpha(), beta());
    }

    /**
     * Summarizes theta: params {@code {alpha, beta}}, n = {@link #getN()}, the 95% equal-tailed
     * interval from the Beta quantiles.
     */
    @Override
    public final PosteriorSummary summarize() {
        return PosteriorLaw.BETA.summary(modelName(), getN(), alpha(), beta(), mle(), map());
    }
}
