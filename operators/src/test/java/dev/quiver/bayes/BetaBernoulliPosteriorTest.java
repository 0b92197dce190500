package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Behaviour of {@link BetaBernoulliPosterior} beyond the generic contract: exact count algebra. */
class BetaBernoulliPosteriorTest {

    private static final long SEED = 0x5EED_BE7AL;

    /** 0/1 values with a success rate near 0.3, fixed by a literal seed. */
    private static double[] observations(long seed, int count) {
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextDouble() < 0.3 ? 1.0 : 0.0;
        }
        return values;
    }

    private static void assertSameState(
            BetaBernoulliPosterior actual, BetaBernoulliPosterior expected) {
        assertThat(actual.priorAlpha()).isEqualTo(expected.priorAlpha());
        assertThat(actual.priorBeta()).isEqualTo(expected.priorBeta());
        assertThat(actual.successes()).isEqualTo(expected.successes());
        assertThat(actual.failures()).isEqualTo(expected.failures());
        assertThat(actual.toBytes()).isEqualTo(expected.toBytes());
    }

    @ParameterizedTest
    @CsvSource({"0.0, 1.0", "-1.0, 1.0", "NaN, 1.0", "Infinity, 1.0"})
    void withPriorRejectsAlphaThatIsNotFiniteAndPositive(double alpha, double beta) {
        assertThatThrownBy(() -> BetaBernoulliPosterior.withPrior(alpha, beta))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prior alpha")
                .hasMessageContaining(String.valueOf(alpha));
    }

    @ParameterizedTest
    @CsvSource({"1.0, 0.0", "1.0, -2.5", "1.0, NaN", "1.0, -Infinity"})
    void withPriorRejectsBetaThatIsNotFiniteAndPositive(double alpha, double beta) {
        assertThatThrownBy(() -> BetaBernoulliPosterior.withPrior(alpha, beta))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prior beta")
                .hasMessageContaining(String.valueOf(beta));
    }

    @Test
    void emptyPosteriorIsThePrior() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        assertThat(posterior.isEmpty()).isTrue();
        assertThat(posterior.getN()).isZero();
        assertThat(posterior.alpha()).isEqualTo(2.0);
        assertThat(posterior.beta()).isEqualTo(3.0);
        assertThat(posterior.mean()).isEqualTo(0.4);
        assertThat(posterior.modelName()).isEqualTo("beta-bernoulli");
    }

    @Test
    void sequentialUpdatesEqualTheClosedFormExactly() {
        final double[] values = observations(SEED, 1_000);
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(0.5, 0.5);
        long successes = 0;
        long failures = 0;
        for (double value : values) {
            posterior.update(value);
            if (value == 1.0) {
                successes++;
            } else {
                failures++;
            }
            assertThat(posterior.alpha()).isEqualTo(0.5 + successes);
            assertThat(posterior.beta()).isEqualTo(0.5 + failures);
            assertThat(posterior.getN()).isEqualTo(successes + failures);
        }
    }

    @Test
    void batchUpdateEqualsSequentialUpdatesAndLeavesTheInputAlone() {
        final double[] values = observations(SEED + 1, 500);
        final double[] copy = values.clone();
        final BetaBernoulliPosterior sequential = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        for (int i = 100; i < 400; i++) {
            sequential.update(values[i]);
        }
        final BetaBernoulliPosterior batch = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        batch.update(values, 100, 300);
        assertSameState(batch, sequential);
        assertThat(values).isEqualTo(copy);
    }

    @Test
    void batchRangeOutsideTheArrayIsRejectedAndChangesNothing() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        final double[] values = {1, 0, 1};
        assertThatThrownBy(() -> posterior.update(values, 1, values.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> posterior.update(values, -1, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> posterior.update(values, 0, -1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(posterior.isEmpty()).isTrue();
    }

    @Test
    void emptyBatchChangesNothing() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        posterior.update(new double[] {1.0, 0.0}, 1, 0);
        assertThat(posterior.isEmpty()).isTrue();
    }

    @Test
    void mergeOfAnySplitEqualsSinglePass() {
        final double[] values = observations(SEED + 2, 200);
        final BetaBernoulliPosterior singlePass = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        singlePass.update(values, 0, values.length);
        for (int split = 0; split <= values.length; split++) {
            final BetaBernoulliPosterior left = BetaBernoulliPosterior.withPrior(2.0, 3.0);
            final BetaBernoulliPosterior right = BetaBernoulliPosterior.withPrior(2.0, 3.0);
            left.update(values, 0, split);
            right.update(values, split, values.length - split);
            left.merge(right);
            assertSameState(left, singlePass);
            assertThat(left.summarize()).isEqualTo(singlePass.summarize());
        }
    }

    @Test
    void mergeOrderDoesNotMatter() {
        final double[] values = observations(SEED + 3, 90);
        final BetaBernoulliPosterior[] parts = new BetaBernoulliPosterior[3];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = BetaBernoulliPosterior.withPrior(1.0, 1.0);
            parts[i].update(values, 30 * i, 30);
        }
        final int[][] orders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        final BetaBernoulliPosterior reference = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        reference.update(values, 0, values.length);
        for (int[] order : orders) {
            final BetaBernoulliPosterior merged = BetaBernoulliPosterior.withPrior(1.0, 1.0);
            for (int index : order) {
                merged.merge(parts[index]);
            }
            assertSameState(merged, reference);
        }
    }

    @Test
    void mergeLeavesTheOtherPosteriorUnchanged() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        final BetaBernoulliPosterior other = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        other.update(new double[] {1, 0, 1}, 0, 3);
        final byte[] before = other.toBytes();
        posterior.merge(other);
        assertThat(other.toBytes()).isEqualTo(before);
        assertThat(posterior.successes()).isEqualTo(2.0);
    }

    @Test
    void mergeRejectsDifferentPriorsNamingBoth() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        posterior.update(1.0);
        final byte[] before = posterior.toBytes();
        assertThatThrownBy(() -> posterior.merge(BetaBernoulliPosterior.withPrior(2.0, 3.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Beta(1.0, 1.0)")
                .hasMessageContaining("Beta(2.0, 3.0)");
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void revertAfterUpdateRestoresTheStart() {
        final double[] values = observations(SEED + 4, 300);
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        posterior.update(values, 0, 100);
        final byte[] start = posterior.toBytes();
        posterior.update(values, 100, 200);
        for (int i = 100; i < 300; i++) {
            posterior.revert(values[i]);
        }
        assertThat(posterior.toBytes()).isEqualTo(start);
    }

    @Test
    void revertOfAnUnrecordedSuccessThrowsAndChangesNothing() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        posterior.update(0.0);
        final byte[] before = posterior.toBytes();
        assertThatThrownBy(() -> posterior.revert(1.0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no successes");
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void revertOfAnUnrecordedFailureThrows() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        posterior.update(1.0);
        assertThatThrownBy(() -> posterior.revert(0.0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no failures");
    }

    @ParameterizedTest
    @ValueSource(
            doubles = {
                2.0,
                -1.0,
                0.5,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY
            })
    void invalidValuesAreRejectedWithAMessageNamingThem(double value) {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        final String expected = "beta-bernoulli needs value 0 or 1, got " + value;
        assertThat(posterior.invalidValueReason(value)).isEqualTo(expected);
        assertThatThrownBy(() -> posterior.update(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
        assertThatThrownBy(() -> posterior.revert(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
        assertThat(posterior.isEmpty()).isTrue();
    }

    @Test
    void reasonShowsTheValueAsWritten() {
        assertThat(BetaBernoulliPosterior.withPrior(1.0, 1.0).invalidValueReason(2.5))
                .isEqualTo("beta-bernoulli needs value 0 or 1, got 2.5");
    }

    @Test
    void negativeZeroCountsAsAFailure() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        assertThat(posterior.invalidValueReason(-0.0)).isNull();
        posterior.update(-0.0);
        assertThat(posterior.failures()).isEqualTo(1.0);
    }

    @Test
    void batchWithOneInvalidValueChangesNothing() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        posterior.update(1.0);
        final byte[] before = posterior.toBytes();
        final double[] values = {1.0, 0.0, 1.0, 2.0, 0.0};
        assertThatThrownBy(() -> posterior.update(values, 0, values.length))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("values[3]")
                .hasMessageContaining("beta-bernoulli needs value 0 or 1, got 2.0");
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void batchIgnoresValuesOutsideItsRange() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        posterior.update(new double[] {Double.NaN, 1.0, 0.0, 7.0}, 1, 2);
        assertThat(posterior.successes()).isEqualTo(1.0);
        assertThat(posterior.failures()).isEqualTo(1.0);
    }

    @Test
    void decayTurnsCountsIntoWeightsThatNoLongerRevertAWholeObservation() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        posterior.update(new double[] {1, 0, 0}, 0, 3);
        posterior.decay(0.5);
        assertThat(posterior.successes()).isEqualTo(0.5);
        assertThat(posterior.failures()).isEqualTo(1.0);
        assertThat(posterior.alpha()).isEqualTo(2.5);
        assertThat(posterior.getN()).isEqualTo(1.5);
        assertThatThrownBy(() -> posterior.revert(1.0)).isInstanceOf(IllegalStateException.class);
        assertThat(posterior.successes()).isEqualTo(0.5);
    }

    @Test
    void logPredictiveAndEvidenceMatchTheirClosedForms() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        posterior.update(new double[] {1, 1, 0}, 0, 3);
        // Beta(4, 4): P(1) = 1/2; evidence B(4, 4) / B(2, 3) = (1/140) / (1/12) = 3/35.
        assertThat(posterior.logPredictive(BayesObservation.of(1.0)))
                .isCloseTo(Math.log(0.5), within(1e-15));
        assertThat(posterior.logMarginalLikelihood())
                .isCloseTo(Math.log(3.0 / 35.0), within(1e-14));
    }

    @Test
    void mleIsNaNWhenEmptyAndTheSuccessFractionOtherwise() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        assertThat(posterior.mle()).isNaN();
        assertThat(posterior.summarize().mle()).isNaN();
        posterior.update(new double[] {1, 0, 0, 0}, 0, 4);
        assertThat(posterior.mle()).isEqualTo(0.25);
    }

    @ParameterizedTest(name = "mode of Beta({0}, {1}) is {2}")
    @CsvSource({
        "3.0, 5.0, 0.3333333333333333", // interior: (a - 1) / (a + b - 2) = 2 / 6
        "8.0, 4.0, 0.7",
        "1.0, 1.0, NaN", // uniform
        "0.5, 0.5, NaN", // U-shaped, maxima at 0 and 1
        "0.5, 0.9, NaN",
        "0.5, 3.0, 0.0", // decreasing
        "1.0, 3.0, 0.0",
        "0.5, 1.0, 0.0",
        "3.0, 0.5, 1.0", // increasing
        "3.0, 1.0, 1.0",
        "1.0, 0.5, 1.0"
    })
    void mapFollowsTheDocumentedModeRules(double alpha, double beta, double expected) {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(alpha, beta);
        // Boxed, so that NaN equals NaN.
        assertThat(Double.valueOf(posterior.map())).isEqualTo(Double.valueOf(expected));
        assertThat(Double.valueOf(posterior.summarize().map())).isEqualTo(Double.valueOf(expected));
    }

    @Test
    void mapUsesThePosteriorNotThePrior() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        posterior.update(1.0);
        assertThat(posterior.map()).isEqualTo(1.0); // Beta(2, 1): increasing
        posterior.update(0.0);
        assertThat(posterior.map()).isEqualTo(0.5); // Beta(2, 2)
    }

    @Test
    void varianceMatchesTheClosedForm() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        posterior.update(new double[] {1, 1, 0}, 0, 3);
        // Beta(4, 4): 4 * 4 / (8^2 * 9) = 1 / 36, one rounding either way.
        assertThat(posterior.variance()).isEqualTo(1.0 / 36.0);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.1, Double.NaN})
    void quantileRejectsProbabilitiesOutsideTheUnitInterval(double p) {
        assertThatThrownBy(() -> BetaBernoulliPosterior.withPrior(1.0, 1.0).quantile(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got " + p);
    }

    @Test
    void quantileAtZeroAndOneIsTheSupportBound() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        assertThat(posterior.quantile(0.0)).isZero();
        assertThat(posterior.quantile(1.0)).isEqualTo(1.0);
    }

    @Test
    void quantileOfTheUniformIsTheIdentity() {
        final BetaBernoulliPosterior uniform = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        for (double p : new double[] {1e-9, 0.025, 0.3, 0.5, 0.975}) {
            assertThat(uniform.quantile(p)).isCloseTo(p, within(1e-13 * p));
        }
    }

    @Test
    void summaryAgreesWithTheAccessors() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        posterior.update(observations(SEED + 5, 40), 0, 40);
        final PosteriorSummary summary = posterior.summarize();
        assertThat(summary.model()).isEqualTo(BetaBernoulliPosterior.MODEL);
        assertThat(summary.n()).isEqualTo(40.0);
        assertThat(summary.params())
                .containsExactly(
                        Map.entry("alpha", posterior.alpha()), Map.entry("beta", posterior.beta()));
        assertThat(summary.mean()).isEqualTo(posterior.mean());
        assertThat(summary.variance()).isEqualTo(posterior.variance());
        assertThat(summary.ciLow()).isEqualTo(posterior.quantile(0.025));
        assertThat(summary.ciHigh()).isEqualTo(posterior.quantile(0.975));
        assertThat(summary.mle()).isEqualTo(posterior.mle());
        assertThat(summary.map()).isEqualTo(posterior.map());
    }

    @Test
    void summaryParamsAreAnUnmodifiableCopyInInsertionOrder() {
        final Map<String, Double> params = new LinkedHashMap<>();
        params.put("beta", 2.0);
        params.put("alpha", 1.0);
        final PosteriorSummary summary =
                new PosteriorSummary(
                        "m", 0, params, 0.5, 0.1, 0.0, 1.0, Double.NaN, Double.NaN, List.of());
        params.put("gamma", 3.0);
        assertThat(summary.params().keySet()).containsExactly("beta", "alpha");
        assertThatThrownBy(() -> summary.params().put("x", 1.0))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void summariesWithUndefinedEstimatesAreEqual() {
        final PosteriorSummary first = BetaBernoulliPosterior.withPrior(1.0, 1.0).summarize();
        final PosteriorSummary second = BetaBernoulliPosterior.withPrior(1.0, 1.0).summarize();
        assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
        assertThat(first.params()).isEqualTo(new HashMap<>(Map.of("alpha", 1.0, "beta", 1.0)));
    }
}
