package dev.quiver.bayes;

import dev.quiver.bayes.special.GammaQuantile;

/**
 * Moments, quantiles and mode of a Gamma distribution with a shape and a rate (mean shape / rate),
 * the posterior of a Poisson rate.
 *
 * <pre>{@code
 * double mean = GammaMarginal.mean(12, 4);              // 3
 * double upper = GammaMarginal.quantile(12, 4, 0.975);  // upper end of the 95% interval
 * }</pre>
 */
final class GammaMarginal {

    /** Remembered by shapes: a result per observation asks for the same ones again and again. */
    private static final QuantileMemo STANDARD_INTERVALS =
            new QuantileMemo(
                    (shape, unused) ->
                            new double[] {
                                GammaQuantile.quantile(
                                        shape, PosteriorSummary.CREDIBLE_LOW_PROBABILITY),
                                GammaQuantile.quantile(
                                        shape, PosteriorSummary.CREDIBLE_HIGH_PROBABILITY)
                            });

    private GammaMarginal() {}

    /** Returns shape / rate. */
    static double mean(double shape, double rate) {
        return shape / rate;
    }

    /** Returns shape / rate^2, as (shape / rate) / rate so rate^2 cannot underflow on its own. */
    static double variance(double shape, double rate) {
        return shape / rate / rate;
    }

    /**
     * Returns the p-quantile for {@code 0 < p < 1}: the standard Gamma(shape, 1) quantile, {@link
     * GammaQuantile#quantile} (within 1e-12 relative of SciPy, checked by mpmath, for shapes 1e-3
     * to 1e8, the Wilson-Hilferty transform from 1e15 on), divided by the rate.
     */
    static double quantile(double shape, double rate, double p) {
        assert p > 0.0 && p < 1.0 : p;
        return GammaQuantile.quantile(shape, p) / rate;
    }

    /**
     * Both ends of the 95% equal-tailed interval, {@code {low, high}}: as {@link #quantile}, the
     * standard Gamma(shape, 1) quantiles (remembered by shape, {@link QuantileMemo}) divided by
     * the rate.
     */
    static double[] interval(double shape, double rate) {
        final double[] standard = STANDARD_INTERVALS.of(shape, 1.0);
        return new double[] {standard[0] / rate, standard[1] / rate};
    }

    /**
     * Returns the mode: (shape - 1) / rate when shape &ge; 1, otherwise 0, where the density is
     * decreasing (unbounded at 0 when shape &lt; 1), as for a decreasing Beta density.
     */
    static double mode(double shape, double rate) {
        return shape >= 1.0 ? (shape - 1.0) / rate : 0.0;
    }
}
