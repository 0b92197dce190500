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
        samples.put(name("normal", version), PosteriorGoldenBytes::normal);
        samples.put(name("blr", version), PosteriorGoldenBytes::linearRegression);
        return samples;
    }

    /**
     * The change-point detector's sample for the current serial version, by file name; apart from
     * {@link #currentSamples()} because the detector is not a {@link ConjugatePosterior}.
     */
    static Map<String, Supplier<ChangePointDetector>> currentDetectorSamples() {
        final Map<String, Supplier<ChangePointDetector>> samples = new LinkedHashMap<>();
        samples.put(
                name("change_point", PosteriorStateFormat.CURRENT_SERIAL_VERSION),
                PosteriorGoldenBytes::changePoint);
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

    /**
     * Prior NIG(1.5, 0.5, 2, 3); a batch of four values, two single values (one far below the
     * rest), then decay 0.9: a fractional n, a mean off the prior's and a non-zero m2.
     */
    static NormalInverseGammaPosterior normal() {
        final NormalInverseGammaPosterior posterior =
                NormalInverseGammaPosterior.withPrior(1.5, 0.5, 2.0, 3.0);
        posterior.update(new double[] {4.8, 5.1, 5.3, 4.9}, 0, 4);
        posterior.update(5.2);
        posterior.update(-1.25);
        posterior.decay(0.9);
        return posterior;
    }

    /**
     * Prior d = 3, alpha 0.01, InvGamma(2, 1.5); six observations near y = 1 + 2 x1 - 0.5 x2, a
     * decay of 0.8 and one more observation, so the factor holds rotations of both kinds.
     */
    static BayesianLinearRegression linearRegression() {
        final BayesianLinearRegression posterior =
                BayesianLinearRegression.withPrior(3, 0.01, 2.0, 1.5);
        final double[][] rows = {
            {1.0, 0.5, 2.0}, {1.0, -1.0, 0.25}, {1.0, 3.0, -1.5},
            {1.0, 0.0, 0.0}, {1.0, 2.5, 4.0}, {1.0, -2.0, 1.0}
        };
        final double[] values = {1.9, -1.2, 7.8, 1.05, 3.9, -3.4};
        for (int i = 0; i < rows.length; i++) {
            posterior.update(rows[i], values[i]);
        }
        posterior.decay(0.8);
        posterior.update(new double[] {1.0, 1.0, 1.0}, 2.6);
        return posterior;
    }

    /**
     * Prior NIG(0, 0.1, 1, 1), hazard 1/20, M = 8, w = 3; twelve observations with a jump from
     * about 0 to about 6 after the seventh, so the last bin has folded runs longer than M.
     */
    static ChangePointDetector changePoint() {
        final ChangePointDetector detector =
                ChangePointDetector.create(0.0, 0.1, 1.0, 1.0, 20.0, 8, 3);
        final double[] values = {0.1, -0.3, 0.25, 0.0, 0.4, -0.2, 0.15, 6.1, 5.8, 6.3, 5.9, 6.05};
        for (double value : values) {
            detector.update(BayesObservation.of(value));
        }
        return detector;
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
