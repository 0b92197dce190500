package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

class BetaBinomialPosteriorContractTest extends ConjugatePosteriorContractTest {

    /**
     * The coefficient sum adds a dozen logs of up to about 1e3 in another order: its rounding is a
     * few ulps of 1e3, about 1e-12. A missed or doubled term would be off by at least log 2.
     */
    private static final double COEFFICIENT_SUM_TOLERANCE = 1e-10;

    @Override
    ConjugatePosterior newPosterior() {
        return BetaBinomialPosterior.withPrior(2.0, 3.0);
    }

    @Override
    ConjugatePosterior fromBytes(byte[] bytes) {
        return BetaBinomialPosterior.fromBytes(bytes);
    }

    /** Includes 600 of 1500 trials, past the log-factorial table. */
    @Override
    List<BayesObservation> validObservations() {
        final double[][] successesAndTrials = {
            {3, 10},
            {0, 4},
            {5, 5},
            {1, 1},
            {0, 1},
            {7, 12},
            {2, 3},
            {0, 2},
            {4, 9},
            {1, 6},
            {600, 1500},
            {-0.0, 3}
        };
        return java.util.Arrays.stream(successesAndTrials)
                .map(pair -> BayesObservation.withFeatures(pair[0], pair[1]))
                .toList();
    }

    @Override
    List<BayesObservation> invalidObservations() {
        return List.of(
                BayesObservation.withFeatures(Double.NaN, 5),
                BayesObservation.withFeatures(2.5, 5),
                BayesObservation.withFeatures(-1, 5),
                BayesObservation.withFeatures(6, 5),
                BayesObservation.withFeatures(Double.POSITIVE_INFINITY, 5),
                BayesObservation.withFeatures(0, 0),
                BayesObservation.withFeatures(1, Double.NaN),
                BayesObservation.withFeatures(1, 4.5),
                BayesObservation.withFeatures(1, Double.POSITIVE_INFINITY),
                BayesObservation.withFeatures(1, 0x1p54),
                BayesObservation.of(1),
                BayesObservation.withFeatures(1, 5, 7));
    }

    /**
     * Counts must match exactly; the sum of log binomial coefficients is a floating-point sum whose
     * last bits depend on the order of additions.
     */
    @Override
    void assertSamePosterior(ConjugatePosterior actual, ConjugatePosterior expected) {
        final BetaBinomialPosterior a = (BetaBinomialPosterior) actual;
        final BetaBinomialPosterior e = (BetaBinomialPosterior) expected;
        assertThat(a.priorAlpha()).isEqualTo(e.priorAlpha());
        assertThat(a.priorBeta()).isEqualTo(e.priorBeta());
        assertThat(a.getN()).isEqualTo(e.getN());
        assertThat(a.successes()).isEqualTo(e.successes());
        assertThat(a.failures()).isEqualTo(e.failures());
        assertThat(a.logBinomialCoefficientSum())
                .isCloseTo(e.logBinomialCoefficientSum(), within(COEFFICIENT_SUM_TOLERANCE));
    }
}
