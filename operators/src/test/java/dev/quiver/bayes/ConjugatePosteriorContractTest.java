package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ConjugatePosterior} must keep. Each model's test extends this and
 * supplies a fresh posterior, a stream of valid observations and some invalid ones; state is
 * compared through {@link ConjugatePosterior#toBytes()}, which every model has.
 */
abstract class ConjugatePosteriorContractTest {

    /** Returns a new, empty posterior with a fixed prior. */
    abstract ConjugatePosterior newPosterior();

    /** Reads state written by {@link ConjugatePosterior#toBytes()} of the same model. */
    abstract ConjugatePosterior fromBytes(byte[] bytes);

    /** Returns valid observations, at least 10, fixed for the whole test. */
    abstract double[] validValues();

    /** Returns values the model must reject, always including NaN. */
    abstract double[] invalidValues();

    @Test
    void emptyPosteriorHasNoObservations() {
        final ConjugatePosterior posterior = newPosterior();
        assertThat(posterior.isEmpty()).isTrue();
        assertThat(posterior.getN()).isZero();
        final PosteriorSummary summary = posterior.summarize();
        assertThat(summary.n()).isZero();
        assertThat(summary.mle()).isNaN();
        assertThat(summary.model()).isEqualTo(posterior.modelName());
    }

    @Test
    void everyUpdateCountsOnce() {
        final ConjugatePosterior posterior = newPosterior();
        final double[] values = validValues();
        for (int i = 0; i < values.length; i++) {
            posterior.update(values[i]);
            assertThat(posterior.getN()).isEqualTo(i + 1);
            assertThat(posterior.isEmpty()).isFalse();
        }
    }

    @Test
    void validValuesHaveNoReason() {
        final ConjugatePosterior posterior = newPosterior();
        for (double value : validValues()) {
            assertThat(posterior.invalidValueReason(value)).as("value %s", value).isNull();
        }
    }

    @Test
    void invalidValuesAreRejectedWithTheirReasonAndChangeNothing() {
        final ConjugatePosterior posterior = newPosterior();
        posterior.update(validValues()[0]);
        final byte[] before = posterior.toBytes();
        for (double value : invalidValues()) {
            final String reason = posterior.invalidValueReason(value);
            assertThat(reason)
                    .as("reason for %s", value)
                    .contains(posterior.modelName(), String.valueOf(value));
            assertThatThrownBy(() -> posterior.update(value))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(reason);
        }
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void batchUpdateEqualsSequentialUpdatesAndLeavesTheInputAlone() {
        final double[] values = validValues();
        final double[] copy = values.clone();
        final ConjugatePosterior sequential = newPosterior();
        for (double value : values) {
            sequential.update(value);
        }
        final ConjugatePosterior batch = newPosterior();
        batch.update(values, 0, values.length);
        assertThat(batch.toBytes()).isEqualTo(sequential.toBytes());
        assertThat(values).isEqualTo(copy);
    }

    @Test
    void batchWithOneInvalidValueChangesNothing() {
        final double[] valid = validValues();
        final double[] values = new double[valid.length + 1];
        System.arraycopy(valid, 0, values, 0, valid.length);
        values[valid.length] = invalidValues()[0];
        final ConjugatePosterior posterior = newPosterior();
        final byte[] before = posterior.toBytes();
        assertThatThrownBy(() -> posterior.update(values, 0, values.length))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(posterior.invalidValueReason(values[valid.length]));
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void batchRangeOutsideTheArrayIsRejected() {
        final ConjugatePosterior posterior = newPosterior();
        final double[] values = validValues();
        assertThatThrownBy(() -> posterior.update(values, 1, values.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> posterior.update(values, -1, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(posterior.isEmpty()).isTrue();
    }

    @Test
    void revertAfterUpdateRestoresTheStart() {
        final ConjugatePosterior posterior = newPosterior();
        final double[] values = validValues();
        posterior.update(values[0]);
        final byte[] start = posterior.toBytes();
        for (int i = 1; i < values.length; i++) {
            posterior.update(values[i]);
        }
        for (int i = values.length - 1; i >= 1; i--) {
            posterior.revert(values[i]);
        }
        assertThat(posterior.toBytes()).isEqualTo(start);
    }

    @Test
    void revertOnAnEmptyPosteriorThrowsAndChangesNothing() {
        final ConjugatePosterior posterior = newPosterior();
        final byte[] before = posterior.toBytes();
        assertThatThrownBy(() -> posterior.revert(validValues()[0]))
                .isInstanceOf(IllegalStateException.class);
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void bytesRoundTripToAnEqualState() {
        final ConjugatePosterior posterior = newPosterior();
        posterior.update(validValues(), 0, validValues().length);
        final ConjugatePosterior restored = fromBytes(posterior.toBytes());
        assertThat(restored.toBytes()).isEqualTo(posterior.toBytes());
        assertThat(restored.summarize()).isEqualTo(posterior.summarize());
        assertThat(fromBytes(newPosterior().toBytes()).isEmpty()).isTrue();
    }

    @Test
    void summarizeHasNoSideEffects() {
        final ConjugatePosterior posterior = newPosterior();
        posterior.update(validValues(), 0, validValues().length);
        final byte[] before = posterior.toBytes();
        final PosteriorSummary first = posterior.summarize();
        assertThat(posterior.summarize()).isEqualTo(first);
        assertThat(posterior.toBytes()).isEqualTo(before);
    }

    @Test
    void credibleIntervalContainsTheMean() {
        final ConjugatePosterior posterior = newPosterior();
        posterior.update(validValues(), 0, validValues().length);
        final PosteriorSummary summary = posterior.summarize();
        assertThat(summary.ciLow()).isLessThan(summary.ciHigh());
        assertThat(summary.mean()).isBetween(summary.ciLow(), summary.ciHigh());
        assertThat(summary.variance()).isPositive();
    }
}
