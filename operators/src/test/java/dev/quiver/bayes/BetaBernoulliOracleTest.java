package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Checks every step of a 200-observation Beta-Bernoulli sequence against SciPy 1.10 (Debian's
 * python3-scipy; {@code scipy.stats.beta} mean, var and ppf), stored in {@code
 * shared/oracles/conjugate_oracle.json}, see {@code shared/oracles/README.md}.
 */
class BetaBernoulliOracleTest {

    /**
     * Mean and variance are one or two roundings of alpha/(alpha+beta) and alpha beta
     * /((alpha+beta)^2 (alpha+beta+1)) in both implementations, so they agree to a few ulps; 1e-12
     * leaves room for the different evaluation order without hiding a wrong formula.
     */
    private static final double MOMENT_RELATIVE_TOLERANCE = 1e-12;

    /**
     * {@link BetaBernoulliPosterior#quantile(double)} documents about 1e-13 relative accuracy and
     * SciPy's ppf (Boost's ibeta_inv) is close to machine precision; 1e-12 leaves a tenfold margin
     * over their sum. (The largest difference over the 400 quantiles was 1.3e-14 when written.)
     */
    private static final double QUANTILE_RELATIVE_TOLERANCE = 1e-12;

    private static JsonNode oracle;

    @BeforeAll
    static void readOracle() throws IOException {
        final Path file = oracleDirectory().resolve("conjugate_oracle.json");
        assertThat(file).as("SciPy oracle file").exists();
        oracle = new ObjectMapper().readTree(file.toFile()).get("beta_bernoulli");
    }

    /**
     * Surefire sets {@code quiver.oracles}; an IDE run from the module directory may not, so fall
     * back to the checkout's sibling {@code shared} folder.
     */
    static Path oracleDirectory() {
        final String property = System.getProperty("quiver.oracles");
        if (property != null && !property.isBlank() && Files.isDirectory(Paths.get(property))) {
            return Paths.get(property);
        }
        return Paths.get("../../shared/oracles");
    }

    @Test
    void everyStepOfTheSequenceMatchesScipy() {
        final JsonNode prior = oracle.get("prior");
        final BetaBernoulliPosterior posterior =
                BetaBernoulliPosterior.withPrior(
                        prior.get("alpha").asDouble(), prior.get("beta").asDouble());
        final JsonNode steps = oracle.get("steps");
        assertThat(steps).hasSize(200);

        for (JsonNode step : steps) {
            final int i = step.get("i").asInt();
            posterior.update(step.get("x").asDouble());

            assertThat(posterior.alpha())
                    .as("alpha at step %d", i)
                    .isEqualTo(step.get("alpha").asDouble());
            assertThat(posterior.beta())
                    .as("beta at step %d", i)
                    .isEqualTo(step.get("beta").asDouble());
            assertRelativelyClose(
                    posterior.mean(),
                    step.get("mean").asDouble(),
                    MOMENT_RELATIVE_TOLERANCE,
                    "mean",
                    i);
            assertRelativelyClose(
                    posterior.variance(),
                    step.get("var").asDouble(),
                    MOMENT_RELATIVE_TOLERANCE,
                    "variance",
                    i);
            // The posterior predictive P(next = 1) is the posterior mean.
            assertRelativelyClose(
                    Math.log(posterior.mean()),
                    step.get("log_marglik_next1").asDouble(),
                    MOMENT_RELATIVE_TOLERANCE,
                    "log predictive",
                    i);
            assertRelativelyClose(
                    posterior.quantile(0.025),
                    step.get("q025").asDouble(),
                    QUANTILE_RELATIVE_TOLERANCE,
                    "q025",
                    i);
            assertRelativelyClose(
                    posterior.quantile(0.975),
                    step.get("q975").asDouble(),
                    QUANTILE_RELATIVE_TOLERANCE,
                    "q975",
                    i);

            final PosteriorSummary summary = posterior.summarize();
            assertRelativelyClose(
                    summary.ciLow(),
                    step.get("q025").asDouble(),
                    QUANTILE_RELATIVE_TOLERANCE,
                    "ciLow",
                    i);
            assertRelativelyClose(
                    summary.ciHigh(),
                    step.get("q975").asDouble(),
                    QUANTILE_RELATIVE_TOLERANCE,
                    "ciHigh",
                    i);
            assertThat(summary.n()).as("n at step %d", i).isEqualTo(i + 1);
        }
    }

    private static void assertRelativelyClose(
            double actual, double expected, double relativeTolerance, String what, int step) {
        assertThat(actual)
                .as("%s at step %d", what, step)
                .isCloseTo(expected, within(relativeTolerance * Math.abs(expected)));
    }
}
