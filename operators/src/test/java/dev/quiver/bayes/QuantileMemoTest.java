package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.bayes.special.BetaQuantile;
import dev.quiver.bayes.special.GammaQuantile;
import dev.quiver.bayes.special.StudentTQuantile;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The memo of credible-interval quantiles: a hit returns what the function gave for the same bits,
 * shapes that differ in any bit are computed apart, and over many shapes (so with collisions) every
 * answer is the function's own.
 */
class QuantileMemoTest {

    @Test
    void theSameShapesAreComputedOnce() {
        AtomicInteger calls = new AtomicInteger();
        QuantileMemo memo =
                new QuantileMemo(
                        (a, b) -> {
                            calls.incrementAndGet();
                            return new double[] {a + b, a * b};
                        });

        double[] first = memo.of(3.0, 4.0);
        double[] second = memo.of(3.0, 4.0);

        assertThat(first).containsExactly(7.0, 12.0);
        assertThat(second).isSameAs(first);
        assertThat(calls).hasValue(1);
    }

    @Test
    void shapesThatDifferInAnyBitAreComputedApart() {
        QuantileMemo memo = new QuantileMemo((a, b) -> new double[] {1.0 / a, b});

        assertThat(memo.of(0.0, 1.0)).containsExactly(Double.POSITIVE_INFINITY, 1.0);
        assertThat(memo.of(-0.0, 1.0)).containsExactly(Double.NEGATIVE_INFINITY, 1.0);
        assertThat(memo.of(0.0, Math.nextUp(1.0))).containsExactly(
                Double.POSITIVE_INFINITY, Math.nextUp(1.0));
        assertThat(memo.of(1.0, 0.0)[0]).isEqualTo(1.0);
    }

    @Test
    void everyAnswerIsTheQuantileOfItsShapesWhateverCollided() {
        QuantileMemo memo =
                new QuantileMemo(
                        (a, b) ->
                                new double[] {
                                    BetaQuantile.quantile(a, b, 0.025),
                                    BetaQuantile.quantile(a, b, 0.975)
                                });
        // 120 x 120 = 14,400 shape pairs over 8,192 slots, asked twice in another order.
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 1; i <= 120; i++) {
                for (int j = 1; j <= 120; j++) {
                    double a = pass == 0 ? i : 121 - i;
                    double b = 0.5 + j;
                    double[] interval = memo.of(a, b);
                    assertThat(interval[0]).isEqualTo(BetaQuantile.quantile(a, b, 0.025));
                    assertThat(interval[1]).isEqualTo(BetaQuantile.quantile(a, b, 0.975));
                }
            }
        }
    }

    @Test
    void summariesAskedAgainAreTheDirectQuantilesBitForBit() {
        for (int pass = 0; pass < 2; pass++) {
            BetaBernoulliPosterior beta = BetaBernoulliPosterior.withPrior(1.0, 1.0);
            GammaPoissonPosterior gamma = GammaPoissonPosterior.withPrior(2.0, 1.0);
            NormalInverseGammaPosterior normal =
                    NormalInverseGammaPosterior.withPrior(0.0, 1.0, 1.0, 1.0);
            for (int i = 0; i < 40; i++) {
                beta.update(i % 3 == 0 ? 1.0 : 0.0);
                gamma.update(BayesObservation.of(i % 5));
                normal.update(0.1 * i - 1.0);

                PosteriorSummary b = beta.summarize();
                double betaA = beta.alpha();
                double betaB = beta.beta();
                assertThat(b.ciLow()).isEqualTo(BetaQuantile.quantile(betaA, betaB, 0.025));
                assertThat(b.ciHigh()).isEqualTo(BetaQuantile.quantile(betaA, betaB, 0.975));

                PosteriorSummary g = gamma.summarize();
                double shape = g.params().get("shape");
                double rate = g.params().get("rate");
                assertThat(g.ciLow()).isEqualTo(GammaQuantile.quantile(shape, 0.025) / rate);
                assertThat(g.ciHigh()).isEqualTo(GammaQuantile.quantile(shape, 0.975) / rate);

                PosteriorSummary n = normal.summarize();
                double mu = n.params().get("mu");
                double kappa = n.params().get("kappa");
                double alpha = n.params().get("alpha");
                double betan = n.params().get("beta");
                double t = StudentTQuantile.quantile(2.0 * alpha, 0.975);
                double muScale = Math.sqrt(betan / (alpha * kappa));
                assertThat(n.ciLow()).isEqualTo(mu - t * muScale);
                assertThat(n.ciHigh()).isEqualTo(mu + t * muScale);
                ParameterSummary sigma2 = n.parameters().get(1);
                assertThat(sigma2.ciLow()).isEqualTo(betan / GammaQuantile.quantile(alpha, 0.975));
                assertThat(sigma2.ciHigh()).isEqualTo(betan / GammaQuantile.quantile(alpha, 0.025));
            }
        }
    }
}
