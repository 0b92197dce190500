package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The contract every {@link ConjugatePosterior} must keep. Each model's test extends this and
 * supplies a fresh posterior, a stream of valid observations and some invalid ones. Exact state is
 * compared through {@link ConjugatePosterior#toBytes()}; where floating-point sums make the order
 * of additions show in the last bits, a model overrides {@link #assertSamePosterior}.
 */
abstract class ConjugatePosteriorContractTest {

    /** Returns a new, empty posterior with a fixed prior. */
    abstract ConjugatePosterior newPosterior();

    /** Reads state written by {@link ConjugatePosterior#toBytes()} of the same model. */
    abstract ConjugatePosterior fromBytes(byte[] bytes);

    /** Returns valid observations, at least 10, fixed for the whole test. */
    abstract List<BayesObservation> validObservations();

    /** Returns observations the model must reject, always including a NaN value. */
    abstract List<BayesObservation> invalidObservations();

    /**
     * Asserts two posteriors hold the same prior and data. By default the state bytes must be
     * equal.
     */
    void assertSamePosterior(ConjugatePosterior actual, ConjugatePosterior expected) {
        assertThat(actual.toBytes()).isEqualTo(expected.toBytes());
    }

    private ConjugatePosterior updatedWith(List<BayesObservation> observations) {
        final ConjugatePosterior posterior = newPosterior();
        observations.forEach(posterior::update);
        return posterior;
    }

    @Test
    void emptyPosteriorHasNoObservations() {
        final ConjugatePosterior posterior = newPosterior();
        assertThat(posterior.isEmpty()).isTrue();
        assertThat(posterior.getN()).isZero();
        assertThat(posterior.logMarginalLikelihood()).isZero();
        final PosteriorSummary summary = posterior.summarize();
        assertThat(summary.n()).isZero();
        assertThat(summary.mle()).isNaN();
        assertThat(summary.model()).isEqualTo(posterior.modelName());
    }

    @Test
    void everyUpdateCountsOnce() {
        final ConjugatePosterior posterior = newPosterior();
        final List<BayesObservation> observations = validObservations();
        for (int i = 0; i < observations.size(); i++) {
            posterior.update(observations.get(i));
            assertThat(posterior.getN()).isEqualTo(i + 1);
            assertThat(posterior.isEmpty()).isFalse();
        }
    }

    @Test
    void validObservationsHaveNoReason() {
        final ConjugatePosterior posterior = newPosterior();
        for (BayesObservation observation : validObservations()) {
            assertThat(posterior.invalidReason(observation)).as("%s", observation).isNull();
        }
    }

    @Test
    void invalidObservationsAreRejectedWithTheirReasonAndChangeNothing() {
        final ConjugatePosterior posterior = newPosterior();
        posterior.update(validObservations().get(0));
        final byte[] before = posterior.toBytes();
        for (BayesObservation observation : invalidObservations()) {
            final String reason = posterior.invalidReason(observation);
            assertThat(reason).as("reason for %s", observation).contains(posterior.modelName());
            assertThatThrownBy(() -> posterior.update(observation))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(reason);
            assertThatThrownBy(() -> posterior.logPredictive(observation))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void revertAfterUpdateRestoresTheStart() {
        final List<BayesObservation> observations = validObservations();
        final ConjugatePosterior posterior = updatedWith(observations.subList(0, 1));
        final ConjugatePosterior start = posterior.copy();
        for (int i = 1; i < observations.size(); i++) {
            posterior.update(observations.get(i));
        }
        for (int i = observations.size() - 1; i >= 1; i--) {
            posterior.revert(observations.get(i));
        }
        assertSamePosterior(posterior, start);
    }

    @Test
    void revertOnAnEmptyPosteriorThrowsAndChangesNothing() {
        final ConjugatePosterior posterior = newPosterior();
        final byte[] before = posterior.toBytes();
        assertThatThrownBy(() -> posterior.revert(validObservations().get(0)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void mergeOfEverySplitEqualsTheSequentialPosterior() {
        final List<BayesObservation> observations = validObservations();
        final ConjugatePosterior sequential = updatedWith(observations);
        for (int split = 0; split <= observations.size(); split++) {
            final ConjugatePosterior left = updatedWith(observations.subList(0, split));
            final ConjugatePosterior right =
                    updatedWith(observations.subList(split, observations.size()));
            final byte[] rightBefore = right.toBytes();
            left.merge(right);
            assertSamePosterior(left, sequential);
            assertThat(right.toBytes()).isEqualTo(rightBefore);
            final ConjugatePosterior swapped =
                    updatedWith(observations.subList(split, observations.size()));
            swapped.merge(updatedWith(observations.subList(0, split)));
            assertSamePosterior(swapped, sequential);
        }
    }

    @Test
    void decayByOneChangesNothing() {
        final ConjugatePosterior posterior = updatedWith(validObservations());
        final byte[] before = posterior.toBytes();
        posterior.decay(1.0);
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void decayWeighsDataDownButNeverThePrior() {
        final ConjugatePosterior posterior = updatedWith(validObservations());
        final double n = posterior.getN();
        posterior.decay(0.5);
        assertThat(posterior.getN())
                .isCloseTo(n / 2, org.assertj.core.data.Offset.offset(1e-12 * n));
        for (int i = 0; i < 2000; i++) {
            posterior.decay(0.5);
        }
        assertThat(posterior.getN()).isGreaterThanOrEqualTo(0.0).isLessThan(1e-300);
        assertThat(posterior.summarize().mean()).isFinite();
    }

    @Test
    void decayOutsideTheUnitIntervalIsRejected() {
        final ConjugatePosterior posterior = newPosterior();
        for (double lambda : new double[] {0.0, -0.5, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> posterior.decay(lambda))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void mergingAnotherModelOrPriorIsRejected() {
        final ConjugatePosterior posterior = newPosterior();
        final ConjugatePosterior other =
                posterior instanceof BetaBernoulliPosterior
                        ? BetaBernoulliPosterior.withPrior(1.0, 1.0)
                        : BetaBernoulliPosterior.withPrior(2.0, 3.0);
        final byte[] before = posterior.toBytes();
        assertThatThrownBy(() -> posterior.merge(other))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void logMarginalLikelihoodIsTheSumOfSequentialLogPredictives() {
        final ConjugatePosterior posterior = newPosterior();
        double prequential = 0.0;
        for (BayesObservation observation : validObservations()) {
            prequential += posterior.logPredictive(observation);
            posterior.update(observation);
        }
        assertThat(posterior.logMarginalLikelihood())
                .isCloseTo(
                        prequential,
                        org.assertj.core.data.Offset.offset(
                                1e-9 * Math.max(1, Math.abs(prequential))));
    }

    @Test
    void copyIsIndependent() {
        final ConjugatePosterior posterior = updatedWith(validObservations());
        final ConjugatePosterior copy = posterior.copy();
        assertSamePosterior(copy, posterior);
        copy.update(validObservations().get(0));
        assertThat(copy.getN()).isEqualTo(posterior.getN() + 1);
    }

    @Test
    void bytesRoundTripToAnEqualState() {
        final ConjugatePosterior posterior = updatedWith(validObservations());
        final ConjugatePosterior restored = fromBytes(posterior.toBytes());
        assertThat(restored.toBytes()).isEqualTo(posterior.toBytes());
        assertThat(restored.summarize()).isEqualTo(posterior.summarize());
        assertThat(fromBytes(newPosterior().toBytes()).isEmpty()).isTrue();
        posterior.decay(0.37);
        assertThat(fromBytes(posterior.toBytes()).toBytes()).isEqualTo(posterior.toBytes());
    }

    @Test
    void truncatedOrPaddedBytesAreCorrupted() {
        final byte[] bytes = updatedWith(validObservations()).toBytes();
        for (int length = 0; length < bytes.length; length++) {
            final byte[] truncated = java.util.Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> fromBytes(truncated))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Corrupted: ");
        }
        final byte[] padded = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> fromBytes(padded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Corrupted: ");
    }

    @Test
    void summarizeHasNoSideEffects() {
        final ConjugatePosterior posterior = updatedWith(validObservations());
        final byte[] before = posterior.toBytes();
        final PosteriorSummary first = posterior.summarize();
        assertThat(posterior.summarize()).isEqualTo(first);
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void credibleIntervalContainsTheMean() {
        final ConjugatePosterior posterior = updatedWith(validObservations());
        final PosteriorSummary summary = posterior.summarize();
        assertThat(summary.ciLow()).isLessThan(summary.ciHigh());
        assertThat(summary.mean()).isBetween(summary.ciLow(), summary.ciHigh());
        assertThat(summary.variance()).isPositive();
    }
}
