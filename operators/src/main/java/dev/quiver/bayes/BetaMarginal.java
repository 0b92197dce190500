package dev.quiver.bayes;

import dev.quiver.bayes.special.BetaQuantile;

/**
 * Moments, quantiles and mode of a Beta(a, b) distribution, shared by the models whose posterior
 * (or marginal) is a Beta: Beta-Bernoulli, Beta-Binomial and each Dirichlet component.
 *
 * <pre>{@code
 * double mean = BetaMarginal.mean(8, 4);               // 2 / 3
 * double upper = BetaMarginal.quantile(8, 4, 0.975);   // upper end of the 95% interval
 * }</pre>
 */
final class BetaMarginal {

    /** Remembered by shapes: a result per observation asks for the same ones again and again. */
    private static final QuantileMemo INTERVALS =
            new QuantileMemo(
                    (a, b) ->
                            new double[] {
                                quantile(a, b, PosteriorSummary.CREDIBLE_LOW_PROBABILITY),
                                quantile(a, b, PosteriorSummary.CREDIBLE_HIGH_PROBABILITY)
                            });

    private BetaMarginal() {}

    /** Returns a / (a + b). */
    static double mean(double a, double b) {
        return a / (a + b);
    }

    /**
     * Returns a b / ((a + b)^2 (a + b + 1)), computed as {@code (a / s) (b / s) / (s + 1)} with s =
     * a + b: only products and quotients of positive numbers, so the result is within a few ulps.
     * The textbook form {@code mean (1 - mean) / (s + 1)} would lose digits to cancellation when
     * the mean is near 1.
     */
    static double variance(double a, double b) {
        final double s = a + b;
        return (a / s) * (b / s) / (s + 1.0);
    }

    /**
     * Returns the p-quantile, {@link BetaQuantile#quantile}: within 1e-12 relative of SciPy (checked
     * by mpmath) for shapes 1e-3 to 1e8, finite for any positive finite shapes, about 1 µs.
     */
    static double quantile(double a, double b, double p) {
        return BetaQuantile.quantile(a, b, p);
    }

    /**
     * Both ends of the 95% equal-tailed interval, {@code {low, high}}, from {@link
     * #quantile}, remembered by (a, b) ({@link QuantileMemo}): the caller must not modify it.
     */
    static double[] interval(double a, double b) {
        return INTERVALS.of(a, b);
    }

    /**
     * Returns the mode in [0, 1], or {@code NaN} where it is not unique:
     *
     * <ul>
     *   <li>a &gt; 1 and b &gt; 1: (a - 1) / (a + b - 2), the interior maximum;
     *   <li>a = 1 and b = 1: {@code NaN}, the density is uniform;
     *   <li>a &lt; 1 and b &lt; 1: {@code NaN}, the density is U-shaped with maxima at 0 and 1;
     *   <li>otherwise a &le; 1 and b &ge; 1: 0, the density is decreasing;
     *   <li>otherwise a &ge; 1 and b &le; 1: 1, the density is increasing.
     * </ul>
     */
    static double mode(double a, double b) {
        if (a > 1.0 && b > 1.0) {
            return (a - 1.0) / (a + b - 2.0);
        }
        if ((a == 1.0 && b == 1.0) || (a < 1.0 && b < 1.0)) {
            return Double.NaN;
        }
        return (a <= 1.0 && b >= 1.0) ? 0.0 : 1.0;
    }
}
