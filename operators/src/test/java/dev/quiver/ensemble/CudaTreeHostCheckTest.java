package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.cuda.CudaHostCheck;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.Field;
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
    private static ByteBuffer layout(TreeEnsemble ensemble, float[] rows, int rowCount)
            throws ReflectiveOperationException {
        long[] packed = field(ensemble, "packed", long[].class);
        int[] left = field(ensemble, "left", int[].class);
        byte[] defaultLeft = field(ensemble, "defaultLeft", byte[].class);
        float[] value = field(ensemble, "value", float[].class);
        int[] root = field(ensemble, "treeRoot", int[].class);
        int[] depth = field(ensemble, "treeDepth", int[].class);
        int[] group = field(ensemble, "treeGroup", int[].class);
        int nodes = packed.length;
        int trees = root.length;
        int margins = ensemble.marginCount();
        ByteBuffer in =
                CudaHostCheck.input(
                        20 + 17 * nodes + 12 * trees + 4 * margins + 4 * rows.length);
        in.putInt(nodes).putInt(trees).putInt(ensemble.featureCount()).putInt(margins)
                .putInt(rowCount);
        for (long p : packed) {
            in.putInt((int) p);
        }
        for (long p : packed) {
            in.putFloat(threshold((int) (p >> 32)));
        }
        for (int l : left) {
            in.putInt(l);
        }
        in.put(defaultLeft);
        for (float v : value) {
            in.putFloat(v);
        }
        for (int t = 0; t < trees; t++) {
            in.putInt(root[t]);
        }
        for (int t = 0; t < trees; t++) {
            in.putInt(depth[t]);
        }
        for (int t = 0; t < trees; t++) {
            in.putInt(group[t]);
        }
        for (int k = 0; k < margins; k++) {
            in.putFloat(ensemble.baseMargin(k));
        }
        for (float x : rows) {
            in.putFloat(x);
        }
        return in;
    }

    /**
     * The float32 threshold behind an order key ({@link TreeEnsemble#orderKey}, inverted): a
     * leaf's or padding node's key, Integer.MIN_VALUE, gives back a NaN.
     */
    private static float threshold(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    private static <T> T field(TreeEnsemble ensemble, String name, Class<T> type)
            throws ReflectiveOperationException {
        Field f = TreeEnsemble.class.getDeclaredField(name);
        f.setAccessible(true);
        return type.cast(f.get(ensemble));
    }
}
