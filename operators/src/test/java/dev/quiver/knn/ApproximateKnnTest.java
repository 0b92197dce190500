package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Best-bin-first search ({@link KdTreeIndex#approximateKnn}) on clustered 128-dimensional data:
 * recall@10 against brute force for a ladder of budgets.
 *
 * <p>Data: 4,000 points and 100 queries from 8 Gaussian clusters (sigma 0.05 per component, centres
 * uniform in [-1, 1]^128; {@link TestData#CLUSTERED}), default options. Recall@10 measured once
 * with this seed and the default leaf size 32: 0.03 at 8 checks, 0.10 at 32, 0.33 at 128, 0.60 at
 * 256, 0.99 at 512 and 1.0 from 1,024 on; the bounds below leave a margin under those.
 */
class ApproximateKnnTest {

    private static final long SEED = 0xBBF_1997L;
    private static final int DIMENSION = 128;
    private static final int POINTS = 4_000;
    private static final int QUERIES = 100;
    private static final int K = 10;
    private static final int[] BUDGETS = {1, 8, 32, 64, 128, 256, 512, 1_024, 2_048, POINTS};

    private static KdTreeIndex index;
    private static BruteForce oracle;
    private static float[][] queries;

    @BeforeAll
    static void indexClusteredPoints() {
        TestData.Source source = TestData.CLUSTERED.source(DIMENSION, SEED);
        index = KdTreeIndex.builder(DIMENSION).build();
        oracle = new BruteForce(DIMENSION, KnnMetric.SQUARED_L2);
        for (int i = 0; i < POINTS; i++) {
            float[] p = source.next();
            index.upsert("c" + i, p, 0);
            oracle.upsert("c" + i, p);
        }
        queries = new float[QUERIES][];
        for (int q = 0; q < QUERIES; q++) {
            queries[q] = source.next();
        }
    }

    @Test
    void recallAtTenRisesWithTheBudgetAndMeetsItsBounds() {
        NeighborBuffer out = new NeighborBuffer(K);
        int[] previousHits = new int[QUERIES];
        double[] recall = new double[BUDGETS.length];
        for (int b = 0; b < BUDGETS.length; b++) {
            int total = 0;
            for (int q = 0; q < QUERIES; q++) {
                index.approximateKnn(queries[q], 0, K, BUDGETS[b], out);
                Set<String> truth = new HashSet<>();
                oracle.knn(queries[q], K).forEach(n -> truth.add(n.id()));
                int hits = 0;
                for (int i = 0; i < out.size(); i++) {
                    hits += truth.contains(index.id(out.slot(i))) ? 1 : 0;
                }
                // A bigger budget replays the smaller one's search and goes on, so per query too
                // the recall can only rise.
                assertThat(hits)
                        .as("query %d, budget %d", q, BUDGETS[b])
                        .isGreaterThanOrEqualTo(previousHits[q]);
                previousHits[q] = hits;
                total += hits;
            }
            recall[b] = total / (double) (QUERIES * K);
        }
        String ladder = java.util.Arrays.toString(recall);
        assertThat(recall[indexOf(128)])
                .as("recall@10 at 128 checks; ladder %s", ladder)
                .isGreaterThanOrEqualTo(0.25);
        assertThat(recall[indexOf(256)])
                .as("recall@10 at 256 checks; ladder %s", ladder)
                .isGreaterThanOrEqualTo(0.55);
        assertThat(recall[indexOf(512)])
                .as("recall@10 at 512 checks; ladder %s", ladder)
                .isGreaterThanOrEqualTo(0.95);
        assertThat(recall[BUDGETS.length - 1]).as("ladder %s", ladder).isEqualTo(1.0);
    }

    @Test
    void aBudgetOfTheIndexSizeGivesTheExactAnswer() {
        NeighborBuffer out = new NeighborBuffer(K);
        for (float[] q : queries) {
            index.approximateKnn(q, 0, K, POINTS, out);
            List<BruteForce.Neighbor> expected = oracle.knn(q, K);
            assertThat(BruteForce.read(index, out)).isEqualTo(expected);
            index.approximateKnn(q, 0, K, Integer.MAX_VALUE, out);
            assertThat(BruteForce.read(index, out)).isEqualTo(expected);
        }
    }

    @Test
    void searchStopsAfterMaxChecksPoints() {
        NeighborBuffer out = new NeighborBuffer(K);
        for (int budget = 1; budget <= 40; budget++) {
            // k above the budget keeps the heap from filling, so nothing ends the search early:
            // exactly the budget's worth of points is examined and kept.
            index.approximateKnn(queries[budget], 0, 50, budget, out);
            assertThat(out.size()).isEqualTo(budget);
            for (int i = 1; i < out.size(); i++) {
                assertThat(
                                NeighborBuffer.comesAfter(
                                        index,
                                        out.slot(i - 1),
                                        out.distance(i - 1),
                                        out.slot(i),
                                        out.distance(i)))
                        .isFalse();
            }
        }
    }

    private static int indexOf(int budget) {
        for (int b = 0; b < BUDGETS.length; b++) {
            if (BUDGETS[b] == budget) {
                return b;
            }
        }
        throw new IllegalArgumentException("no budget " + budget);
    }
}
