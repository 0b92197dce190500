package dev.quiver.compute.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.FlatForest;
import dev.quiver.compute.ForestHandle;
import dev.quiver.compute.ForestKernel;
import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.Oracles;
import dev.quiver.ensemble.TreeEnsemble;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

/**
 * On a GPU: the cuda forests' margins are the java forests' bit for bit, on the XGBoost oracle
 * models of {@code shared/oracles} (binary with and without missing values, multi-class, and a
 * 100-tree depth-6 model on 100,000 rows), and no call fell back to the CPU.
 */
@Tag("gpu")
class CudaForestsGpuTest {

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "xgb_bc_binary.json, breast_cancer_test.csv, 30",
        "xgb_bc_binary.ubj, breast_cancer_test_with_nan.csv, 30",
        "xgb_iris_softprob.json, iris.csv, 4",
        "xgb_synth_d6_100t.json, xgb_synth_rows_100k.f32, 30"
    })
    void marginsAreJavasBitForBit(String model, String rows, int features) throws IOException {
        TreeEnsemble ensemble = EnsembleModels.fromXgboost(Oracles.bytes(model));
        FlatForest forest = ensemble.flatView();
        float[] values =
                rows.endsWith(".f32")
                        ? Oracles.float32File(rows)
                        : Oracles.float32Rows(Oracles.csv(rows, features));
        int rowCount = values.length / features;
        float[] expected =
                margins(ComputeBackends.byName("java"), forest, values, rowCount, features);
        try (ComputeBackend cuda = ComputeBackends.byName("cuda")) {
            assertThat(cuda.forests().backend()).isEqualTo("cuda");
            float[] actual = margins(cuda, forest, values, rowCount, features);
            for (int i = 0; i < expected.length; i++) {
                assertThat(Float.floatToRawIntBits(actual[i]))
                        .as("margin %d", i)
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
            assertThat(cuda.fallbacks()).isZero();
            assertThat(cuda.batches()).isPositive();
        }
    }

    /** Scores in uneven batches through one handle, then closes backend and handle. */
    private static float[] margins(
            ComputeBackend backend, FlatForest forest, float[] rows, int rowCount, int features) {
        int marginCount = forest.marginCount();
        float[] out = new float[rowCount * marginCount];
        try (backend;
                ForestHandle handle = backend.forests().load(forest)) {
            ForestKernel kernel = backend.forests();
            int batch = 7_777;
            float[] part = new float[batch * features];
            float[] partMargins = new float[batch * marginCount];
            for (int first = 0; first < rowCount; first += batch) {
                int n = Math.min(batch, rowCount - first);
                System.arraycopy(rows, first * features, part, 0, n * features);
                kernel.score(handle, part, n, features, partMargins);
                System.arraycopy(partMargins, 0, out, first * marginCount, n * marginCount);
            }
        }
        return out;
    }
}
