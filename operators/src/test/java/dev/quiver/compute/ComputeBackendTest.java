package dev.quiver.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Both backends against the exact squared distance (computed with {@link BigDecimal}) and their
 * stated {@link ComputeBackend#errorBound(int)}, plus the factory and argument checks.
 */
class ComputeBackendTest {

    private static ComputeBackend java;
    private static ComputeBackend nd4j;

    @BeforeAll
    static void openBackends() {
        java = ComputeBackends.java();
        nd4j = ComputeBackends.cpu();
    }

    @AfterAll
    static void closeBackends() {
        java.close();
        nd4j.close();
    }

    @Test
    void javaBackendIsTheDirectFormulaBitForBit() {
        int d = 13;
        float[] queries = randomRows(new SplittableRandom(11L), 5, d, 3f, 100f);
        float[] points = randomRows(new SplittableRandom(12L), 9, d, 3f, 100f);
        float[] out = new float[4 * 6];
        java.squaredDistances(new RowBlock(queries, d, 4), new RowBlock(points, 2 * d, 6), d, out);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 6; j++) {
                float sum = 0f;
                for (int k = 0; k < d; k++) {
                    float diff = queries[(i + 1) * d + k] - points[(j + 2) * d + k];
                    sum += diff * diff;
                }
                assertThat(out[i * 6 + j]).isEqualTo(sum);
            }
        }
    }

    /**
     * Scales: unit data, data far from the origin (where the GEMM form cancels), and tiny data
     * whose squares fall below {@code Float.MIN_NORMAL} (where only the underflow term holds).
     */
    @ParameterizedTest(name = "d = {0}, offset = {1}, scale = {2}")
    @CsvSource({
        "1, 0, 1",
        "3, 0, 1",
        "16, 0, 1",
        "128, 0, 1",
        "3, 1e4, 1",
        "16, 1e4, 1",
        "128, 1e4, 1",
        "16, -3e5, 10",
        "16, 0, 1e-21",
        "128, 1e-20, 1e-22"
    })
    void bothBackendsStayWithinTheirStatedBound(int d, float offset, float scale) {
        float[] queries = randomRows(new SplittableRandom(d), 12, d, scale, offset);
        float[] points = randomRows(new SplittableRandom(d + 1000L), 16, d, scale, offset);
        for (ComputeBackend backend : new ComputeBackend[] {java, nd4j}) {
            float[] out = new float[12 * 16];
            RowBlock queryRows = new RowBlock(queries, 0, 12);
            backend.squaredDistances(queryRows, new RowBlock(points, 0, 16), d, out);
            assertWithinBound(backend, queries, 0, 12, points, 0, 16, d, out);
        }
    }

    /** Shapes change between calls (growth, shrink, offsets) and buffers are reused. */
    @Test
    void nd4jBackendHandlesChangingShapesAndOffsets() {
        SplittableRandom random = new SplittableRandom(42L);
        int[][] shapes = {{3, 5, 4}, {7, 2, 4}, {1, 1, 4}, {30, 41, 9}, {2, 3, 9}, {30, 41, 9}};
        for (int[] shape : shapes) {
            int queryCount = shape[0];
            int pointCount = shape[1];
            int d = shape[2];
            float[] queries = randomRows(random, queryCount + 2, d, 2f, -1f);
            float[] points = randomRows(random, pointCount + 3, d, 2f, -1f);
            float[] out = new float[queryCount * pointCount + 5];
            Arrays.fill(out, -7f);
            nd4j.squaredDistances(
                    new RowBlock(queries, 2 * d, queryCount),
                    new RowBlock(points, 3 * d, pointCount),
                    d,
                    out);
            assertWithinBound(nd4j, queries, 2 * d, queryCount, points, 3 * d, pointCount, d, out);
            assertThat(Arrays.copyOfRange(out, queryCount * pointCount, out.length))
                    .as("entries past the result are left alone")
                    .containsOnly(-7f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void zeroRowsWriteNothing(String name) {
        ComputeBackend backend = name.equals("java") ? java : nd4j;
        float[] out = {-1f};
        RowBlock none = new RowBlock(new float[0], 0, 0);
        RowBlock one = new RowBlock(new float[] {1, 2}, 0, 1);
        backend.squaredDistances(none, one, 2, out);
        backend.squaredDistances(one, none, 2, out);
        assertThat(out).containsExactly(-1f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void badArgumentsNameTheProblem(String name) {
        ComputeBackend backend = name.equals("java") ? java : nd4j;
        float[] rows = new float[6];
        RowBlock oneRow = new RowBlock(rows, 0, 1);
        RowBlock twoRows = new RowBlock(rows, 0, 2);
        RowBlock threeRows = new RowBlock(rows, 0, 3);
        RowBlock pastTheEnd = new RowBlock(rows, 3, 2);
        RowBlock negativeCount = new RowBlock(rows, 0, -1);
        assertThatThrownBy(() -> backend.squaredDistances(oneRow, oneRow, 0, rows))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension must be at least 1, got 0");
        assertThatThrownBy(() -> backend.squaredDistances(twoRows, pastTheEnd, 2, rows))
                .hasMessageContaining(
                        "points holds 6 floats, needs [3, 7) for 2 rows of dimension 2");
        assertThatThrownBy(() -> backend.squaredDistances(threeRows, threeRows, 2, new float[8]))
                .hasMessageContaining("out holds 8 floats, needs 9");
        assertThatThrownBy(() -> backend.squaredDistances(negativeCount, threeRows, 2, rows))
                .hasMessageContaining("queryCount -1");
    }

    @Test
    void closedNd4jBackendRefusesWork() {
        ComputeBackend backend = ComputeBackends.cpu();
        float[] out = new float[1];
        RowBlock query = new RowBlock(new float[] {1}, 0, 1);
        RowBlock point = new RowBlock(new float[] {3}, 0, 1);
        backend.squaredDistances(query, point, 1, out);
        assertThat(out[0]).isEqualTo(4f);
        backend.close();
        backend.close(); // idempotent
        assertThatThrownBy(() -> backend.squaredDistances(query, point, 1, out))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nd4j-cpu is closed");
    }

    @Test
    void factoryKnowsItsNamesAndListsThemForUnknownOnes() {
        try (ComputeBackend cpu = ComputeBackends.byName("nd4j-cpu");
                ComputeBackend reference = ComputeBackends.byName("java")) {
            assertThat(cpu.name()).isEqualTo("nd4j-cpu");
            assertThat(reference.name()).isEqualTo("java");
        }
        assertThat(ComputeBackends.NAMES).containsExactly("cuda", "nd4j-cpu", "java");
        assertThatThrownBy(() -> ComputeBackends.byName("tpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown compute backend 'tpu'; known: cuda, nd4j-cpu, java");
        assertThatThrownBy(() -> ComputeBackends.byName(null))
                .hasMessageContaining("unknown compute backend 'null'");
    }

    @Test
    void gammaIsHighamsBoundAndRejectsUselessN() {
        assertThat(ComputeBackend.gamma(0)).isZero();
        assertThat(ComputeBackend.gamma(1)).isEqualTo(0x1p-24 / (1 - 0x1p-24));
        assertThat(java.errorBound(16)).isEqualTo(2 * ComputeBackend.gamma(18));
        assertThat(nd4j.errorBound(16)).isEqualTo(ComputeBackend.gamma(21));
        assertThatThrownBy(() -> ComputeBackend.gamma(1 << 23))
                .hasMessageContaining("got n = 8388608");
        assertThatThrownBy(() -> ComputeBackend.gamma(-1)).hasMessageContaining("got n = -1");
    }

    /** Rows of {@code offset + scale * U[0, 1)}, rounded to float. */
    private static float[] randomRows(
            SplittableRandom random, int count, int d, float scale, float offset) {
        float[] rows = new float[count * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) (offset + scale * random.nextDouble());
        }
        return rows;
    }

    /**
     * Checks {@code |out - D| <= c(d) (|q|^2 + |x|^2 + d MIN_NORMAL)} with {@code D} and the norms
     * computed exactly in {@link BigDecimal}.
     */
    private static void assertWithinBound(
            ComputeBackend backend,
            float[] queries,
            int queryOffset,
            int queryCount,
            float[] points,
            int pointOffset,
            int pointCount,
            int d,
            float[] out) {
        BigDecimal c = new BigDecimal(backend.errorBound(d));
        BigDecimal underflow = new BigDecimal(Float.MIN_NORMAL).multiply(BigDecimal.valueOf(d));
        for (int i = 0; i < queryCount; i++) {
            int q = queryOffset + i * d;
            BigDecimal queryNorm = exactSquaredNorm(queries, q, d);
            for (int j = 0; j < pointCount; j++) {
                int x = pointOffset + j * d;
                BigDecimal exact = BigDecimal.ZERO;
                for (int k = 0; k < d; k++) {
                    BigDecimal diff =
                            new BigDecimal(queries[q + k]).subtract(new BigDecimal(points[x + k]));
                    exact = exact.add(diff.multiply(diff));
                }
                BigDecimal bound =
                        c.multiply(queryNorm.add(exactSquaredNorm(points, x, d)).add(underflow));
                BigDecimal error = new BigDecimal(out[i * pointCount + j]).subtract(exact).abs();
                assertThat(error)
                        .as(
                                "%s: query %d, point %d: got %s, exact %s",
                                backend.name(),
                                i,
                                j,
                                out[i * pointCount + j],
                                exact.round(MathContext.DECIMAL64))
                        .isLessThanOrEqualTo(bound);
            }
        }
    }

    private static BigDecimal exactSquaredNorm(float[] rows, int offset, int d) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < d; k++) {
            BigDecimal value = new BigDecimal(rows[offset + k]);
            sum = sum.add(value.multiply(value));
        }
        return sum;
    }
}
