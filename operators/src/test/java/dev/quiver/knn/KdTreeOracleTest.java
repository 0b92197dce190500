package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.knn.BruteForce.Neighbor;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Exact queries of {@link KdTreeIndex} against {@link BruteForce} after long random sequences of
 * inserts, upserts, deletes and box deletes, in 1 to 128 dimensions, on uniform, clustered,
 * duplicated and collinear data, with small and default leaves and several balance settings so that
 * partial rebuilds happen all the time. Results must match exactly: same ids, same order, same
 * float distances.
 */
class KdTreeOracleTest {

    private static final long SEED = 0x5EED_2024_0001L;
    private static final int[] DIMENSIONS = {1, 2, 3, 8, 32, 128};
    private static final int[] LEAF_SIZES = {2, 5, 16};
    private static final double[] ALPHAS = {0.6, 0.7, 0.85};

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int i = 0;
        for (int dimension : DIMENSIONS) {
            for (TestData kind : TestData.values()) {
                cases.add(
                        Arguments.of(
                                dimension,
                                kind,
                                LEAF_SIZES[i % LEAF_SIZES.length],
                                ALPHAS[(i / LEAF_SIZES.length) % ALPHAS.length]));
                i++;
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "d={0} {1} leafSize={2} alpha={3}")
    @MethodSource("cases")
    void exactQueriesEqualBruteForceThroughRandomUpdates(
            int dimension, TestData kind, int leafSize, double alpha) {
        long seed =
                new SplittableRandom(SEED).split().nextLong() ^ (dimension * 31L + kind.ordinal());
        TestData.Source source = kind.source(dimension, seed);
        SplittableRandom random = source.random();
        KdTreeIndex index =
                KdTreeIndex.builder(dimension)
                        .leafSize(leafSize)
                        .balance(alpha)
                        .maxDeletedFraction(0.4)
                        .build();
        BruteForce oracle = new BruteForce(dimension, KnnMetric.SQUARED_L2);
        int steps = dimension >= 32 ? 1_500 : 3_000;
        int target = dimension >= 32 ? 400 : 700;
        int nextId = 0;
        for (int step = 1; step <= steps; step++) {
            int op = random.nextInt(100);
            boolean grow = oracle.size() < target;
            if (oracle.size() == 0 || op < (grow ? 60 : 35)) {
                String id = "p" + Integer.toString(nextId++, 36);
                float[] p = source.next();
                assertThat(index.upsert(id, p, 0)).isEqualTo(oracle.upsert(id, p));
            } else if (op < 75) {
                String id = randomId(oracle, random);
                float[] p = source.next();
                assertThat(index.upsert(id, p, 0)).isTrue();
                oracle.upsert(id, p);
            } else if (op < 97) {
                String id = random.nextInt(10) == 0 ? "absent" : randomId(oracle, random);
                assertThat(index.delete(id)).isEqualTo(oracle.delete(id));
            } else {
                float[][] box = randomBox(source, kind, random);
                assertThat(index.deleteInBox(box[0], box[1]))
                        .isEqualTo(oracle.deleteInBox(box[0], box[1]));
            }
            if (step % 100 == 0) {
                index.checkInvariants();
                oracle.assertSameView(index);
                assertQueriesMatch(index, oracle, source, kind, random);
            }
        }
        index.rebuild();
        index.checkInvariants();
        oracle.assertSameView(index);
        // A fresh median build makes at most 2n / leafSize + 1 leaves, one block of leafSize + 1
        // each.
        long leaves = 2L * index.size() / leafSize + 1;
        assertThat((long) index.slotCount()).isLessThanOrEqualTo(leaves * (leafSize + 1));
        assertQueriesMatch(index, oracle, source, kind, random);
    }

    private static void assertQueriesMatch(
            KdTreeIndex index,
            BruteForce oracle,
            TestData.Source source,
            TestData kind,
            SplittableRandom random) {
        NeighborBuffer out = new NeighborBuffer(4);
        List<String> ids = oracle.ids();
        for (int trial = 0; trial < 4; trial++) {
            // Half the queries sit exactly on an indexed point: distance-0 ties and cut-plane
            // cases.
            float[] q =
                    trial % 2 == 0 && !ids.isEmpty()
                            ? oracle.points().get(ids.get(random.nextInt(ids.size()))).clone()
                            : source.next();
            for (int k : new int[] {1, 2, 1 + random.nextInt(20), oracle.size() + 3}) {
                index.knn(q, 0, k, out);
                assertThat(BruteForce.read(index, out))
                        .as("knn k=%d", k)
                        .isEqualTo(oracle.knn(q, k));
            }
            List<Neighbor> all = oracle.all(q);
            if (!all.isEmpty()) {
                // A radius equal to some point's distance puts points exactly on the boundary.
                float sqRadius = all.get(random.nextInt(Math.min(all.size(), 40))).sqDist();
                index.radius(q, 0, sqRadius, out);
                assertThat(BruteForce.read(index, out))
                        .as("radius %s", sqRadius)
                        .isEqualTo(oracle.radius(q, sqRadius));
            }
            float[][] box = randomBox(source, kind, random);
            index.box(box[0], box[1], out);
            assertThat(BruteForce.read(index, out)).as("box").isEqualTo(oracle.box(box[0], box[1]));

            int k = 1 + random.nextInt(10);
            index.approximateKnn(q, 0, k, Math.max(1, oracle.size()), out);
            assertThat(BruteForce.read(index, out))
                    .as("best-bin-first with a full budget")
                    .isEqualTo(oracle.knn(q, k));
        }
    }

    private static float[][] randomBox(
            TestData.Source source, TestData kind, SplittableRandom random) {
        float[] centre = source.next();
        float[] lo = new float[centre.length];
        float[] hi = new float[centre.length];
        for (int i = 0; i < centre.length; i++) {
            // Integer half-widths on integer data put points exactly on the faces.
            float half =
                    switch (kind) {
                        case DUPLICATES, COLLINEAR ->
                                random.nextInt(0, 3) * Math.abs(centre[i]) / 4f
                                        + random.nextInt(0, 2);
                        default -> (float) random.nextDouble(0.0, 0.6);
                    };
            lo[i] = centre[i] - half;
            hi[i] = centre[i] + half;
        }
        return new float[][] {lo, hi};
    }

    private static String randomId(BruteForce oracle, SplittableRandom random) {
        List<String> ids = oracle.ids();
        return ids.get(random.nextInt(ids.size()));
    }
}
