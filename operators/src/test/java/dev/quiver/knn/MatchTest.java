package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/** Lowe's ratio test in {@link KdTreeIndex#match} against the same rule applied by brute force. */
class MatchTest {

    private static final long SEED = 0x4A7C_0001L;

    @Test
    void matchEqualsBruteForceRatioRuleOnRandomData() {
        for (TestData kind : new TestData[] {TestData.UNIFORM, TestData.DUPLICATES}) {
            TestData.Source source = kind.source(4, SEED + kind.ordinal());
            SplittableRandom random = source.random();
            KdTreeIndex index = KdTreeIndex.builder(4).leafSize(4).build();
            BruteForce oracle = new BruteForce(4, KnnMetric.SQUARED_L2);
            for (int i = 0; i < 600; i++) {
                float[] p = source.next();
                index.upsert("m" + i, p, 0);
                oracle.upsert("m" + i, p);
            }
            NeighborBuffer out = new NeighborBuffer(2);
            int matches = 0;
            for (int trial = 0; trial < 400; trial++) {
                float[] q = source.next();
                float ratio = new float[] {0.5f, 0.8f, 1.0f}[random.nextInt(3)];
                int slot = index.match(q, 0, ratio, out);
                String expected = oracle.match(q, ratio);
                assertThat(slot == -1 ? null : index.id(slot))
                        .as("%s trial %d", kind, trial)
                        .isEqualTo(expected);
                assertThat(BruteForce.read(index, out)).isEqualTo(oracle.knn(q, 2));
                matches += slot == -1 ? 0 : 1;
            }
            // Both outcomes must occur, or the comparison proves little.
            assertThat(matches).as("%s matches", kind).isBetween(1, 399);
        }
    }

    @Test
    void equalNearestDistancesNeverMatch() {
        KdTreeIndex index = KdTreeIndex.builder(2).build();
        index.upsert("left", new float[] {-1, 0}, 0);
        index.upsert("right", new float[] {1, 0}, 0);
        index.upsert("far", new float[] {50, 50}, 0);
        NeighborBuffer out = new NeighborBuffer(2);
        assertThat(index.match(new float[] {0, 0}, 0, 1.0f, out)).isEqualTo(-1);
        assertThat(index.id(out.slot(0))).isEqualTo("left");
        assertThat(index.id(out.slot(1))).isEqualTo("right");
        index.upsert("twin", new float[] {-1, 0}, 0);
        assertThat(index.match(new float[] {-1, 0}, 0, 1.0f, out)).isEqualTo(-1);
        assertThat(out.distance(0)).isZero();
        assertThat(out.distance(1)).isZero();
    }

    @Test
    void ratioDecidesBetweenClearAndAmbiguousNearest() {
        KdTreeIndex index = KdTreeIndex.builder(1).build();
        index.upsert("a", new float[] {0}, 0);
        index.upsert("b", new float[] {10}, 0);
        NeighborBuffer out = new NeighborBuffer(2);
        // d1 = 4, d2 = 6: 4 < 0.8 * 6 = 4.8 matches, 4 < 0.6 * 6 = 3.6 does not.
        assertThat(index.match(new float[] {4}, 0, 0.8f, out)).isEqualTo(index.slotOf("a"));
        assertThat(index.match(new float[] {4}, 0, 0.6f, out)).isEqualTo(-1);
        // Exactly on the boundary (d1 = ratio * d2, 2 = 0.5 * 4 with exact floats): no match.
        index.upsert("b", new float[] {6}, 0);
        assertThat(index.match(new float[] {2}, 0, 0.5f, out)).isEqualTo(-1);
    }

    @Test
    void aSinglePointNeverMatches() {
        KdTreeIndex index = KdTreeIndex.builder(3).build();
        NeighborBuffer out = new NeighborBuffer(2);
        assertThat(index.match(new float[] {0, 0, 0}, 0, 0.8f, out)).isEqualTo(-1);
        assertThat(out.size()).isZero();
        index.upsert("only", new float[] {1, 1, 1}, 0);
        assertThat(index.match(new float[] {1, 1, 1}, 0, 0.8f, out)).isEqualTo(-1);
        assertThat(out.size()).isEqualTo(1);
        assertThat(index.id(out.slot(0))).isEqualTo("only");
    }
}
