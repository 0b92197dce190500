package dev.quiver.compute.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.DistanceKernel;
import dev.quiver.compute.PointBlock;
import dev.quiver.compute.RowBlock;
import dev.quiver.knn.BruteForceKnn;
import dev.quiver.knn.KnnMetric;
import dev.quiver.knn.LivePoints;
import dev.quiver.knn.NeighborBuffer;
import dev.quiver.knn.PointSet;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

/**
 * On a GPU: the cuda distances are within their stated bound of the exact ones, its fused top-k (on
 * the device for k up to 1,024, on the host above) agrees with the bound, selects exactly as java's
 * heap does over ties (on points whose distances the GEMM form computes exactly), and kNN through
 * {@link BruteForceKnn} gives java's ids and distances exactly, across appends, tombstones and
 * compaction.
 */
@Tag("gpu")
class CudaDistancesGpuTest {

    @Test
    void squaredDistancesAreWithinTheBound() {
        int d = 24;
        float[] queries = gaussian(37 * d, 1, 3f);
        float[] points = gaussian(1000 * d, 2, 1f);
        float[] out = new float[37 * 1000];
        try (ComputeBackend cuda = ComputeBackends.byName("cuda")) {
            cuda.squaredDistances(
                    new RowBlock(queries, 0, 37), new RowBlock(points, 0, 1000), d, out);
            double c = cuda.errorBound(d);
            for (int i = 0; i < 37; i++) {
                for (int j = 0; j < 1000; j++) {
                    double exact = exact(queries, i * d, points, j * d, d);
                    double allowed =
                            c
                                    * (norm(queries, i * d, d)
                                            + norm(points, j * d, d)
                                            + d * Float.MIN_NORMAL);
                    assertThat(Math.abs(out[i * 1000 + j] - exact))
                            .as("(%d, %d)", i, j)
                            .isLessThanOrEqualTo(allowed);
                }
            }
            assertThat(cuda.fallbacks()).isZero();
        }
    }

    @Test
    void nearestOnABlockIsWithinTheBoundAcrossChanges() {
        int d = 8;
        float[] rows = gaussian(3000 * d, 3, 1f);
        float[] queries = gaussian(50 * d, 4, 1f);
        try (ComputeBackend cuda = ComputeBackends.byName("cuda");
                ComputeBackend java = ComputeBackends.byName("java");
                PointBlock onDevice = cuda.distances().openPointBlock(d);
                PointBlock onHeap = java.distances().openPointBlock(d)) {
            for (PointBlock block : new PointBlock[] {onDevice, onHeap}) {
                block.append(rows, 0, 2000);
                for (int slot = 0; slot < 2000; slot += 3) {
                    block.tombstone(slot);
                }
                block.compact();
                block.append(rows, 2000 * d, 1000);
                block.tombstone(5);
            }
            for (int k : new int[] {1, 10, 64, 65, 200, 1024, 1500}) {
                check(
                        cuda.distances(),
                        onDevice,
                        java.distances(),
                        onHeap,
                        queries,
                        50,
                        k,
                        maxNorm(rows, d));
            }
            assertThat(cuda.fallbacks()).isZero();
        }
    }

