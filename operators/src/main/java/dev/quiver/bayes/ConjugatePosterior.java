package dev.quiver.bayes;

/**
 * A conjugate posterior over one key's parameter; more models (Gamma-Poisson, NIG, ...) will
 * implement it later.
 *
 * <p>The state is the prior plus sufficient statistics, so {@link #update(double)} and {@link
 * #revert(double)} are exact inverses and a summary never depends on the order of observations.
 * Callers that handle untrusted input should ask {@link #invalidValueReason(double)} first and
 * route a non-null reason to their dead-letter output instead of catching the exception.
 *
 * <p>Implementations are not thread-safe: one instance belongs to one key and one thread.
 *
 * <pre>{@code
 * ConjugatePosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
 * posterior.update(1.0);
 * posterior.update(new double[] {0.0, 1.0, 1.0}, 0, 3);
 * // "beta-bernoulli needs value 0 or 1, got 2.5"
 * String reason = posterior.invalidValueReason(2.5);
 * PosteriorSummary summary = posterior.summarize(); // n 4.0, params {alpha=4.0, beta=2.0}
 * byte[] state = posterior.toBytes();               // 40 bytes, see PosteriorStateFormat
 * }</pre>
 */
public interface ConjugatePosterior {

    /**
     * Returns the model's stable name, the same for every instance of one model, e.g. {@code
     * "beta-bernoulli"}. It appears in summaries and in error messages.
     */
    String modelName();

    /**
     * Says why {@code value} cannot be an observation of this model, without changing anything.
     *
     * @return {@code null} when the value is valid, otherwise a one-line reason that names the
     *     model and the value, e.g. {@code "beta-bernoulli needs value 0 or 1, got 2.5"}
     */
    String invalidValueReason(double value);

    /**
     * Adds one observation. Does not allocate.
     *
     * @throws IllegalArgumentException if the value is invalid; the message is {@link
     *     #invalidValueReason(double)}
     */
    void update(double value);

    /**
     * Adds {@code values[offset .. offset + length)}, all or nothing: every value is validated
     * before any is applied, so a rejected batch leaves the state unchanged. The array is not
     * modified. Gives the same state as calling {@link #update(double)} on each value in turn. Does
     * not allocate.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code values}
     * @throws IllegalArgumentException if any value in the range is invalid; the message names its
     *     index and contains {@link #invalidValueReason(double)}
     */
    void update(double[] values, int offset, int length);

    /**
     * Removes one earlier observation exactly, as if it had never been added. Does not allocate.
     *
     * @throws IllegalArgumentException if the value is invalid
     * @throws IllegalStateException if no such observation is left to remove, i.e. a count would go
     *     negative; the state is then unchanged
     */
    void revert(double value);

    /**
     * Returns the number of observations added and not reverted (a whole number, exact to 2^53).
     */
    double getN();

    /** Returns whether {@link #getN()} is 0, i.e. the posterior equals the prior. */
    boolean isEmpty();

    /**
     * Summarizes the posterior: parameters, mean, variance, the 95% equal-tailed credible interval
     * (the 2.5% and 97.5% quantiles), the maximum-likelihood estimate and the posterior mode. Has
     * no side effects; allocates the summary.
     */
    PosteriorSummary summarize();

    /**
     * Returns the state (prior and sufficient statistics) as headered bytes in the layout of {@link
     * PosteriorStateFormat}, written with its current serial version.
     */
    byte[] toBytes();
}
