package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.util.CombinatoricsUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;

/** Behaviour of {@link BetaBinomialPosterior} beyond the generic contract. */
class BetaBinomialPosteriorTest {

    private static final long SEED = 0xB1_0B1AL;

    private static void assertRelativelyClose(double actual, double expected, double tolerance) {
        assertThat(actual).isCloseTo(expected, within(tolerance * Math.abs(expected)));
    }

    @ParameterizedTest
    @CsvSource({"0.0, 1.0, alpha", "-1.0, 1.0, alpha", "NaN, 1.0, alpha", "1.0, Infinity, beta"})
    void withPriorRejectsParametersThatAreNotFiniteAndPositive(
            double alpha, double beta, String name) {
        assertThatThrownBy(() -> BetaBinomialPosterior.withPrior(alpha, beta))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prior " + name);
    }

    /** Counts are exact in doubles, so "to 1e-12 relative" holds with room to spare. */
    @Test
    void sequentialUpdatesEqualTheBatchClosedForm() {
        final SplittableRandom random = new SplittableRandom(SEED);
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(0.5, 2.5);
        long successes = 0;
        long trials = 0;
        double logCoefficients = 0.0;
        for (int i = 1; i <= 500; i++) {
            final int n = 1 + random.nextInt(i % 50 == 0 ? 5000 : 20);
            final int s = random.nextInt(n + 1);
            posterior.update(BayesObservation.withFeatures(s, n));
            successes += s;
            trials += n;
            logCoefficients += CombinatoricsUtils.binomialCoefficientLog(n, s);
            assertRelativelyClose(posterior.alpha(), 0.5 + successes, 1e-12);
            assertRelativelyClose(posterior.beta(), 2.5 + trials - successes, 1e-12);
            assertThat(posterior.getN()).isEqualTo(i);
            // Each of up to 500 terms carries about 1e-12 of rounding (Hipparchus vs the table).
            assertThat(posterior.logBinomialCoefficientSum())
                    .isCloseTo(logCoefficients, within(1e-12 * i * Math.max(1, logCoefficients)));
        }
        assertThat(posterior.mle()).isEqualTo((double) successes / trials);
    }

    /**
     * The beta-binomial mass as a ratio of rising factorials, C(n, s) (a)_s (b)_(n-s) / (a + b)_n,
     * multiplied out term by term: no gamma or beta function involved.
     */
    private static double betaBinomialMassByProducts(int s, int n, double a, double b) {
        double mass = Math.exp(CombinatoricsUtils.binomialCoefficientLog(n, s));
        for (int i = 0; i < s; i++) {
            mass *= (a + i) / (a + b + i);
        }
        for (int j = 0; j < n - s; j++) {
            mass *= (b + j) / (a + b + s + j);
        }
        return mass;
    }

    @ParameterizedTest
    @CsvSource({"3, 10, 2.5, 4.0", "0, 7, 0.5, 0.5", "12, 12, 3.0, 1.0", "40, 90, 12.0, 20.0"})
    void logPredictiveEqualsTheMassMultipliedOut(int s, int n, double alpha, double beta) {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(alpha, beta);
        // About n roundings in the products, and about 1e-14 in the log-beta route.
        assertRelativelyClose(
                posterior.logPredictive(BayesObservation.withFeatures(s, n)),
                Math.log(betaBinomialMassByProducts(s, n, alpha, beta)),
                1e-12);
    }

    /** Reference values from SciPy 1.10.1, {@code scipy.stats.betabinom.logpmf(s, n, a, b)}. */
    @ParameterizedTest
    @CsvSource({
        "3, 10, 2.5, 4.0, -1.8419165114083706",
        "0, 7, 0.5, 0.5, -1.5631620672313813",
        "600, 1500, 12.0, 20.0, -5.857543181726431",
        "1500, 1500, 3.0, 1.0, -6.216606101085352"
    })
    void logPredictiveMatchesScipy(int s, int n, double alpha, double beta, double expected) {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(alpha, beta);
        // Both sides use log-gamma/log-beta implementations good to a few ulps of their terms.
        assertRelativelyClose(
                posterior.logPredictive(BayesObservation.withFeatures(s, n)), expected, 1e-12);
    }

    @Test
    void predictiveMassesOverAllSuccessCountsSumToOne() {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(1.5, 0.7);
        posterior.update(BayesObservation.withFeatures(4, 9));
        for (int n : new int[] {1, 7, 30}) {
            double total = 0.0;
            for (int s = 0; s <= n; s++) {
                total += Math.exp(posterior.logPredictive(BayesObservation.withFeatures(s, n)));
            }
            assertThat(total).as("n = %d", n).isCloseTo(1.0, within(1e-13));
        }
    }

    @Test
    void evidenceOfOneObservationIsItsPriorPredictive() {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(2.0, 3.0);
        final BayesObservation observation = BayesObservation.withFeatures(2, 6);
        final double predictive = posterior.logPredictive(observation);
        posterior.update(observation);
        assertThat(posterior.logMarginalLikelihood()).isCloseTo(predictive, within(1e-14));
    }

    @Test
    void invalidReasonsNameTheProblem() {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(1.0, 1.0);
        assertThat(posterior.invalidReason(BayesObservation.of(1)))
                .isEqualTo("beta-binomial needs one feature, the number of trials, got 0 features");
        assertThat(posterior.invalidReason(BayesObservation.withFeatures(1, 2.5)))
                .isEqualTo(
                        "beta-binomial needs trials (features[0]) a whole number in [1, 2^53],"
                                + " got 2.5");
        assertThat(posterior.invalidReason(BayesObservation.withFeatures(Double.NaN, 3)))
                .isEqualTo("beta-binomial needs value (successes) a whole number >= 0, got NaN");
        assertThat(posterior.invalidReason(BayesObservation.withFeatures(4, 3)))
                .isEqualTo("beta-binomial needs successes <= trials, got 4.0 of 3.0");
    }

