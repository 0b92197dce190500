package dev.quiver.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.knn.BruteForceKnn;

import org.junit.jupiter.api.Test;

import java.util.List;

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
    void computeBackendCapabilitiesExample() {
        try (ComputeBackend backend = ComputeBackends.byName("nd4j-cpu")) {
            assertThat(backend.distances().backend()).isEqualTo("nd4j-cpu");
            assertThat(backend.walks().backend()).isEqualTo("java");
        }
    }

    @Test
    void computeBackendsExample() {
        try (ComputeBackend backend = ComputeBackends.byName("auto")) {
            BruteForceKnn knn = new BruteForceKnn(backend);
            assertThat(knn.backend().name()).isEqualTo(ComputeBackends.autoChoice());
        }
        assertThatThrownBy(() -> ComputeBackends.byName("tpu"))
                .hasMessage("unknown compute backend 'tpu'; known: cuda, nd4j-cpu, java");
    }

    @Test
    void distanceKernelExample() {
        try (ComputeBackend backend = ComputeBackends.byName("java");
                PointBlock block = backend.distances().openPointBlock(2)) {
            DistanceKernel distances = backend.distances();
            block.append(new float[] {3f, 4f, 0f, 1f, 1f, 1f}, 0, 3);
            block.tombstone(1);
            float[] sqDist = new float[2];
            int[] slots = new int[2];
            distances.nearest(new RowBlock(new float[] {0f, 0f}, 0, 1), block, 2, sqDist, slots);
            assertThat(slots).containsExactly(2, 0);
            assertThat(sqDist).containsExactly(2f, 25f);
        }
    }

    @Test
    void pointBlockExample() {
        try (ComputeBackend backend = ComputeBackends.java();
                PointBlock block = backend.distances().openPointBlock(2)) {
            int first = block.append(new float[] {1f, 1f, 2f, 2f, 3f, 3f}, 0, 3);
            block.tombstone(0);
            long seen = block.version();
            int[] moved = block.compact();
            assertThat(first).isZero();
            assertThat(seen).isEqualTo(2);
            assertThat(moved).containsExactly(-1, 0, 1);
            assertThat(block.slotCount()).isEqualTo(2);
            assertThat(block.liveCount()).isEqualTo(2);
            assertThat(block.version()).isGreaterThan(seen);
        }
    }

    @Test
    void walkLawExample() {
        WalkLaw law =
                new WalkLaw(WalkLaw.Kind.SIMPLE, 0.5, 0, 0, 0, Double.NaN, 1000, 4096, 20, true,
                        Long.MAX_VALUE);
        assertThat(law.hasBarrier()).isTrue();
        assertThatThrownBy(
                        () ->
                                new WalkLaw(WalkLaw.Kind.SIMPLE, 0.5, 0, 0, 0, Double.NaN, 0, 1,
                                        Double.NaN, false, 1))
                .hasMessageContaining("steps and paths must be at least 1");
    }

    @Test
    void walkKernelAndTalliesExample() {
        try (ComputeBackend backend = ComputeBackends.byName("java")) {
            WalkKernel walks = backend.walks();
            WalkLaw law =
                    new WalkLaw(WalkLaw.Kind.GAUSSIAN, Double.NaN, 0, 0.0, 1.0, Double.NaN, 100,
                            1000, Double.NaN, false, Long.MAX_VALUE);
            WalkTallies out = new WalkTallies(new double[] {0.05, 0.5, 0.95});
            walks.simulate(
                    law,
                    new WalkBatch(42L, new long[] {7L}, new long[] {0L}, new double[] {10.0}, 1),
                    out);
            // 1000 paths of variance 100: the mean's standard error is about 0.32.
            assertThat(out.mean(0)).isCloseTo(10.0, within(5 * 0.32));
            assertThat(out.quantile(0, 1)).isCloseTo(10.0, within(2.0));
            long paths = 0;
            for (int b = 0; b < out.binCount(0); b++) {
                paths += out.binPaths(0, b);
            }
            assertThat(paths).isEqualTo(1000);
            assertThat(out.hitProbability(0)).isNaN();
        }
    }

    @Test
    void flatForestAndForestKernelExample() {
        FlatForest stump =
                new FlatForest(1, new float[] {0f}, true, new int[] {0, 0, 0},
                        new float[] {0.5f, Float.NaN, Float.NaN}, new int[] {1, 0, 1},
                        new int[] {2, 1, 2}, new byte[] {0, 0, 0}, new float[] {0f, -1f, 1f},
                        new int[] {0}, new int[] {1}, new int[] {0}, new boolean[] {true});
        assertThat(stump.marginCount()).isEqualTo(1);
        try (ComputeBackend backend = ComputeBackends.byName("java");
                ForestHandle handle = backend.forests().load(stump)) {
            float[] margins = new float[2];
            backend.forests().score(handle, new float[] {0.2f, 0.9f}, 2, 1, margins);
            assertThat(margins).containsExactly(-1f, 1f);
            assertThat(handle.featureCount()).isEqualTo(1);
        }
    }

    @Test
    void backendProbeExample() {
        BackendProbe ok = BackendProbe.available("ND4J natives for linux-x86_64");
        BackendProbe no = BackendProbe.unavailable("no CUDA driver (libcuda.so.1 not found)");
        assertThat(ok.available()).isTrue();
        assertThat(no.available()).isFalse();
    }

    @Test
    void providersExample() {
        assertThat(new JavaDistancesProvider().probe().available()).isTrue();
        boolean linuxX64 =
                System.getProperty("os.name").startsWith("Linux")
                        && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        assertThat(new Nd4jCpuProvider().probe().available()).isEqualTo(linuxX64);
        try (ComputeBackend part = ComputeBackend.partial("java", null, null, null)) {
            assertThat(part.walks()).isNull();
        }
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
    void nearestHeapExample() {
        NearestHeap heap = new NearestHeap(4);
        heap.start(2, NearestHeap.BY_SLOT);
        heap.offer(7, 3f);
        heap.offer(4, 1f);
        heap.offer(9, 1f);
        int[] slots = new int[2];
        float[] distances = new float[2];
        int n = heap.drainTo(slots, distances, 0);
        assertThat(n).isEqualTo(2);
        assertThat(slots).containsExactly(4, 9);
        assertThat(distances).containsExactly(1f, 1f);
    }

    @Test
    void squaredL2Example() {
        float[] coords = {0f, 0f, 3f, 4f};
        float sqDist = SquaredL2.distance(coords, 0, coords, 2, 2);
        assertThat(sqDist).isEqualTo(25f);
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
