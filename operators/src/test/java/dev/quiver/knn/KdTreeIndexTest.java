package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.knn.BruteForce.Neighbor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;

/** The contract of {@link KdTreeIndex}: options, validation, updates by id, metrics, the view. */
class KdTreeIndexTest {

    private static final long SEED = 0x1D_E5_7A_11L;

    @Test
    void builderRejectsBadOptionsNamingOptionAndValue() {
        assertThatThrownBy(() -> KdTreeIndex.builder(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dimension must be in [1, 65536], got 0");
        assertThatThrownBy(() -> KdTreeIndex.builder(70_000))
                .hasMessageContaining("dimension")
                .hasMessageContaining("70000");
        KdTreeIndex.Builder builder = KdTreeIndex.builder(3);
        assertThatThrownBy(() -> builder.leafSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leafSize must be in [1, 4096], got 0");
        assertThatThrownBy(() -> builder.balance(0.5))
                .hasMessage("balance alpha must be in (0.5, 1), got 0.5");
        assertThatThrownBy(() -> builder.balance(1.0)).hasMessageContaining("got 1.0");
        assertThatThrownBy(() -> builder.balance(Double.NaN)).hasMessageContaining("got NaN");
        assertThatThrownBy(() -> builder.maxDeletedFraction(0.0))
                .hasMessage("maxDeletedFraction must be in (0, 1), got 0.0");
        assertThatThrownBy(() -> builder.maxDeletedFraction(1.0)).hasMessageContaining("1.0");
        assertThatThrownBy(() -> builder.metric(null)).hasMessage("metric must not be null");
        // Extreme but valid options build: no combination of in-range values is rejected.
        assertThat(KdTreeIndex.builder(1).leafSize(1).balance(0.500001).build().size()).isZero();
    }

    @Test
    void builderDefaultsToSquaredL2AndAnEmptyIndex() {
        KdTreeIndex index = KdTreeIndex.builder(4).build();
        assertThat(index.metric()).isEqualTo(KnnMetric.SQUARED_L2);
        assertThat(index.dimension()).isEqualTo(4);
        assertThat(index.size()).isZero();
        assertThat(index.height()).isZero();
        NeighborBuffer out = new NeighborBuffer(1);
        out.add(7, 1f);
        index.knn(new float[] {0, 0, 0, 0}, 0, 3, out);
        assertThat(out.size()).isZero();
        assertThat(index.match(new float[] {0, 0, 0, 0}, 0, 0.8f, out)).isEqualTo(-1);
    }

    @Test
    void invalidVectorReasonNamesTheProblem() {
        KdTreeIndex l2 = KdTreeIndex.builder(3).build();
        KdTreeIndex cosine = KdTreeIndex.builder(3).metric(KnnMetric.COSINE).build();
        float[] v = {9f, 1f, Float.NaN, 3f, Float.POSITIVE_INFINITY, 0f, 0f, 0f, -0f};
        assertThat(l2.invalidVectorReason(v, 0, 0)).isEqualTo("empty vector");
        assertThat(l2.invalidVectorReason(v, 0, 8)).isEqualTo("expected dimension 3, got 8");
        assertThat(l2.invalidVectorReason(v, 0, 3)).isEqualTo("component 2 is NaN");
        assertThat(l2.invalidVectorReason(v, 2, 3)).isEqualTo("component 0 is NaN");
        assertThat(l2.invalidVectorReason(v, 3, 3)).isEqualTo("component 1 is Infinity");
        assertThat(l2.invalidVectorReason(new float[] {1, Float.NEGATIVE_INFINITY, 1}, 0, 3))
                .isEqualTo("component 1 is -Infinity");
        assertThat(l2.invalidVectorReason(v, 6, 3)).isNull();
        assertThat(cosine.invalidVectorReason(v, 6, 3))
                .isEqualTo("zero vector has no direction under cosine");
        assertThat(cosine.invalidVectorReason(v, 5, 3))
                .isEqualTo("zero vector has no direction under cosine");
        assertThat(cosine.invalidVectorReason(new float[] {0f, 1e-45f, 0f}, 0, 3)).isNull();
        assertThatThrownBy(() -> l2.invalidVectorReason(v, 7, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void upsertRejectsInvalidVectorsAndLeavesTheIndexUnchanged() {
        KdTreeIndex index = KdTreeIndex.builder(3).build();
        index.upsert("a", new float[] {1, 2, 3}, 0);
        assertThatThrownBy(() -> index.upsert("a", new float[] {1, Float.NaN, 3}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("component 1 is NaN");
        assertThatThrownBy(() -> index.upsert("b", new float[] {1, 2, 3, 4}, 2))
                .hasMessage("expected dimension 3, got 2");
        assertThatThrownBy(() -> index.upsert("b", new float[] {1, 2}, 2))
                .hasMessage("empty vector");
        assertThatThrownBy(() -> index.upsert(null, new float[] {1, 2, 3}, 0))
                .isInstanceOf(NullPointerException.class);
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.coordinates()).startsWith(1f, 2f, 3f);
        assertThat(index.slotOf("a")).isZero();
    }

    @Test
    void queriesRejectInvalidVectorsAndArguments() {
        KdTreeIndex index = KdTreeIndex.builder(2).build();
        index.upsert("a", new float[] {1, 2}, 0);
        NeighborBuffer out = new NeighborBuffer(2);
        float[] nan = {Float.NaN, 0f};
        assertThatThrownBy(() -> index.knn(nan, 0, 1, out)).hasMessage("component 0 is NaN");
        assertThatThrownBy(() -> index.knn(new float[] {1, 2}, 0, 0, out))
                .hasMessage("k must be at least 1, got 0");
        assertThatThrownBy(() -> index.radius(new float[] {1, 2}, 0, Float.NaN, out))
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> index.approximateKnn(new float[] {1, 2}, 0, 1, 0, out))
                .hasMessage("maxChecks must be at least 1, got 0");
        assertThatThrownBy(() -> index.match(new float[] {1, 2}, 0, 1.5f, out))
                .hasMessage("ratio must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> index.match(new float[] {1, 2}, 0, 0f, out))
                .hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> index.box(new float[] {0}, new float[] {1, 1}, out))
                .hasMessage("box corners must have dimension 2, got 1 and 2");
        assertThatThrownBy(() -> index.deleteInBox(new float[] {0, 0}, new float[] {1}))
                .hasMessageContaining("got 2 and 1");
    }

    @Test
    void upsertReplacesThePointWithTheSameId() {
        KdTreeIndex index = KdTreeIndex.builder(2).build();
        assertThat(index.upsert("a", new float[] {0, 0}, 0)).isFalse();
        assertThat(index.upsert("b", new float[] {5, 5}, 0)).isFalse();
        assertThat(index.upsert("a", new float[] {10, 10}, 0)).isTrue();
        assertThat(index.size()).isEqualTo(2);
        NeighborBuffer out = new NeighborBuffer(2);
        index.knn(new float[] {0, 0}, 0, 2, out);
        assertThat(BruteForce.read(index, out))
                .containsExactly(new Neighbor("b", 50f), new Neighbor("a", 200f));
        float[] coordinates = index.coordinates();
        int slot = index.slotOf("a");
        assertThat(new float[] {coordinates[2 * slot], coordinates[2 * slot + 1]})
                .containsExactly(10f, 10f);
    }

    @Test
    void deleteRemovesByIdAndReportsUnknownIds() {
        KdTreeIndex index = KdTreeIndex.builder(1).build();
        for (int i = 0; i < 100; i++) {
            index.upsert("p" + i, new float[] {i}, 0);
        }
        assertThat(index.delete("p7")).isTrue();
        assertThat(index.delete("p7")).isFalse();
        assertThat(index.delete("nope")).isFalse();
        assertThat(index.contains("p7")).isFalse();
        assertThat(index.slotOf("p7")).isEqualTo(-1);
        assertThat(index.contains("p8")).isTrue();
        assertThat(index.size()).isEqualTo(99);
        NeighborBuffer out = new NeighborBuffer(4);
        index.knn(new float[] {7f}, 0, 3, out);
        assertThat(BruteForce.read(index, out))
                .containsExactly(
                        new Neighbor("p6", 1f), new Neighbor("p8", 1f), new Neighbor("p5", 4f));
    }

    @Test
    void deleteInBoxDeletesExactlyThePointsInsideFacesIncluded() {
        KdTreeIndex index = KdTreeIndex.builder(2).leafSize(2).build();
        for (int x = 0; x < 10; x++) {
            for (int y = 0; y < 10; y++) {
                index.upsert(x + "," + y, new float[] {x, y}, 0);
            }
        }
        assertThat(index.deleteInBox(new float[] {2, 3}, new float[] {4, 3})).isEqualTo(3);
        assertThat(index.contains("2,3")).isFalse();
        assertThat(index.contains("4,3")).isFalse();
        assertThat(index.contains("5,3")).isTrue();
        assertThat(index.deleteInBox(new float[] {Float.NaN, 0}, new float[] {9, 9})).isZero();
        assertThat(index.deleteInBox(new float[] {5, 0}, new float[] {4, 9})).isZero();
        assertThat(index.deleteInBox(new float[] {-1, -1}, new float[] {20, 20})).isEqualTo(97);
        assertThat(index.size()).isZero();
        index.checkInvariants();
        index.upsert("again", new float[] {1, 1}, 0);
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void radiusAndBoxHandleEdgeArguments() {
        KdTreeIndex index = KdTreeIndex.builder(1).build();
        for (int i = 0; i < 50; i++) {
            index.upsert(String.format("p%02d", i), new float[] {i}, 0);
        }
        NeighborBuffer out = new NeighborBuffer(1);
        index.radius(new float[] {10f}, 0, -1f, out);
        assertThat(out.size()).isZero();
        index.radius(new float[] {10f}, 0, 0f, out);
        assertThat(BruteForce.read(index, out)).containsExactly(new Neighbor("p10", 0f));
        index.radius(new float[] {10f}, 0, Float.POSITIVE_INFINITY, out);
        assertThat(out.size()).isEqualTo(50);
        index.box(new float[] {47f}, new float[] {1e30f}, out);
        assertThat(BruteForce.read(index, out))
                .containsExactly(
                        new Neighbor("p47", 0f), new Neighbor("p48", 0f), new Neighbor("p49", 0f));
    }

    @Test
    void knnReturnsEveryPointWhenKExceedsTheSize() {
        KdTreeIndex index = KdTreeIndex.builder(2).build();
        index.upsert("b", new float[] {1, 1}, 0);
        index.upsert("a", new float[] {1, 1}, 0);
        index.upsert("c", new float[] {0, 0}, 0);
        NeighborBuffer out = new NeighborBuffer(1);
        index.knn(new float[] {1, 1}, 0, Integer.MAX_VALUE, out);
        assertThat(BruteForce.read(index, out))
                .containsExactly(
                        new Neighbor("a", 0f), new Neighbor("b", 0f), new Neighbor("c", 2f));
    }

    @Test
    void distancesThatOverflowToInfinityStillRankById() {
        KdTreeIndex index = KdTreeIndex.builder(2).leafSize(1).build();
        BruteForce oracle = new BruteForce(2, KnnMetric.SQUARED_L2);
        float big = Float.MAX_VALUE;
        float[][] points = {{big, -big}, {-big, big}, {big, big}, {0, 0}, {-big, -big}, {1, 1}};
        for (int i = 0; i < points.length; i++) {
            index.upsert("x" + i, points[i], 0);
            oracle.upsert("x" + i, points[i]);
        }
        NeighborBuffer out = new NeighborBuffer(8);
        for (float[] q : new float[][] {{big, big}, {-big, 0}, {0, 0}}) {
            for (int k = 1; k <= points.length; k++) {
                index.knn(q, 0, k, out);
                assertThat(BruteForce.read(index, out)).isEqualTo(oracle.knn(q, k));
                index.approximateKnn(q, 0, k, points.length, out);
                assertThat(BruteForce.read(index, out)).isEqualTo(oracle.knn(q, k));
            }
            index.radius(q, 0, Float.MAX_VALUE, out);
            assertThat(BruteForce.read(index, out)).isEqualTo(oracle.radius(q, Float.MAX_VALUE));
        }
    }

    @Test
    void batchKnnEqualsOneQueryAtATime() {
        SplittableRandom random = new SplittableRandom(SEED);
        int dimension = 5;
        KdTreeIndex index = KdTreeIndex.builder(dimension).build();
        for (int i = 0; i < 2_000; i++) {
            index.upsert("p" + i, randomVector(random, dimension), 0);
        }
        int count = 50;
        float[] queries = new float[count * dimension];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = (float) random.nextDouble(-1, 1);
        }
        NeighborBuffer[] batch = new NeighborBuffer[count];
        for (int i = 0; i < count; i++) {
            batch[i] = new NeighborBuffer(4);
        }
        index.knn(queries, count, 7, batch);
        NeighborBuffer single = new NeighborBuffer(4);
        for (int i = 0; i < count; i++) {
            index.knn(queries, i * dimension, 7, single);
            assertThat(BruteForce.read(index, batch[i])).isEqualTo(BruteForce.read(index, single));
        }
    }

    @Test
    void batchKnnChecksEveryQueryBeforeRunningAny() {
        KdTreeIndex index = KdTreeIndex.builder(2).build();
        index.upsert("a", new float[] {0, 0}, 0);
        float[] queries = {0, 0, 1, 1, 2, Float.NaN};
        NeighborBuffer[] out = {
            new NeighborBuffer(1), new NeighborBuffer(1), new NeighborBuffer(1)
        };
        assertThatThrownBy(() -> index.knn(queries, 3, 1, out))
                .hasMessage("query 2: component 1 is NaN");
        assertThat(out[0].size()).isZero();
        assertThatThrownBy(() -> index.knn(queries, 4, 1, out))
                .hasMessageContaining("need 4 queries of dimension 2");
    }

    @ParameterizedTest
    @EnumSource(KnnMetric.class)
    void everyMetricRanksLikeBruteForceAndReportsItsOwnUnit(KnnMetric metric) {
        SplittableRandom random = new SplittableRandom(SEED + metric.ordinal());
        int dimension = 6;
        KdTreeIndex index = KdTreeIndex.builder(dimension).metric(metric).leafSize(4).build();
        BruteForce oracle = new BruteForce(dimension, metric);
        java.util.Map<String, float[]> raw = new java.util.HashMap<>();
        for (int i = 0; i < 1_500; i++) {
            float[] v = randomVector(random, dimension);
            for (int j = 0; j < dimension; j++) {
                v[j] *= 1 + random.nextInt(100); // lengths vary, so cosine must normalise
            }
            index.upsert("p" + i, v, 0);
            oracle.upsert("p" + i, v);
            raw.put("p" + i, v);
        }
        oracle.assertSameView(index);
        // Float error of a d-term sum of squares (Higham's gamma_d), plus the rounding of the
        // normalised components under cosine: a few units of 2^-24 per term.
        double eps = (dimension + 4) * 0x1p-24;
        NeighborBuffer out = new NeighborBuffer(8);
        for (int trial = 0; trial < 100; trial++) {
            float[] q = randomVector(random, dimension);
            index.knn(q, 0, 5, out);
            List<Neighbor> expected = oracle.knn(q, 5);
            assertThat(BruteForce.read(index, out)).isEqualTo(expected);
            for (int i = 0; i < out.size(); i++) {
                float reported = metric.fromSquaredL2(out.distance(i));
                double exact = exactDistance(metric, q, raw.get(expected.get(i).id()));
                assertThat((double) reported).isCloseTo(exact, within(4 * eps * (1 + exact)));
            }
            float radius = metric.fromSquaredL2(expected.get(4).sqDist());
            index.radius(q, 0, metric.toSquaredL2(radius), out);
            assertThat(out.size()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void cosineStoresUnitVectors() {
        KdTreeIndex index = KdTreeIndex.builder(3).metric(KnnMetric.COSINE).build();
        index.upsert("a", new float[] {3, 0, 4}, 0);
        index.upsert("b", new float[] {0, -1e-20f, 0}, 0);
        float[] coordinates = index.coordinates();
        int a = index.slotOf("a");
        int b = index.slotOf("b");
        assertThat(new float[] {coordinates[3 * a], coordinates[3 * a + 1], coordinates[3 * a + 2]})
                .containsExactly(0.6f, 0f, 0.8f);
        assertThat(new float[] {coordinates[3 * b], coordinates[3 * b + 1], coordinates[3 * b + 2]})
                .containsExactly(0f, -1f, 0f);
        NeighborBuffer out = new NeighborBuffer(2);
        index.knn(new float[] {6, 0, 8}, 0, 1, out);
        assertThat(KnnMetric.COSINE.fromSquaredL2(out.distance(0))).isZero();
    }

    @Test
    void pointSetViewShowsExactlyTheLivePoints() {
        SplittableRandom random = new SplittableRandom(SEED + 7);
        KdTreeIndex index = KdTreeIndex.builder(4).leafSize(3).build();
        BruteForce oracle = new BruteForce(4, KnnMetric.SQUARED_L2);
        for (int i = 0; i < 3_000; i++) {
            String id = "p" + random.nextInt(800);
            if (random.nextInt(4) == 0) {
                assertThat(index.delete(id)).isEqualTo(oracle.delete(id));
            } else {
                float[] v = randomVector(random, 4);
                assertThat(index.upsert(id, v, 0)).isEqualTo(oracle.upsert(id, v));
            }
        }
        oracle.assertSameView(index);
        assertThat(index.coordinates().length).isGreaterThanOrEqualTo(index.slotCount() * 4);
        assertThat(index.isLive(-1)).isFalse();
        assertThat(index.isLive(index.slotCount())).isFalse();
        assertThatThrownBy(() -> index.id(index.slotCount()))
                .isInstanceOf(IndexOutOfBoundsException.class);
        index.rebuild();
        oracle.assertSameView(index);
        index.checkInvariants();
    }

    @Test
    void warmQueriesAllocateNothing() {
        SplittableRandom random = new SplittableRandom(SEED + 9);
        int dimension = 8;
        KdTreeIndex index = KdTreeIndex.builder(dimension).build();
        for (int i = 0; i < 5_000; i++) {
            index.upsert("p" + i, randomVector(random, dimension), 0);
        }
        float[] queries = new float[200 * dimension];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = (float) random.nextDouble(-1, 1);
        }
        NeighborBuffer out = new NeighborBuffer(64);
        NeighborBuffer[] batch = {new NeighborBuffer(16), new NeighborBuffer(16)};
        for (int round = 0; round < 3; round++) { // warm-up: scratch grows, the JIT compiles
            runQueries(index, queries, out, batch);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        runQueries(index, queries, out, batch);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by 1,000 warm queries").isLessThan(1_024);
    }

    private static void runQueries(
            KdTreeIndex index, float[] queries, NeighborBuffer out, NeighborBuffer[] batch) {
        int dimension = index.dimension();
        for (int q = 0; q < queries.length / dimension; q++) {
            index.knn(queries, q * dimension, 10, out);
            index.radius(queries, q * dimension, 0.3f, out);
            index.approximateKnn(queries, q * dimension, 10, 100, out);
            index.match(queries, q * dimension, 0.8f, out);
            index.knn(queries, 2, 5, batch);
        }
    }

    private static double exactDistance(KnnMetric metric, float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        double sq = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
            sq += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        }
        return switch (metric) {
            case SQUARED_L2 -> sq;
            case L2 -> Math.sqrt(sq);
            case COSINE -> 1.0 - dot / Math.sqrt(aa * bb);
        };
    }

    static float[] randomVector(SplittableRandom random, int dimension) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }
}
