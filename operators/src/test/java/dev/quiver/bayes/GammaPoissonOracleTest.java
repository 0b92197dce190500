package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Checks every step of a 200-observation Gamma-Poisson sequence against SciPy 1.10 ({@code
 * scipy.stats.gamma} mean and ppf, {@code scipy.stats.nbinom} pmf of the next count), stored in
 * {@code shared/oracles/conjugate_oracle.json}, see {@code shared/oracles/README.md}.
 */
class GammaPoissonOracleTest {

    /**
     * Hipparchus's inverse CDF stops at about 2e-14 relative, and its incomplete gamma is good to
     * about 1e-13 at these shapes (up to 618); SciPy's ppf is near machine precision. 1e-12 leaves
     * a margin without hiding a wrong parameter, which moves the quantiles by percent.
     */
    private static final double QUANTILE_RELATIVE_TOLERANCE = 1e-12;

    /** A log-gamma sum of terms up to about 4e3 that cancel to a few units: about 1e-12. */
    private static final double PMF_RELATIVE_TOLERANCE = 1e-11;

    private static JsonNode oracle;

    @BeforeAll
    static void readOracle() throws IOException {
        final Path file =
                BetaBernoulliOracleTest.oracleDirectory().resolve("conjugate_oracle.json");
        assertThat(file).as("SciPy oracle file").exists();
        oracle = new ObjectMapper().readTree(file.toFile()).get("gamma_poisson");
    }

    @Test
    void everyStepOfTheSequenceMatchesScipy() {
        final JsonNode prior = oracle.get("prior");
        final GammaPoissonPosterior posterior =
                GammaPoissonPosterior.withPrior(
                        prior.get("shape").asDouble(), prior.get("rate").asDouble());
        final JsonNode steps = oracle.get("steps");
        assertThat(steps).hasSize(200);

        for (JsonNode step : steps) {
            final int i = step.get("i").asInt();
            posterior.update(BayesObservation.of(step.get("count").asDouble()));

            assertThat(posterior.shape())
                    .as("shape at %d", i)
                    .isEqualTo(step.get("shape").asDouble());
            assertThat(posterior.rate()).as("rate at %d", i).isEqualTo(step.get("rate").asDouble());
            final PosteriorSummary summary = posterior.summarize();
            assertThat(summary.mean()).as("mean at %d", i).isEqualTo(step.get("mean").asDouble());
            assertRelativelyClose(
                    summary.ciLow(), step.get("q025"), QUANTILE_RELATIVE_TOLERANCE, i);
            assertRelativelyClose(
                    summary.ciHigh(), step.get("q975"), QUANTILE_RELATIVE_TOLERANCE, i);
            final JsonNode pmf = step.get("pred_pmf_0_to_9");
            for (int y = 0; y < pmf.size(); y++) {
                assertRelativelyClose(
                        Math.exp(posterior.logPredictive(BayesObservation.of(y))),
                        pmf.get(y),
                        PMF_RELATIVE_TOLERANCE,
                        i);
            }
        }
    }

    private static void assertRelativelyClose(
            double actual, JsonNode expected, double tolerance, int step) {
        final double value = expected.asDouble();
        assertThat(actual)
                .as("step %d", step)
                .isCloseTo(value, within(tolerance * Math.abs(value)));
    }
}
