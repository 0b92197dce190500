package dev.quiver.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The distances capability's point blocks (append, tombstone, version, compact) and its fused
 * top-k, for both CPU kernels: the java kernel's top-k equals sorting its own distances by
 * (distance, slot) exactly; nd4j-cpu's reports distances within its stated bound and misses no row
 * that the bound says is nearer.
 */
class DistanceKernelTest {

    private static Map<String, ComputeBackend> backends;

    @BeforeAll
    static void openBackends() {
        backends = Map.of("java", ComputeBackends.java(), "nd4j-cpu", ComputeBackends.cpu());
    }

    @AfterAll
    static void closeBackends() {
        backends.values().forEach(ComputeBackend::close);
    }

    private static DistanceKernel kernel(String name) {
        return backends.get(name).distances();
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void blocksAppendTombstoneAndCompactWithAVersionPerChange(String name) {
        DistanceKernel kernel = kernel(name);
        assertThat(kernel.backend()).isEqualTo(name);
        try (PointBlock block = kernel.openPointBlock(2)) {
            assertThat(block.version()).isZero();
            assertThat(block.append(new float[] {9f, 0f, 0f, 0f, 1f, 1f, 2f, 2f}, 2, 3)).isZero();
            assertThat(block.append(new float[] {3f, 3f, 4f, 4f}, 0, 2)).isEqualTo(3);
            assertThat(block.version()).isEqualTo(2);
            assertThat(block.slotCount()).isEqualTo(5);
            block.tombstone(1);
            assertThat(block.version()).isEqualTo(3);
            assertThat(block.liveCount()).isEqualTo(4);
            assertThat(block.isLive(1)).isFalse();
            assertThatThrownBy(() -> block.tombstone(1)).hasMessageContaining("slot 1 is not live");
            assertThatThrownBy(() -> block.tombstone(5)).hasMessageContaining("slot 5 is not live");

            float[] distances = new float[2];
            int[] slots = new int[2];
            kernel.nearest(
                    new RowBlock(new float[] {1.1f, 1.1f}, 0, 1), block, 2, distances, slots);
            assertThat(slots).containsExactly(2, 0); // slot 1, (1, 1), is dead

            int[] moved = block.compact();
            assertThat(moved).containsExactly(0, -1, 1, 2, 3);
            assertThat(block.version()).isEqualTo(4);
            assertThat(block.slotCount()).isEqualTo(4);
            assertThat(block.liveCount()).isEqualTo(4);
            kernel.nearest(
                    new RowBlock(new float[] {3.9f, 3.9f}, 0, 1), block, 2, distances, slots);
            assertThat(slots).containsExactly(3, 2); // (4, 4) and (3, 3), moved down one slot
            assertThat(block.append(new float[] {5f, 5f}, 0, 1)).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void fewerLiveRowsThanKArePaddedWithNoSlot(String name) {
        DistanceKernel kernel = kernel(name);
        try (PointBlock block = kernel.openPointBlock(1)) {
            block.append(new float[] {1f, 2f}, 0, 2);
            block.tombstone(0);
            float[] distances = new float[3];
            int[] slots = new int[3];
            kernel.nearest(new RowBlock(new float[] {0f}, 0, 1), block, 3, distances, slots);
            assertThat(slots).containsExactly(1, -1, -1);
            assertThat(distances)
                    .containsExactly(4f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY);
        }
    }

    /** Ties in distance are ordered by slot, so the java top-k is a function of the block alone. */
    @Test
    void javaTopKIsTheSortOfItsOwnDistancesByDistanceThenSlot() {
        DistanceKernel kernel = kernel("java");
        int d = 3;
        SplittableRandom random = new SplittableRandom(20261207L);
        try (PointBlock block = kernel.openPointBlock(d)) {
            float[] rows = grid(random, 3000, d);
            appendInSmallBatches(block, rows, d);
            tombstoneEveryThird(block);
            float[] queries = grid(random, 20, d);
            int k = 25;
            float[] distances = new float[20 * k];
            int[] slots = new int[20 * k];
            kernel.nearest(new RowBlock(queries, 0, 20), block, k, distances, slots);
            float[] all = new float[20 * 3000];
            kernel.squaredDistances(
                    new RowBlock(queries, 0, 20), new RowBlock(rows, 0, 3000), d, all);
            for (int i = 0; i < 20; i++) {
                List<Integer> expected = sortedLiveSlots(block, all, i, 3000);
                for (int j = 0; j < k; j++) {
                    assertThat(slots[i * k + j])
                            .as("query %d, rank %d", i, j)
                            .isEqualTo(expected.get(j));
                    assertThat(distances[i * k + j]).isEqualTo(all[i * 3000 + expected.get(j)]);
                }
            }
        }
    }

    /**
     * nd4j-cpu over a block grown 7 rows at a time past its 4096-slot tile: every distance within
     * the bound of the direct one, and no unreported live row provably nearer than the k-th.
     */
    @Test
    void nd4jTopKStaysWithinItsBoundAcrossTilesAndGrowth() {
        DistanceKernel nd4j = kernel("nd4j-cpu");
        DistanceKernel java = kernel("java");
        int d = 5;
        int n = 5000;
        SplittableRandom random = new SplittableRandom(7L);
        try (PointBlock block = nd4j.openPointBlock(d)) {
            float[] rows = grid(random, n, d);
            appendInSmallBatches(block, rows, d);
            tombstoneEveryThird(block);
            int queryCount = 300; // crosses the 256-query tile
            float[] queries = grid(random, queryCount, d);
            int k = 10;
            float[] distances = new float[queryCount * k];
            int[] slots = new int[queryCount * k];
            nd4j.nearest(new RowBlock(queries, 0, queryCount), block, k, distances, slots);
            float[] direct = new float[queryCount * n];
            java.squaredDistances(
                    new RowBlock(queries, 0, queryCount), new RowBlock(rows, 0, n), d, direct);
            double c = nd4j.errorBound(d);
            for (int i = 0; i < queryCount; i++) {
                double qNorm = SquaredNorms.of(queries, i * d, d);
                List<Integer> reported = new ArrayList<>();
                for (int j = 0; j < k; j++) {
                    int slot = slots[i * k + j];
                    assertThat(block.isLive(slot)).isTrue();
                    assertThat((double) distances[i * k + j])
                            .isCloseTo(
                                    direct[i * n + slot], within(bound(c, qNorm, rows, slot, d)));
                    if (j > 0) {
                        assertThat(distances[i * k + j])
                                .isGreaterThanOrEqualTo(distances[i * k + j - 1]);
                    }
                    reported.add(slot);
                }
                // Every other live row's kernel distance is at least the k-th reported one.
                float kth = distances[i * k + k - 1];
                for (int slot = 0; slot < n; slot++) {
                    if (block.isLive(slot) && !reported.contains(slot)) {
                        assertThat((double) direct[i * n + slot])
                                .as("query %d, slot %d", i, slot)
                                .isGreaterThanOrEqualTo(kth - bound(c, qNorm, rows, slot, d));
                    }
                }
            }
        }
    }

    /**
     * The fused screen hands over every point exactly once, in ascending tiles that are narrower
     * than the block once there are many queries, each distance within the kernel's bound of the
     * exact one (summed in double here); the java kernel's are its squaredDistances bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void screenedTilesCoverEveryPointOnceWithinTheBound(String name) {
        DistanceKernel kernel = kernel(name);
        SplittableRandom random = new SplittableRandom(11L);
        int d = 7;
        int n = 1037; // not a multiple of any tile width
        int skipped = 5; // the points start 5 rows into their array
        float[] rows = grid(random, n + skipped, d);
        RowBlock points = new RowBlock(rows, skipped * d, n);
        double c = kernel.errorBound(d);
        for (int queryCount : new int[] {1, 3, 256, 300}) {
            float[] queries = grid(random, queryCount, d);
            RowBlock queryRows = new RowBlock(queries, 0, queryCount);
            float[] whole = new float[queryCount * n];
            kernel.squaredDistances(queryRows, points, d, whole);
            int[] next = {0};
            int[] tileCount = {0};
            kernel.screenDistances(
                    queryRows,
                    points,
                    d,
                    (first, count, tile) -> {
                        assertThat(first).isEqualTo(next[0]);
                        assertThat(count).isPositive();
                        for (int i = 0; i < queryCount; i++) {
                            double qNorm = SquaredNorms.of(queries, i * d, d);
                            for (int j = 0; j < count; j++) {
                                int slot = skipped + first + j;
                                float got = tile[i * count + j];
                                assertThat((double) got)
                                        .as("query %d, point %d", i, first + j)
                                        .isCloseTo(
                                                exact(queries, i, rows, slot, d),
                                                within(bound(c, qNorm, rows, slot, d)));
                                if (name.equals("java")) {
                                    assertThat(got).isEqualTo(whole[i * n + first + j]);
                                }
                            }
                        }
                        next[0] += count;
                        tileCount[0]++;
                    });
            assertThat(next[0]).as("%d queries", queryCount).isEqualTo(n);
            if (queryCount >= 256) {
                assertThat(tileCount[0]).as("%d queries", queryCount).isGreaterThan(1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void screenRejectsBadArgumentsBeforeAnyTile(String name) {
        DistanceKernel kernel = kernel(name);
        RowBlock one = new RowBlock(new float[] {1f, 2f}, 0, 1);
        DistanceTiles never =
                (first, count, tile) -> {
                    throw new AssertionError("no tile expected");
                };
        assertThatThrownBy(() -> kernel.screenDistances(one, one, 2, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tiles");
        assertThatThrownBy(() -> kernel.screenDistances(one, new RowBlock(new float[3], 0, 2), 2, never))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("points holds 3 floats");
        assertThatThrownBy(() -> kernel.screenDistances(one, one, 0, never))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension");
        kernel.screenDistances(new RowBlock(new float[0], 0, 0), one, 2, never);
    }

    private static double exact(float[] queries, int i, float[] rows, int slot, int d) {
        double sum = 0;
        for (int k = 0; k < d; k++) {
            double diff = (double) queries[i * d + k] - rows[slot * d + k];
            sum += diff * diff;
        }
        return sum;
    }

    private static double bound(double c, double qNorm, float[] rows, int slot, int d) {
        return c * (qNorm + SquaredNorms.of(rows, slot * d, d) + d * (double) Float.MIN_NORMAL);
    }

    @Test
    void aBlockWorksOnlyWithItsOwnKernelAndNotOnceClosed() {
        PointBlock javaBlock = kernel("java").openPointBlock(1);
        javaBlock.append(new float[] {1f}, 0, 1);
        float[] distances = new float[1];
        int[] slots = new int[1];
        RowBlock query = new RowBlock(new float[] {0f}, 0, 1);
        assertThatThrownBy(() -> kernel("nd4j-cpu").nearest(query, javaBlock, 1, distances, slots))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("opened by another kernel");
        assertThatThrownBy(() -> kernel("java").nearest(query, javaBlock, 0, distances, slots))
                .hasMessageContaining("k must be at least 1");
        assertThatThrownBy(() -> kernel("java").nearest(query, javaBlock, 2, distances, slots))
                .hasMessageContaining("need 2");
        javaBlock.close();
        javaBlock.close(); // idempotent
        assertThatThrownBy(() -> javaBlock.append(new float[] {1f}, 0, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> kernel("java").nearest(query, javaBlock, 1, distances, slots))
                .hasMessageContaining("closed");
    }

    private static float[] grid(SplittableRandom random, int count, int d) {
        float[] rows = new float[count * d];
        for (int i = 0; i < rows.length; i++) {
            // Coarse values, so that many distances tie and the slot order is tested.
            rows[i] = random.nextInt(8) * 0.5f;
        }
        return rows;
    }

    private static void appendInSmallBatches(PointBlock block, float[] rows, int d) {
        int count = rows.length / d;
        for (int first = 0; first < count; first += 7) {
            int n = Math.min(7, count - first);
            assertThat(block.append(rows, first * d, n)).isEqualTo(first);
        }
    }

    private static void tombstoneEveryThird(PointBlock block) {
        for (int slot = 0; slot < block.slotCount(); slot += 3) {
            block.tombstone(slot);
        }
    }

    private static List<Integer> sortedLiveSlots(PointBlock block, float[] all, int i, int n) {
        List<Integer> slots = new ArrayList<>();
        for (int slot = 0; slot < n; slot++) {
            if (block.isLive(slot)) {
                slots.add(slot);
            }
        }
        slots.sort(
                Comparator.comparingDouble((Integer s) -> all[i * n + s])
                        .thenComparing(Comparator.naturalOrder()));
        return slots;
    }
}
