package dev.quiver.bayes.special;

/**
 * A starting value: the standard normal quantile by the rational approximations of M. J.
 * Wichura, "Algorithm AS 241: The percentage points of the normal distribution", Applied
 * Statistics 37 (1988) 477-484 (PPND16, about 1e-16 relative). With it the starting points of the
 * quantiles here are close enough that a single Halley step usually reaches full precision. The
 * precise normal quantile, tied to the incomplete gamma function, is {@link NormalQuantile}.
 */
final class WichuraNormal {

    private WichuraNormal() {}

    /** Returns z with Φ(z) ≈ p, from the smaller of p and q = 1 − p (the flag says which). */
    static double quantile(double p, double q, boolean lowerIsSmaller) {
        final double tail = lowerIsSmaller ? p : q;
        final double magnitude;
        if (tail >= 0.075) {
            // Central region, |p − ½| ≤ 0.425: a rational function of r = 0.180625 − (p − ½)².
            final double centred = 0.5 - tail;
            final double r = 0.180625 - centred * centred;
            magnitude = centred * central(r);
        } else {
            final double r = Math.sqrt(-Math.log(tail));
            magnitude = r <= 5.0 ? intermediate(r - 1.6) : far(r - 5.0);
        }
        return lowerIsSmaller ? -magnitude : magnitude;
    }

    private static double central(double r) {
        final double numerator =
                ((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r
                                                        + 6.7265770927008700853e4)
                                                * r
                                        + 4.5921953931549871457e4)
                                * r
                        + 1.3731693765509461125e4)
                                * r
                        + 1.9715909503065514427e3)
                                * r
                        + 1.3314166789178437745e2)
                        * r
                + 3.3871328727963666080e0;
        final double denominator =
                ((((((5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r
                                                        + 3.9307895800092710610e4)
                                                * r
                                        + 2.1213794301586595867e4)
                                * r
                        + 5.3941960214247511077e3)
                                * r
                        + 6.8718700749205790830e2)
                                * r
                        + 4.2313330701600911252e1)
                        * r
                + 1.0;
        return numerator / denominator;
    }

    /** For sqrt(−log tail) from 0.425's edge up to 5 (tails down to about 1.4e-11). */
    private static double intermediate(double r) {
        final double numerator =
                ((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r
                                                        + 2.41780725177450611770e-1)
                                                * r
                                        + 1.27045825245236838258e0)
                                * r
                        + 3.64784832476320460504e0)
                                * r
                        + 5.76949722146069140550e0)
                                * r
                        + 4.63033784615654529590e0)
                        * r
                + 1.42343711074968357734e0;
        final double denominator =
                ((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r
                                                        + 1.51986665636164571966e-2)
                                                * r
                                        + 1.48103976427480074590e-1)
                                * r
                        + 6.89767334985100004550e-1)
                                * r
                        + 1.67638483018380384940e0)
                                * r
                        + 2.05319162663775882187e0)
                        * r
                + 1.0;
        return numerator / denominator;
    }

    /** For sqrt(−log tail) beyond 5. */
    private static double far(double r) {
        final double numerator =
                ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                                                        + 1.24266094738807843860e-3)
                                                * r
                                        + 2.65321895265761230930e-2)
                                * r
                        + 2.96560571828504891230e-1)
                                * r
                        + 1.78482653991729133580e0)
                                * r
                        + 5.46378491116411436990e0)
                        * r
                + 6.65790464350110377720e0;
        final double denominator =
                ((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r
                                                        + 1.84631831751005468180e-5)
                                                * r
                                        + 7.86869131145613259100e-4)
                                * r
                        + 1.48753612908506148525e-2)
                                * r
                        + 1.36929880922735805310e-1)
                                * r
                        + 5.99832206555887937690e-1)
                        * r
                + 1.0;
        return numerator / denominator;
    }
}
