package dev.quiver.bayes;

/**
 * What {@link ChangePointDetector#update(BayesObservation)} says after one observation: the run
 * length's posterior mode, the change signal, the truncated mass and the observation's prequential
 * score.
 *
 * <p>The change signal is {@code probRunLengthBelow} = P(run length &lt; window | data): the
 * probability that a change happened within the last {@code window} observations. It is not P(run
 * length = 0), which under a constant hazard H always equals H (see {@link ChangePointDetector}).
 *
 * <pre>{@code
 * ChangePointSummary summary = detector.update(BayesObservation.of(4.2));
 * if (summary.probRunLengthBelow() > 0.5) {
 *     // a change within the last summary.window() observations is more likely than not
 * }
 * double score = summary.logPredictive(); // log p(4.2 | earlier data), before the update
 * }</pre>
 *
 * @param mapRunLength the most probable run length (observations since the last change); ties go to
 *     the shorter run, and {@link ChangePointDetector#maxRunLength()} stands for "at least that
 *     many"
 * @param probRunLengthBelow P(run length &lt; window | data), in [0, 1]
 * @param window the short-run window w of the signal
 * @param truncatedMass P(run length &ge; maxRunLength | data): the mass kept in the last bin, whose
 *     runs are scored with their last maxRunLength observations only; 0 until that many
 *     observations have been seen
 * @param logPredictive log p(x_t | x_1 .. x_(t-1)), the log posterior predictive density of this
 *     observation before it was added, averaged over run lengths
 */
public record ChangePointSummary(
        long mapRunLength,
        double probRunLengthBelow,
        int window,
        double truncatedMass,
        double logPredictive) {}
