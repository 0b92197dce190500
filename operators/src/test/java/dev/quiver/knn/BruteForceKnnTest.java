package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.RowBlock;
import dev.quiver.compute.SquaredL2;
import dev.quiver.knn.TestPoints.Neighbor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Brute-force kNN and radius search against the naive oracle of {@link TestPoints}: exact equality
 * of slots, distances and order, for both backends, including data where the GEMM formula cancels.
 */
class BruteForceKnnTest {

    private static Map<String, ComputeBackend> backends;

    @BeforeAll
    static void openBackends() {
        backends = Map.of("java", ComputeBackends.java(), "nd4j-cpu", ComputeBackends.cpu());
    }

    @AfterAll
    static void closeBackends() {
        backends.values().forEach(ComputeBackend::close);
    }

    static Stream<Arguments> backendsAndDimensions() {
        List<Arguments> cases = new ArrayList<>();
        for (String backend : List.of("java", "nd4j-cpu")) {
            for (int d : new int[] {1, 3, 16, 128}) {
                cases.add(Arguments.of(backend, d));
            }
        }
        return cases.stream();
    }

    /**
     * Blocks of 7 queries and 50 points, so the batch crosses many block boundaries, some blocks
     * entirely dead and the last ones partial.
     */
    @ParameterizedTest(name = "{0}, d = {1}")
    @MethodSource("backendsAndDimensions")
    void knnAndRadiusEqualTheSortEverythingOracle(String backend, int d) {
        TestPoints points = TestPoints.tricky(20240611L + d, 620, d, 0f, 1f);
        float[] queries = TestPoints.queries(7L + d, 40, d, 0f, 1f);
        BruteForceKnn knn = new BruteForceKnn(backends.get(backend), 7, 50);
        NeighborBuffer[] out = buffers(40);

        knn.knn(queries, 40, 10, points, out);
        assertMatchesOracle(points, queries, out, 10, Float.POSITIVE_INFINITY);

        // A radius around the 10th neighbour's distance: many ties sit exactly on the boundary.
        float sqRadius = points.sortedNeighbors(queries, 0).get(9).sqDist();
        knn.radius(queries, 40, sqRadius, points, out);
        assertMatchesOracle(points, queries, out, Integer.MAX_VALUE, sqRadius);
    }

    /** The production block sizes (256 queries, 4096 points), crossed once each. */
    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void defaultBlocksEqualTheOracle(String backend) {
        int d = 5;
        TestPoints points = TestPoints.tricky(31L, BruteForceKnn.POINT_BLOCK + 300, d, 0f, 1f);
        float[] queries = TestPoints.queries(32L, BruteForceKnn.QUERY_BLOCK + 9, d, 0f, 1f);
        NeighborBuffer[] out = buffers(BruteForceKnn.QUERY_BLOCK + 9);
        new BruteForceKnn(backends.get(backend)).knn(queries, out.length, 4, points, out);
        assertMatchesOracle(points, queries, out, 4, Float.POSITIVE_INFINITY);
    }

