package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.FlatForest;
import dev.quiver.compute.cuda.CudaHostCheck;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;

/**
 * The CUDA kernels' tree traversal and margin sums (operators/src/main/cuda/quiver/trees.cuh), run
 * on the host by {@code host_check} over the very arrays {@link TreeEnsemble} scores with, against
 * its margins bit for bit, on the XGBoost oracle models and rows of {@code shared/oracles}
 * (missing values included).
 *
 * <p>The arrays are read from the ensemble's private fields by reflection, so that the scorer
 * keeps no accessor for a test: a renamed field fails here at once, naming it.
 */
class CudaTreeHostCheckTest {

    @BeforeEach
    void needsTheProgram() {
        CudaHostCheck.assumeBuilt();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "xgb_bc_binary.json, breast_cancer_test.csv, 30",
        "xgb_bc_binary.json, breast_cancer_test_with_nan.csv, 30",
        "xgb_iris_softprob.json, iris.csv, 4",
        "xgb_synth_d6_100t.json, , 30"
    })
    void marginsEqualTheJavaScorersBitForBit(String model, String rowsFile, int features)
            throws Exception {
        TreeEnsemble ensemble = EnsembleModels.fromXgboost(Oracles.bytes(model));
        float[] rows =
                rowsFile == null
                        ? java.util.Arrays.copyOf(
                                Oracles.float32File("xgb_synth_rows_100k.f32"), 20_000 * features)
                        : Oracles.float32Rows(Oracles.csv(rowsFile, features));
        int rowCount = rows.length / features;
        ScoreBuffer expected = ensemble.newBuffer(rowCount);
        ensemble.score(rows, rowCount, features, expected);

        ByteBuffer out = CudaHostCheck.run("trees", layout(ensemble, rows, rowCount));
        int margins = ensemble.marginCount();
        for (int r = 0; r < rowCount; r++) {
            for (int k = 0; k < margins; k++) {
                float got = out.getFloat();
                assertThat(Float.floatToRawIntBits(got))
                        .as("margin %d of row %d: %s vs %s", k, r, got, expected.margin(r, k))
                        .isEqualTo(Float.floatToRawIntBits((float) expected.margin(r, k)));
            }
        }
        assertThat(out.remaining()).isZero();
    }

    /** host_check's trees input: the scorer's node and tree arrays, base margins, then the rows. */
    private static ByteBuffer layout(TreeEnsemble ensemble, float[] rows, int rowCount) {
        FlatForest flat = ensemble.flatView();
        int nodes = flat.nodeCount();
        int trees = flat.treeCount();
        int margins = ensemble.marginCount();
        ByteBuffer in =
                CudaHostCheck.input(
                        20 + 17 * nodes + 12 * trees + 4 * margins + 4 * rows.length);
        in.putInt(nodes).putInt(trees).putInt(ensemble.featureCount()).putInt(margins)
                .putInt(rowCount);
        for (int f : flat.feature()) {
            in.putInt(f);
        }
        for (float t : flat.threshold()) {
            in.putFloat(t);
        }
        for (int l : flat.left()) {
            in.putInt(l);
        }
        in.put(flat.defaultLeft());
        for (float v : flat.value()) {
            in.putFloat(v);
        }
        for (int t = 0; t < trees; t++) {
            in.putInt(flat.treeRoot()[t]);
        }
        for (int t = 0; t < trees; t++) {
            in.putInt(flat.treeDepth()[t]);
        }
        for (int t = 0; t < trees; t++) {
            in.putInt(flat.treeGroup()[t]);
        }
        for (int k = 0; k < margins; k++) {
            in.putFloat(ensemble.baseMargin(k));
        }
        for (float x : rows) {
            in.putFloat(x);
        }
        return in;
    }
}
