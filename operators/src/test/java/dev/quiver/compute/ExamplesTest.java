package dev.quiver.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.knn.BruteForceKnn;

import org.junit.jupiter.api.Test;

/**
 * Runs the code of each public type's javadoc example, so the examples cannot rot. Keep each test
 * body in step with the {@code <pre>{@code ...}</pre>} block it names.
 */
class ExamplesTest {

    @Test
    void computeBackendExample() {
        try (ComputeBackend backend = ComputeBackends.byName("nd4j-cpu")) {
            float[] queries = {0f, 0f, 1f, 1f};
            float[] points = {3f, 4f, 0f, 1f, 1f, 1f};
            float[] out = new float[2 * 3];
            backend.squaredDistances(
                    new RowBlock(queries, 0, 2), new RowBlock(points, 0, 3), 2, out);
            float[] expected = {25, 1, 2, 13, 1, 0};
            for (int i = 0; i < 6; i++) {
                int q = i / 3;
                int x = i % 3;
                double normSum =
                        queries[2 * q] * queries[2 * q]
                                + queries[2 * q + 1] * queries[2 * q + 1]
                                + points[2 * x] * points[2 * x]
                                + points[2 * x + 1] * points[2 * x + 1];
                assertThat((double) out[i])
                        .isCloseTo(
                                expected[i],
                                within(backend.errorBound(2) * (normSum + 2 * Float.MIN_NORMAL)));
            }
        }
    }

    @Test
    void computeBackendsExample() {
        try (ComputeBackend backend = ComputeBackends.byName("nd4j-cpu")) {
            BruteForceKnn knn = new BruteForceKnn(backend);
            assertThat(knn.backend().name()).isEqualTo(ComputeBackends.cpu().name());
        }
        assertThatThrownBy(() -> ComputeBackends.byName("cuda"))
                .hasMessage("unknown compute backend 'cuda'; known: nd4j-cpu, java");
    }

    @Test
    void rowBlockExample() {
        float[] store = {9f, 9f, 3f, 4f, 0f, 1f};
        RowBlock lastTwo = new RowBlock(store, 2, 2);
        int second = lastTwo.rowStart(1, 2);
        lastTwo.checkRows("points", 2);
        assertThat(second).isEqualTo(4);
        assertThat(lastTwo.length(2)).isEqualTo(4);
        assertThatThrownBy(() -> new RowBlock(store, 4, 2).checkRows("points", 2))
                .hasMessage("points holds 6 floats, needs [4, 8) for 2 rows of dimension 2");
    }

    @Test
    void gammaExample() {
        double g = ComputeBackend.gamma(130);
        assertThat(g).isCloseTo(7.75e-6, within(0.01e-6));
    }

    @Test
    void squaredNormsExample() {
        double norm = SquaredNorms.of(new float[] {3f, 4f}, 0, 2);
        assertThat(norm).isEqualTo(25.0);
    }

    @Test
    void squaredNormsSumEveryCoordinateWhateverTheRemainder() {
        for (int d = 0; d <= 9; d++) {
            float[] row = new float[d + 2];
            double expected = 0;
            for (int k = 0; k < d; k++) {
                row[k + 1] = k + 0.5f;
                expected += (k + 0.5) * (k + 0.5);
            }
            row[0] = 1e30f;
            row[d + 1] = 1e30f;
            assertThat(SquaredNorms.of(row, 1, d)).as("d = %d", d).isEqualTo(expected);
        }
    }
}