    /**
     * Ties and tombstones on tile edges: with a full query block the kernels hand over tiles of
     * 256 points (218 with a block of 300 queries), so slots 255/256, 511/512, ... sit on either
     * side of a tile boundary. Each such pair holds the same coordinates (equal distances, ids in
     * reverse slot order), the slot after every fourth boundary is dead, and so are the last slot of
     * the first point block and the first of the second. Queries sit on points (distance 0 ties)
     * and k = 5 cuts through ties of the coarse grid.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void tieAndTombstoneOnTileBoundariesEqualTheOracle(String backend) {
        int d = 4;
        int n = BruteForceKnn.POINT_BLOCK + 700;
        SplittableRandom random = new SplittableRandom(41L);
        float[] coordinates = new float[n * d];
        boolean[] live = new boolean[n];
        String[] ids = new String[n];
        for (int slot = 0; slot < n; slot++) {
            for (int k = 0; k < d; k++) {
                coordinates[slot * d + k] = random.nextInt(3);
            }
            live[slot] = true;
            ids[slot] = String.format("id-%06d", n - slot);
        }
        for (int edge = 218; edge < n; edge += 218) {
            System.arraycopy(coordinates, (edge - 1) * d, coordinates, edge * d, d);
        }
        for (int edge = 256; edge < n; edge += 256) {
            System.arraycopy(coordinates, (edge - 1) * d, coordinates, edge * d, d);
            live[edge] = edge % 1024 != 0;
        }
        live[BruteForceKnn.POINT_BLOCK - 1] = false;
        live[BruteForceKnn.POINT_BLOCK] = false;
        for (int slot = 0; slot < n; slot++) {
            if (!live[slot]) {
                Arrays.fill(coordinates, slot * d, (slot + 1) * d, Float.NaN);
            }
        }
        TestPoints points = new TestPoints(d, coordinates, live, ids);
        int queryCount = BruteForceKnn.QUERY_BLOCK + 44;
        float[] queries = new float[queryCount * d];
        for (int i = 0; i < queryCount; i++) {
            int slot = (i * 255) % n;
            while (!live[slot]) {
                slot--;
            }
            System.arraycopy(coordinates, slot * d, queries, i * d, d);
        }
        NeighborBuffer[] out = buffers(queryCount);

        new BruteForceKnn(backends.get(backend)).knn(queries, queryCount, 5, points, out);
        assertMatchesOracle(points, queries, out, 5, Float.POSITIVE_INFINITY);

        BruteForceKnn otherBlocks = new BruteForceKnn(backends.get(backend), 300, 1000);
        otherBlocks.knn(queries, queryCount, 5, points, out);
        assertMatchesOracle(points, queries, out, 5, Float.POSITIVE_INFINITY);

        float sqRadius = points.sortedNeighbors(queries, 1).get(4).sqDist();
        otherBlocks.radius(queries, queryCount, sqRadius, points, out);
        assertMatchesOracle(points, queries, out, Integer.MAX_VALUE, sqRadius);
    }

    /**
     * Points near 1e4 with spreads near 1: |q|^2 + |x|^2 - 2 q.x loses every significant digit of
     * the distance in float, yet results must equal the direct formula's exactly.
     */
    @ParameterizedTest(name = "{0}, d = {1}")
    @MethodSource("backendsAndDimensions")
    void largeMagnitudeCoordinatesStayExact(String backend, int d) {
        TestPoints points = TestPoints.tricky(99L + d, 600, d, 1e4f, 0.25f);
        float[] queries = TestPoints.queries(5L + d, 40, d, 1e4f, 0.25f);
        BruteForceKnn knn = new BruteForceKnn(backends.get(backend), 16, 64);
        NeighborBuffer[] out = buffers(40);

        knn.knn(queries, 40, 7, points, out);
        assertMatchesOracle(points, queries, out, 7, Float.POSITIVE_INFINITY);

        float sqRadius = points.sortedNeighbors(queries, 0).get(6).sqDist();
        knn.radius(queries, 40, sqRadius, points, out);
        assertMatchesOracle(points, queries, out, Integer.MAX_VALUE, sqRadius);
    }

