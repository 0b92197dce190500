package dev.quiver.bayes.special;

import static org.assertj.core.api.Assertions.assertThat;

import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.distribution.continuous.GammaDistribution;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.special.Beta;
import org.hipparchus.special.Gamma;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Agreement with Hipparchus 3.1, the reference the summaries used before, on random parameters
 * (fixed seed): shapes log-uniform in [0.5, 1e4], degrees of freedom in [1, 1e4], p uniform in
 * [1e-6, 1 − 1e-6], and the forward functions at random points.
 *
 * <p>The tolerances are Hipparchus's own errors, not ours ({@link QuantileOracleTest} holds ours to
 * 1e-12 against SciPy; each disagreement looked at here, against 40-digit mpmath, was
 * Hipparchus's):
 *
 * <ul>
 *   <li>Beta and Gamma quantiles: {@value #QUANTILE_TOLERANCE} relative; the largest difference
 *       over 3000 draws of this kind was 1.4e-12.
 *   <li>Student-t quantiles: the same plus 1e-15 (ν + t²) / t². Hipparchus's t CDF goes through x
 *       = ν / (ν + t²), whose rounding near 1 (1.1e-16) is a relative error of (ν + t²) / t² in 1
 *       − x and half that in t: 2.3e-10 at ν = 314, t = 0.0056.
 *   <li>Forward functions, relative to the smaller tail: 1e-13 + 1e-15 s log s with s the larger
 *       shape. Hipparchus forms the prefactor as a log x − x − log Γ(a) (and likewise for the
 *       beta), terms near s log s whose rounding is that relative error in the result: 2.8e-11 at
 *       shape 7.6e3.
 * </ul>
 */
class HipparchusAgreementTest {

    private static final double QUANTILE_TOLERANCE = 1e-11;

    private static final int DRAWS = 400;

    private static double forwardTolerance(double largestShape) {
        return 1e-13 + 1e-15 * largestShape * Math.log(largestShape);
    }

    private static double logUniform(SplittableRandom random, double lo, double hi) {
        return Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }

    private static double probability(SplittableRandom random) {
        return 1e-6 + random.nextDouble() * (1.0 - 2e-6);
    }

    /** One random case: draws its parameters and returns a failure message, or null. */
    @FunctionalInterface
    private interface Draw {
        String check(SplittableRandom random);
    }

    private static void assertEveryDrawAgrees(long seed, Draw draw) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<String> failures = new ArrayList<>();
        for (int i = 0; i < DRAWS; i++) {
            final String failure = draw.check(random);
            if (failure != null) {
                failures.add(failure);
            }
        }
        assertThat(failures).isEmpty();
    }

    /** Null if {@code actual} is within {@code tolerance} (relative) of Hipparchus's value. */
    private static String mismatch(String what, double actual, double reference, double tolerance) {
        return Math.abs(actual - reference) <= tolerance * Math.abs(reference)
                ? null
                : what + ": " + actual + " vs Hipparchus " + reference;
    }

    /** Joins the failure messages of one draw; null if there are none. */
    private static String failures(String... messages) {
        final StringBuilder joined = new StringBuilder();
        for (String message : messages) {
            if (message != null) {
                joined.append(joined.length() == 0 ? "" : "; ").append(message);
            }
        }
        return joined.length() == 0 ? null : joined.toString();
    }

    @Test
    void quantilesAgreeWithHipparchus() {
        assertEveryDrawAgrees(20261207L, random -> {
            final double a = logUniform(random, 0.5, 1e4);
            final double b = logUniform(random, 0.5, 1e4);
            final double dof = logUniform(random, 1.0, 1e4);
            final double p = probability(random);
            final double t = StudentTQuantile.quantile(dof, p);
            return failures(
                    mismatch("beta(" + a + ", " + b + ", " + p + ")",
                            BetaQuantile.quantile(a, b, p),
                            new BetaDistribution(a, b, 1e-300).inverseCumulativeProbability(p),
                            QUANTILE_TOLERANCE),
                    mismatch("gamma(" + a + ", " + p + ")",
                            GammaQuantile.quantile(a, p),
                            new GammaDistribution(a, 1.0, 1e-300).inverseCumulativeProbability(p),
                            QUANTILE_TOLERANCE),
                    mismatch("t(" + dof + ", " + p + ")", t,
                            new TDistribution(dof, 1e-300).inverseCumulativeProbability(p),
                            QUANTILE_TOLERANCE + 1e-15 * (dof + t * t) / (t * t)));
        });
    }

    @Test
    void incompleteBetaAgreesWithHipparchus() {
        assertEveryDrawAgrees(20261210L, random -> {
            final double a = logUniform(random, 0.5, 1e4);
            final double b = logUniform(random, 0.5, 1e4);
            // A point in the bulk: the mean plus up to four standard deviations either way.
            final double sd = Math.sqrt(a * b / ((a + b) * (a + b) * (a + b + 1.0)));
            final double x =
                    Math.min(0.999, Math.max(1e-3, a / (a + b) + (random.nextDouble() * 8 - 4) * sd));
            final double lower = Beta.regularizedBeta(x, a, b, 1e-16, Integer.MAX_VALUE);
            // The upper tail as Hipparchus's I_{1−x}(b, a), not 1 − lower, which has lost digits.
            final double tail =
                    lower <= 0.5 ? lower : Beta.regularizedBeta(1.0 - x, b, a, 1e-16, Integer.MAX_VALUE);
            if (tail <= 1e-6) {
                return null;
            }
            return mismatch("I(" + x + "; " + a + ", " + b + ")",
                    lower <= 0.5 ? IncompleteBeta.regularized(a, b, x)
                            : IncompleteBeta.complement(a, b, x),
                    tail, forwardTolerance(Math.max(a, b)));
        });
    }

    @Test
    void incompleteGammaAgreesWithHipparchus() {
        assertEveryDrawAgrees(20261211L, random -> {
            final double shape = logUniform(random, 0.5, 1e4);
            final double x =
                    Math.max(1e-3, shape + (random.nextDouble() * 8 - 4) * Math.sqrt(shape));
            final double p = Gamma.regularizedGammaP(shape, x, 1e-16, Integer.MAX_VALUE);
            final double q = Gamma.regularizedGammaQ(shape, x, 1e-16, Integer.MAX_VALUE);
            if (Math.min(p, q) <= 1e-6) {
                return null;
            }
            return mismatch("P(" + shape + ", " + x + ")",
                    p <= 0.5 ? IncompleteGamma.regularizedP(shape, x)
                            : IncompleteGamma.regularizedQ(shape, x),
                    Math.min(p, q), forwardTolerance(shape));
        });
    }
}
