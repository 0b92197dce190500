package dev.quiver.bayes;

/**
 * A conjugate posterior over one key's parameters: prior plus sufficient statistics, updated in
 * closed form.
 *
 * <p>Because the state is the prior plus sufficient statistics, {@link #update} and {@link #revert}
 * are exact inverses (so sliding windows work), {@link #merge} is associative and commutative (so
 * partial posteriors from parallel subtasks or windows combine exactly, an all-reduce of
 * posteriors), and a summary never depends on the order of observations. {@link #decay} scales the
 * data's sufficient statistics by λ for exponential forgetting; the prior is never decayed. After a
 * decay the statistics are weighted, so {@link #revert} of an observation added before it is no
 * longer exact: callers use either a window or forgetting, not both.
 *
 * <p>Callers that handle untrusted input ask {@link #invalidReason(BayesObservation)} first and
 * route a non-null reason to their dead-letter output. No valid input makes any method return NaN
 * where the contract promises a number.
 *
 * <p>Implementations are not thread-safe: one instance belongs to one key and one thread.
 *
 * <pre>{@code
 * ConjugatePosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
 * BayesObservation click = BayesObservation.of(1.0);
 * double score = posterior.logPredictive(click); // log 0.5, before the update
 * posterior.update(click);
 * // "beta-bernoulli needs value 0 or 1, got 2.5"
 * String reason = posterior.invalidReason(BayesObservation.of(2.5));
 * PosteriorSummary summary = posterior.summarize(); // n 1.0, params {alpha=2.0, beta=1.0}
 * byte[] state = posterior.toBytes();               // see PosteriorStateFormat
 * }</pre>
 */
public interface ConjugatePosterior {

    /**
     * Returns the model's stable name, the same for every instance of one model, e.g. {@code
     * "beta-bernoulli"}. It appears in summaries and in error messages.
     */
    String modelName();

    /**
     * Says why {@code observation} cannot be an observation of this model, without changing
     * anything.
     *
     * @return {@code null} when valid, otherwise a one-line reason that names the model and the
     *     offending value, e.g. {@code "beta-bernoulli needs value 0 or 1, got 2.5"}
     */
    String invalidReason(BayesObservation observation);

    /**
     * Adds one observation.
     *
     * @throws IllegalArgumentException if it is invalid; the message is {@link
     *     #invalidReason(BayesObservation)}
     */
    void update(BayesObservation observation);

    /**
     * Removes one earlier observation exactly, as if it had never been added.
     *
     * @throws IllegalArgumentException if the observation is invalid
     * @throws IllegalStateException if it cannot have been added (a count would go negative); the
     *     state is then unchanged
     */
    void revert(BayesObservation observation);

    /**
     * Adds the data of {@code other} to this posterior: the result is the posterior of the prior
     * updated with both data sets. {@code other} is unchanged.
     *
     * @throws IllegalArgumentException if {@code other} is another model or has another prior or
     *     configuration
     */
    void merge(ConjugatePosterior other);

    /**
     * Multiplies the data's sufficient statistics by {@code lambda}: exponential forgetting, so an
     * observation {@code t} updates ago weighs {@code lambda^t}. {@code decay(1)} changes nothing.
     *
     * @throws IllegalArgumentException unless {@code 0 < lambda <= 1}
     */
    void decay(double lambda);

    /** Returns the (effective, under forgetting) number of observations in the posterior. */
    double getN();

    /** Returns whether no data is in the posterior, i.e. it equals the prior. */
    boolean isEmpty();

    /**
     * Summarizes the posterior: parameters, mean, variance, the 95% equal-tailed credible interval,
     * the maximum-likelihood estimate and the posterior mode of the primary quantity, plus each
     * parameter's marginal for multi-parameter models. Has no side effects.
     */
    PosteriorSummary summarize();

    /**
     * Returns the log posterior predictive density (or mass) of {@code observation} given the data
     * so far, without adding it: the prequential score of the observation.
     *
     * @throws IllegalArgumentException if the observation is invalid
     */
    double logPredictive(BayesObservation observation);

    /**
     * Returns the log marginal likelihood (evidence) of the data in the posterior under the prior.
     */
    double logMarginalLikelihood();

    /** Returns an independent copy with the same prior and statistics. */
    ConjugatePosterior copy();

    /**
     * Returns the state (prior and sufficient statistics) as headered bytes in the layout of {@link
     * PosteriorStateFormat}, written with its current serial version for the model.
     */
    byte[] toBytes();
}
