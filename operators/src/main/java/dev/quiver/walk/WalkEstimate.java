package dev.quiver.walk;

/**
 * One simulated statistic beside its exact value and the z-score of their difference.
 *
 * <p>{@code standardError} is that of the simulated statistic under the exact law: {@code sqrt(p (1
 * - p) / M)} for a proportion, {@code sqrt(Var / M)} for a mean, {@code sqrt((mu_4 - sigma^4 (M -
 * 3) / (M - 1)) / M)} for a sample variance with divisor {@code M - 1} (exact for independent
 * paths; its leading term vanishes for two-point laws such as one +-1 step, hence the second).
 * {@code exact} is NaN where no closed form exists, and {@code standardError} NaN where none is
 * computed (quantiles); {@link #zScore()} is NaN then.
 *
 * <pre>{@code
 * WalkEstimate hit = new WalkEstimate("hitProbability", 0.31, 0.3, 0.005);
 * hit.zScore(); // 2.0
 * }</pre>
 *
 * @param name the statistic, e.g. {@code "mean"}, {@code "hitProbability"}, {@code "q0.5"}
 * @param simulated the Monte Carlo value
 * @param exact the closed-form value, NaN if none
 * @param standardError the standard error of {@code simulated} under the exact law, NaN if none
 */
public record WalkEstimate(String name, double simulated, double exact, double standardError) {

    /**
     * {@code (simulated - exact) / standardError}; 0 when both are equal (also with no error),
     * infinite when they differ with a zero error, NaN when either is unknown.
     */
    public double zScore() {
        double difference = simulated - exact;
        if (difference == 0) {
            return Double.isNaN(standardError) ? Double.NaN : 0.0;
        }
        return difference / standardError;
    }
}
