package dev.quiver.bayes.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.bayes.BayesObservation;
import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.ConjugatePosterior;
import dev.quiver.bayes.flink.KeyGroupPartial;

import org.junit.jupiter.api.Test;

/** The javadoc examples of this package's public types, run so that they cannot rot. */
class ExamplesTest {

    @Test
    void keyGroupPartialExample() {
        BayesOptions options = BayesOptions.builder().build();
        ConjugatePosterior posterior = options.newPosterior();
        posterior.update(BayesObservation.of(1.0));

        KeyGroupPartial piece = KeyGroupPartial.of(17, 1_700_000_000_000L, posterior.toBytes());
        ConjugatePosterior partial = options.restore(piece.state);

        assertThat(partial.summarize()).isEqualTo(posterior.summarize());
        assertThat(piece.unsent).isFalse();
    }
}
