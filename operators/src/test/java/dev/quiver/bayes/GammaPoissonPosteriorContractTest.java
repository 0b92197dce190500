package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

class GammaPoissonPosteriorContractTest extends ConjugatePosteriorContractTest {

    /**
     * Exposures (0.1 among them) and the base-measure sum are floating-point sums of a dozen terms
     * of up to about 1e4 in magnitude, so reordering moves them by a few ulps of 1e4, about 1e-11;
     * a missed or doubled term would move them by at least 0.1.
     */
    private static final double SUM_TOLERANCE = 1e-9;

    @Override
    ConjugatePosterior newPosterior() {
        return GammaPoissonPosterior.withPrior(2.0, 0.5);
    }

    @Override
    ConjugatePosterior fromBytes(byte[] bytes) {
        return GammaPoissonPosterior.fromBytes(bytes);
    }

    /** With and without exposures; 2000 counts go past the log-factorial table. */
    @Override
    List<BayesObservation> validObservations() {
        return List.of(
                BayesObservation.of(3),
                BayesObservation.withFeatures(5, 2.5),
                BayesObservation.of(0),
                BayesObservation.withFeatures(0, 0.25),
                BayesObservation.of(1),
                BayesObservation.withFeatures(12, 4),
                BayesObservation.of(7),
                BayesObservation.withFeatures(2000, 3.75),
                BayesObservation.of(2),
                BayesObservation.withFeatures(1, 0.1),
                BayesObservation.of(4),
                BayesObservation.withFeatures(9, 1.5));
    }

    @Override
    List<BayesObservation> invalidObservations() {
        return List.of(
                BayesObservation.of(Double.NaN),
                BayesObservation.of(-1),
                BayesObservation.of(2.5),
                BayesObservation.of(Double.POSITIVE_INFINITY),
                BayesObservation.of(0x1p54),
                BayesObservation.withFeatures(3, 0),
                BayesObservation.withFeatures(3, -1),
                BayesObservation.withFeatures(3, Double.NaN),
                BayesObservation.withFeatures(3, Double.POSITIVE_INFINITY),
                BayesObservation.withFeatures(3, 1, 1));
    }

    /** Counts must match exactly; the exposure and base-measure sums to rounding. */
    @Override
    void assertSamePosterior(ConjugatePosterior actual, ConjugatePosterior expected) {
        final GammaPoissonPosterior a = (GammaPoissonPosterior) actual;
        final GammaPoissonPosterior e = (GammaPoissonPosterior) expected;
        assertThat(a.priorShape()).isEqualTo(e.priorShape());
        assertThat(a.priorRate()).isEqualTo(e.priorRate());
        assertThat(a.getN()).isEqualTo(e.getN());
        assertThat(a.totalCount()).isEqualTo(e.totalCount());
        assertThat(a.totalExposure()).isCloseTo(e.totalExposure(), within(SUM_TOLERANCE));
        assertThat(a.logBaseMeasureSum()).isCloseTo(e.logBaseMeasureSum(), within(SUM_TOLERANCE));
    }
}