    /**
     * Small integer coordinates make every distance exact in float32 on both backends (products,
     * norms and sums are integers below 2^24), and few distinct values make most distances tie, so
     * the device's selection must order ties by slot as java's heap does: slots and distance bits
     * equal, for every k the device selects and one above it (the host heap), with dead slots and
     * with fewer live slots than k, on blocks short enough for one pass and long enough (for 20
     * queries) to be selected in chunks and merged.
     */
    @Test
    void nearestBreaksTiesBySlotAsJavaDoes() {
        int d = 4;
        int queryCount = 20;
        Random random = new Random(7);
        float[] queries = new float[queryCount * d];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = random.nextInt(3);
        }
        try (ComputeBackend cuda = ComputeBackends.byName("cuda");
                ComputeBackend java = ComputeBackends.byName("java")) {
            for (int n : new int[] {3000, 40_000}) {
                float[] rows = new float[n * d];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = random.nextInt(3);
                }
                for (int live : new int[] {n, 700}) {
                    try (PointBlock onDevice = cuda.distances().openPointBlock(d);
                            PointBlock onHeap = java.distances().openPointBlock(d)) {
                        for (PointBlock block : new PointBlock[] {onDevice, onHeap}) {
                            block.append(rows, 0, n);
                            for (int slot = live; slot < n; slot++) {
                                block.tombstone(slot);
                            }
                            for (int slot = 0; slot < live; slot += 7) {
                                block.tombstone(slot);
                            }
                        }
                        for (int k : new int[] {1, 10, 64, 65, 200, 1024, 1025}) {
                            float[] distances = new float[queryCount * k];
                            int[] slots = new int[queryCount * k];
                            float[] expectedDistances = new float[queryCount * k];
                            int[] expectedSlots = new int[queryCount * k];
                            RowBlock q = new RowBlock(queries, 0, queryCount);
                            cuda.distances().nearest(q, onDevice, k, distances, slots);
                            java.distances()
                                    .nearest(q, onHeap, k, expectedDistances, expectedSlots);
                            assertThat(slots)
                                    .as("n %d, %d live, k %d: slots", n, live, k)
                                    .isEqualTo(expectedSlots);
                            assertThat(distances)
                                    .as("n %d, %d live, k %d: distances", n, live, k)
                                    .isEqualTo(expectedDistances);
                        }
                    }
                }
            }
            assertThat(cuda.fallbacks()).isZero();
        }
    }

    /**
     * Each reported slot is live and its distance within the bound of the exact one, and the j-th
     * reported distance is within the bound of java's j-th (the j-th smallest of values each off by
     * at most e is off by at most e); e from the largest squared norm of any row.
     */
    private static void check(
            DistanceKernel cuda,
            PointBlock onDevice,
            DistanceKernel java,
            PointBlock onHeap,
            float[] queries,
            int count,
            int k,
            double maxNorm) {
        int d = onDevice.dimension();
        float[] distances = new float[count * k];
        int[] slots = new int[count * k];
        float[] expectedDistances = new float[count * k];
        int[] expectedSlots = new int[count * k];
        cuda.nearest(new RowBlock(queries, 0, count), onDevice, k, distances, slots);
        java.nearest(new RowBlock(queries, 0, count), onHeap, k, expectedDistances, expectedSlots);
        double c = cuda.errorBound(d) + java.errorBound(d);
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < k; j++) {
                int at = i * k + j;
                if (expectedSlots[at] < 0) {
                    assertThat(slots[at]).isEqualTo(-1);
                    continue;
                }
                assertThat(onDevice.isLive(slots[at])).isTrue();
                double scale = norm(queries, i * d, d) + maxNorm + d * Float.MIN_NORMAL;
                assertThat(Math.abs((double) distances[at] - expectedDistances[at]))
                        .as("query %d, rank %d, k %d", i, j, k)
                        .isLessThanOrEqualTo(c * scale);
            }
        }
    }

    @Test
    void knnGivesJavasIdsAndDistancesExactly() {
        int d = 16;
        float[] rows = gaussian(4000 * d, 5, 1f);
        float[] queries = gaussian(64 * d, 6, 1f);
        try (ComputeBackend cuda = ComputeBackends.byName("cuda");
                ComputeBackend java = ComputeBackends.byName("java");
                LivePoints onDevice = new LivePoints(d, KnnMetric.SQUARED_L2, cuda.distances());
                LivePoints onHeap = new LivePoints(d, KnnMetric.SQUARED_L2, java.distances())) {
            for (LivePoints live : new LivePoints[] {onDevice, onHeap}) {
                for (int i = 0; i < 3000; i++) {
                    live.upsert("p" + i, Arrays.copyOfRange(rows, i * d, (i + 1) * d), i);
                }
                // Enough deletes to compact the block (dead > live + 1024), then more upserts.
                for (int i = 0; i < 2500; i++) {
                    live.delete("p" + i);
                }
                for (int i = 3000; i < 4000; i++) {
                    live.upsert("p" + i, Arrays.copyOfRange(rows, i * d, (i + 1) * d), i);
                }
            }
            for (int k : new int[] {1, 10, 100}) {
                NeighborBuffer[] actual = knn(cuda, onDevice.bruteForcePoints(), queries, 64, k);
                NeighborBuffer[] expected = knn(java, onHeap.bruteForcePoints(), queries, 64, k);
                PointSet devicePoints = onDevice.bruteForcePoints();
                PointSet heapPoints = onHeap.bruteForcePoints();
                for (int i = 0; i < 64; i++) {
                    assertThat(actual[i].size()).isEqualTo(expected[i].size());
                    for (int j = 0; j < expected[i].size(); j++) {
                        assertThat(devicePoints.id(actual[i].slot(j)))
                                .as("query %d, rank %d, k %d", i, j, k)
                                .isEqualTo(heapPoints.id(expected[i].slot(j)));
                        assertThat(actual[i].distance(j)).isEqualTo(expected[i].distance(j));
                    }
                }
            }
            assertThat(cuda.fallbacks()).isZero();
            assertThat(cuda.deviceMemoryBytes()).isPositive();
        }
    }

    private static NeighborBuffer[] knn(
            ComputeBackend backend, PointSet points, float[] queries, int count, int k) {
        NeighborBuffer[] out = new NeighborBuffer[count];
        for (int i = 0; i < count; i++) {
            out[i] = new NeighborBuffer(k);
        }
        new BruteForceKnn(backend).knn(queries, count, k, points, out);
        return out;
    }

    private static double exact(float[] a, int i, float[] b, int j, int d) {
        double sum = 0;
        for (int k = 0; k < d; k++) {
            double diff = (double) a[i + k] - b[j + k];
            sum += diff * diff;
        }
        return sum;
    }

    private static double maxNorm(float[] rows, int d) {
        double max = 0;
        for (int i = 0; i < rows.length; i += d) {
            max = Math.max(max, norm(rows, i, d));
        }
        return max;
    }

    private static double norm(float[] a, int i, int d) {
        double sum = 0;
        for (int k = 0; k < d; k++) {
            sum += (double) a[i + k] * a[i + k];
        }
        return sum;
    }

    private static float[] gaussian(int n, long seed, float scale) {
        Random random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = scale * (float) random.nextGaussian();
        }
        return values;
    }
}
