package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

/**
 * Runs the code of each public type's javadoc example, so the examples cannot rot. Keep each test
 * body in step with the {@code <pre>{@code ...}</pre>} block it names.
 */
class ExamplesTest {

    @Test
    void conjugatePosteriorExample() {
        ConjugatePosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        BayesObservation click = BayesObservation.of(1.0);
        double score = posterior.logPredictive(click);
        posterior.update(click);
        String reason = posterior.invalidReason(BayesObservation.of(2.5));
        PosteriorSummary summary = posterior.summarize();
        byte[] state = posterior.toBytes();

        assertThat(score).isEqualTo(Math.log(0.5));
        assertThat(reason).isEqualTo("beta-bernoulli needs value 0 or 1, got 2.5");
        assertThat(summary.n()).isEqualTo(1.0);
        assertThat(summary.params())
                .containsExactly(Map.entry("alpha", 2.0), Map.entry("beta", 1.0));
        assertThat(state).hasSize(40);
    }

    @Test
    void betaBernoulliPosteriorExample() {
        BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        posterior.update(1.0);
        posterior.update(new double[] {0.0, 0.0, 1.0}, 0, 3);
        assertThat(posterior.alpha()).isEqualTo(4.0);
        assertThat(posterior.beta()).isEqualTo(5.0);
        assertThat(posterior.mean()).isEqualTo(4.0 / 9);
        assertThat(posterior.quantile(0.975)).isStrictlyBetween(posterior.mean(), 1.0);

        BetaBernoulliPosterior other = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        other.update(1.0);
        posterior.merge(other);
        assertThat(posterior.alpha()).isEqualTo(5.0);
        posterior.revert(1.0);
        assertThat(posterior.alpha()).isEqualTo(4.0);

        byte[] state = posterior.toBytes();
        BetaBernoulliPosterior restored = BetaBernoulliPosterior.fromBytes(state);
        assertThat(restored.summarize()).isEqualTo(posterior.summarize());
    }

    @Test
    void posteriorSummaryExample() {
        BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        posterior.update(new double[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, 0, 10);
        PosteriorSummary summary = posterior.summarize();
        assertThat(summary.model()).isEqualTo("beta-bernoulli");
        assertThat(summary.params().get("alpha")).isEqualTo(8.0);
        assertThat(summary.mean()).isEqualTo(8.0 / 12);
        assertThat(summary.mle()).isEqualTo(0.7);
        assertThat(summary.map()).isEqualTo(0.7);
    }

    @Test
    void posteriorStateFormatExample() {
        byte[] state = BetaBernoulliPosterior.withPrior(1.0, 1.0).toBytes();
        int length = state.length;
        int serialVersion = state[1];
        int familyId = state[2];
        BetaBernoulliPosterior restored = BetaBernoulliPosterior.fromBytes(state);

        assertThat(length).isEqualTo(40);
        assertThat(serialVersion).isEqualTo(PosteriorStateFormat.CURRENT_SERIAL_VERSION);
        assertThat(familyId).isEqualTo(PosteriorStateFormat.BETA_BERNOULLI);
        assertThat(restored.isEmpty()).isTrue();
    }

    @Test
    void bayesOptionsExample() {
        BayesOptions options = BayesOptions.builder().setPriorAlpha(2).setPriorBeta(8).build();
        ConjugatePosterior prior = options.newPosterior();
        BayesOptions windowed = BayesOptions.builder().setWindow(100).setEmit("500ms").build();

        assertThat(prior.summarize().params())
                .containsExactly(Map.entry("alpha", 2.0), Map.entry("beta", 8.0));
        assertThat(windowed.window()).isEqualTo(100);
        assertThat(windowed.emitIntervalMs()).isEqualTo(500);
    }

    @Test
    void bayesModelsExample() {
        BayesOptions options = BayesOptions.builder().build();
        ConjugatePosterior prior = BayesModels.create(options);
        ConjugatePosterior restored = BayesModels.fromBytes(options.model(), prior.toBytes());
        Set<String> names = BayesModels.names();

        assertThat(restored.summarize()).isEqualTo(prior.summarize());
        assertThat(names).startsWith("beta-bernoulli");
    }

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
