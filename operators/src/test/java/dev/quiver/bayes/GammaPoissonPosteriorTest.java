package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.util.CombinatoricsUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;

/** Behaviour of {@link GammaPoissonPosterior} beyond the generic contract. */
class GammaPoissonPosteriorTest {

    private static final long SEED = 0x6A_3A9L;

    private static void assertRelativelyClose(double actual, double expected, double tolerance) {
        assertThat(actual).isCloseTo(expected, within(tolerance * Math.abs(expected)));
    }

    @ParameterizedTest
    @CsvSource({"0.0, 1.0, shape", "-1.0, 1.0, shape", "1.0, NaN, rate", "1.0, Infinity, rate"})
    void withPriorRejectsParametersThatAreNotFiniteAndPositive(
            double shape, double rate, String name) {
        assertThatThrownBy(() -> GammaPoissonPosterior.withPrior(shape, rate))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prior " + name);
    }

    /**
     * Counts are exact; the exposure sums are added in the same order on both sides, so the shape
     * and rate agree far inside 1e-12 relative.
     */
    @Test
    void sequentialUpdatesEqualTheBatchClosedForm() {
        final SplittableRandom random = new SplittableRandom(SEED);
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(1.5, 0.25);
        long counts = 0;
        double exposures = 0.0;
        double logBaseMeasure = 0.0;
        for (int i = 1; i <= 500; i++) {
            final int y = random.nextInt(i % 50 == 0 ? 5000 : 12);
            if (i % 3 == 0) {
                posterior.update(BayesObservation.of(y));
                exposures += 1.0;
                logBaseMeasure -= CombinatoricsUtils.factorialLog(y);
            } else {
                final double exposure = 0.1 + 3 * random.nextDouble();
                posterior.update(BayesObservation.withFeatures(y, exposure));
                exposures += exposure;
                logBaseMeasure += y * Math.log(exposure) - CombinatoricsUtils.factorialLog(y);
            }
            counts += y;
            assertRelativelyClose(posterior.shape(), 1.5 + counts, 1e-12);
            assertRelativelyClose(posterior.rate(), 0.25 + exposures, 1e-12);
            assertThat(posterior.getN()).isEqualTo(i);
            assertRelativelyClose(posterior.logBaseMeasureSum(), logBaseMeasure, 1e-12);
        }
        assertThat(posterior.mle()).isEqualTo(counts / posterior.totalExposure());
    }

    /**
     * The negative binomial log mass with the rising factorial summed term by term, log((a)_y / y!)
     * + a log(b / (b + e)) + y log(e / (b + e)), no gamma function involved. The first power goes
     * through log1p(-e / (b + e)) because b / (b + e) rounds to within 1e-16 of 1 when e is small
     * against b, and a = 1e6 times that rounding would be an error of 1e-10.
     */
    private static double negativeBinomialLogMassBySums(int y, double a, double b, double e) {
        double logMass = a * Math.log1p(-e / (b + e)) + y * Math.log(e / (b + e));
        for (int i = 0; i < y; i++) {
            logMass += Math.log((a + i) / (i + 1));
        }
        return logMass;
    }

    @ParameterizedTest
    @CsvSource({
        "4, 6.0, 2.0, 1.0",
        "0, 2.5, 0.5, 3.0",
        "7, 618.0, 201.0, 2.5",
        "60, 0.3, 0.01, 1.5",
        "3, 1e6, 1e6, 1e-3"
    })
    void logPredictiveEqualsTheLogMassSummedTermByTerm(
            int y, double shape, double rate, double exposure) {
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(shape, rate);
        final double expected = negativeBinomialLogMassBySums(y, shape, rate, exposure);
        // A few dozen roundings of terms up to about 1e2 on each side.
        assertThat(posterior.logPredictive(BayesObservation.withFeatures(y, exposure)))
                .isCloseTo(expected, within(1e-12 * Math.max(1.0, Math.abs(expected))));
    }

