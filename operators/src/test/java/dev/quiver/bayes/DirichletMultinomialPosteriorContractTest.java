package dev.quiver.bayes;

import java.util.List;

class DirichletMultinomialPosteriorContractTest extends ConjugatePosteriorContractTest {

    @Override
    ConjugatePosterior newPosterior() {
        return DirichletMultinomialPosterior.withPrior(0.5, 5);
    }

    @Override
    ConjugatePosterior fromBytes(byte[] bytes) {
        return DirichletMultinomialPosterior.fromBytes(bytes);
    }

    /** Five categories, one non-ASCII, and a NaN value that the model ignores. */
    @Override
    List<BayesObservation> validObservations() {
        return List.of(
                BayesObservation.ofCategory("red"),
                BayesObservation.ofCategory("blue"),
                BayesObservation.ofCategory("red"),
                BayesObservation.ofCategory("green"),
                BayesObservation.ofCategory("red"),
                new BayesObservation(Double.NaN, new double[0], "amber"),
                BayesObservation.ofCategory("blue"),
                BayesObservation.ofCategory("grün"),
                BayesObservation.ofCategory("red"),
                BayesObservation.ofCategory("blue"),
                BayesObservation.ofCategory("green"),
                BayesObservation.ofCategory("red"));
    }

    /**
     * The contract asks for a NaN value, but this model reads only the category; its invalid
     * observations are bad categories. A new category past the maximum cannot be tried here (the
     * contract's posterior holds one category), so DirichletMultinomialPosteriorTest covers it.
     */
    @Override
    List<BayesObservation> invalidObservations() {
        return List.of(
                BayesObservation.of(1.0),
                BayesObservation.of(Double.NaN),
                BayesObservation.ofCategory(""),
                BayesObservation.ofCategory("é".repeat(513)),
                BayesObservation.ofCategory("x\uD800y"));
    }
}