    @Test
    void revertOfMoreThanIsHeldThrowsAndChangesNothing() {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(1.0, 1.0);
        posterior.update(BayesObservation.withFeatures(2, 5));
        final byte[] before = posterior.toBytes();
        assertThatThrownBy(() -> posterior.revert(BayesObservation.withFeatures(3, 5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2.0 successes");
        assertThatThrownBy(() -> posterior.revert(BayesObservation.withFeatures(0, 4)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("3.0 failures");
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void revertingEverythingGivesBackThePriorBytes() {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(1.0, 1.0);
        final BayesObservation[] observations = {
            BayesObservation.withFeatures(3, 7),
            BayesObservation.withFeatures(500, 2000),
            BayesObservation.withFeatures(1, 3)
        };
        for (BayesObservation observation : observations) {
            posterior.update(observation);
        }
        for (BayesObservation observation : observations) {
            posterior.revert(observation);
        }
        assertThat(posterior.toBytes())
                .isEqualTo(BetaBinomialPosterior.withPrior(1.0, 1.0).toBytes());
    }

    @Test
    void mergeRejectsDifferentPriorsNamingBoth() {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(1.0, 1.0);
        assertThatThrownBy(() -> posterior.merge(BetaBinomialPosterior.withPrior(2.0, 3.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Beta(1.0, 1.0)")
                .hasMessageContaining("Beta(2.0, 3.0)");
    }

    @Test
    void summaryAgreesWithTheBetaPosterior() {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(2.0, 3.0);
        posterior.update(BayesObservation.withFeatures(7, 10));
        posterior.update(BayesObservation.withFeatures(1, 4));
        final PosteriorSummary summary = posterior.summarize();
        final BetaDistribution beta = new BetaDistribution(10.0, 9.0);
        assertThat(summary.model()).isEqualTo("beta-binomial");
        assertThat(summary.n()).isEqualTo(2.0);
        assertThat(summary.params())
                .containsExactly(Map.entry("alpha", 10.0), Map.entry("beta", 9.0));
        assertThat(summary.mean()).isEqualTo(10.0 / 19.0);
        assertRelativelyClose(summary.variance(), beta.getNumericalVariance(), 1e-14);
        // Hipparchus's default solver accuracy (1e-9 absolute) bounds the reference here.
        assertThat(summary.ciLow())
                .isCloseTo(beta.inverseCumulativeProbability(0.025), within(1e-8));
        assertThat(summary.ciHigh())
                .isCloseTo(beta.inverseCumulativeProbability(0.975), within(1e-8));
        assertThat(summary.mle()).isEqualTo(8.0 / 14.0);
        assertThat(summary.map()).isEqualTo(9.0 / 17.0);
    }

    @Test
    void mleIsNaNWithoutTrials() {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(1.0, 1.0);
        assertThat(posterior.mle()).isNaN();
        posterior.update(BayesObservation.withFeatures(0, 3));
        assertThat(posterior.mle()).isZero();
    }

    /**
     * Calibration: with theta drawn from the prior and data from theta, the 95% interval must cover
     * theta in 95% of trials. Over 20,000 trials the standard error of the coverage is 0.15%, so
     * the required band of 1.5% is ten standard errors wide.
     */
    @Test
    void credibleIntervalCoversTheTrueThetaInNinetyFivePercentOfTrials() {
        final RandomDataGenerator random = new RandomDataGenerator(SEED + 1);
        final int trials = 20_000;
        int covered = 0;
        for (int trial = 0; trial < trials; trial++) {
            final double theta = random.nextBeta(2.0, 3.0);
            final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(2.0, 3.0);
            for (int i = 0; i < 20; i++) {
                final int n = 1 + random.nextInt(10);
                int s = 0;
                for (int j = 0; j < n; j++) {
                    s += random.nextDouble() < theta ? 1 : 0;
                }
                posterior.update(BayesObservation.withFeatures(s, n));
            }
            final PosteriorSummary summary = posterior.summarize();
            covered += summary.ciLow() <= theta && theta <= summary.ciHigh() ? 1 : 0;
        }
        assertThat((double) covered / trials).isCloseTo(0.95, within(0.015));
    }

    @Test
    void goldenV2BytesStillRead() throws IOException {
        final BetaBinomialPosterior posterior =
                BetaBinomialPosterior.fromBytes(
                        PosteriorGoldenBytes.read(PosteriorGoldenBytes.name("beta_binomial", 2)));
        assertThat(posterior.priorAlpha()).isEqualTo(2.0);
        assertThat(posterior.priorBeta()).isEqualTo(3.0);
        // 3 of 10, 0 of 4, 5 of 5, 600 of 1500, all weighed by 0.75.
        assertThat(posterior.getN()).isEqualTo(3.0);
        assertThat(posterior.successes()).isEqualTo(456.0);
        assertThat(posterior.failures()).isEqualTo(683.25);
        final double logCoefficients =
                Math.log(120) + CombinatoricsUtils.binomialCoefficientLog(1500, 600);
        assertThat(posterior.logBinomialCoefficientSum())
                .isCloseTo(0.75 * logCoefficients, within(1e-12 * logCoefficients));
    }
}
