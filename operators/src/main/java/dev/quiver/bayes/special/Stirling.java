package dev.quiver.bayes.special;

import org.hipparchus.special.Gamma;

/**
 * The two pieces that let the incomplete gamma and beta prefactors be formed without cancellation
 * for large shapes (N. M. Temme, <i>Special Functions</i>, Wiley, 1996, sections 3.6 and 11.3;
 * the same factoring underlies A. R. DiDonato and A. H. Morris, ACM TOMS 12 (1986) 377-393):
 * Stirling's correction {@code mu(a) = log Γ(a) − (a − ½) log a + a − ½ log 2π} and {@code
 * log1pmx(d) = log(1 + d) − d}.
 *
 * <p>With them, {@code x^a e^−x / Γ(a) = sqrt(a / 2π) exp(a log1pmx((x − a) / a) − mu(a))}: every
 * term is small where the quantile lies, whereas {@code a log x − x − log Γ(a)} subtracts numbers
 * near {@code a log a} and, at a = 1e7, keeps only about 8 of its 16 digits.
 */
final class Stirling {

    /** From here on the asymptotic series of mu is used; its first omitted term is 3e-17 there. */
    private static final double SERIES_MIN_SHAPE = 10.0;

    /** ½ log 2π. */
    static final double HALF_LOG_TWO_PI = 0.9189385332046727;

    /** Below this |d| the Taylor series of log1pmx is summed; above it the cancellation is mild. */
    private static final double LOG1PMX_SERIES_BOUND = 0.25;

    private static final double C1 = 1.0 / 12;
    private static final double C3 = -1.0 / 360;
    private static final double C5 = 1.0 / 1260;
    private static final double C7 = -1.0 / 1680;
    private static final double C9 = 1.0 / 1188;
    private static final double C11 = -691.0 / 360360;
    private static final double C13 = 1.0 / 156;

    private Stirling() {}

    /**
     * Returns mu(a) for {@code a > 0}. From a = 10 on it is the Stirling series 1/(12a) − 1/(360a³)
     * + 1/(1260a⁵) − 1/(1680a⁷) + 1/(1188a⁹) − 691/(360360a¹¹) + 1/(156a¹³) (Abramowitz and Stegun
     * 6.1.41); below, the difference of Hipparchus's log-gamma and the Stirling terms, which are
     * then all below 25 in magnitude, so its absolute error is a few 1e-15.
     */
    static double correction(double a) {
        if (a < SERIES_MIN_SHAPE) {
            return Gamma.logGamma(a) - (a - 0.5) * Math.log(a) + a - HALF_LOG_TWO_PI;
        }
        final double r = 1.0 / a;
        final double r2 = r * r;
        final double series =
                C13 * r2 + C11;
        return r * (C1 + r2 * (C3 + r2 * (C5 + r2 * (C7 + r2 * (C9 + r2 * series)))));
    }

    /**
     * Returns log(1 + d) − d for {@code d > −1}: the series −d²/2 + d³/3 − ... while |d| &le; ¼
     * (at most 30 terms, no cancellation), {@code Math.log1p(d) − d} beyond, where the result is at
     * least a ninth of |d| and so loses at most one digit.
     */
    static double log1pmx(double d) {
        if (Math.abs(d) > LOG1PMX_SERIES_BOUND) {
            return Math.log1p(d) - d;
        }
        double power = d * d;
        double total = -0.5 * power;
        for (int k = 3; k < 40; k++) {
            power *= -d;
            final double term = -power / k;
            total += term;
            if (Math.abs(term) <= 1e-17 * Math.abs(total)) {
                break;
            }
        }
        return total;
    }
}
