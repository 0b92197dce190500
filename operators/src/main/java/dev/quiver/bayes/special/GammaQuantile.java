package dev.quiver.bayes.special;

import org.hipparchus.special.Gamma;

/**
 * Quantiles of the Gamma(shape, 1) distribution: the inverse of the regularized incomplete gamma
 * function, x with P(shape, x) = p.
 *
 * <pre>{@code
 * double low = GammaQuantile.quantile(12.0, 0.025);        // 6.200575108722218
 * double high = GammaQuantile.quantile(12.0, 0.975);       // 19.682038513301954
 * double far = GammaQuantile.upperQuantile(12.0, 1e-12);   // 54.286668029405: Q(12, far) = 1e-12
 * }</pre>
 *
 * <p>Method (A. R. DiDonato and A. H. Morris, "Computation of the incomplete gamma function ratios
 * and their inverse", ACM TOMS 12 (1986) 377-393; W. H. Press et al., <i>Numerical Recipes</i>,
 * 3rd ed., section 6.2.1): a starting point from the Wilson-Hilferty cube-root normal
 * approximation for shapes above 1, or from the small-x form P ≈ x^a / Γ(a + 1) and the
 * exponential upper tail for shapes up to 1, then {@link HalleySolver Halley steps} on whichever
 * tail is smaller than one half, so its target keeps its relative precision, with f'(x) = x^(a−1)
 * e^−x / Γ(a) and f''/f' = (a − 1) / x − 1 from {@link IncompleteGamma}. From a good start two or
 * three evaluations of P or Q suffice.
 *
 * <p>Accuracy: within 1e-12 relative of SciPy's {@code gammaincinv} for shapes 1e-3 to 1e8 and p
 * from 1e-12 to 1 − 1e-6 ({@code QuantileOracleTest}), except that a quantile below the smallest
 * normal double (shape 1e-3 with p up to about 0.5 has quantiles like 1e-300 and below, or 0) is
 * held to four units of the smallest subnormal, all the digits it has. From shape {@link #WILSON_HILFERTY_MIN_SHAPE} on it is the Wilson-Hilferty
 * transform, exact to rounding there. Cost: one or two evaluations of {@link IncompleteGamma}
 * (the normal quantile of the start is Wichura's, so from shape 100 on one usually suffices),
 * under a microsecond and a half (see docs/benchmarks.md). Stateless, thread-safe; allocates one short-lived
 * object per call, which escape analysis usually removes.
 */
public final class GammaQuantile {

    /**
     * From this shape on the quantile is the Wilson-Hilferty transform of the normal quantile, x =
     * a (1 − 1/(9a) + z / (3 sqrt(a)))³ (E. B. Wilson and M. M. Hilferty, PNAS 17 (1931) 684-688),
     * whose relative error falls like a^−1.5 and is below 1e-20 here even at p = 1e-12; the
     * continued fractions degrade once a + 2m rounds to a.
     */
    static final double WILSON_HILFERTY_MIN_SHAPE = 1e15;

    private GammaQuantile() {}

    /**
     * Returns x with P(shape, x) = p, for {@code shape > 0} and {@code 0 <= p <= 1}: 0 at p = 0,
     * {@code +Infinity} at p = 1.
     *
     * @throws IllegalArgumentException if shape is not positive or p is outside [0, 1] or NaN
     */
    public static double quantile(double shape, double p) {
        check(shape, p);
        return solve(shape, p, 1.0 - p, p <= 0.5);
    }

    /**
     * Returns x with Q(shape, x) = q, the upper-tail quantile, for {@code shape > 0} and {@code 0
     * <= q <= 1}; for small q more precise than {@code quantile(shape, 1 - q)}, whose argument
     * rounds.
     *
     * @throws IllegalArgumentException if shape is not positive or q is outside [0, 1] or NaN
     */
    public static double upperQuantile(double shape, double q) {
        check(shape, q);
        return solve(shape, 1.0 - q, q, q > 0.5);
    }

