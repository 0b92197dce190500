package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.FlatForest;
import dev.quiver.compute.ForestHandle;
import dev.quiver.compute.ForestKernel;
import dev.quiver.ensemble.EnsembleModels.Combine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;

/**
 * The java backend's forests capability over {@link TreeEnsemble#flatView()}: margins equal to
 * XGBoost's own ({@code predict(output_margin=True)}, the oracle files of XgboostOracleTest) and to
 * {@link TreeEnsemble#score}, bit for bit, rows with NaN included; and a model scored through the
 * kernel ({@link EnsembleModel#scoredBy}), compositions included, gives every output of the model
 * itself.
 */
class JavaForestKernelTest {

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "xgb_bc_binary.json, breast_cancer_test.csv, 30, xgb_bc_binary_pred_test.csv, 2",
        "xgb_bc_binary.ubj, breast_cancer_test_with_nan.csv, 30,"
                + " xgb_bc_binary_pred_test_with_nan.csv, 2",
        "xgb_iris_softprob.json, iris.csv, 4, xgb_iris_softprob_pred.csv, 6"
    })
    void marginsEqualXgboostsAndTheEnsemblesBitForBit(
            String model, String rowsFile, int features, String predictions, int columns)
            throws IOException {
        TreeEnsemble ensemble = EnsembleModels.fromXgboost(Oracles.bytes(model));
        float[] rows = Oracles.float32Rows(Oracles.csv(rowsFile, features));
        double[][] reference = Oracles.csv(predictions, columns);
        int rowCount = reference.length;
        int margins = ensemble.marginCount();
        ScoreBuffer expected = ensemble.newBuffer(rowCount);
        ensemble.score(rows, rowCount, features, expected);

        try (ComputeBackend backend = ComputeBackends.byName("java")) {
            ForestKernel kernel = backend.forests();
            assertThat(kernel.backend()).isEqualTo("java");
            float[] out = new float[rowCount * margins];
            try (ForestHandle handle = kernel.load(ensemble.flatView())) {
                assertThat(handle.featureCount()).isEqualTo(features);
                assertThat(handle.marginCount()).isEqualTo(margins);
                kernel.score(handle, rows, rowCount, features, out);
            }
            for (int r = 0; r < rowCount; r++) {
                for (int k = 0; k < margins; k++) {
                    float margin = out[r * margins + k];
                    assertThat((double) margin)
                            .as("margin %d of row %d against XGBoost", k, r)
                            .isEqualTo(reference[r][k]);
                    assertThat(Float.floatToRawIntBits(margin))
                            .as("margin %d of row %d against TreeEnsemble", k, r)
                            .isEqualTo(Float.floatToRawIntBits((float) expected.margin(r, k)));
                }
            }
        }
    }

    @Test
    void aModelScoredByTheKernelGivesEveryOutputOfTheModel() throws IOException {
        float[] rows = Oracles.float32Rows(Oracles.csv("breast_cancer_test_with_nan.csv", 30));
        int rowCount = rows.length / 30;
        TreeEnsemble xgboost = EnsembleModels.fromXgboost(Oracles.bytes("xgb_bc_binary.json"));
        EnsembleModel small =
                EnsembleModels.fromBytes(
                        new RandomTrees(41L, 20, 4, 30, "binary:logistic", 0, true).json());
        List<EnsembleModel> models =
                List.of(
                        xgboost,
                        EnsembleModels.bagging(List.of(xgboost, small), Combine.MEAN),
                        EnsembleModels.bagging(List.of(xgboost, small), Combine.VOTE));
        try (ComputeBackend backend = ComputeBackends.byName("nd4j-cpu")) {
            assertThat(backend.forests().backend()).isEqualTo("java");
            for (EnsembleModel model : models) {
                EnsembleModel scored = model.scoredBy(backend.forests());
                ScoreBuffer expected = model.newBuffer(rowCount);
                model.score(rows, rowCount, 30, expected);
                ScoreBuffer actual = scored.newBuffer(rowCount);
                scored.score(rows, rowCount, 30, actual);
                for (int r = 0; r < rowCount; r++) {
                    for (int k = 0; k < model.marginCount(); k++) {
                        assertThat(actual.margin(r, k)).isEqualTo(expected.margin(r, k));
                    }
                    for (int k = 0; k < model.classCount(); k++) {
                        assertThat(actual.probability(r, k)).isEqualTo(expected.probability(r, k));
                    }
                    assertThat(actual.prediction(r))
                            .as("row %d", r)
                            .isEqualTo(expected.prediction(r));
                }
            }
        }
    }

    @Test
    void badCallsNameTheProblem() throws IOException {
        TreeEnsemble iris = EnsembleModels.fromXgboost(Oracles.bytes("xgb_iris_softprob.json"));
        JavaForestKernel kernel = new JavaForestKernel();
        ForestHandle handle = kernel.load(iris.flatView());
        assertThatThrownBy(() -> kernel.score(handle, new float[8], 2, 3, new float[6]))
                .hasMessageContaining("rows have 3 features; the model takes 4");
        assertThatThrownBy(() -> kernel.score(handle, new float[8], 2, 4, new float[5]))
                .hasMessageContaining("2 rows need 8 floats of rows and 6 of margins");
        assertThatThrownBy(
                        () ->
                                new JavaForestKernel()
                                        .score(handle, new float[4], 1, 4, new float[3]))
                .hasMessageContaining("loaded by another kernel");
        FlatForest noMissing =
                new FlatForest(
                        1,
                        new float[] {0f},
                        false,
                        new int[] {0, 0, 0},
                        new float[] {0.5f, Float.NaN, Float.NaN},
                        new int[] {1, 0, 1},
                        new int[] {2, 1, 2},
                        new byte[] {0, 0, 0},
                        new float[] {0f, -1f, 1f},
                        new int[] {0},
                        new int[] {1},
                        new int[] {0},
                        new boolean[] {true});
        ForestHandle stump = kernel.load(noMissing);
        float[] margins = new float[2];
        kernel.score(stump, new float[] {0.2f, 0.9f}, 2, 1, margins);
        assertThat(margins).containsExactly(-1f, 1f);
        assertThatThrownBy(() -> kernel.score(stump, new float[] {Float.NaN}, 1, 1, margins))
                .hasMessageContaining("a row holds NaN and the model has no rule");
    }
}
