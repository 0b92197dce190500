package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import org.hipparchus.special.Gamma;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

/**
 * Cross-checks {@link BetaBernoulliPosterior#quantile(double)} against a second, independent
 * computation: adaptive Gauss-Legendre quadrature of the Beta density, normalised with {@link
 * Gamma#logGamma(double)} (Hipparchus's CDF instead goes through the regularized incomplete beta
 * continued fraction and {@code Beta.logBeta}).
 *
 * <p>For q = quantile(p) the quadrature gives the tail mass T on the side of q that holds the
 * smaller probability, and one Newton step δ = (T − target) / density(q) says how far q is from the
 * root of the quadrature's CDF. The test asserts {@code |δ| <= 1e-13 q + referenceError}: 1e-13
 * relative is what {@code quantile} documents, and referenceError is the quadrature's own error
 * carried through the density, {@code (QUADRATURE_RELATIVE_ERROR + lnB error) * T / density(q)},
 * plus the rounding of 1 − q when the upper tail is integrated.
 */
class BetaQuantileIntegrationTest {

    private static final double DOCUMENTED_QUANTILE_RELATIVE_ACCURACY = 1e-13;

    /**
     * Each panel is accepted when halving it changes its integral by at most 1e-15 of the whole.
     */
    private static final double PANEL_TOLERANCE = 1e-15;

    /**
     * A panel's 16-point estimate (exact to degree 31) is far better than the 1e-15 change that
     * accepted it; 1e-13 covers rounding over the few hundred panels the skewed cases need.
     */
    private static final double QUADRATURE_RELATIVE_ERROR = 1e-13;

    /**
     * Hipparchus's logGamma is good to about 1e-15 relative, so ln B = lnΓ(a) + lnΓ(b) − lnΓ(a + b)
     * is good to about 1e-15 times the sum of the magnitudes, which for a + b near 1000 is 1e-11.
     */
    private static final double LOG_GAMMA_RELATIVE_ERROR = 1e-15;

    private static final int MAX_DEPTH = 50;

    private static final int NODES = 16;
    private static final double[] NODE = new double[NODES];
    private static final double[] WEIGHT = new double[NODES];

