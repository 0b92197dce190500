package dev.quiver.bayes.special;

import org.hipparchus.special.Beta;

/**
 * Quantiles of the Beta(a, b) distribution: the inverse of the regularized incomplete beta
 * function, x with I_x(a, b) = p.
 *
 * <pre>{@code
 * double low = BetaQuantile.quantile(8.0, 4.0, 0.025);    // 0.39025744042757876
 * double high = BetaQuantile.quantile(8.0, 4.0, 0.975);   // 0.8907365561809019
 * }</pre>
 *
 * <p>Method (W. H. Press et al., <i>Numerical Recipes</i>, 3rd ed., section 6.4.1, after M.
 * Abramowitz and I. A. Stegun 26.5.22; the refinement as in A. R. DiDonato and A. H. Morris, ACM
 * TOMS 18 (1992) 360-373): with both shapes from 100 on, a starting point from the Cornish-Fisher
 * expansion to fourth cumulants at the normal quantile z (see {@link #cumulantStart}); with one
 * shape small and the other large (where {@link SmallShapeBeta} applies), from the first term of
 * that series, 1 − I_x(a, b) ≈ P(b, (a + (b − 1) / 2)(−log x)), through {@link GammaQuantile};
 * for other a, b &gt; 1 from x = a / (a
 * + b e^(2w)) with w = z sqrt(h + λ) / h − (1 / (2b − 1) − 1 / (2a − 1)) (λ + 5/6 − 2 / (3h)), λ =
 * (z² − 3) / 6, h = 2 / (1 / (2a − 1) + 1 / (2b − 1)); otherwise from the power-law behaviour of
 * each tail, I_x ≈ x^a / (a B) near 0 and 1 − I_x ≈ (1 − x)^b / (b B) near 1. Then {@link
 * HalleySolver Halley steps}, of fourth order near the root, with f' = x^(a−1) (1 − x)^(b−1) / B(a,
 * b) and f''/f' = (a − 1) / x − (b − 1) / (1 − x). Two choices keep the digits: the target is whichever of p and 1 − p is at
 * most ½ (so it is exact), and the unknown is x or 1 − x, whichever the start says is below ½
 * (so a quantile near 1 is found as 1 − y with y precise).
 *
 * <p>Accuracy: within 1e-12 relative of SciPy's {@code betaincinv} for shapes 1e-3 to 1e8 and p
 * from 1e-12 to 1 − 1e-6 ({@code QuantileOracleTest}; a quantile below the smallest normal double
 * to four units of the smallest subnormal). Beyond 1e8 no oracle was run: there the results on
 * either side of each change of method (continued fraction, {@link SmallShapeBeta}, the expansion
 * below) agree to 2e-12 relative up to shapes of 1e15, the continued fraction being the least
 * precise in the upper tail when one shape is much the larger.
 * Both shapes from {@link #CORNISH_FISHER_MIN_SHAPE} on, the quantile is a Cornish-Fisher
 * expansion, exact to rounding there. Cost: usually one evaluation of {@link IncompleteBeta}
 * (two where the shapes are between 1 and 100 or one is small), under a microsecond on most of the
 * benchmark grid and at most about 1.5 µs (see docs/benchmarks.md). Stateless, thread-safe; allocates a few
 * short-lived objects per call.
 */
public final class BetaQuantile {

    /**
     * When both shapes reach this, the quantile is the
     * Cornish-Fisher expansion x = μ + σ (z + γ (z² − 1) / 6) with the Beta's mean μ, standard
     * deviation σ and skewness γ: its error is of order σ z³ / min(a, b), below 1e-20 of x here,
     * while the continued fraction degrades once a + 2m rounds to a.
     */
    static final double CORNISH_FISHER_MIN_SHAPE = 1e12;

    /**
     * From this shape on (both shapes) the starting point is the Cornish-Fisher expansion to
     * fourth cumulants ({@link #cumulantStart}), near enough for a single solver step.
     */
    private static final double CUMULANT_START_MIN_SHAPE = 100.0;

    private BetaQuantile() {}

    /**
     * Returns x with I_x(a, b) = p, for {@code a, b > 0} and {@code 0 <= p <= 1}: 0 at p = 0 and 1
     * at p = 1.
     *
     * @throws IllegalArgumentException if a shape is not positive and finite, or p is outside [0,
     *     1] or NaN
     */
    public static double quantile(double a, double b, double p) {
        check(a, b, p);
        if (p == 0.0 || p == 1.0) {
            return p;
        }
        final double q = 1.0 - p;
        final boolean lowerIsSmaller = p <= 0.5;
        if (Math.min(a, b) >= CORNISH_FISHER_MIN_SHAPE) {
            return cornishFisher(
                    a, b, lowerIsSmaller ? NormalQuantile.quantile(p) : -NormalQuantile.quantile(q));
        }
        final double[] start = new double[2];
        guess(a, b, p, q, lowerIsSmaller, start);
        final double root =
                solveSmallerSide(a, b, lowerIsSmaller ? p : q, !lowerIsSmaller, start[0], start[1]);
        return isX(root) ? root : 1.0 + root;
    }

