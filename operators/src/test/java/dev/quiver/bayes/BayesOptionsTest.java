package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bayes job's options: defaults, parsing of {@code --emit}, and every rejected combination. */
class BayesOptionsTest {

    @Test
    void defaultsAreBetaBernoulliWithAUniformPriorEmittingEveryObservation() {
        BayesOptions options = BayesOptions.builder().build();

        assertThat(options.model()).isEqualTo("beta-bernoulli");
        assertThat(options.priorAlpha()).isEqualTo(1.0);
        assertThat(options.priorBeta()).isEqualTo(1.0);
        assertThat(options.decay()).isEqualTo(1.0);
        assertThat(options.window()).isZero();
        assertThat(options.emitEvery()).isEqualTo(1);
        assertThat(options.emitsOnInterval()).isFalse();
        assertThat(options.global()).isFalse();
        assertThat(options.globalIntervalMs()).isEqualTo(1000);
        assertThat(options.maxCategories()).isEqualTo(1000);
        assertThat(options.changepoint()).isFalse();
        assertThat(options.hazard()).isEqualTo(250);
        assertThat(options.maxRunLength()).isEqualTo(500);
        assertThat(options.shortRunWindow()).isEqualTo(5);
    }

    @Test
    void changePointDetectionRunsOverTheNormalModelOnly() {
        assertThatThrownBy(() -> BayesOptions.builder().setChangepoint(true).build())
                .hasMessage(
                        "--changepoint runs over the Normal model: use it with --model normal,"
                                + " not beta-bernoulli");
        assertThat(
                        BayesOptions.builder()
                                .setModel("normal")
                                .setChangepoint(true)
                                .setHazard(100)
                                .build()
                                .hazard())
                .isEqualTo(100);
    }

    @Test
    void changePointOptionsAreCheckedAndNeedChangepoint() {
        assertThatThrownBy(() -> BayesOptions.builder().setHazard(100).setShortRunWindow(3).build())
                .hasMessage("--hazard, --short-run-window needs --changepoint");
        assertThatThrownBy(() -> BayesOptions.builder().setHazard(0.5))
                .hasMessage("--hazard must be finite and >= 1, got 0.5");
        assertThatThrownBy(() -> BayesOptions.builder().setMaxRunLength(0))
                .hasMessage("--max-run-length must be at least 1, got 0");
        assertThatThrownBy(() -> BayesOptions.builder().setShortRunWindow(0))
                .hasMessage("--short-run-window must be at least 1, got 0");
        assertThatThrownBy(
                        () ->
                                BayesOptions.builder()
                                        .setModel("normal")
                                        .setChangepoint(true)
                                        .setMaxRunLength(4)
                                        .setShortRunWindow(5)
                                        .build())
                .hasMessage("--short-run-window 5 must not exceed --max-run-length 4");
    }

    @Test
    void emitTakesEveryACountOrAnIntervalInMillisecondsOrSeconds() {
        assertThat(BayesOptions.builder().setEmit("every").build().emitEvery()).isEqualTo(1);
        BayesOptions count = BayesOptions.builder().setEmit("25").build();
        assertThat(count.emitEvery()).isEqualTo(25);
        assertThat(count.emitsOnInterval()).isFalse();
        assertThat(BayesOptions.builder().setEmit("250ms").build().emitIntervalMs()).isEqualTo(250);
        BayesOptions seconds = BayesOptions.builder().setEmit("2s").build();
        assertThat(seconds.emitIntervalMs()).isEqualTo(2000);
        assertThat(seconds.emitsOnInterval()).isTrue();

        for (String bad : new String[] {"0", "0ms", "-1", "often", "5m", "1.5s", ""}) {
            assertThatThrownBy(() -> BayesOptions.builder().setEmit(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--emit must be every")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void singleValuesAreCheckedWithTheOptionAndValueInTheMessage() {
        assertThatThrownBy(() -> BayesOptions.builder().setPriorAlpha(0))
                .hasMessage("--prior-alpha must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> BayesOptions.builder().setPriorScale(Double.NaN))
                .hasMessage("--prior-scale must be finite and > 0, got NaN");
        assertThatThrownBy(() -> BayesOptions.builder().setPriorMean(Double.POSITIVE_INFINITY))
                .hasMessage("--prior-mean must be finite, got Infinity");
        assertThatThrownBy(() -> BayesOptions.builder().setDecay(1.5))
                .hasMessage("--decay must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> BayesOptions.builder().setDecay(0))
                .hasMessage("--decay must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> BayesOptions.builder().setWindow(-1))
                .hasMessageContaining("--window must be 0 (unbounded) or positive, got -1");
        assertThatThrownBy(() -> BayesOptions.builder().setMaxCategories(0))
                .hasMessage("--max-categories must be at least 1, got 0");
        assertThatThrownBy(() -> BayesOptions.builder().setDimension(0))
                .hasMessage("--dimension must be at least 1, got 0");
        assertThatThrownBy(() -> BayesOptions.builder().setGlobalIntervalMs(5))
                .hasMessage("--global-interval-ms must be at least 10, got 5");
        assertThatThrownBy(() -> BayesOptions.builder().setModel("poisson"))
                .hasMessageContaining("--model must be one of beta-bernoulli")
                .hasMessageContaining("got 'poisson'");
    }

    @Test
    void priorOptionOfAnotherModelIsRejectedNamingWhatTheModelReads() {
        assertThatThrownBy(
                        () ->
                                BayesOptions.builder()
                                        .setPriorAlpha(2)
                                        .setPriorRate(3)
                                        .setPriorKappa(1)
                                        .build())
                .hasMessage(
                        "--prior-rate, --prior-kappa do not apply to --model beta-bernoulli,"
                                + " which reads --prior-alpha, --prior-beta");
    }

    @Test
    void windowWithForgettingIsRejected() {
        assertThatThrownBy(() -> BayesOptions.builder().setWindow(10).setDecay(0.99).build())
                .hasMessageStartingWith("--window 10 and --decay 0.99 cannot be combined");
        assertThat(BayesOptions.builder().setWindow(10).setDecay(1.0).build().window())
                .isEqualTo(10);
    }

    @Test
    void globalWithForgettingIsRejected() {
        assertThatThrownBy(() -> BayesOptions.builder().setGlobal(true).setDecay(0.5).build())
                .hasMessageStartingWith("--global and --decay 0.5 cannot be combined");
    }

    @Test
    void changePointConfigCarriesTheNormalPriorAndTheDetectorOptions() {
        BayesOptions options =
                BayesOptions.builder()
                        .setModel("normal")
                        .setPriorMean(2.5)
                        .setPriorKappa(0.5)
                        .setPriorShape(3.0)
                        .setPriorScale(4.0)
                        .setChangepoint(true)
                        .setHazard(100.0)
                        .setMaxRunLength(300)
                        .setShortRunWindow(7)
                        .build();
        assertThat(options.changePointConfig())
                .isEqualTo(
                        new ChangePointConfig(
                                new NormalInverseGammaPrior(2.5, 0.5, 3.0, 4.0), 100.0, 300, 7));
    }
}
