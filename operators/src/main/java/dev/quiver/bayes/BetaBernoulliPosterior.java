package dev.quiver.bayes;

import java.util.Objects;

/**
 * The Beta posterior of a Bernoulli success probability theta, kept as prior plus counts.
 *
 * <p>With prior Beta(alpha0, beta0) and s successes (value 1) and f failures (value 0) the
 * posterior is Beta(alpha, beta) with alpha = alpha0 + s and beta = beta0 + f (Gelman et al.,
 * <i>Bayesian Data Analysis</i>, 3rd ed., ch. 2). Because the state is the four numbers (alpha0,
 * beta0, s, f), {@link #update(double)}, {@link #merge(BetaBernoulliPosterior)} and {@link
 * #revert(double)} are exact: counts are whole numbers held in doubles, exact up to 2^53
 * observations, and alpha and beta are recomputed from them rather than accumulated. After {@link
 * #decay(double)} the counts are weights (fractional), and reverts are no longer exact.
 *
 * <p>Observations must be exactly 0 or 1 ({@code -0.0} counts as 0); anything else, including
 * {@code NaN} and infinities, is rejected, never ignored. Not thread-safe. Updates, reverts and
 * merges do not allocate; {@link #quantile(double)} and {@link #summarize()} do.
 *
 * <pre>{@code
 * BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
 * posterior.update(1.0);
 * posterior.update(new double[] {0.0, 0.0, 1.0}, 0, 3);
 * posterior.alpha();           // 4.0 = 2 + 2 successes
 * posterior.beta();            // 5.0 = 3 + 2 failures
 * posterior.mean();            // 4.0 / 9
 * posterior.quantile(0.975);   // upper end of the 95% credible interval
 *
 * BetaBernoulliPosterior other = BetaBernoulliPosterior.withPrior(2.0, 3.0);
 * other.update(1.0);
 * posterior.merge(other);      // as if all five values had gone into one posterior
 * posterior.revert(1.0);       // takes one success back out
 *
 * byte[] state = posterior.toBytes();
 * BetaBernoulliPosterior restored = BetaBernoulliPosterior.fromBytes(state);
 * }</pre>
 */
