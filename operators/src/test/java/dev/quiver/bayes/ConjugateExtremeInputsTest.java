package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * No NaN leaves a kernel for valid input: huge counts (1e15), tiny priors (1e-300) and weights
 * decayed towards the smallest doubles, for every scalar conjugate model. Every number the contract
 * promises (mean, variance, interval, predictive, evidence) must be a number; the MLE and MAP may
 * be NaN only where their documentation says they are undefined, so they are not checked.
 */
class ConjugateExtremeInputsTest {

    /** A posterior in an extreme state, and a valid observation to score against it. */
    private record Case(
            String name, Supplier<ConjugatePosterior> posterior, BayesObservation next) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static ConjugatePosterior updated(
            ConjugatePosterior posterior, BayesObservation... observations) {
        for (BayesObservation observation : observations) {
            posterior.update(observation);
        }
        return posterior;
    }

    private static ConjugatePosterior decayed(ConjugatePosterior posterior, double... lambdas) {
        for (double lambda : lambdas) {
            posterior.decay(lambda);
        }
        return posterior;
    }

    private static DirichletMultinomialPosterior dirichletWithCounts(
            double concentration, double redCount, double blueCount) {
        return DirichletMultinomialPosterior.fromBytes(
                new StateWriter(
                                PosteriorStateFormat.DIRICHLET_MULTINOMIAL,
                                2,
                                PosteriorStateFormat.configHash(concentration, 3))
                        .putDouble(concentration)
                        .putInt(3)
                        .putInt(2)
                        .putDouble(redCount + blueCount)
                        .putString("blue")
                        .putDouble(blueCount)
                        .putString("red")
                        .putDouble(redCount)
                        .toBytes());
    }