    static {
        // Gauss-Legendre nodes as roots of P_16 by Newton's method, so no table can be mistyped.
        for (int i = 0; i < NODES; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (NODES + 0.5));
            for (int iteration = 0; iteration < 100; iteration++) {
                final double step = legendre(z)[0] / legendre(z)[1];
                z -= step;
                if (Math.abs(step) < 1e-16) {
                    break;
                }
            }
            final double derivative = legendre(z)[1];
            NODE[i] = z;
            WEIGHT[i] = 2.0 / ((1.0 - z * z) * derivative * derivative);
        }
    }

    /** Returns {P_n(z), P_n'(z)} by the three-term recurrence. */
    private static double[] legendre(double z) {
        double previous = 1.0;
        double current = z;
        for (int k = 2; k <= NODES; k++) {
            final double next = ((2 * k - 1) * z * current - (k - 1) * previous) / k;
            previous = current;
            current = next;
        }
        return new double[] {current, NODES * (z * current - previous) / (z * z - 1.0)};
    }

    static Stream<Arguments> cases() {
        final double[][] parameters = {
            {0.5, 0.5},
            {0.5, 50},
            {50, 0.5},
            {0.5, 1},
            {1, 1},
            {1, 7},
            {2, 3},
            {59, 146},
            {1000, 3},
            {3, 1000}
        };
        final double[] probabilities = {1e-6, 0.001, 0.025, 0.5, 0.975, 0.999};
        return Stream.of(parameters)
                .flatMap(
                        ab ->
                                Arrays.stream(probabilities)
                                        .mapToObj(p -> Arguments.of(ab[0], ab[1], p)));
    }

    @ParameterizedTest(name = "Beta({0}, {1}) at p = {2}")
    @MethodSource("cases")
    void quantileInvertsTheIntegratedDensity(double alpha, double beta, double p) {
        final double q = BetaBernoulliPosterior.withPrior(alpha, beta).quantile(p);
        assertThat(q).isStrictlyBetween(0.0, 1.0);

        final double tailMass;
        final double target;
        final double roundingOfEndpoint;
        if (p <= 0.5) {
            tailMass = lowerTailMass(alpha, beta, q);
            target = p;
            roundingOfEndpoint = 0.0;
        } else {
            // The mass of Beta(alpha, beta) above q is that of Beta(beta, alpha) below 1 - q; this
            // way a parameter below 1 always puts its integrable singularity at the origin.
            tailMass = lowerTailMass(beta, alpha, 1.0 - q);
            target = 1.0 - p;
            roundingOfEndpoint = Math.ulp(1.0 - q) / 2;
        }
        final double density = density(alpha, beta, q);
        final double newtonStep = Math.abs(tailMass - target) / density;

        final double referenceError =
                (QUADRATURE_RELATIVE_ERROR + logBetaError(alpha, beta)) * tailMass / density
                        + roundingOfEndpoint;
        assertThat(newtonStep)
                .as(
                        "distance of q = %s from the quadrature's root (tail mass %s, target %s)",
                        q, tailMass, target)
                .isLessThanOrEqualTo(DOCUMENTED_QUANTILE_RELATIVE_ACCURACY * q + referenceError);
    }

    private static double logBeta(double a, double b) {
        return Gamma.logGamma(a) + Gamma.logGamma(b) - Gamma.logGamma(a + b);
    }

    private static double logBetaError(double a, double b) {
        return LOG_GAMMA_RELATIVE_ERROR
                * (Math.abs(Gamma.logGamma(a))
                        + Math.abs(Gamma.logGamma(b))
                        + Math.abs(Gamma.logGamma(a + b)));
    }

    private static double density(double a, double b, double x) {
        return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
    }

    /** Integrates the Beta(a, b) density over [0, x]. */
    private static double lowerTailMass(double a, double b, double x) {
        final double logBeta = logBeta(a, b);
        final DoubleUnaryOperator integrand;
        final double upper;
        if (a < 1) {
            // x = u^(1/a) turns x^(a-1) dx into du / a, removing the singularity at 0.
            upper = Math.pow(x, a);
            integrand = u -> Math.exp((b - 1) * Math.log1p(-Math.pow(u, 1 / a)) - logBeta) / a;
        } else {
            upper = x;
            integrand = t -> Math.exp((a - 1) * Math.log(t) + (b - 1) * Math.log1p(-t) - logBeta);
        }
        final double whole = gaussLegendre(integrand, 0.0, upper);
        return adaptive(integrand, 0.0, upper, whole, PANEL_TOLERANCE * Math.abs(whole), MAX_DEPTH);
    }

    private static double adaptive(
            DoubleUnaryOperator f,
            double lo,
            double hi,
            double whole,
            double tolerance,
            int depth) {
        final double mid = 0.5 * (lo + hi);
        final double left = gaussLegendre(f, lo, mid);
        final double right = gaussLegendre(f, mid, hi);
        if (Math.abs(left + right - whole) <= tolerance) {
            return left + right;
        }
        if (depth == 0) {
            throw new AssertionError("quadrature did not converge on [" + lo + ", " + hi + "]");
        }
        return adaptive(f, lo, mid, left, tolerance, depth - 1)
                + adaptive(f, mid, hi, right, tolerance, depth - 1);
    }

    private static double gaussLegendre(DoubleUnaryOperator f, double lo, double hi) {
        final double center = 0.5 * (lo + hi);
        final double halfWidth = 0.5 * (hi - lo);
        double sum = 0.0;
        for (int i = 0; i < NODES; i++) {
            sum += WEIGHT[i] * f.applyAsDouble(center + halfWidth * NODE[i]);
        }
        return sum * halfWidth;
    }
}