    /** SciPy 1.10.1, {@code scipy.stats.nbinom.logpmf(y, a, b / (b + e))}. */
    @ParameterizedTest
    @CsvSource({
        "4, 6.0, 2.0, 1.0, -1.990957896369947",
        "0, 2.5, 0.5, 3.0, -4.864775372638284",
        "7, 618.0, 201.0, 2.5, -1.940664839082828",
        "2000, 0.3, 1e-3, 1.5, -9.943537354057698"
    })
    void logPredictiveMatchesScipy(
            int y, double shape, double rate, double exposure, double expected) {
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(shape, rate);
        // Both sides sum log-gamma terms of up to 1e4 that cancel to about 10: 1e-11 relative.
        assertRelativelyClose(
                posterior.logPredictive(BayesObservation.withFeatures(y, exposure)),
                expected,
                1e-11);
    }

    @Test
    void anEmptyFeatureListMeansExposureOne() {
        final GammaPoissonPosterior implicit = GammaPoissonPosterior.withPrior(2.0, 1.0);
        final GammaPoissonPosterior explicit = GammaPoissonPosterior.withPrior(2.0, 1.0);
        implicit.update(BayesObservation.of(4));
        explicit.update(BayesObservation.withFeatures(4, 1.0));
        assertThat(implicit.toBytes()).isEqualTo(explicit.toBytes());
        assertThat(implicit.logPredictive(BayesObservation.of(2)))
                .isEqualTo(explicit.logPredictive(BayesObservation.withFeatures(2, 1.0)));
    }

    @Test
    void invalidReasonsNameTheProblem() {
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(1.0, 1.0);
        assertThat(posterior.invalidReason(BayesObservation.of(-2)))
                .isEqualTo(
                        "gamma-poisson needs value (a count) a whole number in [0, 2^53],"
                                + " got -2.0");
        assertThat(posterior.invalidReason(BayesObservation.withFeatures(2, 0)))
                .isEqualTo("gamma-poisson needs exposure (features[0]) finite and > 0, got 0.0");
        assertThat(posterior.invalidReason(BayesObservation.withFeatures(2, 1, 1)))
                .isEqualTo("gamma-poisson takes at most one feature, the exposure, got 2 features");
    }

    @Test
    void anExposureThatWouldOverflowTheRateIsInvalidAndChangesNothing() {
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(1.0, 1.0);
        posterior.update(BayesObservation.withFeatures(1, Double.MAX_VALUE));
        final byte[] before = posterior.toBytes();
        final BayesObservation more = BayesObservation.withFeatures(1, Double.MAX_VALUE);
        assertThat(posterior.invalidReason(more)).contains("would overflow");
        assertThatThrownBy(() -> posterior.update(more))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(posterior.toBytes()).isEqualTo(before);
        assertThat(posterior.summarize().mean()).isFinite();
    }

