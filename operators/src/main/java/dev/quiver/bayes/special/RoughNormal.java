package dev.quiver.bayes.special;

/**
 * A starting value only: the standard normal quantile to about 4.5e-4 absolute by the rational
 * approximation of M. Abramowitz and I. A. Stegun, <i>Handbook of Mathematical Functions</i>,
 * 26.2.23 (C. Hastings). The precise normal quantile is {@link NormalQuantile}.
 */
final class RoughNormal {

    private RoughNormal() {}

    /** Returns z with Φ(z) ≈ p, from the smaller of p and q = 1 − p (the flag says which). */
    static double quantile(double p, double q, boolean lowerIsSmaller) {
        final double tail = lowerIsSmaller ? p : q;
        final double t = Math.sqrt(-2.0 * Math.log(tail));
        final double z =
                t
                        - (2.515517 + t * (0.802853 + t * 0.010328))
                                / (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
        return lowerIsSmaller ? -z : z;
    }
}
