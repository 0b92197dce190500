package dev.quiver.bayes;

import java.util.List;
import java.util.stream.DoubleStream;

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
    List<BayesObservation> validObservations() {
        return DoubleStream.of(1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1)
                .mapToObj(BayesObservation::of)
                .toList();
    }

    @Override
    List<BayesObservation> invalidObservations() {
        return DoubleStream.of(
                        Double.NaN,
                        2.0,
                        -1.0,
                        0.5,
                        Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY,
                        1e-300)
                .mapToObj(BayesObservation::of)
                .toList();
    }
}