public final class BetaBernoulliPosterior extends BetaPosterior<BetaBernoulliPosterior>
        implements SingleValueFamily {

    /** The model name, as returned by {@link #modelName()} and shown in summaries. */
    public static final String MODEL = "beta-bernoulli";

    /** Counts at or above this can no longer grow by 1 exactly in a double. */
    private static final double MAX_EXACT_COUNT = 0x1p53;

    private BetaBernoulliPosterior(
            double priorAlpha, double priorBeta, double successes, double failures) {
        super(BetaBernoulliPosterior.class, priorAlpha, priorBeta, successes, failures);
    }

    /**
     * Creates an empty posterior, equal to the prior Beta(alpha, beta).
     *
     * <p>Beta(1, 1) is uniform; Beta(0.5, 0.5) is Jeffreys' prior. Improper priors (0) are not
     * allowed because the empty posterior must be a distribution.
     *
     * @throws IllegalArgumentException unless both are finite and greater than 0; the message names
     *     the option and its value
     */
    public static BetaBernoulliPosterior withPrior(double alpha, double beta) {
        PosteriorChecks.checkPrior("alpha", alpha);
        PosteriorChecks.checkPrior("beta", beta);
        return new BetaBernoulliPosterior(alpha, beta, 0.0, 0.0);
    }

    /**
     * Reads a posterior from bytes written by {@link #toBytes()} with any serial version this
     * reader knows.
     *
     * @throws IllegalArgumentException if the bytes are corrupted, of another model, or of an
     *     unknown serial version; see {@link PosteriorStateFormat}
     */
    public static BetaBernoulliPosterior fromBytes(byte[] bytes) {
        return PosteriorStateFormat.readBetaBernoulli(bytes);
    }

    /**
     * Rebuilds a posterior from state that {@link PosteriorStateFormat} has already validated; no
     * checks here so the format class stays the one place that judges persisted values.
     */
    static BetaBernoulliPosterior restore(
            double priorAlpha, double priorBeta, double successes, double failures) {
        return new BetaBernoulliPosterior(priorAlpha, priorBeta, successes, failures);
    }

    @Override
    public String modelName() {
        return MODEL;
    }

    /** Returns {@code null} for exactly 0 or 1, otherwise the reason naming the value. */
    @Override
    public String invalidValueReason(double value) {
        if (value == 0.0 || value == 1.0) {
            return null;
        }
        return MODEL + " needs value 0 or 1, got " + value;
    }

    /**
     * Adds one observation, 0 or 1; the allocation-free form of {@link #update(BayesObservation)}.
     *
     * @throws IllegalArgumentException for any other value; the message is {@link
     *     #invalidValueReason(double)}
     */
    @Override
    public void update(double value) {
        if (value == 1.0) {
            successes += 1.0;
        } else if (value == 0.0) {
            failures += 1.0;
        } else {
            throw new IllegalArgumentException(invalidValueReason(value));
        }
        assert successes <= MAX_EXACT_COUNT && failures <= MAX_EXACT_COUNT : this;
    }

    /**
     * Adds {@code values[offset .. offset + length)}, all or nothing.
     *
     * <p>One pass: values are counted while they are checked, and the counts are applied only after
     * the last one passes, so a rejected batch needs no undo.
     *
     * @throws IndexOutOfBoundsException if the range is outside {@code values}
     * @throws IllegalArgumentException if a value is not 0 or 1; the message names its index and
     *     the posterior is unchanged
     */
    public void update(double[] values, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, values.length);
        long ones = 0;
        final int end = offset + length;
        for (int i = offset; i < end; i++) {
            final double value = values[i];
            if (value == 1.0) {
                ones++;
            } else if (value != 0.0) {
                throw new IllegalArgumentException(
                        "values[" + i + "]: " + invalidValueReason(value));
            }
        }
        successes += ones;
        failures += length - ones;
        assert successes <= MAX_EXACT_COUNT && failures <= MAX_EXACT_COUNT : this;
    }

    /**
     * Removes one earlier observation, 0 or 1; the allocation-free form of {@link
     * #revert(BayesObservation)}.
     *
     * @throws IllegalArgumentException for any other value
     * @throws IllegalStateException if there is less than one success (for 1) or failure (for 0) to
     *     take out; the state is then unchanged
     */
    @Override
    public void revert(double value) {
        if (value == 1.0) {
            if (successes < 1.0) {
                throw new IllegalStateException(
                        "cannot revert value 1: " + MODEL + " has no successes");
            }
            successes -= 1.0;
        } else if (value == 0.0) {
            if (failures < 1.0) {
                throw new IllegalStateException(
                        "cannot revert value 0: " + MODEL + " has no failures");
            }
            failures -= 1.0;
        } else {
            throw new IllegalArgumentException(invalidValueReason(value));
        }
    }

    /**
     * Adds the other posterior's observations to this one; the result equals one posterior fed the
     * union of both inputs, in any order. {@code other} is not changed. Merging a posterior into
     * itself doubles its data.
     *
     * @throws IllegalArgumentException if the priors differ (exact comparison); the message shows
     *     both
     */
    public void merge(BetaBernoulliPosterior other) {
        mergeSameFamily(other);
    }

    @Override
    void addData(BetaBernoulliPosterior other) {
        successes += other.successes;
        failures += other.failures;
        assert successes <= MAX_EXACT_COUNT && failures <= MAX_EXACT_COUNT : this;
    }

    /** Multiplies both counts by {@code lambda}; they are then weights, no longer whole numbers. */
    @Override
    void scaleData(double lambda) {
        successes *= lambda;
        failures *= lambda;
    }

    /** Returns log P(value | data) = log(alpha / (alpha + beta)) for 1, log(beta / ...) for 0. */
    @Override
    public double logPredictive(BayesObservation observation) {
        final double value = observation.value();
        final String reason = invalidValueReason(value);
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
        return value == 1.0
                ? SpecialFunctions.logShare(alpha(), beta())
                : SpecialFunctions.logShare(beta(), alpha());
    }

    /** Returns log B(alpha, beta) - log B(alpha0, beta0), the evidence of the 0/1 sequence. */
    @Override
    public double logMarginalLikelihood() {
        return SpecialFunctions.logBeta(alpha(), beta())
                - SpecialFunctions.logBeta(priorAlpha, priorBeta);
    }

    @Override
    public double getN() {
        return successes + failures;
    }

    /**
     * Returns the posterior p-quantile q, the inverse of the Beta(alpha, beta) CDF.
     *
     * <p>Uses {@link dev.quiver.bayes.special.BetaQuantile} (Halley steps on the regularized
     * incomplete beta function): q is within 1e-12 relative of SciPy even deep in a tail, e.g. q =
     * 1.6e-14 for Beta(0.5, 50) at p = 1e-6, for shapes from 1e-3 to 1e8, and finite for any
     * positive finite shapes. A quantile near 1 is solved for as 1 − q, to full precision, and
     * rounded to a double only at the end.
     *
     * <p>{@code p = 0} gives 0 and {@code p = 1} gives 1.
     *
     * @throws IllegalArgumentException unless {@code 0 <= p <= 1}; the message names p
     */
    public double quantile(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("quantile p must be in [0, 1], got " + p);
        }
        return BetaMarginal.quantile(alpha(), beta(), p);
    }

    @Override
    public byte[] toBytes() {
        return PosteriorStateFormat.writeBetaBernoulli(priorAlpha, priorBeta, successes, failures);
    }

    @Override
    public String toString() {
        return "BetaBernoulliPosterior{priorAlpha="
                + priorAlpha
                + ", priorBeta="
                + priorBeta
                + ", successes="
                + successes
                + ", failures="
                + failures
                + '}';
    }
}