    /**
     * Whether a {@link #solveSmallerSide} result is x (positive sign) rather than −y (negative
     * sign, −0.0 included: y underflowed and x is 1).
     */
    static boolean isX(double root) {
        return Math.copySign(1.0, root) > 0.0;
    }

    /**
     * The expansion of {@link #CORNISH_FISHER_MIN_SHAPE} at the normal quantile z, written
     * through r = b / a so that nothing overflows with shapes near the largest double: μ = 1 / (1 +
     * r), σ² = μ (1 − μ) / (a + b + 1), γ = 2 (1 − 2μ) / sqrt((a + b) μ (1 − μ)), the last to a
     * relative 1.5 / (a + b).
     */
    private static double cornishFisher(double a, double b, double z) {
        final double r = b / a;
        final double mu = 1.0 / (1.0 + r);
        final double complement = r / (1.0 + r);
        final double s = a * (1.0 + r);
        final double sd = Math.sqrt(mu * complement / (s + 1.0));
        final double skewness = 2.0 * (complement - mu) / Math.sqrt(s * mu * complement);
        return mu + sd * (z + skewness * (z * z - 1.0) / 6.0);
    }

    private static void check(double a, double b, double p) {
        if (!(a > 0.0) || !(b > 0.0) || a == Double.POSITIVE_INFINITY
                || b == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "shapes must be positive and finite, got a = " + a + ", b = " + b);
        }
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        }
    }

    /**
     * Solves I_x(a, b) = target (or 1 − I_x(a, b) = target if {@code upper}) from the start (x0,
     * y0 = 1 − x0) for whichever of x and y = 1 − x is at most ½, so that it keeps its relative
     * precision: returns x if that is x, else −y (see {@link #isX}). A start on the wrong side of ½ costs a second
     * solve from the first one's answer.
     */
    static double solveSmallerSide(
            double a, double b, double target, boolean upper, double x0, double y0) {
        if (x0 <= y0) {
            final double x = solveForX(a, b, target, upper, x0);
            return x <= 0.5 ? x : -solveForX(b, a, target, !upper, 1.0 - x);
        }
        // 1 − I_x(a, b) = I_y(b, a): the same equation in y with the shapes and tails swapped.
        final double y = solveForX(b, a, target, !upper, y0);
        return y <= 0.5 ? -y : solveForX(a, b, target, upper, 1.0 - y);
    }

    private static double solveForX(double a, double b, double target, boolean upper, double x0) {
        if (x0 == 0.0) {
            // The start underflows only where the power-law form, exact to first order there,
            // puts the quantile below the smallest double.
            return 0.0;
        }
        return HalleySolver.solve(new Equation(a, b, target, upper), x0, 0.0, 1.0);
    }

    /** Writes the starting point of the class comment into {@code start} as {x0, 1 − x0}. */
    static void guess(
            double a, double b, double p, double q, boolean lowerIsSmaller, double[] start) {
        if (a >= CUMULANT_START_MIN_SHAPE && b >= CUMULANT_START_MIN_SHAPE) {
            cumulantStart(a, b, WichuraNormal.quantile(p, q, lowerIsSmaller), start);
            return;
        }
        if (SmallShapeBeta.applies(a, b, 0.0)) {
            // 1 − I_x(a, b) ≈ P(b, M u) with u = −log x, M = a + (b − 1) / 2: the first term of
            // SmallShapeBeta's sum, whose next is about (b − 1) b (b + 1) / (24 M²) of it.
            final double m = a + 0.5 * (b - 1.0);
            final double u = GammaQuantile.solve(b, q, p, !lowerIsSmaller) / m;
            start[0] = Math.exp(-u);
            start[1] = -Math.expm1(-u);
            return;
        }
        if (SmallShapeBeta.applies(b, a, 0.0)) {
            final double m = b + 0.5 * (a - 1.0);
            final double v = GammaQuantile.solve(a, p, q, lowerIsSmaller) / m;
            start[1] = Math.exp(-v);
            start[0] = -Math.expm1(-v);
            return;
        }
        if (a > 1.0 && b > 1.0) {
            final double z = WichuraNormal.quantile(p, q, lowerIsSmaller);
            final double lambda = (z * z - 3.0) / 6.0;
            final double ra = 1.0 / (2.0 * a - 1.0);
            final double rb = 1.0 / (2.0 * b - 1.0);
            final double h = 2.0 / (ra + rb);
            final double w =
                    z * Math.sqrt(h + lambda) / h
                            - (rb - ra) * (lambda + 5.0 / 6.0 - 2.0 / (3.0 * h));
            // x = a / (a + b e^(2w)); written through r = (b / a) e^(2w) both ends keep digits.
            final double logRatio = Math.log(b / a) - 2.0 * w;
            setFromLogOdds(-logRatio, start);
            return;
        }
        final double logA = Math.log(a);
        final double logB = Math.log(b);
        final double logBeta = Beta.logBeta(a, b);
        // Mass of the two power-law tails, in units of B: t = x0^a / a and u = y0^b / b at the
        // mean x0 = a / (a + b); the target falls in the lower tail when p < t / (t + u).
        final double logSum = Math.log(a + b);
        final double t = Math.exp(a * (logA - logSum)) / a;
        final double u = Math.exp(b * (logB - logSum)) / b;
        final double lowerShare = t / (t + u);
        if (lowerIsSmaller ? p < lowerShare : 1.0 - lowerShare < q) {
            // I_x ≈ x^a / (a B): x = (a B p)^(1/a).
            final double x = Math.exp((Math.log(p) + logA + logBeta) / a);
            start[0] = x < 1.0 ? x : a / (a + b);
            start[1] = 1.0 - start[0];
        } else {
            final double y = Math.exp((Math.log(q) + logB + logBeta) / b);
            start[1] = y < 1.0 ? y : b / (a + b);
            start[0] = 1.0 - start[1];
        }
    }

    /**
     * The Cornish-Fisher expansion to fourth cumulants at the normal quantile z, x = μ + σ (z + γ1
     * (z² − 1) / 6 + γ2 (z³ − 3z) / 24 − γ1² (2z³ − 5z) / 36), with the Beta's mean μ = a / s,
     * standard deviation σ = sqrt(a b / (s² (s + 1))), skewness γ1 = 2 (b − a) sqrt(s + 1) / ((s +
     * 2) sqrt(a b)) and excess kurtosis γ2 = 6 ((a − b)² (s + 1) − a b (s + 2)) / (a b (s + 2) (s +
     * 3)), s = a + b; its error is of order σ / min(a, b)^1.5, so that one step of the solver
     * usually suffices. Both sides are written from their own mean, without cancellation.
     */
    private static void cumulantStart(double a, double b, double z, double[] start) {
        final double s = a + b;
        final double ab = a * b;
        final double sd = Math.sqrt(ab / (s + 1.0)) / s;
        final double skewness = 2.0 * (b - a) * Math.sqrt(s + 1.0) / ((s + 2.0) * Math.sqrt(ab));
        final double difference = a - b;
        final double kurtosis =
                6.0 * (difference * difference * (s + 1.0) - ab * (s + 2.0))
                        / (ab * (s + 2.0) * (s + 3.0));
        final double z2 = z * z;
        final double w =
                z
                        + skewness * (z2 - 1.0) / 6.0
                        + kurtosis * z * (z2 - 3.0) / 24.0
                        - skewness * skewness * z * (2.0 * z2 - 5.0) / 36.0;
        start[0] = a / s + sd * w;
        start[1] = b / s - sd * w;
        if (!(start[0] > 0.0 && start[1] > 0.0)) {
            // Beyond the expansion's reach (a tail far out): the normal approximation of the
            // log-odds, which stays inside (0, 1).
            setFromLogOdds(Math.log(a / b) + z * Math.sqrt(1.0 / a + 1.0 / b), start);
        }
    }

    /** Sets start to {x, 1 − x} with x = 1 / (1 + e^(−logOdds)), each side without cancellation. */
    private static void setFromLogOdds(double logOdds, double[] start) {
        start[0] = 1.0 / (1.0 + Math.exp(-logOdds));
        start[1] = 1.0 / (1.0 + Math.exp(logOdds));
    }

    /** f = I_u(a, b) − target or target − (1 − I_u(a, b)), increasing in u. */
    private record Equation(double a, double b, double target, boolean upper)
            implements HalleySolver.Equation {

        @Override
        public double ratio(double u) {
            final double v = 1.0 - u;
            final double prefix = IncompleteBeta.prefix(a, b, u, v);
            final double tail = IncompleteBeta.tail(a, b, u, v, upper, prefix);
            final double f = upper ? target - tail : tail - target;
            return f * u * v / prefix;
        }

        @Override
        public double curvature(double u) {
            return (a - 1.0) / u - (b - 1.0) / (1.0 - u);
        }

        @Override
        public double curvatureSlope(double u) {
            final double v = 1.0 - u;
            return -(a - 1.0) / (u * u) - (b - 1.0) / (v * v);
        }

        @Override
        public double curvatureBend(double u) {
            final double v = 1.0 - u;
            return 2.0 * ((a - 1.0) / (u * u * u) - (b - 1.0) / (v * v * v));
        }
    }
}
