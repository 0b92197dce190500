package dev.quiver.bayes;

import org.hipparchus.distribution.continuous.BetaDistribution;

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

    /**
     * Absolute accuracy handed to Hipparchus's inverse CDF. Its Brent solver stops within {@code
     * 2e-14 * |q| + absoluteAccuracy} of the root; an absolute term like 1e-14 would cost small
     * quantiles (small or skewed posteriors put the 2.5% point at 1e-5 and below) most of their
     * digits, so the absolute term is made negligible and the relative one decides.
     */
    static final double QUANTILE_ABSOLUTE_ACCURACY = 1e-300;

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
     * Returns the p-quantile from Hipparchus's {@link BetaDistribution} (regularized incomplete
     * beta function, Brent root-finding), about 1e-13 relative where a + b is moderate. Hipparchus
     * forms a log x + b log(1 - x) in the incomplete beta, so with a + b beyond about 1e12 the
     * rounding of those products shows: at 1e15 the ends of a 95% interval are off by a few percent
     * of its width (still finite, never NaN). Allocates one distribution object.
     */
    static double quantile(double a, double b, double p) {
        return new BetaDistribution(a, b, QUANTILE_ABSOLUTE_ACCURACY)
                .inverseCumulativeProbability(p);
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
