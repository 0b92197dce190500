package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Every objective against XGBoost 3.4.0 itself, in the 3.x file layout (vector {@code base_score}
 * such as {@code "[4.1E-1]"}, {@code iteration_indptr}, {@code cats}, per-class intercepts for
 * multi-class, UBJSON by default): the fixtures in {@code src/test/resources/dev/quiver/ensemble}
 * were written by {@code dev.quiver.bench.XgboostFixtures} with xgboost4j 3.4.0, test rows with 10%
 * NaN, margins from {@code predict(outputMargin=true)} and predictions from {@code predict()}.
 *
 * <p>Margins must match bit for bit (the same float32 sum in the same order); probabilities within
 * 1e-6 and Poisson means within 1e-6 relative, XGBoost computing its transforms in float32.
 */
class Xgboost3FixtureTest {

    private static final double PROBABILITY_TOLERANCE = 1e-6;

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource({
        "reg_squarederror, json", "reg_squarederror, ubj",
        "reg_logistic, json", "reg_logistic, ubj",
        "binary_logistic, json", "binary_logistic, ubj",
        "binary_logitraw, json", "binary_logitraw, ubj",
        "count_poisson, json", "count_poisson, ubj",
        "multi_softprob, json", "multi_softprob, ubj",
        "multi_softmax, json", "multi_softmax, ubj"
    })
    void everyObjectiveMatchesXgboostThree(String objective, String format) {
        TreeEnsemble model =
                EnsembleModels.fromXgboost(resource("xgb3_" + objective + "." + format));
        assertThat(model.objective().xgboostName()).isEqualTo(objective.replaceFirst("_", ":"));
        double[][] rows = csv("xgb3_rows.csv");
        double[][] expected = csv("xgb3_" + objective + "_pred.csv");
        int rowCount = rows.length;
        assertThat(
                        Arrays.stream(rows)
                                .flatMapToDouble(Arrays::stream)
                                .filter(Double::isNaN)
                                .count())
                .as("NaN cells in the test rows")
                .isGreaterThan(20);
        ScoreBuffer out = model.newBuffer(rowCount);
        model.score(Oracles.float32Rows(rows), rowCount, 5, out);

        int margins = model.marginCount();
        for (int r = 0; r < rowCount; r++) {
            for (int k = 0; k < margins; k++) {
                assertThat(out.margin(r, k))
                        .as("margin %d of row %d", k, r)
                        .isEqualTo(expected[r][k]);
            }
            double[] predicted = Arrays.copyOfRange(expected[r], margins, expected[r].length);
            switch (model.objective()) {
                case MULTI_SOFTPROB:
                    for (int k = 0; k < margins; k++) {
                        assertThat(out.probability(r, k))
                                .as("probability %d of row %d", k, r)
                                .isCloseTo(predicted[k], offset(PROBABILITY_TOLERANCE));
                    }
                    break;
                case MULTI_SOFTMAX:
                    assertThat(out.prediction(r)).as("class of row %d", r).isEqualTo(predicted[0]);
                    break;
                case COUNT_POISSON:
                    assertThat(out.prediction(r))
                            .as("mean of row %d", r)
                            .isCloseTo(predicted[0], withinPercentage(1e-4));
                    break;
                default:
                    assertThat(out.prediction(r))
                            .as("prediction of row %d", r)
                            .isCloseTo(predicted[0], offset(PROBABILITY_TOLERANCE));
            }
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = Xgboost3FixtureTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture CSV; XGBoost's outputs are float32, written in their shortest decimal form. */
    static double[][] csv(String name) {
        String[] lines = new String(resource(name), StandardCharsets.UTF_8).split("\n");
        double[][] rows = new double[lines.length - 1][];
        for (int r = 1; r < lines.length; r++) {
            rows[r - 1] =
                    Arrays.stream(lines[r].split(","))
                            .mapToDouble(c -> c.equals("nan") ? Double.NaN : Float.parseFloat(c))
                            .toArray();
        }
        return rows;
    }
}
