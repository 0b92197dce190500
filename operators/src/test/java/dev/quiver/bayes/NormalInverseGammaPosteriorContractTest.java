package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.DoubleStream;

class NormalInverseGammaPosteriorContractTest extends ConjugatePosteriorContractTest {

    /**
     * Merging and reverting reorder the floating-point operations of Welford's sequential updates,
     * so the state matches a sequential run to rounding, not bit for bit. Each operation is a few
     * roundings of quantities no larger than the data's magnitude, so after a dozen of them the
     * posterior parameters agree to well under 1e-12 relative (about 1e-15 was observed).
     */
    static final double RELATIVE_TOLERANCE = 1e-12;

    @Override
    ConjugatePosterior newPosterior() {
        return NormalInverseGammaPosterior.withPrior(1.0, 0.5, 2.0, 3.0);
    }

    @Override
    ConjugatePosterior fromBytes(byte[] bytes) {
        return NormalInverseGammaPosterior.fromBytes(bytes);
    }

    @Override
    List<BayesObservation> validObservations() {
        return DoubleStream.of(2.5, 3.1, 1.7, 4.2, 2.9, 3.3, 0.8, 2.2, 3.9, -2.6, 3.0, 1.9)
                .mapToObj(BayesObservation::of)
                .toList();
    }

    @Override
    List<BayesObservation> invalidObservations() {
        return DoubleStream.of(
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY,
                        1.0000001e100,
                        -1e200)
                .mapToObj(BayesObservation::of)
                .toList();
    }

    /**
     * Compares the conjugate parameters (and n) to {@link #RELATIVE_TOLERANCE} instead of the
     * bytes: see there. mun is compared relative to |mun| plus the posterior's scale sqrt(betan /
     * alphan), because its rounding error is relative to the data's magnitude, which a mean near 0
     * does not reflect.
     */
    @Override
    void assertSamePosterior(ConjugatePosterior actual, ConjugatePosterior expected) {
        assertSameParameters(
                (NormalInverseGammaPosterior) actual, (NormalInverseGammaPosterior) expected);
    }

    static void assertSameParameters(
            NormalInverseGammaPosterior actual, NormalInverseGammaPosterior expected) {
        assertThat(actual.priorMean()).isEqualTo(expected.priorMean());
        assertThat(actual.priorKappa()).isEqualTo(expected.priorKappa());
        assertThat(actual.priorAlpha()).isEqualTo(expected.priorAlpha());
        assertThat(actual.priorBeta()).isEqualTo(expected.priorBeta());
        assertRelativelyClose("n", actual.getN(), expected.getN());
        assertRelativelyClose("kappa", actual.kappa(), expected.kappa());
        assertRelativelyClose("alpha", actual.alpha(), expected.alpha());
        assertRelativelyClose("beta", actual.beta(), expected.beta());
        final double muScale =
                Math.abs(expected.mu()) + Math.sqrt(expected.beta() / expected.alpha());
        assertThat(actual.mu())
                .as("mu")
                .isCloseTo(expected.mu(), within(RELATIVE_TOLERANCE * muScale));
    }

    private static void assertRelativelyClose(String name, double actual, double expected) {
        assertThat(actual)
                .as(name)
                .isCloseTo(expected, within(RELATIVE_TOLERANCE * Math.abs(expected)));
    }
}