    @Test
    void revertOfMoreCountsThanHeldThrowsAndChangesNothing() {
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(1.0, 1.0);
        posterior.update(BayesObservation.of(3));
        final byte[] before = posterior.toBytes();
        assertThatThrownBy(() -> posterior.revert(BayesObservation.of(4)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("total count 3.0");
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    /** 0.1 + 0.2 - 0.2 - 0.1 is not 0 in doubles; the last revert must still leave the prior. */
    @Test
    void revertingEverythingGivesBackThePriorBytesDespiteRounding() {
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(1.0, 1.0);
        final BayesObservation[] observations = {
            BayesObservation.withFeatures(1, 0.1),
            BayesObservation.withFeatures(2, 0.2),
            BayesObservation.withFeatures(7, 0.7)
        };
        for (BayesObservation observation : observations) {
            posterior.update(observation);
        }
        for (BayesObservation observation : observations) {
            posterior.revert(observation);
        }
        assertThat(posterior.toBytes())
                .isEqualTo(GammaPoissonPosterior.withPrior(1.0, 1.0).toBytes());
    }

    @Test
    void summaryHasTheGammaMomentsAndEstimates() {
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(2.0, 1.0);
        posterior.update(BayesObservation.of(3));
        posterior.update(BayesObservation.withFeatures(5, 2.5));
        final PosteriorSummary summary = posterior.summarize();
        assertThat(summary.model()).isEqualTo("gamma-poisson");
        assertThat(summary.n()).isEqualTo(2.0);
        assertThat(summary.params())
                .containsExactly(Map.entry("shape", 10.0), Map.entry("rate", 4.5));
        assertThat(summary.mean()).isEqualTo(10.0 / 4.5);
        assertThat(summary.variance()).isEqualTo(10.0 / 4.5 / 4.5);
        assertThat(summary.mle()).isEqualTo(8.0 / 3.5);
        assertThat(summary.map()).isEqualTo(9.0 / 4.5);
    }

    @ParameterizedTest(name = "mode of Gamma({0}, rate {1}) is {2}")
    @CsvSource({"3.0, 2.0, 1.0", "1.0, 2.0, 0.0", "0.5, 2.0, 0.0", "1e-300, 1.0, 0.0"})
    void mapIsTheModeAndZeroWhereTheDensityDecreases(double shape, double rate, double mode) {
        assertThat(GammaPoissonPosterior.withPrior(shape, rate).map()).isEqualTo(mode);
    }

    @Test
    void mleIsNaNWithoutExposure() {
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(1.0, 1.0);
        assertThat(posterior.mle()).isNaN();
        posterior.update(BayesObservation.withFeatures(0, 2.0));
        assertThat(posterior.mle()).isZero();
    }

    /**
     * From shape 1e7 on the interval comes from the Wilson-Hilferty transform; SciPy 1.10.1's
     * {@code gamma.ppf} (Boost's gamma_p_inv) is the reference. The transform's error is 4.8e-13
     * relative at 1e7 and falls as shape^-1.5, so 1e-12 bounds it there and 1e-14 from 1e9 on.
     */
    @ParameterizedTest
    @CsvSource({
        "1e7, 0.5, 0.5, 9993802.996884268, 10006198.8974216, 1e-12",
        "1e9, 1.0, 1.0, 499969010.72196394, 500030990.225189, 1e-14",
        "1e12, 1.0, 2.0, 333332680012.32086, 333333986654.9772, 1e-14",
        "3e14, 1.0, 6.0, 42857138007489.84, 42857147706796.14, 1e-14"
    })
    void intervalsOfHugeShapesMatchScipy(
            double shape,
            double priorRate,
            double exposure,
            double low,
            double high,
            double tolerance) {
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(1.0, priorRate);
        posterior.update(BayesObservation.withFeatures(shape - 1.0, exposure));
        final PosteriorSummary summary = posterior.summarize();
        assertRelativelyClose(summary.ciLow(), low, tolerance);
        assertRelativelyClose(summary.ciHigh(), high, tolerance);
    }

    /**
     * Calibration: with lambda drawn from the prior and counts from lambda, the 95% interval must
     * cover lambda in 95% of trials; 1.5% is ten standard errors of the coverage over 20,000
     * trials.
     */
    @Test
    void credibleIntervalCoversTheTrueRateInNinetyFivePercentOfTrials() {
        final RandomDataGenerator random = new RandomDataGenerator(SEED + 1);
        final int trials = 20_000;
        int covered = 0;
        for (int trial = 0; trial < trials; trial++) {
            // Shape 2, rate 0.5 (scale 2): rates around 4.
            final double lambda = random.nextGamma(2.0, 2.0);
            final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(2.0, 0.5);
            for (int i = 0; i < 20; i++) {
                final double exposure = 0.5 + 1.5 * random.nextDouble();
                posterior.update(
                        BayesObservation.withFeatures(
                                random.nextPoisson(lambda * exposure), exposure));
            }
            final PosteriorSummary summary = posterior.summarize();
            covered += summary.ciLow() <= lambda && lambda <= summary.ciHigh() ? 1 : 0;
        }
        assertThat((double) covered / trials).isCloseTo(0.95, within(0.015));
    }

    @Test
    void goldenV2BytesStillRead() throws IOException {
        final GammaPoissonPosterior posterior =
                GammaPoissonPosterior.fromBytes(
                        PosteriorGoldenBytes.read(PosteriorGoldenBytes.name("gamma_poisson", 2)));
        assertThat(posterior.priorShape()).isEqualTo(2.0);
        assertThat(posterior.priorRate()).isEqualTo(1.0);
        // 3 (exposure 1), 5 in 2.5, 0 in 0.5.
        assertThat(posterior.getN()).isEqualTo(3.0);
        assertThat(posterior.totalCount()).isEqualTo(8.0);
        assertThat(posterior.totalExposure()).isEqualTo(4.0);
        assertThat(posterior.logBaseMeasureSum())
                .isCloseTo(-Math.log(6) + 5 * Math.log(2.5) - Math.log(120), within(1e-14));
    }
}
