package dev.quiver.bayes.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.bayes.BayesObservation;
import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.ConjugatePosterior;
import dev.quiver.bayes.PosteriorSummary;
import dev.quiver.schema.PosteriorUpdate;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class PosteriorUpdatesTest {

    @Test
    void paramsKeepTheSummarysOrderSoAReplayEncodesTheSameBytes() {
        ConjugatePosterior posterior =
                BayesOptions.builder().setModel("normal").build().newPosterior();
        posterior.update(BayesObservation.of(1.5));
        posterior.update(BayesObservation.of(-0.5));
        PosteriorSummary summary = posterior.summarize();

        PosteriorUpdate update =
                PosteriorUpdates.builder("k", summary)
                        .setTs(Instant.ofEpochMilli(1))
                        .setLatencyMs(0)
                        .setScope("key")
                        .build();

        // Four entries: an order salted per JVM would match this one in 1 of 24 JVMs.
        assertThat(List.copyOf(update.getParams().keySet()))
                .containsExactly("mu", "kappa", "alpha", "beta")
                .isEqualTo(List.copyOf(summary.params().keySet()));
    }
}
