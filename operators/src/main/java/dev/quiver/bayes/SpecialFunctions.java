package dev.quiver.bayes;

import org.hipparchus.special.Beta;
import org.hipparchus.special.Gamma;
import org.hipparchus.util.CombinatoricsUtils;
import org.hipparchus.util.FastMath;

/**
 * Log-space combinatorics shared by the conjugate models, built on Hipparchus's log-gamma and
 * log-beta functions so that no product of gammas is formed where it could overflow.
 *
 * <p>{@link #logFactorial} and {@link #logBinomialCoefficient} feed sums that are stored in state,
 * so they use only Hipparchus (pure Java, and Java 17 arithmetic is strict): the same observations
 * give the same state bytes on every machine, which {@code Math.log}, allowed to differ by an ulp
 * between platforms, would not promise.
 *
 * <pre>{@code
 * double logChoose = SpecialFunctions.logBinomialCoefficient(10, 3); // log 120
 * double logRising = SpecialFunctions.logGammaRatio(2.5, 4);         // log Γ(6.5) - log Γ(2.5)
 * }</pre>
 */
final class SpecialFunctions {

    /**
     * Whole numbers below this take log k! from a table. Per-observation terms of the Beta-Binomial
     * and Gamma-Poisson evidence need log k! on every update; a lookup keeps those updates in the
     * tens of millions per second (ConjugateUpdateBenchmark), where Hipparchus's log-gamma costs
     * tens of nanoseconds per call.
     */
    private static final int LOG_FACTORIAL_TABLE_SIZE = 1024;

    private static final double[] LOG_FACTORIALS = new double[LOG_FACTORIAL_TABLE_SIZE];

    static {
        for (int k = 0; k < LOG_FACTORIAL_TABLE_SIZE; k++) {
            LOG_FACTORIALS[k] = CombinatoricsUtils.factorialLog(k);
        }
    }

    private SpecialFunctions() {}

    /** Returns log k! for a whole number {@code k >= 0}. */
    static double logFactorial(double k) {
        assert k >= 0 && k == Math.rint(k) : k;
        return k < LOG_FACTORIAL_TABLE_SIZE ? LOG_FACTORIALS[(int) k] : Gamma.logGamma(k + 1.0);
    }

    /**
     * Returns log C(n, k) for whole numbers {@code 0 <= k <= n}: from the table for small n,
     * otherwise as -log(n + 1) - log B(k + 1, n - k + 1), which stays accurate where a difference
     * of three log-factorials near n log n would cancel.
     */
    static double logBinomialCoefficient(double n, double k) {
        assert k >= 0 && k <= n && k == Math.rint(k) && n == Math.rint(n) : n + " " + k;
        if (n < LOG_FACTORIAL_TABLE_SIZE) {
            return LOG_FACTORIALS[(int) n]
                    - LOG_FACTORIALS[(int) k]
                    - LOG_FACTORIALS[(int) (n - k)];
        }
        return -FastMath.log(n + 1.0) - logBeta(k + 1.0, n - k + 1.0);
    }

    /**
     * Returns log B(a, b) for {@code a, b > 0}.
     *
     * <p>Hipparchus evaluates log(Γ(a) Γ(b) / Γ(a + b)) when a &lt; 1 and b &lt; 10, which
     * overflows to +Infinity once Γ(a) Γ(b) passes the largest double (a b below about 1e-308, e.g.
     * a Beta(1e-300, 1e-300) prior). The sum of log-gammas is finite there and accurate, because
     * each term is about -log of its argument, so it takes over.
     */
    static double logBeta(double a, double b) {
        final double value = Beta.logBeta(a, b);
        return value == Double.POSITIVE_INFINITY
                ? Gamma.logGamma(a) + Gamma.logGamma(b) - Gamma.logGamma(a + b)
                : value;
    }

    /**
     * Returns log Γ(a + x) - log Γ(a), the log of the rising factorial a (a + 1) ... (a + x - 1),
     * for {@code a > 0} and {@code x >= 0}.
     *
     * <p>Computed as log Γ(x) - log B(a, x): the direct difference of two log-gammas loses every
     * digit when a is large and x small (at a = 1e15 each log-gamma is about 3e16, whose ulp is 4),
     * while Hipparchus's log-beta is accurate for large arguments.
     */
    static double logGammaRatio(double a, double x) {
        if (x == 0.0) {
            return 0.0;
        }
        return Gamma.logGamma(x) - logBeta(a, x);
    }

    /**
     * Returns log(1 + x / y) for {@code x >= 0} and {@code y > 0}: {@code log1p} while the ratio is
     * finite, and log x - log y, where 1 is negligible, once it overflows.
     */
    static double log1pRatio(double x, double y) {
        final double ratio = x / y;
        return ratio == Double.POSITIVE_INFINITY ? Math.log(x) - Math.log(y) : Math.log1p(ratio);
    }

    /**
     * Returns log(x / (x + y)) for {@code x > 0} and {@code y >= 0}. The quotient is used while it
     * is a normal double; below that its digits run out (and it reaches 0 and a log of -Infinity),
     * so the difference of logs is used.
     */
    static double logShare(double x, double y) {
        final double share = x / (x + y);
        return share >= Double.MIN_NORMAL ? Math.log(share) : Math.log(x) - Math.log(x + y);
    }
}
