package dev.quiver.bayes.special;

/**
 * Halley's method inside a bracket, the refinement step of every quantile here (as in W. H. Press
 * et al., <i>Numerical Recipes</i>, 3rd ed., sections 6.2 and 6.4, and A. R. DiDonato and A. H.
 * Morris, ACM TOMS 12 (1986) 377-393): from a good starting point each step cubes the relative
 * error, so two or three evaluations of the forward function reach full precision. A step that
 * leaves the bracket known from the signs seen so far is replaced by bisection (geometric when the
 * bracket spans more than a factor 16), so the iteration cannot diverge or cycle.
 */
final class HalleySolver {

    /** An increasing function f of u whose root is sought. */
    interface Equation {

        /** Returns f(u) / f'(u); its sign is that of f(u), infinite where f' underflows. */
        double ratio(double u);

        /** Returns f''(u) / f'(u). */
        double curvature(double u);
    }

    /**
     * A Halley step this small relative to u and to the curvature's length scale leaves an error
     * of about step³ × curvature², below 1e-21 relative: the step is taken and the search ends.
     */
    private static final double CONVERGED_STEP = 1e-7;

    /** A safeguard; bisection alone halves the bracket (or its logarithm) each step. */
    private static final int MAX_ITERATIONS = 400;

    private HalleySolver() {}

    /**
     * Returns the root of {@code equation} in ({@code lo}, {@code hi}), starting from {@code
     * guess} inside it; {@code hi} may be infinite, {@code lo} may be 0.
     */
    static double solve(Equation equation, double guess, double lo, double hi) {
        double u = guess;
        for (int i = 0; i < MAX_ITERATIONS; i++) {
            final double ratio = equation.ratio(u);
            if (ratio == 0.0) {
                return u;
            }
            if (ratio > 0.0) {
                hi = u;
            } else {
                lo = u;
            }
            double step = Double.NaN;
            double curvature = 0.0;
            if (Double.isFinite(ratio)) {
                curvature = equation.curvature(u);
                final double denominator = 1.0 - 0.5 * ratio * curvature;
                // Halley's correction of the Newton step only where it is a correction; a large
                // one means the root is far and the quadratic model says little.
                step = denominator >= 0.5 && denominator <= 2.0 ? ratio / denominator : ratio;
            }
            double next = u - step;
            if (next == u) {
                // The step is below u's last digit: f(u) is zero to working precision.
                return u;
            }
            if (!(next > lo && next < hi)) {
                next = bisect(lo, hi, u);
                step = u - next;
            }
            final double change = Math.abs(step);
            u = next;
            if (change <= CONVERGED_STEP * u && change * Math.abs(curvature) <= CONVERGED_STEP) {
                return u;
            }
            if (hi - lo <= 4.0 * Math.ulp(u)) {
                return u;
            }
        }
        return u;
    }

    private static double bisect(double lo, double hi, double u) {
        if (lo <= 0.0) {
            return Math.min(u, hi) / 16.0;
        }
        if (hi == Double.POSITIVE_INFINITY) {
            return Math.max(u, lo) * 16.0;
        }
        return hi > 16.0 * lo ? Math.sqrt(lo) * Math.sqrt(hi) : 0.5 * (lo + hi);
    }
}
