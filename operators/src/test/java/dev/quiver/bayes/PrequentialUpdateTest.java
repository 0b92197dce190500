package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

class PrequentialUpdateTest {

    /** Beta(a, b) predictive of a success: a / (a + b); of a failure: b / (a + b). */
    private static double betaLogPredictive(double a, double b, double x) {
        return Math.log((x == 1 ? a : b) / (a + b));
    }

    @Test
    void scoresEachObservationByTheForgottenPosteriorBeforeLearningIt() {
        PrequentialUpdate rule = new PrequentialUpdate(0.5, 0);
        BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        double[] xs = {1, 1, 0, 1};
        // Closed form: weights of successes s and failures f, halved before each observation.
        double s = 0;
        double f = 0;
        for (double x : xs) {
            s *= 0.5;
            f *= 0.5;
            double expected = betaLogPredictive(1 + s, 1 + f, x);
            assertThat(rule.add(posterior, BayesObservation.of(x)))
                    .isCloseTo(expected, within(1e-15));
            s += x;
            f += 1 - x;
        }
        assertThat(posterior.alpha()).isCloseTo(1 + s, within(1e-15));
        assertThat(posterior.beta()).isCloseTo(1 + f, within(1e-15));
    }

    @Test
    void aSlidingWindowEqualsAPosteriorOfTheLastObservationsOnly() {
        int window = 5;
        PrequentialUpdate rule = new PrequentialUpdate(1.0, window);
        BetaBernoulliPosterior sliding = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        SplittableRandom random = new SplittableRandom(20261207L);
        double[] xs = new double[40];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = random.nextInt(2);
            rule.add(sliding, BayesObservation.of(xs[i]));
            long leaving = rule.evictedSequence(i);
            if (leaving != PrequentialUpdate.NONE) {
                rule.evict(sliding, BayesObservation.of(xs[(int) leaving]));
            }
            BetaBernoulliPosterior lastOnly = BetaBernoulliPosterior.withPrior(2.0, 3.0);
            for (int j = Math.max(0, i - window + 1); j <= i; j++) {
                lastOnly.update(BayesObservation.of(xs[j]));
            }
            assertThat(sliding.alpha()).as("alpha after %d", i).isEqualTo(lastOnly.alpha());
            assertThat(sliding.beta()).as("beta after %d", i).isEqualTo(lastOnly.beta());
        }
    }

    @Test
    void theWindowDropsTheObservationFromWindowObservationsAgo() {
        PrequentialUpdate rule = new PrequentialUpdate(1.0, 3);
        assertThat(rule.hasWindow()).isTrue();
        assertThat(rule.evictedSequence(0)).isEqualTo(PrequentialUpdate.NONE);
        assertThat(rule.evictedSequence(2)).isEqualTo(PrequentialUpdate.NONE);
        assertThat(rule.evictedSequence(3)).isZero();
        assertThat(rule.evictedSequence(10)).isEqualTo(7);
        PrequentialUpdate all = new PrequentialUpdate(1.0, 0);
        assertThat(all.hasWindow()).isFalse();
        assertThat(all.evictedSequence(1_000_000)).isEqualTo(PrequentialUpdate.NONE);
    }

    @Test
    void refusesSettingsThatWouldMakeTheWindowInexact() {
        assertThatThrownBy(() -> new PrequentialUpdate(0.9, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("decay and window");
        assertThatThrownBy(() -> new PrequentialUpdate(0.0, 0)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new PrequentialUpdate(Double.NaN, 0))
                .hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new PrequentialUpdate(1.0, -1)).hasMessageContaining(">= 0");
    }
}
