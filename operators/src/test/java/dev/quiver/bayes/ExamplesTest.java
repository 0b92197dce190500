package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
    void betaBinomialPosteriorExample() {
        BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(1.0, 1.0);
        posterior.update(BayesObservation.withFeatures(3.0, 10.0));
        posterior.update(BayesObservation.withFeatures(1.0, 5.0));
        assertThat(posterior.alpha()).isEqualTo(5.0);
        assertThat(posterior.beta()).isEqualTo(12.0);
        assertThat(posterior.getN()).isEqualTo(2.0);
        double score = posterior.logPredictive(BayesObservation.withFeatures(0.0, 2.0));
        BetaBinomialPosterior restored = BetaBinomialPosterior.fromBytes(posterior.toBytes());

        // Beta-binomial mass of 0 of 2 under Beta(5, 12): 12 * 13 / (17 * 18).
        assertThat(score).isCloseTo(Math.log(12.0 * 13.0 / (17.0 * 18.0)), within(1e-14));
        assertThat(restored.summarize()).isEqualTo(posterior.summarize());
    }

    @Test
    void gammaPoissonPosteriorExample() {
        GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(2.0, 1.0);
        posterior.update(BayesObservation.of(3.0));
        posterior.update(BayesObservation.withFeatures(5.0, 2.5));
        assertThat(posterior.shape()).isEqualTo(10.0);
        assertThat(posterior.rate()).isEqualTo(4.5);
        assertThat(posterior.mean()).isEqualTo(10 / 4.5);
        assertThat(posterior.mle()).isEqualTo(8 / 3.5);
        GammaPoissonPosterior restored = GammaPoissonPosterior.fromBytes(posterior.toBytes());
        assertThat(restored.summarize()).isEqualTo(posterior.summarize());
    }

    @Test
    void dirichletMultinomialPosteriorExample() {
        DirichletMultinomialPosterior posterior = DirichletMultinomialPosterior.withPrior(1.0, 3);
        posterior.update(BayesObservation.ofCategory("red"));
        posterior.update(BayesObservation.ofCategory("red"));
        posterior.update(BayesObservation.ofCategory("blue"));
        assertThat(posterior.alpha("red")).isEqualTo(3.0);
        assertThat(posterior.mean("red")).isEqualTo(3.0 / 6);
        assertThat(posterior.mean("green")).isEqualTo(1.0 / 6);
        PosteriorSummary summary = posterior.summarize();
        assertThat(summary.mean()).isEqualTo(posterior.mean("red"));
        posterior.update(BayesObservation.ofCategory("green"));
        assertThat(posterior.invalidReason(BayesObservation.ofCategory("cyan")))
                .isEqualTo(
                        "dirichlet already has its maximum of 3 categories, got new category"
                                + " 'cyan'");
        DirichletMultinomialPosterior restored =
                DirichletMultinomialPosterior.fromBytes(posterior.toBytes());
        assertThat(restored.toBytes()).isEqualTo(posterior.toBytes());
    }

    @Test
    void specialFunctionsExample() {
        double logChoose = SpecialFunctions.logBinomialCoefficient(10, 3);
        double logRising = SpecialFunctions.logGammaRatio(2.5, 4);
        assertThat(logChoose).isCloseTo(Math.log(120), within(1e-14));
        assertThat(logRising).isCloseTo(Math.log(2.5 * 3.5 * 4.5 * 5.5), within(1e-14));
    }

    @Test
    void betaMarginalExample() {
        double mean = BetaMarginal.mean(8, 4);
        double upper = BetaMarginal.quantile(8, 4, 0.975);
        assertThat(mean).isEqualTo(8.0 / 12);
        assertThat(upper).isStrictlyBetween(mean, 1.0);
    }

    @Test
    void gammaMarginalExample() {
        double mean = GammaMarginal.mean(12, 4);
        double upper = GammaMarginal.quantile(12, 4, 0.975);
        assertThat(mean).isEqualTo(3.0);
        assertThat(upper).isStrictlyBetween(mean, 12.0);
    }

    @Test
    void bayesianLinearRegressionExample() {
        BayesianLinearRegression posterior = BayesianLinearRegression.withPrior(2, 1e-3, 2.0, 1.0);
        BayesObservation event = BayesObservation.withFeatures(5.0, 1.0, 2.0);
        BayesianLinearRegression.PredictiveEstimate before = posterior.predict(event.features());
        double score = posterior.logPredictive(event);
        posterior.update(event);
        posterior.update(new double[] {1.0, 0.0}, 1.0);
        double[] w = posterior.coefficientMeans();
        double[] sd = posterior.coefficientStdDevs();
        PosteriorSummary summary = posterior.summarize();
        BayesianLinearRegression restored = BayesianLinearRegression.fromBytes(posterior.toBytes());

        assertThat(before.mean()).isZero();
        assertThat(score).isEqualTo(before.logDensity(5.0));
        assertThat(w[0]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-2));
        assertThat(w[1]).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-2));
        assertThat(sd[0]).isPositive();
        assertThat(sd[1]).isPositive();
        assertThat(summary.parameters())
                .extracting(ParameterSummary::name)
                .containsExactly("w[0]", "w[1]");
        assertThat(restored.summarize()).isEqualTo(summary);
    }

    @Test
    void predictiveEstimateExample() {
        BayesianLinearRegression posterior = BayesianLinearRegression.withPrior(2, 1e-3, 2.0, 1.0);
        BayesianLinearRegression.PredictiveEstimate estimate =
                posterior.predict(new double[] {1.0, 2.0});
        double logDensity = estimate.logDensity(5.0);

        assertThat(logDensity)
                .isEqualTo(posterior.logPredictive(BayesObservation.withFeatures(5.0, 1.0, 2.0)));
    }

    @Test
    void regressionFactorExample() {
        RegressionFactor factor = RegressionFactor.scaledIdentity(2, 1.0);
        factor.addRow(new double[] {1.0, 2.0}, 3.0);
        double[] w = new double[2];
        factor.solve(w);

        // (I + xxᵀ) w = 3x with x = (1, 2): w = 3x / (1 + |x|²) = (0.5, 1.0).
        assertThat(w[0]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(w[1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void normalInverseGammaPosteriorExample() {
        NormalInverseGammaPosterior posterior =
                NormalInverseGammaPosterior.withPrior(0.0, 1.0, 2.0, 2.0);
        posterior.update(new double[] {4.8, 5.1, 5.3, 4.9}, 0, 4);
        posterior.update(5.2);
        PosteriorSummary summary = posterior.summarize();
        double score = posterior.logPredictive(BayesObservation.of(5.0));
        NormalInverseGammaPosterior restored =
                NormalInverseGammaPosterior.fromBytes(posterior.toBytes());

        assertThat(posterior.sampleMean()).isCloseTo(5.06, within(1e-12));
        assertThat(posterior.mu()).isCloseTo(5 * 5.06 / 6, within(1e-12));
        assertThat(summary.ciLow()).isLessThan(posterior.mu());
        assertThat(summary.parameters().get(1).name()).isEqualTo("sigma2");
        assertThat(score).isFinite();
        assertThat(restored.summarize()).isEqualTo(summary);
    }

    @Test
    void changePointDetectorExample() {
        ChangePointDetector detector =
                ChangePointDetector.create(0.0, 0.1, 1.0, 1.0, 200.0, 500, 10);
        ChangePointSummary summary = detector.update(BayesObservation.of(0.3));
        byte[] state = detector.toBytes();
        ChangePointDetector restored = ChangePointDetector.fromBytes(state);

        // After one observation every run is shorter than 10.
        assertThat(summary.probRunLengthBelow()).isEqualTo(1.0);
        assertThat(summary.mapRunLength()).isEqualTo(1);
        assertThat(restored.toBytes()).isEqualTo(state);
    }

    @Test
    void changePointSummaryExample() {
        ChangePointDetector detector =
                ChangePointDetector.create(0.0, 0.1, 1.0, 1.0, 200.0, 500, 10);
        for (int i = 0; i < 100; i++) {
            detector.update(BayesObservation.of(i % 2 == 0 ? 0.1 : -0.1));
        }
        ChangePointSummary summary = detector.update(BayesObservation.of(4.2));
        double score = summary.logPredictive();

        assertThat(summary.probRunLengthBelow()).isGreaterThan(0.5);
        assertThat(summary.window()).isEqualTo(10);
        assertThat(score).isLessThan(-3.0);
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
    void prequentialUpdateExample() {
        BayesOptions options = BayesOptions.builder().setModel("beta-bernoulli").setWindow(2).build();
        ConjugatePosterior posterior = options.newPosterior();
        PrequentialUpdate rule = PrequentialUpdate.of(options);
        double[] window = {1, 0, 1};
        for (int sequence = 0; sequence < window.length; sequence++) {
            double logPredictive = rule.add(posterior, BayesObservation.of(window[sequence]));
            assertThat(logPredictive).isNegative();
            long leaving = rule.evictedSequence(sequence);
            if (leaving >= 0) {
                rule.evict(posterior, BayesObservation.of(window[(int) leaving]));
            }
        }
        // Beta(1, 1) plus the last two observations, 0 and 1.
        assertThat(posterior.getN()).isEqualTo(2.0);
    }
}
