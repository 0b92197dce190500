package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

/**
 * Scores the models in {@code shared/oracles} and compares every row with the outputs XGBoost 1.7.4
 * itself produced ({@code predict(output_margin=True)} and {@code predict()}).
 *
 * <p>Margins are float32 sums in XGBoost's own order (base margin, then the trees in order), so
 * they must equal XGBoost's bit for bit, which is stricter than the 1e-5 the scorer promises. Probabilities
 * must be within 1e-6, the promised bound: they differ only by XGBoost computing the sigmoid and
 * softmax in float32 (about 1e-7 here, the float32 epsilon times a value near 1).
 */
class XgboostOracleTest {

    private static final double PROBABILITY_TOLERANCE = 1e-6;

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "xgb_bc_binary.json, breast_cancer_test.csv, xgb_bc_binary_pred_test.csv",
        "xgb_bc_binary.ubj, breast_cancer_test.csv, xgb_bc_binary_pred_test.csv",
        "xgb_bc_binary.json, breast_cancer_test_with_nan.csv, xgb_bc_binary_pred_test_with_nan.csv",
        "xgb_bc_binary.ubj, breast_cancer_test_with_nan.csv, xgb_bc_binary_pred_test_with_nan.csv"
    })
    void breastCancerMatchesXgboostOnEveryRow(String model, String rows, String expected)
            throws IOException {
        TreeEnsemble ensemble = EnsembleModels.fromXgboost(Oracles.bytes(model));
        assertThat(ensemble.objective()).isEqualTo(Objective.BINARY_LOGISTIC);
        assertThat(ensemble.treeCount()).isEqualTo(100);
        assertThat(ensemble.featureCount()).isEqualTo(30);
        float[] features = Oracles.float32Rows(Oracles.csv(rows, 30));
        double[][] reference = Oracles.csv(expected, 2);
        int rowCount = reference.length;
        assertThat(features).hasSize(rowCount * 30);

        ScoreBuffer out = ensemble.newBuffer(rowCount);
        ensemble.score(features, rowCount, 30, out);
        for (int r = 0; r < rowCount; r++) {
            assertThat(out.margin(r, 0)).as("margin of row %d", r).isEqualTo(reference[r][0]);
            assertThat(out.prediction(r))
                    .as("probability of row %d", r)
                    .isCloseTo(reference[r][1], offset(PROBABILITY_TOLERANCE));
            assertThat(out.probability(r, 1)).isEqualTo(out.prediction(r));
            assertThat(out.probability(r, 0)).isEqualTo(1 - out.prediction(r));
        }
    }

    @Test
    void missingRowsReallyTakeTheDefaultBranches() throws IOException {
        double[][] clean = Oracles.csv("xgb_bc_binary_pred_test.csv", 2);
        double[][] withNan = Oracles.csv("xgb_bc_binary_pred_test_with_nan.csv", 2);
        int differing = 0;
        for (int r = 0; r < clean.length; r++) {
            differing += clean[r][0] != withNan[r][0] ? 1 : 0;
        }
        assertThat(differing).as("rows whose margin NaN changes").isGreaterThan(100);
    }

    @Test
    void irisSoftprobMatchesXgboostOnEveryRow() throws IOException {
        TreeEnsemble ensemble = EnsembleModels.fromXgboost(Oracles.bytes("xgb_iris_softprob.json"));
        assertThat(ensemble.objective()).isEqualTo(Objective.MULTI_SOFTPROB);
        assertThat(ensemble.marginCount()).isEqualTo(3);
        assertThat(ensemble.classCount()).isEqualTo(3);
        float[] features = Oracles.float32Rows(Oracles.csv("iris.csv", 4));
        double[][] reference = Oracles.csv("xgb_iris_softprob_pred.csv", 6);
        int rowCount = reference.length;
        ScoreBuffer out = ensemble.newBuffer(rowCount);
        ensemble.score(features, rowCount, 4, out);
        for (int r = 0; r < rowCount; r++) {
            int best = 0;
            for (int k = 0; k < 3; k++) {
                assertThat(out.margin(r, k))
                        .as("margin %d of row %d", k, r)
                        .isEqualTo(reference[r][k]);
                assertThat(out.probability(r, k))
                        .as("probability %d of row %d", k, r)
                        .isCloseTo(reference[r][3 + k], offset(PROBABILITY_TOLERANCE));
                best = reference[r][3 + k] > reference[r][3 + best] ? k : best;
            }
            assertThat(out.prediction(r)).as("class of row %d", r).isEqualTo(best);
        }
    }

    @Test
    void synthDepthSixMatchesXgboostOnAllHundredThousandRows() throws IOException {
        TreeEnsemble ensemble = EnsembleModels.fromXgboost(Oracles.bytes("xgb_synth_d6_100t.json"));
        assertThat(ensemble.treeCount()).isEqualTo(100);
        float[] rows = Oracles.float32File("xgb_synth_rows_100k.f32");
        double[][] reference = Oracles.csv("xgb_synth_d6_100t_pred_100k.csv", 1);
        int rowCount = reference.length;
        assertThat(rowCount).isEqualTo(100_000);
        assertThat(rows).hasSize(rowCount * 30);
        ScoreBuffer out = ensemble.newBuffer(rowCount);
        ensemble.score(rows, rowCount, 30, out);
        for (int r = 0; r < rowCount; r++) {
            // The file has 9 significant digits: at most 5e-10 of rounding on top of XGBoost's own.
            assertThat(out.prediction(r))
                    .as("probability of row %d", r)
                    .isCloseTo(reference[r][0], offset(PROBABILITY_TOLERANCE));
        }
    }
}
