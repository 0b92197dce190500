package dev.quiver.bayes;

/**
 * The order in which one key's posterior takes its observations, the same in every operator that
 * keeps a posterior: forget ({@code decay}), score (the observation's log predictive density under
 * the posterior as it then stands, its prequential score), learn ({@code update}), and with a
 * window of {@code N} observations, unlearn ({@code revert}) the observation that falls out of it.
 *
 * <p>Why the score comes after forgetting and before learning: the prequential log score judges
 * each observation by the forecast that was made for it, and that forecast is the forgotten
 * posterior of the data before it. Scoring after learning would credit the model with the
 * observation itself.
 *
 * <p>Where the window's observations are kept is the caller's business (a Flink operator keeps them
 * in keyed state); this class only says which one leaves. Stateless and thread-safe.
 *
 * <pre>{@code
 * PrequentialUpdate rule = PrequentialUpdate.of(options);      // --decay, --window
 * double logPredictive = rule.add(posterior, observation);      // decay, score, update
 * long leaving = rule.evictedSequence(sequence);                // -1 while the window fills
 * if (leaving >= 0) rule.evict(posterior, windowEntry(leaving)); // revert, exact
 * }</pre>
 */
public final class PrequentialUpdate {

    /** {@link #evictedSequence} while the window is still filling, or without a window. */
    public static final long NONE = -1;

    private final double decay;
    private final int window;

    /**
     * @param decay forgetting factor in (0, 1]; 1 forgets nothing
     * @param window observations kept per key, 0 for all
     * @throws IllegalArgumentException for a decay outside (0, 1], a negative window, or both
     *     forgetting and a window (a reverted observation must be the one that was added, and
     *     forgetting has since scaled it)
     */
    public PrequentialUpdate(double decay, int window) {
        PosteriorChecks.checkDecay(decay);
        if (window < 0) {
            throw new IllegalArgumentException("window must be >= 0, got " + window);
        }
        if (decay < 1.0 && window > 0) {
            throw new IllegalArgumentException(
                    "decay and window exclude each other: a window removes an observation exactly"
                            + " only if nothing scaled it since it was added");
        }
        this.decay = decay;
        this.window = window;
    }

    /** The rule of a bayes job's {@code --decay} and {@code --window}. */
    public static PrequentialUpdate of(BayesOptions options) {
        return new PrequentialUpdate(options.decay(), options.window());
    }

    /**
     * Forgets, scores and learns one observation, which must be valid for the posterior ({@link
     * ConjugatePosterior#invalidReason}).
     *
     * @return the observation's log predictive density before it was learned (NaN where the model
     *     has none)
     */
    public double add(ConjugatePosterior posterior, BayesObservation observation) {
        if (decay < 1.0) {
            posterior.decay(decay);
        }
        double logPredictive = posterior.logPredictive(observation);
        posterior.update(observation);
        return logPredictive;
    }

    /** Whether this rule keeps a window, so the caller must keep each key's observations. */
    public boolean hasWindow() {
        return window > 0;
    }

    /**
     * The sequence number (0-based, per key) of the observation that leaves the window once the
     * observation numbered {@code added} is in, or {@link #NONE}.
     */
    public long evictedSequence(long added) {
        return window > 0 && added >= window ? added - window : NONE;
    }

    /** Removes an observation that left the window: exact, the inverse of its update. */
    public void evict(ConjugatePosterior posterior, BayesObservation leaving) {
        posterior.revert(leaving);
    }
}