    /** The large-magnitude test bites: GEMM distances alone would rank some pairs wrongly. */
    @Test
    void gemmDistancesAloneMisrankLargeMagnitudePoints() {
        int d = 16;
        TestPoints points = TestPoints.tricky(99L + d, 600, d, 1e4f, 0.25f);
        float[] queries = TestPoints.queries(5L + d, 40, d, 1e4f, 0.25f);
        float[] gemm = new float[40 * 600];
        backends.get("nd4j-cpu")
                .squaredDistances(
                        new RowBlock(queries, 0, 40),
                        new RowBlock(points.coordinates(), 0, 600),
                        d,
                        gemm);
        int misranked = 0;
        for (int i = 0; i < 40; i++) {
            for (int a = 0; a + 1 < 600; a++) {
                if (!points.isLive(a) || !points.isLive(a + 1)) {
                    continue;
                }
                float directA = SquaredL2.distance(queries, i * d, points.coordinates(), a * d, d);
                float directB =
                        SquaredL2.distance(queries, i * d, points.coordinates(), (a + 1) * d, d);
                float gemmA = gemm[i * 600 + a];
                float gemmB = gemm[i * 600 + a + 1];
                if (Float.compare(directA, directB) != Float.compare(gemmA, gemmB)) {
                    misranked++;
                }
            }
        }
        assertThat(misranked).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void equalDistancesAreOrderedById(String backend) {
        // Four points at distance 1 from the origin, ids out of slot order, plus a duplicate.
        TestPoints points =
                new TestPoints(
                        2,
                        new float[] {1, 0, 0, 1, -1, 0, 0, -1, 0, 1},
                        new boolean[] {true, true, true, true, true},
                        new String[] {"d", "b", "a", "c", "a2"});
        NeighborBuffer[] out = buffers(1);
        BruteForceKnn knn = new BruteForceKnn(backends.get(backend));

        knn.knn(new float[] {0, 0}, 1, 4, points, out);
        assertThat(slots(out[0])).containsExactly(2, 4, 1, 3);
        assertThat(out[0].distance(3)).isEqualTo(1f);

        knn.radius(new float[] {0, 0}, 1, 1f, points, out);
        assertThat(slots(out[0])).containsExactly(2, 4, 1, 3, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void kAboveLiveCountReturnsEveryLivePoint(String backend) {
        TestPoints points = TestPoints.tricky(3L, 20, 3, 0f, 1f);
        float[] queries = TestPoints.queries(4L, 2, 3, 0f, 1f);
        NeighborBuffer[] out = buffers(2);
        new BruteForceKnn(backends.get(backend)).knn(queries, 2, 50, points, out);
        assertThat(out[0].size()).isEqualTo(points.size()).isLessThan(20);
        assertMatchesOracle(points, queries, out, 50, Float.POSITIVE_INFINITY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "nd4j-cpu"})
    void emptyAndAllDeadPointSetsGiveEmptyResults(String backend) {
        BruteForceKnn knn = new BruteForceKnn(backends.get(backend));
        NeighborBuffer[] out = buffers(2);
        out[0].add(5, 1f); // stale content must be cleared
        TestPoints empty = TestPoints.allLive(2);
        TestPoints allDead =
                new TestPoints(2, new float[] {1, 1}, new boolean[] {false}, new String[] {"x"});
        float[] queries = {0, 0, 1, 1};

        for (TestPoints points : List.of(empty, allDead)) {
            knn.knn(queries, 2, 3, points, out);
            assertThat(out[0].size()).isZero();
            assertThat(out[1].size()).isZero();
            knn.radius(queries, 2, Float.POSITIVE_INFINITY, points, out);
            assertThat(out[0].size()).isZero();
        }
    }

    @Test
    void zeroQueriesTouchNothing() {
        NeighborBuffer[] none = new NeighborBuffer[0];
        new BruteForceKnn(backends.get("nd4j-cpu"))
                .knn(new float[0], 0, 3, TestPoints.allLive(2, 1, 1), none);
        assertThat(none).isEmpty();
    }

    @Test
    void radiusIncludesItsBoundary() {
        TestPoints points = TestPoints.allLive(1, 0f, 2f, 3f);
        NeighborBuffer[] out = buffers(1);
        new BruteForceKnn(backends.get("nd4j-cpu")).radius(new float[] {0f}, 1, 4f, points, out);
        assertThat(slots(out[0])).containsExactly(0, 1);
    }

    @Test
    void badArgumentsAreRejectedWithTheValue() {
        BruteForceKnn knn = new BruteForceKnn(backends.get("java"));
        TestPoints points = TestPoints.allLive(2, 1, 1);
        NeighborBuffer[] out = buffers(2);
        float[] queries = {0, 0, 1, 1};
        assertThatThrownBy(() -> knn.knn(queries, 2, 0, points, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k must be at least 1, got 0");
        assertThatThrownBy(() -> knn.radius(queries, 2, -1f, points, out))
                .hasMessageContaining("sqRadius must be a non-negative number, got -1.0");
        assertThatThrownBy(() -> knn.radius(queries, 2, Float.NaN, points, out))
                .hasMessageContaining("got NaN");
        assertThatThrownBy(() -> knn.knn(queries, 3, 1, points, out))
                .hasMessageContaining("queries holds 4 floats, needs 6");
        assertThatThrownBy(() -> knn.knn(queries, 2, 1, points, buffers(1)))
                .hasMessageContaining("out holds 1 buffers, needs 2");
        assertThatThrownBy(() -> knn.knn(queries, -1, 1, points, out))
                .hasMessageContaining("count must not be negative, got -1");
        assertThatThrownBy(() -> new BruteForceKnn(null))
                .hasMessageContaining("backend must not be null");
    }

    private static void assertMatchesOracle(
            TestPoints points, float[] queries, NeighborBuffer[] out, int k, float sqRadius) {
        for (int i = 0; i < out.length; i++) {
            List<Neighbor> expected =
                    points.sortedNeighbors(queries, i).stream()
                            .filter(neighbor -> neighbor.sqDist() <= sqRadius)
                            .limit(k)
                            .toList();
            assertThat(TestPoints.contents(out[i])).as("query %d", i).isEqualTo(expected);
        }
    }

    private static NeighborBuffer[] buffers(int count) {
        NeighborBuffer[] out = new NeighborBuffer[count];
        for (int i = 0; i < count; i++) {
            out[i] = new NeighborBuffer(4);
        }
        return out;
    }

    private static List<Integer> slots(NeighborBuffer buffer) {
        return TestPoints.contents(buffer).stream().map(Neighbor::slot).toList();
    }
}
