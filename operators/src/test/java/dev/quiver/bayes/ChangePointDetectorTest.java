package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

class ChangePointDetectorTest {

    /**
     * The detector and the straightforward oracle compute the same recursion in different ways
     * (whole powers or logarithms vs Hipparchus's t density, incremental vs from-scratch
     * statistics); over 100 steps their rounding differences stay near 1e-13 (measured 2e-13
     * relative), so the 1e-9 bound required of the detector leaves room, and any modelling difference (a wrong
     * predictive, an off-by-one run length, a dropped hazard term) exceeds it by far.
     */
    private static final double ORACLE_TOLERANCE = 1e-9;

    /** Unit-variance segments between -10 and 10: a broad prior on the mean and variance. */
    private static final double MU0 = 0.0;

    private static final double KAPPA0 = 0.01;
    private static final double ALPHA0 = 1.0;
    private static final double BETA0 = 1.0;
    private static final double LAMBDA = 200.0;
    private static final int WINDOW = 10;
    private static final double THRESHOLD = 0.5;

    private static ChangePointDetector detector(int maxRunLength) {
        return ChangePointDetector.create(MU0, KAPPA0, ALPHA0, BETA0, LAMBDA, maxRunLength, WINDOW);
    }

    /** A stream whose mean jumps every {@code segment} observations to a new value in [-5, 5]. */
    private static double[] piecewise(long seed, int length, int segment, double sd) {
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] values = new double[length];
        double mean = 0.0;
        for (int i = 0; i < length; i++) {
            if (i % segment == 0) {
                mean = random.nextDouble(-5.0, 5.0);
            }
            values[i] = mean + sd * random.nextGaussian();
        }
        return values;
    }

    private static void assertMatchesOracle(
            double[] actual, double[] expected, String what, int step) {
        for (int r = 0; r < expected.length; r++) {
            assertThat(actual[r])
                    .as("%s: P(r = %d) at step %d", what, r, step)
                    .isCloseTo(expected[r], within(ORACLE_TOLERANCE * Math.max(expected[r], 1e-3)));
        }
    }

    /**
     * Short streams (t &le; 100 &le; maxRunLength, so nothing is truncated) against the
     * straightforward O(t^2) implementation, after every observation: the whole run-length
     * posterior and the log predictive. alpha0 = 1 takes the whole-power path, alpha0 = 1.3 the
     * logarithm path, and the forced log-space copy the path taken after extreme observations.
     */
    @Test
    void runLengthPosteriorMatchesTheStraightforwardImplementationOnShortStreams() {
        for (int seed = 0; seed < 12; seed++) {
            final double alpha0 = seed % 2 == 0 ? 1.0 : 1.3;
            final double[] values = piecewise(seed, 100, 20 + seed, 0.5 + 0.1 * seed);
            final ChangePointDetector detector =
                    ChangePointDetector.create(0.5, 0.1, alpha0, 2.0, 30.0, 100, 5);
            final ChangePointDetector logSpace = detector.copy();
            logSpace.alwaysRedoInLogSpace();
            final StraightforwardChangePointDetector oracle =
                    new StraightforwardChangePointDetector(0.5, 0.1, alpha0, 2.0, 30.0);
            for (int step = 0; step < values.length; step++) {
                final BayesObservation observation = BayesObservation.of(values[step]);
                final double expectedLogPredictive = oracle.update(values[step]);
                final double[] expected = oracle.runLengthDistribution();
                for (ChangePointDetector candidate :
                        new ChangePointDetector[] {detector, logSpace}) {
                    final String what =
                            candidate == detector ? "seed " + seed : "log space " + seed;
                    final ChangePointSummary summary = candidate.update(observation);
                    assertThat(summary.logPredictive())
                            .as("%s: log predictive at step %d", what, step)
                            .isCloseTo(expectedLogPredictive, within(ORACLE_TOLERANCE));
                    assertMatchesOracle(candidate.runLengthDistribution(), expected, what, step);
                    double below = 0.0;
                    for (int r = 0; r < Math.min(5, expected.length); r++) {
                        below += expected[r];
                    }
                    assertThat(summary.probRunLengthBelow())
                            .isCloseTo(below, within(ORACLE_TOLERANCE));
                }
            }
        }
    }

    /**
     * Under a constant hazard the change mass is H times the total, so after normalization P(run
     * length = 0) is H whatever the data: here right after a 6-sigma jump, when a change is almost
     * certain, it is still exactly the hazard. That is why the signal is P(run length &lt; w), and
     * why reporting P(r = 0) would be a bug.
     */
    @Test
    void probabilityOfRunLengthZeroIsAlwaysTheHazardAndCarriesNoSignal() {
        final ChangePointDetector detector = detector(300);
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 400; i++) {
            final double value = (i < 200 ? 0.0 : 6.0) + random.nextGaussian();
            final ChangePointSummary summary = detector.update(BayesObservation.of(value));
            assertThat(detector.runLengthDistribution()[0]).isEqualTo(1.0 / LAMBDA);
            if (i == 203) {
                assertThat(summary.probRunLengthBelow()).isGreaterThan(0.99);
            }
        }
    }

    /**
     * Segments of 40 with jumps of several sigma make every run longer than 60 span a change, so
     * the untruncated posterior's mass beyond 60 stays negligible (asserted), and the truncated
     * detector must agree with it bin by bin, its last bin holding that tail.
     */
    @Test
    void truncatedPosteriorMatchesTheOracleWhileTheTailMassIsNegligible() {
        final int maxRunLength = 60;
        final double[] values = piecewise(21, 300, 40, 0.3);
        final ChangePointDetector detector =
                ChangePointDetector.create(0.0, 0.1, 1.0, 1.0, 50.0, maxRunLength, 5);
        final StraightforwardChangePointDetector oracle =
                new StraightforwardChangePointDetector(0.0, 0.1, 1.0, 1.0, 50.0);
        for (int step = 0; step < values.length; step++) {
            detector.update(BayesObservation.of(values[step]));
            oracle.update(values[step]);
            final double[] expected = oracle.runLengthDistribution();
            double tail = 0.0;
            for (int r = maxRunLength; r < expected.length; r++) {
                tail += expected[r];
            }
            final double[] actual = detector.runLengthDistribution();
            if (expected.length > maxRunLength) {
                assertThat(tail).as("oracle tail mass at step %d", step).isLessThan(1e-12);
                assertThat(actual[maxRunLength]).isCloseTo(tail, within(ORACLE_TOLERANCE));
            }
            assertMatchesOracle(
                    actual,
                    Arrays.copyOf(expected, Math.min(expected.length, maxRunLength)),
                    "truncated",
                    step);
            assertThat(Arrays.stream(actual).sum()).isCloseTo(1.0, within(1e-12));
        }
    }

    /** A long stationary stream piles the mass into the folded bin; it is kept, not dropped. */
    @Test
    void longStationaryStreamsKeepTheTruncatedMassAndSumToOne() {
        final ChangePointDetector detector = detector(50);
        final SplittableRandom random = new SplittableRandom(4);
        ChangePointSummary summary = null;
        for (int i = 0; i < 20_000; i++) {
            summary = detector.update(BayesObservation.of(2.0 + random.nextGaussian()));
            assertThat(Arrays.stream(detector.runLengthDistribution()).sum())
                    .isCloseTo(1.0, within(1e-12));
        }
        assertThat(summary.truncatedMass())
                .isEqualTo(detector.runLengthDistribution()[50])
                .isGreaterThan(0.5);
        assertThat(summary.mapRunLength()).isEqualTo(50);
        assertThat(summary.logPredictive()).isFinite();
    }

    /**
     * 200 seeded streams, each of six unit-variance segments of 100 to 300 observations whose mean
     * jumps by 3 to 5 sigma. A change at observation tau is detected if P(run length &lt; 10)
     * exceeds 0.5 at some observation in tau .. tau + 9. Every change in at least 95% of the
     * streams must be detected (measured: all of them, mean delay 0.6, worst 5). An alarm is an
     * upward crossing of 0.5; those not within 10 observations after a change are false, and must
     * stay at or below 1 per 1,000 observations (measured 0.38).
     */
    @Test
    void plantedChangesAreDetectedWithinTenObservations() {
        int streamsFullyDetected = 0;
        int falseAlarms = 0;
        long observations = 0;
        for (int stream = 0; stream < 200; stream++) {
            final SplittableRandom random = new SplittableRandom(1000 + stream);
            final int segments = 6;
            final int[] starts = new int[segments + 1];
            final double[] means = new double[segments];
            for (int k = 0; k < segments; k++) {
                starts[k + 1] = starts[k] + 100 + random.nextInt(201);
                if (k > 0) {
                    final double jump = random.nextDouble(3.0, 5.0);
                    // Jump towards 0 so the means stay within the prior's broad range.
                    means[k] = means[k - 1] + (means[k - 1] > 0 ? -jump : jump);
                }
            }
            final ChangePointDetector detector = detector(300);
            final boolean[] detected = new boolean[segments];
            double previous = 1.0;
            int segment = 0;
            for (int t = 0; t < starts[segments]; t++) {
                if (t == starts[segment + 1]) {
                    segment++;
                }
                final double signal =
                        detector.update(BayesObservation.of(means[segment] + random.nextGaussian()))
                                .probRunLengthBelow();
                final boolean soonAfterChange = segment > 0 && t < starts[segment] + 10;
                if (soonAfterChange && signal > THRESHOLD) {
                    detected[segment] = true;
                }
                if (signal > THRESHOLD && previous <= THRESHOLD && !soonAfterChange) {
                    falseAlarms++;
                }
                previous = signal;
            }
            observations += starts[segments];
            boolean all = true;
            for (int k = 1; k < segments; k++) {
                all &= detected[k];
            }
            streamsFullyDetected += all ? 1 : 0;
        }
        assertThat(streamsFullyDetected).isGreaterThanOrEqualTo(190);
        assertThat(falseAlarms).isLessThanOrEqualTo((int) (observations / 1000));
    }

    /**
     * 200 seeded stationary unit-variance streams of 1,000 observations: upward crossings of 0.5
     * (single outliers beyond about 3.5 sigma cause most) must stay at or below 0.5 per 1,000
     * observations. Measured 46 in 200,000 (0.23 per 1,000); the bound is 100, eight Poisson
     * standard deviations above that.
     */
    @Test
    void stationaryStreamsRaiseAtMostHalfAFalseAlarmPerThousandObservations() {
        int falseAlarms = 0;
        for (int stream = 0; stream < 200; stream++) {
            final SplittableRandom random = new SplittableRandom(5000 + stream);
            final ChangePointDetector detector = detector(300);
            final double mean = random.nextDouble(-5.0, 5.0);
            double previous = 1.0;
            for (int t = 0; t < 1000; t++) {
                final double signal =
                        detector.update(BayesObservation.of(mean + random.nextGaussian()))
                                .probRunLengthBelow();
                if (signal > THRESHOLD && previous <= THRESHOLD) {
                    falseAlarms++;
                }
                previous = signal;
            }
        }
        assertThat(falseAlarms).isLessThanOrEqualTo(100);
    }

    /**
     * Observations at the edge of the valid range make every run's predictive underflow in linear
     * space; the log-space redo keeps every output finite and the posterior normalized.
     */
    @Test
    void extremeObservationsStayFiniteThroughTheLogSpaceRedo() {
        final ChangePointDetector detector =
                ChangePointDetector.create(0.0, 1.0, 50.0, 1e-3, 100.0, 40, 5);
        final SplittableRandom random = new SplittableRandom(5);
        final double[] extremes = {1e100, -1e100, 1e100, 3.0, 1e-300, -7e99};
        for (int i = 0; i < 200; i++) {
            final double value =
                    i % 50 < extremes.length ? extremes[i % 50] : random.nextGaussian() * 1e-3;
            final ChangePointSummary summary = detector.update(BayesObservation.of(value));
            assertThat(summary.logPredictive()).isFinite();
            assertThat(summary.probRunLengthBelow()).isBetween(0.0, 1.0);
            assertThat(summary.truncatedMass()).isBetween(0.0, 1.0);
            assertThat(Arrays.stream(detector.runLengthDistribution()).sum())
                    .isCloseTo(1.0, within(1e-12));
        }
    }

    /** The first predictive is the prior predictive, the same as the Normal posterior's. */
    @Test
    void firstLogPredictiveIsTheNormalInverseGammaPriorPredictive() {
        for (double alpha0 : new double[] {1.0, 1.3}) {
            final ChangePointDetector detector =
                    ChangePointDetector.create(1.0, 0.5, alpha0, 3.0, LAMBDA, 20, WINDOW);
            final double expected =
                    NormalInverseGammaPosterior.withPrior(1.0, 0.5, alpha0, 3.0).logPredictive(2.7);
            assertThat(detector.update(BayesObservation.of(2.7)).logPredictive())
                    .isCloseTo(expected, within(1e-12 * Math.abs(expected)));
        }
    }

    @Test
    void restoredAndCopiedDetectorsContinueExactly() {
        final double[] values = piecewise(6, 900, 150, 1.0);
        final ChangePointDetector detector = detector(300);
        assertThat(ChangePointDetector.fromBytes(detector.toBytes()).toBytes())
                .isEqualTo(detector.toBytes());
        for (int i = 0; i < 700; i++) {
            detector.update(BayesObservation.of(values[i]));
        }
        final ChangePointDetector restored = ChangePointDetector.fromBytes(detector.toBytes());
        final ChangePointDetector copy = detector.copy();
        assertThat(restored.toBytes()).isEqualTo(detector.toBytes());
        for (int i = 700; i < values.length; i++) {
            final ChangePointSummary expected = detector.update(BayesObservation.of(values[i]));
            assertThat(restored.update(BayesObservation.of(values[i]))).isEqualTo(expected);
            assertThat(copy.update(BayesObservation.of(values[i]))).isEqualTo(expected);
        }
        assertThat(restored.toBytes()).isEqualTo(detector.toBytes());
        assertThat(copy.toBytes()).isEqualTo(detector.toBytes());
    }

    @Test
    void stateIsTheDocumentedLayout() {
        final ChangePointDetector detector = detector(300);
        for (int i = 0; i < 3; i++) {
            detector.update(BayesObservation.of(i));
        }
        final ByteBuffer state = ByteBuffer.wrap(detector.toBytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(state.capacity()).isEqualTo(64 + 3 * 4 * Double.BYTES);
        assertThat(state.get(2)).isEqualTo((byte) PosteriorStateFormat.CHANGE_POINT);
        assertThat(state.getDouble(40)).isEqualTo(LAMBDA);
        assertThat(state.getInt(48)).isEqualTo(300);
        assertThat(state.getInt(52)).isEqualTo(WINDOW);
        assertThat(state.getLong(56)).isEqualTo(3);
        assertThat(state.getDouble(64)).isEqualTo(1.0 / LAMBDA);
        assertThat(state.getDouble(64 + 4 * 8)).isEqualTo(MU0);
        assertThat(state.getDouble(64 + 8 * 8)).isEqualTo(BETA0);
    }

    @Test
    void damagedStateIsCorrupted() {
        final ChangePointDetector detector = detector(300);
        for (int i = 0; i < 20; i++) {
            detector.update(BayesObservation.of(i % 3));
        }
        final byte[] bytes = detector.toBytes();
        for (int length = 0; length < bytes.length; length += 7) {
            final byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> ChangePointDetector.fromBytes(truncated))
                    .hasMessageStartingWith("Corrupted: ");
        }
        assertThatThrownBy(
                        () -> ChangePointDetector.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)))
                .hasMessageStartingWith("Corrupted: ");
        final byte[] unnormalized = bytes.clone();
        ByteBuffer.wrap(unnormalized).order(ByteOrder.LITTLE_ENDIAN).putDouble(64 + 8 * 5, 0.9);
        assertThatThrownBy(() -> ChangePointDetector.fromBytes(unnormalized))
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining("sum to");
        final byte[] noPrior = bytes.clone();
        ByteBuffer.wrap(noPrior).order(ByteOrder.LITTLE_ENDIAN).putDouble(64 + 21 * 8, 1.5);
        assertThatThrownBy(() -> ChangePointDetector.fromBytes(noPrior))
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining("run length 0");
        assertThatThrownBy(
                        () ->
                                ChangePointDetector.fromBytes(
                                        NormalInverseGammaPosterior.withPrior(0, 1, 1, 1)
                                                .toBytes()))
                .hasMessageStartingWith("Corrupted: family id");
    }

    @Test
    void invalidObservationsAreRejectedAndChangeNothing() {
        final ChangePointDetector detector = detector(300);
        detector.update(BayesObservation.of(1.0));
        final byte[] before = detector.toBytes();
        for (double value : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -2e100}) {
            final BayesObservation observation = BayesObservation.of(value);
            final String reason = detector.invalidReason(observation);
            assertThat(reason).contains("change-point").contains(String.valueOf(value));
            assertThatThrownBy(() -> detector.update(observation))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(reason);
        }
        assertThat(detector.toBytes()).isEqualTo(before);
        assertThat(detector.invalidReason(BayesObservation.of(-1e100))).isNull();
    }

    @Test
    void invalidConfigurationsAreRejectedByName() {
        assertThatThrownBy(() -> ChangePointDetector.create(0, 1, 1, 1, 1.0, 10, 5))
                .hasMessageContaining("hazard lambda")
                .hasMessageContaining("1.0");
        assertThatThrownBy(() -> ChangePointDetector.create(0, 1, 1, 1, 10, 0, 1))
                .hasMessageContaining("max run length");
        assertThatThrownBy(() -> ChangePointDetector.create(0, 1, 1, 1, 10, 10, 11))
                .hasMessageContaining("short-run window")
                .hasMessageContaining("11");
        assertThatThrownBy(() -> ChangePointDetector.create(0, -1, 1, 1, 10, 10, 5))
                .hasMessageContaining("prior kappa");
    }

    @Test
    void integerPowerAgreesWithMathPow() {
        final SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < 1000; i++) {
            final double x = random.nextDouble();
            final int n = 1 + random.nextInt(2000);
            // Each squaring at most doubles the relative error, so n eps bounds it.
            assertThat(ChangePointDetector.integerPower(x, n))
                    .isCloseTo(Math.pow(x, n), within(n * 0x1p-52 * Math.pow(x, n)));
        }
        assertThat(ChangePointDetector.integerPower(0.5, 0)).isEqualTo(1.0);
    }
}