    private static void check(double shape, double probability) {
        if (!(shape > 0.0) || shape == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("shape must be positive and finite, got " + shape);
        }
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
        }
    }

    /**
     * Solves with the lower tail p if {@code lowerIsSmaller}, else with the upper tail q; p + q = 1,
     * and the one used is exact.
     */
    static double solve(double shape, double p, double q, boolean lowerIsSmaller) {
        if (lowerIsSmaller ? p == 0.0 : q == 1.0) {
            return 0.0;
        }
        if (lowerIsSmaller ? p == 1.0 : q == 0.0) {
            return Double.POSITIVE_INFINITY;
        }
        if (shape >= WILSON_HILFERTY_MIN_SHAPE) {
            final double z =
                    lowerIsSmaller ? NormalQuantile.quantile(p) : -NormalQuantile.quantile(q);
            final double w = 1.0 / (9.0 * shape);
            final double root = 1.0 - w + z * Math.sqrt(w);
            return shape * root * root * root;
        }
        return solveFrom(shape, p, q, lowerIsSmaller, guess(shape, p, q, lowerIsSmaller));
    }

    /**
     * {@link #solve} from the given starting point, for 0 &lt; p, q &lt; 1 and shapes below {@link
     * #WILSON_HILFERTY_MIN_SHAPE}; 0 if the start is 0 (see {@link #guess}).
     */
    static double solveFrom(double shape, double p, double q, boolean lowerIsSmaller, double guess) {
        if (guess == 0.0) {
            // The small-x form P ≈ x^a / Γ(a + 1) is exact to first order there; its underflow
            // means the quantile is below the smallest double.
            return 0.0;
        }
        final Equation equation =
                new Equation(shape, lowerIsSmaller ? p : q, !lowerIsSmaller);
        return HalleySolver.solve(equation, guess, 0.0, Double.POSITIVE_INFINITY);
    }

    /** The starting point described in the class comment. */
    static double guess(double a, double p, double q, boolean lowerIsSmaller) {
        final double logGammaPlusOne = Gamma.logGamma(a + 1.0);
        if (a <= 1.0) {
            final double t = 1.0 - a * (0.253 + 0.12 * a);
            return p < t
                    ? Math.exp((Math.log(p) + logGammaPlusOne) / a)
                    : 1.0 - Math.log(q / (1.0 - t));
        }
        final double z = WichuraNormal.quantile(p, q, lowerIsSmaller);
        final double w = 1.0 / (9.0 * a);
        final double root = 1.0 - w + z * Math.sqrt(w);
        final double smallX = lowerIsSmaller ? Math.exp((Math.log(p) + logGammaPlusOne) / a) : 0.0;
        if (root <= 0.0) {
            return smallX;
        }
        final double wilsonHilferty = a * root * root * root;
        // In the far lower tail of small shapes the cube root is poor and P ≈ x^a / Γ(a + 1) is
        // good; the latter always underestimates x (P < x^a / Γ(a + 1)), so the larger is better.
        return Math.max(smallX, wilsonHilferty);
    }

    /** f = P(a, x) − p or q − Q(a, x), increasing in x, with f' = x^(a−1) e^−x / Γ(a). */
    private record Equation(double a, double target, boolean upper)
            implements HalleySolver.Equation {

        @Override
        public double ratio(double x) {
            final double prefix = IncompleteGamma.prefix(a, x);
            final double tail = IncompleteGamma.tail(a, x, upper, prefix);
            final double f = upper ? target - tail : tail - target;
            return f * x / prefix;
        }

        @Override
        public double curvature(double x) {
            return (a - 1.0) / x - 1.0;
        }

        @Override
        public double curvatureSlope(double x) {
            return -(a - 1.0) / (x * x);
        }

        @Override
        public double curvatureBend(double x) {
            return 2.0 * (a - 1.0) / (x * x * x);
        }
    }
}