    static Stream<Arguments> cases() {
        final BayesObservation one = BayesObservation.of(1.0);
        final BayesObservation zero = BayesObservation.of(0.0);
        final BayesObservation allOfHuge = BayesObservation.withFeatures(1e15, 1e15);
        final BayesObservation noneOfHuge = BayesObservation.withFeatures(0, 1e15);
        final BayesObservation halfOfHuge = BayesObservation.withFeatures(5e14, 1e15);
        final BayesObservation hugeCount = BayesObservation.of(1e15);
        final BayesObservation red = BayesObservation.ofCategory("red");
        final BayesObservation green = BayesObservation.ofCategory("green");
        final List<Case> cases =
                List.of(
                        new Case(
                                "beta-bernoulli tiny prior",
                                () -> BetaBernoulliPosterior.withPrior(1e-300, 1e-300),
                                one),
                        new Case(
                                "beta-bernoulli tiny prior, one success",
                                () ->
                                        updated(
                                                BetaBernoulliPosterior.withPrior(1e-300, 1e-300),
                                                one),
                                zero),
                        new Case(
                                "beta-bernoulli 1e15 counts",
                                () ->
                                        BetaBernoulliPosterior.fromBytes(
                                                PosteriorStateFormat.writeBetaBernoulli(
                                                        1e-300, 1.0, 1e15, 3e15)),
                                one),
                        new Case(
                                "beta-bernoulli decayed to subnormal weights",
                                () ->
                                        decayed(
                                                updated(
                                                        BetaBernoulliPosterior.withPrior(0.5, 0.5),
                                                        one,
                                                        zero),
                                                1e-300,
                                                1e-15),
                                one),
                        new Case(
                                "beta-binomial tiny prior",
                                () -> BetaBinomialPosterior.withPrior(1e-300, 1e-300),
                                allOfHuge),
                        new Case(
                                "beta-binomial 1e15 successes on a tiny prior",
                                () ->
                                        updated(
                                                BetaBinomialPosterior.withPrior(1e-300, 1e-300),
                                                allOfHuge),
                                noneOfHuge),
                        new Case(
                                "beta-binomial 1e15 trials each way",
                                () ->
                                        updated(
                                                BetaBinomialPosterior.withPrior(1.0, 1.0),
                                                halfOfHuge,
                                                allOfHuge,
                                                noneOfHuge),
                                halfOfHuge),
                        new Case(
                                "beta-binomial decayed to subnormal weights",
                                () ->
                                        decayed(
                                                updated(
                                                        BetaBinomialPosterior.withPrior(2.0, 3.0),
                                                        BayesObservation.withFeatures(3, 10)),
                                                1e-300,
                                                1e-15),
                                BayesObservation.withFeatures(1, 2)),
                        new Case(
                                "gamma-poisson tiny prior",
                                () -> GammaPoissonPosterior.withPrior(1e-300, 1e-300),
                                hugeCount),
                        new Case(
                                "gamma-poisson 1e15 count on a tiny prior",
                                () ->
                                        updated(
                                                GammaPoissonPosterior.withPrior(1e-300, 1e-300),
                                                hugeCount),
                                BayesObservation.of(0)),
                        new Case(
                                "gamma-poisson 1e15 count over a tiny exposure",
                                () ->
                                        updated(
                                                GammaPoissonPosterior.withPrior(1.0, 1.0),
                                                BayesObservation.withFeatures(1e15, 1e-300)),
                                BayesObservation.withFeatures(3, 1e300)),
                        new Case(
                                "gamma-poisson decayed to subnormal weights",
                                () ->
                                        decayed(
                                                updated(
                                                        GammaPoissonPosterior.withPrior(0.5, 2.0),
                                                        BayesObservation.of(7),
                                                        BayesObservation.withFeatures(0, 3.0)),
                                                1e-300,
                                                1e-15),
                                BayesObservation.of(4)),
                        new Case(
                                "dirichlet tiny prior",
                                () -> DirichletMultinomialPosterior.withPrior(1e-300, 3),
                                red),
                        new Case(
                                "dirichlet tiny prior, one category",
                                () ->
                                        updated(
                                                DirichletMultinomialPosterior.withPrior(1e-300, 3),
                                                red),
                                green),
                        new Case(
                                "dirichlet 1e15 counts",
                                () -> dirichletWithCounts(1e-300, 1e15, 3e15),
                                green),
                        new Case(
                                "dirichlet decayed to subnormal weights",
                                () ->
                                        decayed(
                                                updated(
                                                        DirichletMultinomialPosterior.withPrior(
                                                                0.5, 3),
                                                        red,
                                                        red,
                                                        green),
                                                1e-300,
                                                1e-15),
                                red));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyPromisedNumberIsANumber(Case extreme) {
        final ConjugatePosterior posterior = extreme.posterior().get();
        final PosteriorSummary summary = posterior.summarize();
        assertThat(summary.n()).as("n").isNotNaN();
        assertThat(summary.mean()).as("mean").isNotNaN();
        assertThat(summary.variance()).as("variance").isNotNaN().isGreaterThanOrEqualTo(0.0);
        assertThat(summary.ciLow()).as("ciLow").isNotNaN();
        assertThat(summary.ciHigh())
                .as("ciHigh")
                .isNotNaN()
                .isGreaterThanOrEqualTo(summary.ciLow());
        for (ParameterSummary parameter : summary.parameters()) {
            assertThat(parameter.mean()).as(parameter.name()).isNotNaN();
            assertThat(parameter.variance()).as(parameter.name()).isNotNaN();
            assertThat(parameter.ciLow()).as(parameter.name()).isNotNaN();
            assertThat(parameter.ciHigh()).as(parameter.name()).isNotNaN();
        }
        assertThat(posterior.logPredictive(extreme.next())).as("log predictive").isNotNaN();
        assertThat(posterior.logMarginalLikelihood()).as("log evidence").isNotNaN();
        final ConjugatePosterior next = posterior.copy();
        next.update(extreme.next());
        assertThat(next.summarize().mean()).as("mean after one more").isNotNaN();
        assertThat(next.logMarginalLikelihood()).as("log evidence after one more").isNotNaN();
    }
}
