package dev.quiver.bayes.special;

import org.hipparchus.special.Beta;

/**
 * Quantiles of the standard Student-t distribution with ν degrees of freedom.
 *
 * <pre>{@code
 * double upper = StudentTQuantile.quantile(9.0, 0.975);   // 2.262157162798205
 * double lower = StudentTQuantile.quantile(9.0, 0.025);   // -2.262157162798205
 * }</pre>
 *
 * <p>Method: for t &lt; 0, P(T &le; t) = I_x(ν/2, ½) / 2 with x = ν / (ν + t²) (M. Abramowitz and
 * I. A. Stegun, <i>Handbook of Mathematical Functions</i>, 26.7.1 and 26.5.27), so x is the
 * inverse incomplete beta of 2 min(p, 1 − p) ({@link BetaQuantile}'s solver, which returns x or
 * 1 − x, whichever is small, to full precision) and t = −sqrt(ν (1 − x) / x); the upper half by
 * symmetry. The starting point is the Cornish-Fisher expansion where t² &lt; ν and ν &ge; 4, and the
 * power-law tails of the incomplete beta otherwise. From {@link #CORNISH_FISHER_MIN_DEGREES} on,
 * the expansion z + g1(z) / ν + ... + g4(z) / ν⁴ (Abramowitz and Stegun 26.7.5) with z the normal
 * quantile is the answer itself: its first omitted term is below 1e-17 relative there for p &ge;
 * 1e-12, and the incomplete beta's continued fraction would need thousands of terms.
 *
 * <p>Accuracy: within 1e-12 relative of SciPy's {@code stdtrit} / {@code t.ppf} for ν from 1e-3 to
 * 1e8 and p from 1e-12 to 1 − 1e-6 ({@code QuantileOracleTest}). Stateless, thread-safe; allocates
 * one short-lived object per call.
 */
public final class StudentTQuantile {

    /** Degrees of freedom from which the four-term Cornish-Fisher expansion is the quantile. */
    public static final double CORNISH_FISHER_MIN_DEGREES = 1e5;

    private StudentTQuantile() {}

    /**
     * Returns the p-quantile of the standard Student-t with {@code dof} degrees of freedom, for
     * {@code dof > 0} (infinite: the normal quantile) and {@code 0 <= p <= 1}: ∓Infinity at 0 and
     * 1, 0 at ½.
     *
     * @throws IllegalArgumentException if dof is not positive, or p is outside [0, 1] or NaN
     */
    public static double quantile(double dof, double p) {
        if (!(dof > 0.0)) {
            throw new IllegalArgumentException("degrees of freedom must be positive, got " + dof);
        }
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        }
        if (p == 0.5) {
            return 0.0;
        }
        if (p == 0.0 || p == 1.0) {
            return p == 0.0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (dof >= CORNISH_FISHER_MIN_DEGREES) {
            return cornishFisher(NormalQuantile.quantile(p), dof);
        }
        // Both doubled tails are exact; the target is the smaller of 2 min(p, 1 − p) and its
        // complement, which is exact too when it is the smaller one.
        final double tail = 2.0 * Math.min(p, 1.0 - p);
        final double a = 0.5 * dof;
        final boolean lowerIsSmaller = tail <= 0.5;
        final double complement = 1.0 - tail;
        final double[] start = new double[2];
        final double z = WichuraNormal.quantile(0.5 * tail, 1.0 - 0.5 * tail, true);
        if (dof >= 4.0 && z * z < dof) {
            final double t = cornishFisher(z, dof);
            final double t2 = t * t;
            start[0] = dof / (dof + t2);
            start[1] = t2 / (dof + t2);
        } else {
            BetaQuantile.guess(a, 0.5, tail, complement, lowerIsSmaller, start);
        }
        final double root =
                BetaQuantile.solveSmallerSide(
                        a,
                        0.5,
                        lowerIsSmaller ? tail : complement,
                        !lowerIsSmaller,
                        start[0],
                        start[1]);
        // t² = ν y / x with x = ν / (ν + t²), y = 1 − x; the solver returns x, or −y, whichever is
        // the smaller, with its full precision.
        final double magnitude;
        if (!BetaQuantile.isX(root)) {
            magnitude = Math.sqrt(dof * -root / (1.0 + root));
        } else if (root > 0.0) {
            magnitude = Math.sqrt(dof * (1.0 - root) / root);
        } else {
            magnitude = Math.exp(0.5 * (Math.log(dof) - logPowerLawX(a, tail)));
        }
        return p < 0.5 ? -magnitude : magnitude;
    }

    /**
     * log x for I_x(a, ½) = tail where x underflows (ν below about 1 with a small tail) while t =
     * sqrt(ν / x) may not: there I_x(a, ½) = x^a / (a B(a, ½)) (1 + O(x)), so log x = log(tail a
     * B(a, ½)) / a to rounding.
     */
    private static double logPowerLawX(double a, double tail) {
        return (Math.log(tail) + Math.log(a) + Beta.logBeta(a, 0.5)) / a;
    }

    /** z + g1(z) / ν + g2(z) / ν² + g3(z) / ν³ + g4(z) / ν⁴, Abramowitz and Stegun 26.7.5. */
    static double cornishFisher(double z, double dof) {
        final double z2 = z * z;
        final double g1 = z * (z2 + 1.0) / 4.0;
        final double g2 = z * ((5.0 * z2 + 16.0) * z2 + 3.0) / 96.0;
        final double g3 = z * (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) / 384.0;
        final double g4 =
                z * ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) / 92160.0;
        return z + (g1 + (g2 + (g3 + g4 / dof) / dof) / dof) / dof;
    }
}
