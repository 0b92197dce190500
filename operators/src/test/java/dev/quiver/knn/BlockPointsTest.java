package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Brute force over a backend's point block ({@link BlockPoints}, the match operator's path) against
 * the naive oracle of {@link TestPoints}: the same ids, distances and order as sorting every live
 * point, for both backends, with the block reached through upserts that replace, deletes that
 * tombstone and compactions, and with data where the GEMM formula cancels (so candidates widen and
 * fall back to the direct scan).
 */
class BlockPointsTest {

    private static Map<String, ComputeBackend> backends;

    @BeforeAll
    static void openBackends() {
        backends = Map.of("java", ComputeBackends.java(), "nd4j-cpu", ComputeBackends.cpu());
    }

    @AfterAll
    static void closeBackends() {
        backends.values().forEach(ComputeBackend::close);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String backend : List.of("java", "nd4j-cpu")) {
            for (int d : new int[] {1, 3, 16, 128}) {
                cases.add(Arguments.of(backend, d, 0f, 1f));
                cases.add(Arguments.of(backend, d, 1e4f, 0.25f));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, d = {1}, offset {2}")
    @MethodSource("cases")
    void knnAndRadiusOverTheBlockEqualTheSortEverythingOracle(
            String backend, int d, float offset, float scale) {
        TestPoints points = TestPoints.tricky(20240611L + d, 620, d, offset, scale);
        float[] queries = TestPoints.queries(7L + d, 40, d, offset, scale);
        ComputeBackend compute = backends.get(backend);
        try (BlockPoints block = blockOf(points, compute, new SplittableRandom(d))) {
            BruteForceKnn knn = new BruteForceKnn(compute, 7, 50);
            NeighborBuffer[] out = buffers(40);

            knn.knn(queries, 40, 10, block, out);
            assertMatchesOracle(points, block, queries, 40, out, 10, Float.POSITIVE_INFINITY);

            float sqRadius = points.sortedNeighbors(queries, 0).get(9).sqDist();
            knn.radius(queries, 40, sqRadius, block, out);
            assertMatchesOracle(points, block, queries, 40, out, Integer.MAX_VALUE, sqRadius);

            // A k beyond the live points lists them all.
            knn.knn(queries, 3, 1000, block, out);
            assertMatchesOracle(points, block, queries, 3, out, 1000, Float.POSITIVE_INFINITY);
        }
    }

    /**
     * Far from the origin the bound proves nothing, so candidates widen past the widest the kernel
     * is asked for and each query falls back to the direct scan of every live row.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void beyondTheWidestCandidateListTheScanStaysExact(String backend) {
        int d = 3;
        TestPoints points = TestPoints.tricky(77L, BlockKnn.MAX_WIDTH + 900, d, 1e4f, 0.25f);
        assertThat(points.size()).isGreaterThan(BlockKnn.MAX_WIDTH);
        float[] queries = TestPoints.queries(78L, 6, d, 1e4f, 0.25f);
        ComputeBackend compute = backends.get(backend);
        try (BlockPoints block = new BlockPoints(compute.distances(), d)) {
            fill(block, points);
            NeighborBuffer[] out = buffers(6);
            BruteForceKnn knn = new BruteForceKnn(compute);
            knn.knn(queries, 6, 5, block, out);
            assertMatchesOracle(points, block, queries, 6, out, 5, Float.POSITIVE_INFINITY);
            float sqRadius = points.sortedNeighbors(queries, 0).get(4).sqDist();
            knn.radius(queries, 6, sqRadius, block, out);
            assertMatchesOracle(points, block, queries, 6, out, Integer.MAX_VALUE, sqRadius);
        }
    }

    /** Deletes beyond the slack compact the block; answers and ids follow the moved rows. */
    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void compactionKeepsAnswersAndMovesEveryId(String backend) {
        int d = 4;
        TestPoints points = TestPoints.tricky(5L, 300, d, 0f, 1f);
        ComputeBackend compute = backends.get(backend);
        try (BlockPoints block = new BlockPoints(compute.distances(), d)) {
            float[] ghost = new float[d];
            int ghosts = BlockPoints.COMPACT_SLACK + 400;
            for (int g = 0; g < ghosts; g++) {
                block.upsert("ghost-" + g, ghost, 0);
            }
            fill(block, points);
            long before = block.version();
            for (int g = 0; g < ghosts; g++) {
                assertThat(block.delete("ghost-" + g)).isTrue();
            }
            assertThat(block.delete("ghost-0")).isFalse();
            assertThat(block.version()).isGreaterThan(before);
            // Compacted once the dead outnumbered the live by the slack: far fewer slots now.
            assertThat(block.slotCount()).isLessThan(ghosts);
            assertThat(block.size()).isEqualTo(points.size());
            for (int slot = 0; slot < block.slotCount(); slot++) {
                if (block.isLive(slot)) {
                    assertThat(block.id(slot)).startsWith("id-");
                }
            }
            float[] queries = TestPoints.queries(6L, 30, d, 0f, 1f);
            NeighborBuffer[] out = buffers(30);
            new BruteForceKnn(compute).knn(queries, 30, 5, block, out);
            assertMatchesOracle(points, block, queries, 30, out, 5, Float.POSITIVE_INFINITY);
        }
    }

    @Test
    void theVersionCountsEveryChange() {
        try (BlockPoints block = new BlockPoints(backends.get("java").distances(), 1)) {
            assertThat(block.version()).isZero();
            assertThat(block.upsert("a", new float[] {1f}, 0)).isFalse();
            assertThat(block.version()).isEqualTo(1);
            assertThat(block.upsert("a", new float[] {2f}, 0)).isTrue(); // tombstone + append
            assertThat(block.version()).isEqualTo(3);
            assertThat(block.delete("b")).isFalse();
            assertThat(block.version()).isEqualTo(3);
            assertThat(block.delete("a")).isTrue();
            assertThat(block.version()).isEqualTo(4);
            assertThat(block.size()).isZero();
            assertThat(block.slotCount()).isEqualTo(2);
        }
    }

    @Test
    void aBlockOfAnotherKernelIsRefused() {
        try (BlockPoints block = new BlockPoints(backends.get("java").distances(), 1)) {
            block.upsert("a", new float[] {1f}, 0);
            NeighborBuffer[] out = buffers(1);
            assertThatThrownBy(
                            () ->
                                    new BruteForceKnn(backends.get("nd4j-cpu"))
                                            .knn(new float[] {0f}, 1, 1, block, out))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("block of another kernel");
        }
    }

    /**
     * The live points of {@code points}, upserted in a shuffled order, each first with a decoy
     * vector that a second upsert replaces, and decoy ids that are deleted again.
     */
    private static BlockPoints blockOf(
            TestPoints points, ComputeBackend compute, SplittableRandom random) {
        BlockPoints block = new BlockPoints(compute.distances(), points.dimension());
        float[] decoy = new float[points.dimension()];
        java.util.Arrays.fill(decoy, 1e3f);
        int[] order = TestPoints.shuffledRange(random, points.slotCount());
        for (int slot : order) {
            if (points.isLive(slot) && random.nextInt(3) == 0) {
                block.upsert(points.id(slot), decoy, 0);
            }
            if (random.nextInt(5) == 0) {
                block.upsert("decoy-" + slot, decoy, 0);
            }
        }
        fill(block, points);
        for (int slot = 0; slot < points.slotCount(); slot++) {
            block.delete("decoy-" + slot);
        }
        return block;
    }

    private static void fill(BlockPoints block, TestPoints points) {
        for (int slot = 0; slot < points.slotCount(); slot++) {
            if (points.isLive(slot)) {
                block.upsert(points.id(slot), points.coordinates(), slot * points.dimension());
            }
        }
    }

    /** Ids and distances, in order, equal the oracle's over the same live points. */
    private static void assertMatchesOracle(
            TestPoints points,
            BlockPoints block,
            float[] queries,
            int queryCount,
            NeighborBuffer[] out,
            int k,
            float sqRadius) {
        for (int i = 0; i < queryCount; i++) {
            List<String> expected =
                    points.sortedNeighbors(queries, i).stream()
                            .filter(neighbor -> neighbor.sqDist() <= sqRadius)
                            .limit(k)
                            .map(n -> points.id(n.slot()) + "@" + n.sqDist())
                            .toList();
            List<String> actual = new ArrayList<>();
            for (int j = 0; j < out[i].size(); j++) {
                actual.add(block.id(out[i].slot(j)) + "@" + out[i].distance(j));
            }
            assertThat(actual).as("query %d", i).isEqualTo(expected);
        }
    }

    private static NeighborBuffer[] buffers(int count) {
        NeighborBuffer[] out = new NeighborBuffer[count];
        for (int i = 0; i < count; i++) {
            out[i] = new NeighborBuffer(4);
        }
        return out;
    }
}
