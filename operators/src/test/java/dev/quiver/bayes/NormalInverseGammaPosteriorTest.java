package dev.quiver.bayes;

import static dev.quiver.bayes.NormalInverseGammaPosteriorContractTest.assertSameParameters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.hipparchus.random.RandomDataGenerator;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

class NormalInverseGammaPosteriorTest {

    /** See {@link NormalInverseGammaPosteriorContractTest#RELATIVE_TOLERANCE}. */
    private static final double RELATIVE_TOLERANCE =
            NormalInverseGammaPosteriorContractTest.RELATIVE_TOLERANCE;

    private static final double MU0 = 1.0;
    private static final double KAPPA0 = 0.5;
    private static final double ALPHA0 = 2.0;
    private static final double BETA0 = 3.0;

    private static NormalInverseGammaPosterior newPosterior() {
        return NormalInverseGammaPosterior.withPrior(MU0, KAPPA0, ALPHA0, BETA0);
    }

    private static double[] gaussians(long seed, int count, double mean, double sd) {
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = mean + sd * random.nextGaussian();
        }
        return values;
    }

    /**
     * The textbook closed form (Murphy 2007, section 6) from a two-pass mean and sum of squares:
     * written independently of the kernel's rearranged formulas.
     */
    private static double[] batchPosterior(double[] values, int from, int to) {
        final int n = to - from;
        double sum = 0.0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        final double xbar = n == 0 ? 0.0 : sum / n;
        double squares = 0.0;
        for (int i = from; i < to; i++) {
            squares += (values[i] - xbar) * (values[i] - xbar);
        }
        final double kappaN = KAPPA0 + n;
        final double muN = (KAPPA0 * MU0 + n * xbar) / kappaN;
        final double alphaN = ALPHA0 + n / 2.0;
        final double betaN =
                BETA0 + 0.5 * squares + KAPPA0 * n * (xbar - MU0) * (xbar - MU0) / (2.0 * kappaN);
        return new double[] {muN, kappaN, alphaN, betaN};
    }

    private static void assertMatchesBatch(NormalInverseGammaPosterior actual, double[] batch) {
        final double muScale = Math.abs(batch[0]) + Math.sqrt(batch[3] / batch[2]);
        assertThat(actual.mu()).as("mu").isCloseTo(batch[0], within(RELATIVE_TOLERANCE * muScale));
        assertThat(actual.kappa())
                .as("kappa")
                .isCloseTo(batch[1], within(RELATIVE_TOLERANCE * batch[1]));
        assertThat(actual.alpha())
                .as("alpha")
                .isCloseTo(batch[2], within(RELATIVE_TOLERANCE * batch[2]));
        assertThat(actual.beta())
                .as("beta")
                .isCloseTo(batch[3], within(RELATIVE_TOLERANCE * batch[3]));
    }

    @Test
    void sequentialUpdatesEqualTheBatchClosedFormAfterEveryObservation() {
        final double[] values = gaussians(11, 2000, 3.0, 2.0);
        final NormalInverseGammaPosterior posterior = newPosterior();
        for (int i = 0; i < values.length; i++) {
            posterior.update(values[i]);
            assertMatchesBatch(posterior, batchPosterior(values, 0, i + 1));
        }
        final NormalInverseGammaPosterior batched = newPosterior();
        batched.update(values, 0, 700);
        batched.update(values, 700, values.length - 700);
        assertSameParameters(batched, posterior);
    }

    @Test
    void mergeOfRandomSplitsInRandomOrderEqualsTheSequentialPosterior() {
        final SplittableRandom random = new SplittableRandom(12);
        for (int trial = 0; trial < 200; trial++) {
            final double[] values =
                    gaussians(random.nextLong(), 1 + random.nextInt(300), -4.0, 3.0);
            final NormalInverseGammaPosterior sequential = newPosterior();
            sequential.update(values, 0, values.length);
            final int parts = 2 + random.nextInt(9);
            final List<NormalInverseGammaPosterior> partials = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                partials.add(newPosterior());
            }
            for (double value : values) {
                partials.get(random.nextInt(parts)).update(value);
            }
            // Merge pairs picked at random until one is left: an arbitrary reduction tree.
            while (partials.size() > 1) {
                final NormalInverseGammaPosterior into =
                        partials.remove(random.nextInt(partials.size()));
                partials.get(random.nextInt(partials.size())).merge(into);
            }
            assertSameParameters(partials.get(0), sequential);
        }
    }

    @Test
    void slidingWindowThroughRevertMatchesTheBatchOverTheWindow() {
        final double[] values = gaussians(13, 5000, 7.0, 0.5);
        final int window = 50;
        final NormalInverseGammaPosterior posterior = newPosterior();
        for (int i = 0; i < values.length; i++) {
            posterior.update(values[i]);
            if (i >= window) {
                posterior.revert(values[i - window]);
            }
            final int from = Math.max(0, i + 1 - window);
            assertMatchesBatch(posterior, batchPosterior(values, from, i + 1));
        }
    }

    @Test
    void forgettingEqualsTheGeometricallyWeightedBatch() {
        final double[] values = gaussians(14, 300, 2.0, 1.5);
        final double lambda = 0.97;
        final NormalInverseGammaPosterior posterior = newPosterior();
        for (double value : values) {
            posterior.decay(lambda);
            posterior.update(value);
        }
        double weight = 0.0;
        double weightedSum = 0.0;
        for (int i = 0; i < values.length; i++) {
            final double w = Math.pow(lambda, values.length - 1 - i);
            weight += w;
            weightedSum += w * values[i];
        }
        final double weightedMean = weightedSum / weight;
        double weightedSquares = 0.0;
        for (int i = 0; i < values.length; i++) {
            final double deviation = values[i] - weightedMean;
            weightedSquares += Math.pow(lambda, values.length - 1 - i) * deviation * deviation;
        }
        assertThat(posterior.getN()).isCloseTo(weight, within(RELATIVE_TOLERANCE * weight));
        assertThat(posterior.sampleMean())
                .isCloseTo(weightedMean, within(RELATIVE_TOLERANCE * Math.abs(weightedMean)));
        assertThat(posterior.sumOfSquaredDeviations())
                .isCloseTo(weightedSquares, within(RELATIVE_TOLERANCE * weightedSquares));
    }

    /**
     * Draws (mu, sigma2) from the prior, 20 observations from N(mu, sigma2), and checks that each
     * 95% credible interval covers the drawn value in 95% +- 1.5% of 20,000 trials. The binomial
     * standard error of the coverage is sqrt(0.95 * 0.05 / 20000) = 0.0015, so 1.5% is ten of them:
     * a wrong interval (e.g. a Normal instead of Student-t, or sigma2's quantiles swapped) misses
     * by more, a right one cannot fail by chance.
     */
    @Test
    void credibleIntervalsOfMuAndSigma2CoverTheTruthInNinetyFivePercentOfPriorDraws() {
        final RandomDataGenerator random = new RandomDataGenerator(20_000L);
        final int trials = 20_000;
        int muCovered = 0;
        int sigma2Covered = 0;
        for (int trial = 0; trial < trials; trial++) {
            // sigma2 ~ InvGamma(alpha0, beta0) is beta0 / Gamma(alpha0, 1).
            final double sigma2 = BETA0 / random.nextGamma(ALPHA0, 1.0);
            final double mu = random.nextNormal(MU0, Math.sqrt(sigma2 / KAPPA0));
            final NormalInverseGammaPosterior posterior = newPosterior();
            for (int i = 0; i < 20; i++) {
                posterior.update(random.nextNormal(mu, Math.sqrt(sigma2)));
            }
            final PosteriorSummary summary = posterior.summarize();
            if (summary.ciLow() <= mu && mu <= summary.ciHigh()) {
                muCovered++;
            }
            final ParameterSummary variance = summary.parameters().get(1);
            if (variance.ciLow() <= sigma2 && sigma2 <= variance.ciHigh()) {
                sigma2Covered++;
            }
        }
        assertThat((double) muCovered / trials).as("mu coverage").isCloseTo(0.95, within(0.015));
        assertThat((double) sigma2Covered / trials)
                .as("sigma2 coverage")
                .isCloseTo(0.95, within(0.015));
    }

    /**
     * Values 1e8 + z are rounded to multiples of 2^-26 = 1.5e-8, which moves the variance of unit
     * Normal z by about 1e-8 relative; Welford's algorithm works on deviations and adds little to
     * that, so 1e-6 is a wide margin. The sums of x and x^2 that a naive kernel would keep lose
     * every digit here, which the last assertion shows.
     */
    @Test
    void dataOffsetByOneHundredMillionGiveTheVarianceOfCenteredData() {
        final double[] centered = gaussians(15, 100_000, 0.0, 1.0);
        final NormalInverseGammaPosterior plain = newPosterior();
        final NormalInverseGammaPosterior offset = newPosterior();
        double sum = 0.0;
        double sumOfSquares = 0.0;
        for (double z : centered) {
            plain.update(z);
            offset.update(1e8 + z);
            sum += 1e8 + z;
            sumOfSquares += (1e8 + z) * (1e8 + z);
        }
        final double variance = plain.summarize().parameters().get(1).mle();
        assertThat(offset.summarize().parameters().get(1).mle())
                .isCloseTo(variance, within(1e-6 * variance));
        final double n = centered.length;
        final double naiveVariance = (sumOfSquares - sum * sum / n) / n;
        assertThat(Math.abs(naiveVariance - variance)).isGreaterThan(0.01 * variance);
    }

    /**
     * Ten million Welford steps against a two-pass computation with compensated (Neumaier) sums,
     * which is exact to a few ulps. Rounding errors of random sign add up like a random walk, so
     * the kernel's relative error should stay near sqrt(n) eps for the mean and sqrt(n) kappa eps
     * for m2, with condition number kappa = sqrt(1 + mean^2 / variance) = 100; the tolerances allow
     * ten times that (3.5e-12 and 3.5e-10; measured 6e-14 and 2e-14). Sums of x and x^2 lose digits
     * like kappa^2 and miss the m2 tolerance, which the last assertion shows.
     */
    @Test
    void tenMillionUpdatesOfStationaryDataDoNotDrift() {
        final int n = 10_000_000;
        final double mean = 100.0;
        final NormalInverseGammaPosterior posterior = newPosterior();
        final NeumaierSum sum = new NeumaierSum();
        double naiveSum = 0.0;
        double naiveSumOfSquares = 0.0;
        SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < n; i++) {
            final double value = mean + random.nextGaussian();
            posterior.update(value);
            sum.add(value);
            naiveSum += value;
            naiveSumOfSquares += value * value;
        }
        final double exactMean = sum.value() / n;
        final NeumaierSum squares = new NeumaierSum();
        random = new SplittableRandom(16);
        for (int i = 0; i < n; i++) {
            final double deviation = mean + random.nextGaussian() - exactMean;
            squares.add(deviation * deviation);
        }
        final double exactM2 = squares.value();
        final double meanTolerance = 10 * Math.sqrt(n) * 0x1p-53;
        final double m2Tolerance = meanTolerance * Math.sqrt(1 + mean * mean);
        assertThat(posterior.getN()).isEqualTo(n);
        assertThat(posterior.sampleMean()).isCloseTo(exactMean, within(meanTolerance * exactMean));
        assertThat(posterior.sumOfSquaredDeviations())
                .isCloseTo(exactM2, within(m2Tolerance * exactM2));
        final double naiveM2 = naiveSumOfSquares - naiveSum * naiveSum / n;
        assertThat(Math.abs(naiveM2 - exactM2)).isGreaterThan(m2Tolerance * exactM2);
    }

    /** Compensated summation (Neumaier 1974), for references more accurate than the kernel. */
    private static final class NeumaierSum {
        private double sum;
        private double compensation;

        void add(double value) {
            final double t = sum + value;
            compensation +=
                    Math.abs(sum) >= Math.abs(value) ? (sum - t) + value : (value - t) + sum;
            sum = t;
        }

        double value() {
            return sum + compensation;
        }
    }

    /**
     * Reference values from SciPy 1.10.1 (Debian python3-scipy): posterior parameters by the closed
     * form in NumPy, t.var for mu, invgamma.ppf / mean / var for sigma2, t.logpdf for the
     * predictive, and the log evidence as the sum of sequential t.logpdf; mu's interval from mpmath
     * 1.2.1 at 40 digits, because SciPy's t.ppf is off by 1.8e-12 at nu = 12. Hipparchus quantiles
     * are good to about 1e-13 relative here and the rest is a few roundings, so 1e-12.
     */
    @Test
    void summaryPredictiveAndEvidenceMatchScipy() {
        final NormalInverseGammaPosterior posterior = newPosterior();
        posterior.update(new double[] {2.5, 3.1, 1.7, 4.2, 2.9, 3.3, 0.8, 2.2}, 0, 8);
        final PosteriorSummary summary = posterior.summarize();
        assertClose(summary.params().get("mu"), 2.4941176470588236);
        assertClose(summary.params().get("kappa"), 8.5);
        assertClose(summary.params().get("alpha"), 6.0);
        assertClose(summary.params().get("beta"), 7.397352941176471);
        assertClose(summary.mean(), 2.4941176470588236);
        assertClose(summary.variance(), 0.17405536332179924);
        assertClose(summary.ciLow(), 1.6643184582515545);
        assertClose(summary.ciHigh(), 3.3239168358660925);
        assertClose(summary.mle(), 20.7 / 8);
        assertClose(summary.map(), 2.4941176470588236);
        final ParameterSummary sigma2 = summary.parameters().get(1);
        assertThat(sigma2.name()).isEqualTo("sigma2");
        assertClose(sigma2.mean(), 1.4794705882352943);
        assertClose(sigma2.variance(), 0.5472083053633218);
        assertClose(sigma2.ciLow(), 0.633968324768991);
        assertClose(sigma2.ciHigh(), 3.3595405090180033);
        assertClose(sigma2.map(), 7.397352941176471 / 7.5);
        assertThat(summary.parameters().get(0))
                .isEqualTo(
                        new ParameterSummary(
                                "mu",
                                summary.mean(),
                                summary.variance(),
                                summary.ciLow(),
                                summary.ciHigh(),
                                summary.mle(),
                                summary.map()));
        assertClose(posterior.logPredictive(BayesObservation.of(2.0)), -1.1953165688999088);
        assertClose(posterior.logMarginalLikelihood(), -13.790131970934699);
    }

    private static void assertClose(double actual, double expected) {
        assertThat(actual).isCloseTo(expected, within(RELATIVE_TOLERANCE * Math.abs(expected)));
    }

    /**
     * Quantiles on both sides of the switches to the asymptotic formulas. The t quantiles were
     * computed with mpmath 1.2.1 at 40 digits (root of the regularized incomplete beta function):
     * SciPy 1.10.1's t.ppf is off by up to 5e-10 relative at small nu (3.2e-9 at nu = 41), where
     * Hipparchus is right. The Gamma quantiles are SciPy 1.10.1's gamma.ppf (Boost), which agrees
     * with mpmath to 1e-15 up to shape 1e6, where mpmath still converges. Both paths are good to
     * 2e-12 relative near a switch and better away from it (see the class javadoc); Hipparchus's
     * Gamma error is irregular there (measured up to 2.6e-12 at shape 5e6), so 3e-12. Hipparchus
     * alone would be off by 1.4e-7 at nu = 2e9 and throws at shape 1e14.
     */
    @Test
    void quantilesMatchScipyOnBothSidesOfTheAsymptoticSwitches() {
        final double[][] t = {
            {3.0, 3.1824463052837084},
            {41.0, 2.0195409704413756},
            {9999.0, 1.9602012636213573},
            {1e4, 1.9602012398906259},
            {1e6, 1.9599663568141067},
            {2e9, 1.9599639857261895},
            {1e12, 1.9599639845424261},
        };
        for (double[] row : t) {
            assertThat(StudentTMarginal.quantile(row[0], 0.975))
                    .as("t quantile, nu %s", row[0])
                    .isCloseTo(row[1], within(1e-12 * row[1]));
        }
        final double[][] gamma = {
            {0.7, 0.0044983205803144155, 3.020256391314354},
            {12.0, 6.200575108722218, 19.682038513301954},
            {3999999.0, 3996080.019759815, 4003919.8745460315},
            {4e6, 3996081.019269824, 4003920.875036022},
            {1e9, 999938021.4439279, 1000061980.450378},
            {1e14, 99999980400361.11, 100000019599640.8},
        };
        for (double[] row : gamma) {
            assertThat(NormalInverseGammaPosterior.gammaQuantile(row[0], 0.025))
                    .as("gamma 2.5%% quantile, shape %s", row[0])
                    .isCloseTo(row[1], within(3e-12 * row[1]));
            assertThat(NormalInverseGammaPosterior.gammaQuantile(row[0], 0.975))
                    .as("gamma 97.5%% quantile, shape %s", row[0])
                    .isCloseTo(row[2], within(3e-12 * row[2]));
        }
    }

    @Test
    void aQuadrillionObservationsStillSummarizeToFiniteNarrowIntervals() {
        final NormalInverseGammaPosterior posterior = newPosterior();
        posterior.update(gaussians(17, 1000, 5.0, 2.0), 0, 1000);
        for (int i = 0; i < 40; i++) {
            posterior.merge(posterior);
        }
        assertThat(posterior.getN()).isEqualTo(1000 * 0x1p40);
        final PosteriorSummary summary = posterior.summarize();
        assertThat(summary.ciHigh() - summary.ciLow()).isPositive().isLessThan(1e-6);
        final ParameterSummary sigma2 = summary.parameters().get(1);
        assertThat(sigma2.ciLow()).isLessThan(sigma2.mle()).isPositive();
        assertThat(sigma2.ciHigh()).isGreaterThan(sigma2.mle()).isLessThan(1.001 * sigma2.mle());
        assertThat(posterior.logPredictive(BayesObservation.of(5.0))).isFinite();
        assertThat(posterior.logMarginalLikelihood()).isFinite();
    }

    /**
     * With alphan &le; 1 mu's Student-t has nu &le; 2 and sigma2's inverse gamma no finite mean:
     * the moments diverge, and the summary says +Infinity rather than NaN.
     */
    @Test
    void divergentMomentsAreInfiniteNotNaN() {
        final NormalInverseGammaPosterior posterior =
                NormalInverseGammaPosterior.withPrior(0.0, 1.0, 0.5, 1.0);
        posterior.update(1.0);
        PosteriorSummary summary = posterior.summarize();
        assertThat(summary.variance()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(summary.parameters().get(1).mean()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(summary.parameters().get(1).variance()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(summary.ciLow()).isFinite();
        assertThat(summary.parameters().get(1).ciHigh()).isFinite();
        posterior.update(2.0);
        summary = posterior.summarize();
        assertThat(summary.variance()).isFinite();
        assertThat(summary.parameters().get(1).mean()).isFinite();
        assertThat(summary.parameters().get(1).variance()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    /**
     * The reported (mu, sigma2) modes are the joint density's maximum: every neighbour is lower.
     */
    @Test
    void reportedModesMaximizeTheJointPosteriorDensity() {
        final NormalInverseGammaPosterior posterior = newPosterior();
        posterior.update(gaussians(18, 25, -1.0, 0.7), 0, 25);
        final PosteriorSummary summary = posterior.summarize();
        final double mu = summary.map();
        final double sigma2 = summary.parameters().get(1).map();
        final double atMode = logJointDensity(posterior, mu, sigma2);
        for (double dMu : new double[] {-1e-3, 0.0, 1e-3}) {
            for (double factor : new double[] {1 - 1e-3, 1.0, 1 + 1e-3}) {
                if (dMu != 0.0 || factor != 1.0) {
                    assertThat(logJointDensity(posterior, mu + dMu, sigma2 * factor))
                            .isLessThan(atMode);
                }
            }
        }
    }

    /** log p(mu, sigma2 | data) up to a constant: Normal(mu | mun, sigma2/kappan) InvGamma. */
    private static double logJointDensity(
            NormalInverseGammaPosterior posterior, double mu, double sigma2) {
        final double deviation = mu - posterior.mu();
        return -0.5 * Math.log(sigma2 / posterior.kappa())
                - posterior.kappa() * deviation * deviation / (2 * sigma2)
                - (posterior.alpha() + 1) * Math.log(sigma2)
                - posterior.beta() / sigma2;
    }

    @Test
    void invalidPriorsAreRejectedByName() {
        assertThatThrownBy(() -> NormalInverseGammaPosterior.withPrior(Double.NaN, 1, 1, 1))
                .hasMessageContaining("prior mean")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> NormalInverseGammaPosterior.withPrior(0, 0, 1, 1))
                .hasMessageContaining("prior kappa");
        assertThatThrownBy(() -> NormalInverseGammaPosterior.withPrior(0, 1, -1, 1))
                .hasMessageContaining("prior alpha");
        assertThatThrownBy(() -> NormalInverseGammaPosterior.withPrior(0, 1, 1, 1e101))
                .hasMessageContaining("prior beta");
    }

    @Test
    void mergingADifferentPriorNamesBoth() {
        final NormalInverseGammaPosterior posterior = newPosterior();
        assertThatThrownBy(
                        () ->
                                posterior.merge(
                                        NormalInverseGammaPosterior.withPrior(0.0, 0.5, 2.0, 3.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NIG(1.0, 0.5, 2.0, 3.0)")
                .hasMessageContaining("NIG(0.0, 0.5, 2.0, 3.0)");
    }

    @Test
    void stateIsTheDocumentedLayout() {
        final NormalInverseGammaPosterior posterior = newPosterior();
        posterior.update(new double[] {1.0, 2.0, 4.0}, 0, 3);
        final ByteBuffer state =
                ByteBuffer.wrap(posterior.toBytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(state.capacity()).isEqualTo(64);
        assertThat(state.get(1)).isEqualTo((byte) PosteriorStateFormat.SERIAL_VERSION_2);
        assertThat(state.get(2)).isEqualTo((byte) PosteriorStateFormat.NORMAL_INVERSE_GAMMA);
        assertThat(state.getInt(4))
                .isEqualTo(PosteriorStateFormat.configHash(MU0, KAPPA0, ALPHA0, BETA0));
        assertThat(state.getDouble(8)).isEqualTo(MU0);
        assertThat(state.getDouble(40)).isEqualTo(3.0);
        assertThat(state.getDouble(48)).isEqualTo(7.0 / 3);
        assertThat(state.getDouble(56)).isCloseTo(14.0 / 3, within(1e-15));
    }

    @Test
    void stateWithDataButNoWeightIsCorrupted() {
        final byte[] bytes = newPosterior().toBytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putDouble(48, 2.0);
        assertThatThrownBy(() -> NormalInverseGammaPosterior.fromBytes(bytes))
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining("n is 0");
    }

    @Test
    void stateWithAnOutOfRangePriorIsCorrupted() {
        final byte[] bytes = newPosterior().toBytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putDouble(8, 1e150);
        assertThatThrownBy(() -> NormalInverseGammaPosterior.fromBytes(bytes))
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining("prior mean");
    }

    @Test
    void revertingMoreThanWasAddedAfterForgettingThrows() {
        final NormalInverseGammaPosterior posterior = newPosterior();
        posterior.update(1.0);
        posterior.decay(0.5);
        assertThatThrownBy(() -> posterior.revert(1.0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("n 0.5");
    }
}
