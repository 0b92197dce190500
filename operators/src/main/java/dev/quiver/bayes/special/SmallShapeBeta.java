package dev.quiver.bayes.special;

/**
 * The incomplete beta function when one shape is small and the other large, through incomplete
 * gamma functions of the small shape; there the continued fraction of {@link IncompleteBeta} needs
 * a number of terms proportional to the large shape (a million at a = 1e6) near its switch point.
 *
 * <p>With b the small shape, a the large one, u = −log x and the substitution t = e^−s,
 *
 * <pre>
 *   1 − I_x(a, b) = (1 / B(a, b)) ∫_0^u e^(−M s) s^(b−1) φ(s) ds,   M = a + (b − 1) / 2,
 *   φ(s) = (sinh(s/2) / (s/2))^(b−1) = Σ_k φ_k s^(2k),
 * </pre>
 *
 * since 1 − e^−s = e^(−s/2) s sinh(s/2) / (s/2). Integrating term by term,
 *
 * <pre>
 *   1 − I_x(a, b) = R Σ_k φ_k (b)_(2k) P(b + 2k, M u) / M^(2k),   R = Γ(a + b) / (Γ(a) M^b),
 * </pre>
 *
 * and I_x(a, b) is the same sum with Q in place of P (the integral from u to ∞; the Taylor series
 * of φ holds for s &lt; 2π, and beyond 2π the integrand is below e^(−2π M), nothing at M &ge; 100).
 * This is the expansion of A. R. DiDonato and A. H. Morris's BGRAT (ACM TOMS 18 (1992) 360-373),
 * derived here in closed form: φ = exp((b − 1) log(sinh(h) / h)) with log(sinh(h) / h) = Σ_n
 * B_2n (2h)^(2n) / (2n (2n)!) (Bernoulli numbers), P(c + 1, T) = P(c, T) − T^c e^−T / Γ(c + 1),
 * and log R from Stirling's formula. The terms fall like ((b + 2k) / (2π M))^(2k) and, through
 * φ_k, like ((b − 1) u² / 24)^k / k!: a handful reach 1e-17 where {@link #applies} lets the sum
 * be used. Besides its speed it keeps digits that the fraction loses when it is evaluated at x
 * near 1 with a large shape (5e-10 relative at a = 1e8, b = 100, where 1 + d_k D_k cancels). Whichever of the two tails is smaller is summed (its
 * terms are all positive multiples of P, or of Q); the other is one minus it.
 */
final class SmallShapeBeta {

    /**
     * Largest small shape for which the sum is used: {@link IncompleteGamma} is exact up to here
     * (its fraction degrades once a + 2m rounds to a, beyond 1e16).
     */
    static final double MAX_SMALL_SHAPE = 1e15;

    /** Smallest large shape for which the sum is used. */
    static final double MIN_LARGE_SHAPE = 100.0;

    /**
     * The sum is used when large² &ge; this × small³: its k-th term is then about (small³ / (24
     * large²))^k / k! &le; 24^−k / k!, so the sixteen allowed reach 1e-35. Near that line the
     * continued fraction, evaluated at the upper tail's x near 1, has lost digits (9e-12 relative
     * at 1e11 and 1e17).
     */
    private static final double MIN_SHAPE_SPREAD = 1.0;

    private static final int MAX_TERMS = 16;

    /** Coefficients of s^(2n) in log(sinh(s/2) / (s/2)): B_2n / (2n (2n)!), n = 1, 2, ... */
    private static final double[] LOG_SINHC = new double[MAX_TERMS + 1];

    static {
        final double[][] bernoulli = {
            {1, 6}, {-1, 30}, {1, 42}, {-1, 30}, {5, 66}, {-691, 2730}, {7, 6}, {-3617, 510},
            {43867, 798}, {-174611, 330}, {854513, 138}, {-236364091, 2730}, {8553103, 6},
            {-23749461029.0, 870}, {8615841276005.0, 14322}, {-7709321041217.0, 510}
        };
        double factorial = 1.0;
        for (int n = 1; n <= MAX_TERMS; n++) {
            factorial *= (2.0 * n - 1.0) * (2.0 * n);
            LOG_SINHC[n] = bernoulli[n - 1][0] / bernoulli[n - 1][1] / (2.0 * n * factorial);
        }
    }

    private SmallShapeBeta() {}

    /**
     * Whether the sum applies: b small, a large (both absolutely and relative to b, see {@link
     * #MIN_SHAPE_SPREAD}) and x at least ½ (so u = −log x &le; log 2).
     */
    static boolean applies(double a, double b, double y) {
        return b <= MAX_SMALL_SHAPE
                && a >= MIN_LARGE_SHAPE
                && a * a >= MIN_SHAPE_SPREAD * b * b * b
                && y <= 0.5;
    }

    /** Returns 1 − I_x(a, b) if {@code upper}, else I_x(a, b), where {@link #applies}. */
    static double tail(double a, double b, double y, boolean upper) {
        final double m = a + 0.5 * (b - 1.0);
        final double t = -m * Math.log1p(-y);
        final double gammaPrefix = IncompleteGamma.prefix(b, t);
        // Sum 1 − I with P(b, T) where P is the tail computed directly (T below b + 1), else I
        // with Q; for b < 1 below b + 1, Q has its own series and the smaller one is taken. One
        // evaluation either way, and the tail summed keeps its relative precision.
        boolean withLower = t < b + 1.0;
        double g = IncompleteGamma.tail(b, t, !withLower, gammaPrefix);
        if (withLower && b < 1.0 && g > 0.5) {
            withLower = false;
            g = IncompleteGamma.tail(b, t, true, gammaPrefix);
        }
        double d = gammaPrefix / b;
        double weight = 1.0;
        double sum = g;
        final double[] phi = new double[MAX_TERMS + 1];
        phi[0] = 1.0;
        final double inverseM2 = 1.0 / (m * m);
        double c = b;
        for (int k = 1; k <= MAX_TERMS; k++) {
            // g from c to c + 2 through the recurrence P(c + 1) = P(c) − D(c), D(c) = T^c e^−T /
            // Γ(c + 1), and Q(c + 1) = Q(c) + D(c).
            final double dNext = d * t / (c + 1.0);
            g = withLower ? g - d - dNext : g + d + dNext;
            d = dNext * t / (c + 2.0);
            weight *= c * (c + 1.0) * inverseM2;
            double coefficient = 0.0;
            for (int j = 1; j <= k; j++) {
                coefficient += j * LOG_SINHC[j] * phi[k - j];
            }
            phi[k] = (b - 1.0) * coefficient / k;
            if (weight == 0.0) {
                // (b)_2k / M^2k has underflowed: every later term is below the last digit.
                break;
            }
            final double term = phi[k] * weight * g;
            sum += term;
            c += 2.0;
            if (Math.abs(term) <= 1e-17 * sum) {
                break;
            }
        }
        final double result = Math.exp(logR(a, b, m)) * sum;
        return upper == withLower ? result : 1.0 - result;
    }

    /**
     * log R = log Γ(a + b) − log Γ(a) − b log M = a log1pmx(b / a) − ½ log1p(b / a) + b log1p((b +
     * 1) / (2M)) + mu(a + b) − mu(a), by Stirling's formula, free of the cancellation of two
     * log-gammas near a log a.
     */
    private static double logR(double a, double b, double m) {
        final double ratio = b / a;
        return a * Stirling.log1pmx(ratio)
                - 0.5 * Math.log1p(ratio)
                + b * Math.log1p((b + 1.0) / (2.0 * m))
                + Stirling.correction(a + b)
                - Stirling.correction(a);
    }
}
