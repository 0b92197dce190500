package dev.quiver.bayes.special;

import org.hipparchus.special.Beta;
import org.hipparchus.special.Gamma;

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), the lower tail of a
 * Beta(a, b) distribution, and its complement 1 − I_x(a, b) = I_{1−x}(b, a).
 *
 * <pre>{@code
 * double lower = IncompleteBeta.regularized(2.0, 3.0, 0.4);  // 0.5248
 * double upper = IncompleteBeta.complement(2.0, 3.0, 0.4);   // 0.4752
 * }</pre>
 *
 * <p>Method: the continued fraction I_x(a, b) = x^a (1 − x)^b / (a B(a, b)) / (1 + d1 / (1 + d2 /
 * (1 + ...))), d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)), d_{2m} = m (b − m) x /
 * ((a + 2m − 1)(a + 2m)), evaluated by Wallis's recurrences (with the stopping rule of the modified
 * Lentz algorithm, see {@link #continuedFraction}) where it converges quickly, x
 * &lt; (a + 1) / (a + b + 2), and through the symmetry above otherwise (W. H. Press et al.,
 * <i>Numerical Recipes</i>, 3rd ed., section 6.4). The prefactor x^a (1 − x)^b / B(a, b) is
 * formed, when both shapes are at least 10, as sqrt(a b / (2π (a + b))) exp(a log1pmx(d) + b
 * log1pmx(−d a / b) + mu(a + b) − mu(a) − mu(b)) with d = (x (a + b) − a) / a (see {@link
 * Stirling}), whose terms stay small near the mean whatever the shapes; when one is, with log
 * Γ(a + b) − log Γ(b) from Stirling's formula; when neither is, from logs and Hipparchus's
 * log-beta. The tail computed directly is good to a few 1e-15 relative; the other,
 * one minus it, to a few 1e-16 absolute. Where one shape is small and the other large, the
 * fraction would need a number of terms proportional to the large one near the mean, and {@link
 * SmallShapeBeta}'s series in incomplete gamma functions is used instead. Stateless, thread-safe;
 * allocates only in that series (one short array).
 */
public final class IncompleteBeta {

    /** Stands in for a zero first denominator 1 + d1 of the fraction. */
    private static final double TINY = 1e-300;

    /** Wallis's recurrences are rescaled when their terms pass this (or its inverse). */
    private static final double RESCALE_ABOVE = 0x1p200;

    /** A safeguard only: the fraction converges in O(sqrt(min(a, b))) steps. */
    private static final int MAX_TERMS = 1_000_000;

    /** From this shape on (both shapes) the prefactor is factored through {@link Stirling}. */
    private static final double FACTORED_MIN_SHAPE = 10.0;

    private IncompleteBeta() {}

    /** Returns I_x(a, b) for {@code a, b > 0} and {@code 0 <= x <= 1}. */
    public static double regularized(double a, double b, double x) {
        return tail(a, b, x, 1.0 - x, false);
    }

    /** Returns 1 − I_x(a, b) = I_{1−x}(b, a) for {@code a, b > 0} and {@code 0 <= x <= 1}. */
    public static double complement(double a, double b, double x) {
        return tail(a, b, x, 1.0 - x, true);
    }

    /**
     * Returns 1 − I_x(a, b) if {@code upper}, else I_x(a, b), where {@code y} = 1 − x is passed
     * separately so that a caller who knows it more precisely than {@code 1 − x} (x near 1) keeps
     * those digits.
     */
    static double tail(double a, double b, double x, double y, boolean upper) {
        if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0) || !(y >= 0.0)) {
            throw new IllegalArgumentException(
                    "incomplete beta needs a, b > 0 and 0 <= x <= 1, got a = "
                            + a + ", b = " + b + ", x = " + x);
        }
        if (x == 0.0 || y == 0.0) {
            return (x == 0.0) == upper ? 1.0 : 0.0;
        }
        return tail(a, b, x, y, upper, prefix(a, b, x, y));
    }

    /**
     * {@link #tail(double, double, double, double, boolean)} given {@code prefix} = {@link
     * #prefix}(a, b, x, y), which is symmetric: prefix(b, a, y, x) is the same number.
     */
    static double tail(double a, double b, double x, double y, boolean upper, double prefix) {
        if (SmallShapeBeta.applies(a, b, y)) {
            return SmallShapeBeta.tail(a, b, y, upper);
        }
        if (SmallShapeBeta.applies(b, a, x)) {
            return SmallShapeBeta.tail(b, a, x, !upper);
        }
        if (x * (a + b + 2.0) < a + 1.0) {
            final double lower = prefix / a * continuedFraction(a, b, x, y);
            return upper ? 1.0 - lower : lower;
        }
        final double upperTail = prefix / b * continuedFraction(b, a, y, x);
        return upper ? upperTail : 1.0 - upperTail;
    }

    /**
     * Returns x^a y^b / B(a, b) with y = 1 − x, which is x y times the Beta(a, b) density at x.
     */
    static double prefix(double a, double b, double x, double y) {
        if (a >= FACTORED_MIN_SHAPE && b >= FACTORED_MIN_SHAPE) {
            final double s = a + b;
            // t = x s − a = −(y s − b); the form on the side nearer 0 keeps its digits.
            final double t = x <= 0.5 ? Math.fma(x, s, -a) : -Math.fma(y, s, -b);
            final double exponent =
                    a * Stirling.log1pmx(t / a)
                            + b * Stirling.log1pmx(-t / b)
                            + Stirling.correction(s)
                            - Stirling.correction(a)
                            - Stirling.correction(b);
            return Math.sqrt(a * (b / s) / (2.0 * Math.PI)) * Math.exp(exponent);
        }
        final double logX = y < 0.5 ? Math.log1p(-y) : Math.log(x);
        final double logY = x < 0.5 ? Math.log1p(-x) : Math.log(y);
        if (b >= FACTORED_MIN_SHAPE) {
            return Math.exp(mixedLogPrefix(a, b, logX, logY));
        }
        if (a >= FACTORED_MIN_SHAPE) {
            return Math.exp(mixedLogPrefix(b, a, logY, logX));
        }
        return Math.exp(a * logX + b * logY - logBeta(a, b));
    }

    /**
     * log(x^a y^b / B(a, b)) for a small shape a &lt; 10 and a large one b &ge; 10, with log x and
     * log y given. log Γ(a + b) − log Γ(b) is taken from Stirling's formula as (b − ½) log1p(a /
     * b) + a log(a + b) − a + mu(a + b) − mu(b), and b log1p(a / b) − a as b log1pmx(a / b): the
     * two log-gammas, near b log b each, would cancel to a few digits at b = 1e15 (Hipparchus's
     * log-beta is off by 1e-3 there).
     */
    private static double mixedLogPrefix(double a, double b, double logX, double logY) {
        final double s = a + b;
        return a * (logX + Math.log(s))
                + b * logY
                + b * Stirling.log1pmx(a / b)
                - 0.5 * Math.log1p(a / b)
                - Gamma.logGamma(a)
                + Stirling.correction(s)
                - Stirling.correction(b);
    }

    /**
     * Hipparchus's log B(a, b), or the sum of log-gammas where Hipparchus's product of gammas
     * overflows (a b below about 1e-308), which is accurate there since each term is about −log of
     * its argument.
     */
    private static double logBeta(double a, double b) {
        final double value = Beta.logBeta(a, b);
        return value == Double.POSITIVE_INFINITY
                ? Gamma.logGamma(a) + Gamma.logGamma(b) - Gamma.logGamma(a + b)
                : value;
    }

    /**
     * The continued fraction of the class comment, 1 / (1 + d1 / (1 + ...)), y = 1 − x, as B_n /
     * A_n from Wallis's recurrences A_n = A_{n−1} + d_n A_{n−2} (and the same for B, from A_0 =
     * B_0 = B_1 = 1, A_1 = 1 + d1), rescaled by a power of two when they grow or shrink far: each
     * step is two multiply-adds whose only division, the coefficient's, is off the dependency
     * chain, where the modified Lentz algorithm divides twice on it (the fraction takes a few
     * hundred steps at shapes near 1e6). The change between consecutive convergents is exact in
     * the determinant D_n = B_n A_{n−1} − B_{n−1} A_n = −d_n D_{n−1}, so the stopping rule is
     * Lentz's, |h_n / h_{n−1} − 1| = |D_n / (A_n B_{n−1})| at most {@link IncompleteGamma#EPSILON}
     * after an odd coefficient, without the rounding of a difference of two quotients.
     */
    private static double continuedFraction(double a, double b, double x, double y) {
        final double s = a + b;
        // 1 − s x / (a + 1) cancels when x is near 1 and a large; written with y = 1 − x it keeps
        // the digits that x, rounded near 1, has lost (5e-10 relative at a = 1e8, b = 100).
        double first = x <= 0.5 ? 1.0 - s * x / (a + 1.0) : (1.0 - b + s * y) / (a + 1.0);
        if (Math.abs(first) < TINY) {
            first = TINY;
        }
        double previousA = 1.0;
        double previousB = 1.0;
        double currentA = first;
        double currentB = 1.0;
        // D_1 = B_1 A_0 − B_0 A_1 = 1 − (1 + d1).
        double determinant = 1.0 - first;
        for (int m = 1; m < MAX_TERMS; m++) {
            final double m2 = 2.0 * m;
            final double even = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
            final double odd = -(a + m) * (s + m) * x / ((a + m2) * (a + m2 + 1.0));
            final double evenA = Math.fma(even, previousA, currentA);
            final double evenB = Math.fma(even, previousB, currentB);
            previousA = evenA;
            previousB = evenB;
            currentA = Math.fma(odd, currentA, evenA);
            currentB = Math.fma(odd, currentB, evenB);
            determinant *= even * odd;
            if (Math.abs(determinant) <= IncompleteGamma.EPSILON * Math.abs(currentA * evenB)) {
                break;
            }
            final double magnitude = Math.abs(currentA);
            if (magnitude > RESCALE_ABOVE || magnitude < 1.0 / RESCALE_ABOVE && magnitude > 0.0) {
                final int shift = -Math.getExponent(currentA);
                currentA = Math.scalb(currentA, shift);
                currentB = Math.scalb(currentB, shift);
                previousA = Math.scalb(previousA, shift);
                previousB = Math.scalb(previousB, shift);
                determinant = Math.scalb(determinant, 2 * shift);
            }
        }
        return currentB / currentA;
    }
}
