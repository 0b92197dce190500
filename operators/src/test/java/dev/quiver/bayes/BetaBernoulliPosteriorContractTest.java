package dev.quiver.bayes;

class BetaBernoulliPosteriorContractTest extends ConjugatePosteriorContractTest {

    @Override
    ConjugatePosterior newPosterior() {
        return BetaBernoulliPosterior.withPrior(2.0, 3.0);
    }

    @Override
    ConjugatePosterior fromBytes(byte[] bytes) {
        return BetaBernoulliPosterior.fromBytes(bytes);
    }

    @Override
    double[] validValues() {
        return new double[] {1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1};
    }

    @Override
    double[] invalidValues() {
        return new double[] {
            Double.NaN, 2.0, -1.0, 0.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300
        };
    }
}
