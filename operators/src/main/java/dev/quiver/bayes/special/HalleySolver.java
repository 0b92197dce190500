package dev.quiver.bayes.special;

/**
 * Halley's method inside a bracket, the refinement step of every quantile here (as in W. H. Press
 * et al., <i>Numerical Recipes</i>, 3rd ed., sections 6.2 and 6.4, and A. R. DiDonato and A. H.
 * Morris, ACM TOMS 12 (1986) 377-393): from a good starting point each step cubes the relative
 * error, so two or three evaluations of the forward function reach full precision. A step that
 * leaves the bracket known from the signs seen so far is replaced by bisection (geometric when the
 * bracket spans more than a factor 16), so the iteration cannot diverge or cycle.
 *
 * <p>Near the root the step is of higher order (Schröder's, as DiDonato and Morris use for the
 * incomplete gamma function): every derivative of f is f' times a polynomial in c = f''/f' and its
 * derivatives, which the equations give in closed form, so inverting f's Taylor series to fourth
 * order costs no further evaluation and leaves an error of order e⁵. Its size is bounded from the
 * step and those length scales, and once it is below a hundredth of the answer's last digit the
 * step is taken and the search ends, without an evaluation that would only confirm it: from the
 * starting points here that is usually after one evaluation.
 */
final class HalleySolver {

    /** An increasing function f of u whose root is sought. */
    interface Equation {

        /** Returns f(u) / f'(u); its sign is that of f(u), infinite where f' underflows. */
        double ratio(double u);

        /** Returns c(u) = f''(u) / f'(u). */
        double curvature(double u);

        /** Returns c'(u), the derivative of {@link #curvature}: f'''/f' = c' + c². */
        double curvatureSlope(double u);

        /** Returns c''(u): f''''/f' = c'' + 3 c c' + c³. */
        double curvatureBend(double u);
    }

    /**
     * A Halley step this small relative to u and to the curvature's length scale leaves an error
     * of about step³ × curvature², below 1e-21 relative: the step is taken and the search ends.
     */
    private static final double CONVERGED_STEP = 1e-7;

    /**
     * The fourth-order step is taken where f/f' is at most this fraction of the length scale 1 /
     * s, s = max(|c|, |c'|^½, |c''|^⅓), over which f bends, so that its Taylor series converges
     * fast; farther from the root Halley's step is taken.
     */
    private static final double SERIES_REACH = 0.05;

    /**
     * The fourth-order step from f/f' = r leaves an error below 4 |r| (|r| s)⁴ (the reverted
     * series' next coefficient is at most 14 (s / 2)⁴ + 4 s⁴, with s as in {@link
     * #SERIES_REACH}); below this × u, a hundredth of u's last digit, the search ends.
     */
    private static final double CONVERGED_ERROR = 1e-18;

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
            double seriesError = Double.POSITIVE_INFINITY;
            if (Double.isFinite(ratio)) {
                curvature = equation.curvature(u);
                final double denominator = 1.0 - 0.5 * ratio * curvature;
                // Halley's correction of the Newton step only where it is a correction; a large
                // one means the root is far and the quadratic model says little.
                final boolean halley = denominator >= 0.5 && denominator <= 2.0;
                step = halley ? ratio / denominator : ratio;
                if (halley) {
                    final double slope = equation.curvatureSlope(u);
                    final double bend = equation.curvatureBend(u);
                    final double scale =
                            Math.max(
                                    Math.abs(curvature),
                                    Math.max(Math.sqrt(Math.abs(slope)), Math.cbrt(Math.abs(bend))));
                    final double reach = Math.abs(ratio) * scale;
                    if (reach <= SERIES_REACH) {
                        step = -revertedStep(-ratio, curvature, slope, bend);
                        final double reach2 = reach * reach;
                        seriesError = 4.0 * Math.abs(ratio) * reach2 * reach2;
                    }
                }
            }
            double next = u - step;
            if (next == u) {
                // The step is below u's last digit: f(u) is zero to working precision.
                return u;
            }
            if (!(next > lo && next < hi)) {
                next = bisect(lo, hi, u);
                step = u - next;
                seriesError = Double.POSITIVE_INFINITY;
            }
            final double change = Math.abs(step);
            u = next;
            if (seriesError <= CONVERGED_ERROR * Math.abs(u)
                    || change <= CONVERGED_STEP * u
                            && change * Math.abs(curvature) <= CONVERGED_STEP) {
                return u;
            }
            if (hi - lo <= 4.0 * Math.ulp(u)) {
                return u;
            }
        }
        return u;
    }

    /**
     * The δ with f(u + δ) = 0 to fourth order, y = −f(u) / f'(u): f(u + δ) / f'(u) = f/f' + δ + A
     * δ² + B δ³ + C δ⁴ with A = c / 2, B = (c' + c²) / 6, C = (c'' + 3 c c' + c³) / 24, reverted
     * as δ = y − A y² + (2A² − B) y³ + (5A B − 5A³ − C) y⁴.
     */
    private static double revertedStep(double y, double c, double slope, double bend) {
        final double a = 0.5 * c;
        final double b = (slope + c * c) / 6.0;
        final double cubic = (bend + 3.0 * c * slope + c * c * c) / 24.0;
        final double second = 2.0 * a * a - b;
        final double third = 5.0 * a * b - 5.0 * a * a * a - cubic;
        return y * (1.0 + y * (-a + y * (second + y * third)));
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
