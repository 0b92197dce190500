package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Golden state bytes of the posterior families: one file per family and shipped serial version
 * under src/test/resources/dev/quiver/bayes/, named {@code <family>_v<version>.bin}. The samples
 * below are what the current version's files were written from (by {@link
 * PosteriorGoldenBytesWriter}, which writes only missing files); never rewrite a shipped file. When
 * a family's serial version changes, add its new file and keep a test that the old one still reads,
 * as {@code beta_bernoulli_v1.bin} does.
 */
final class PosteriorGoldenBytes {

    static final String DIRECTORY = "dev/quiver/bayes/";

    private PosteriorGoldenBytes() {}

    /** The file name of a family's golden state for one serial version. */
    static String name(String family, int serialVersion) {
        return family + "_v" + serialVersion + ".bin";
    }

    /** Each family's sample posterior for the current serial version, by file name. */
    static Map<String, Supplier<ConjugatePosterior>> currentSamples() {
        final int version = PosteriorStateFormat.CURRENT_SERIAL_VERSION;
        final Map<String, Supplier<ConjugatePosterior>> samples = new LinkedHashMap<>();
        samples.put(name("beta_bernoulli", version), PosteriorGoldenBytes::betaBernoulli);
        samples.put(name("beta_binomial", version), PosteriorGoldenBytes::betaBinomial);
        samples.put(name("gamma_poisson", version), PosteriorGoldenBytes::gammaPoisson);
        samples.put(name("dirichlet", version), PosteriorGoldenBytes::dirichlet);
        return samples;
    }

    /** Prior Beta(1, 1), 7 successes and 3 failures, then decay 0.5: weights 3.5 and 1.5. */
    static BetaBernoulliPosterior betaBernoulli() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
        posterior.update(new double[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, 0, 10);
        posterior.decay(0.5);
        return posterior;
    }

    /** Prior Beta(2, 3); 3 of 10, 0 of 4, 5 of 5 and 600 of 1500, then decay 0.75. */
    static BetaBinomialPosterior betaBinomial() {
        final BetaBinomialPosterior posterior = BetaBinomialPosterior.withPrior(2.0, 3.0);
        posterior.update(BayesObservation.withFeatures(3, 10));
        posterior.update(BayesObservation.withFeatures(0, 4));
        posterior.update(BayesObservation.withFeatures(5, 5));
        posterior.update(BayesObservation.withFeatures(600, 1500));
        posterior.decay(0.75);
        return posterior;
    }

    /** Prior Gamma(2, 1); 3 (exposure 1), 5 in 2.5 and 0 in 0.5. */
    static GammaPoissonPosterior gammaPoisson() {
        final GammaPoissonPosterior posterior = GammaPoissonPosterior.withPrior(2.0, 1.0);
        posterior.update(BayesObservation.of(3));
        posterior.update(BayesObservation.withFeatures(5, 2.5));
        posterior.update(BayesObservation.withFeatures(0, 0.5));
        return posterior;
    }

    /** Dirichlet(0.5) over 4 categories; red, blue, red and a non-ASCII name, "grün". */
    static DirichletMultinomialPosterior dirichlet() {
        final DirichletMultinomialPosterior posterior =
                DirichletMultinomialPosterior.withPrior(0.5, 4);
        for (String category : new String[] {"red", "blue", "red", "grün"}) {
            posterior.update(BayesObservation.ofCategory(category));
        }
        return posterior;
    }

    /** Reads a golden file from the test resources. */
    static byte[] read(String name) throws IOException {
        final String path = DIRECTORY + name;
        try (InputStream in =
                PosteriorGoldenBytes.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as("golden file %s", path).isNotNull();
            return in.readAllBytes();
        }
    }
}
