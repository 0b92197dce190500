package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Partial rebuilds keep the tree shallow and its memory proportional to the live points under
 * adversarial update streams, without full rebuilds doing the work.
 *
 * <p>Height bound: every internal node holds more than {@code leafSize} points (tombstones
 * included) and each child at most {@code a = max(alpha, (leafSize + 2) / (2 leafSize + 2))} of
 * them, so an internal node at depth {@code k} has {@code leafSize < a^k S}, where {@code S <= live
 * / (1 - maxDeletedFraction)} counts the root's points; hence {@code height <= ceil(log_{1/a}(live
 * / ((1 - maxDeletedFraction) leafSize)))}.
 *
 * <p>Memory bound: every leaf but a lone root holds at least {@code (1 - a)(leafSize + 1)} points,
 * one block of {@code leafSize + 1} slots each, and the root is rebuilt when more than half the
 * blocks are free, so {@code slotCount <= 2 live / ((1 - a)(1 - maxDeletedFraction)) + 2 (leafSize
 * + 1)} once past {@code 64} blocks.
 */
class RebuildInvariantTest {

    private static final long SEED = 0x0B5E_55ED_1234L;
    private static final int LEAF_SIZE = KdTreeIndex.DEFAULT_LEAF_SIZE;
    private static final double ALPHA = KdTreeIndex.DEFAULT_ALPHA;
    private static final double MAX_DELETED = KdTreeIndex.DEFAULT_MAX_DELETED_FRACTION;

    /** The bound of the class comment, for the default options. */
    static int heightBound(int live) {
        double a = Math.max(ALPHA, (LEAF_SIZE + 2.0) / (2.0 * LEAF_SIZE + 2.0));
        double total = live / (1.0 - MAX_DELETED);
        if (total <= LEAF_SIZE) {
            return 0;
        }
        return (int) Math.ceil(Math.log(total / LEAF_SIZE) / Math.log(1.0 / a));
    }

    /** The slot bound of the class comment, for the default options. */
    static long slotBound(int live) {
        double a = Math.max(ALPHA, (LEAF_SIZE + 2.0) / (2.0 * LEAF_SIZE + 2.0));
        long proportional = (long) Math.ceil(2.0 * live / ((1.0 - a) * (1.0 - MAX_DELETED)));
        return Math.max(proportional + 2L * (LEAF_SIZE + 1), 64L * (LEAF_SIZE + 1));
    }

    private final KdTreeIndex index = KdTreeIndex.builder(3).build();
    private int operations;

    @Test
    void sortedInsertsKeepHeightLogarithmic() {
        for (int i = 0; i < 30_000; i++) {
            insert("s" + i, new float[] {i, 0.5f * i, -i});
        }
        assertThat(index.size()).isEqualTo(30_000);
    }

    @Test
    void identicalPointsKeepHeightLogarithmic() {
        for (int i = 0; i < 20_000; i++) {
            insert("same" + i, new float[] {1f, 2f, 3f});
        }
    }

    @Test
    void insertThenDeleteTheLowerHalfInOrderKeepsHeightLogarithmic() {
        for (int i = 0; i < 20_000; i++) {
            insert("s" + i, new float[] {i, i % 7, i % 11});
        }
        for (int i = 0; i < 10_000; i++) {
            assertThat(index.delete("s" + i)).isTrue();
            step();
        }
        assertThat(index.size()).isEqualTo(10_000);
    }

    @Test
    void interleavedSortedInsertsAndRandomDeletesKeepHeightLogarithmic() {
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> liveIds = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            String id = "s" + i;
            insert(id, new float[] {i, 0f, 0f});
            liveIds.add(id);
            if (random.nextInt(3) == 0) {
                int victim = random.nextInt(liveIds.size());
                String last = liveIds.remove(liveIds.size() - 1);
                String deleted = victim < liveIds.size() ? liveIds.set(victim, last) : last;
                assertThat(index.delete(deleted)).isTrue();
                step();
            }
        }
    }

    @Test
    void boxDeletesOfHalfSpacesKeepHeightLogarithmic() {
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 4_000; i++) {
                insert("r" + round + "-" + i, new float[] {i, round, i % 13});
            }
            // Deletes the upper half of what this round inserted: one side of many cuts at once.
            int deleted =
                    index.deleteInBox(
                            new float[] {2_000f, round, 0f}, new float[] {1e9f, round, 1e9f});
            assertThat(deleted).isEqualTo(2_000);
            step();
        }
        assertThat(index.size()).isEqualTo(20_000);
    }

    @Test
    void churnKeepsMemoryProportionalToLivePoints() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        List<String> liveIds = new ArrayList<>();
        int nextId = 0;
        for (int i = 0; i < 5_000; i++) {
            String id = "c" + nextId++;
            insert(id, randomPoint(random));
            liveIds.add(id);
        }
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 1_000; i++) {
                String id = "c" + nextId++;
                insert(id, randomPoint(random));
                liveIds.add(id);
            }
            for (int i = 0; i < 1_000; i++) {
                int victim = random.nextInt(liveIds.size());
                String last = liveIds.remove(liveIds.size() - 1);
                String deleted = victim < liveIds.size() ? liveIds.set(victim, last) : last;
                assertThat(index.delete(deleted)).isTrue();
            }
            assertMemoryProportional();
            // Steady churn settles at about 2 slots per live point (calibrated once: 2.01).
            assertThat(index.slotCount()).isLessThanOrEqualTo(5_000 * 5 / 2);
        }
        assertThat(index.size()).isEqualTo(5_000);
        index.checkInvariants();
    }

    @Test
    void shrinkingToAFewPointsReleasesMemory() {
        SplittableRandom random = new SplittableRandom(SEED + 2);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            String id = "g" + i;
            insert(id, randomPoint(random));
            ids.add(id);
        }
        // Delete in a scattered order so that partial rebuilds, not the root's, purge tombstones.
        for (int i = 0; i < 49_500; i++) {
            int victim = random.nextInt(ids.size());
            String last = ids.remove(ids.size() - 1);
            String deleted = victim < ids.size() ? ids.set(victim, last) : last;
            assertThat(index.delete(deleted)).isTrue();
            if (i % 1_000 == 0) {
                assertMemoryProportional();
            }
        }
        assertMemoryProportional();
        index.checkInvariants();
    }

    private void assertMemoryProportional() {
        int live = index.size();
        assertThat((long) index.slotCount())
                .as("slots for %d live", live)
                .isLessThanOrEqualTo(slotBound(live));
        // Arrays grow by half, so capacity stays within 1.5x of the high-water mark.
        assertThat((long) index.slotCapacity())
                .as("slot capacity for %d live", live)
                .isLessThanOrEqualTo(slotBound(live) * 3 / 2 + 16L * (LEAF_SIZE + 1));
        // A leaf per block and one fewer internal node than leaves.
        long blockBound = slotBound(live) / (LEAF_SIZE + 1);
        assertThat((long) index.nodeCapacity())
                .as("node capacity for %d live", live)
                .isLessThanOrEqualTo(3 * blockBound + 64);
        // Calibrated once with the seeds above and the default leaf size 32 (worst seen: 4.2 slots,
        // 5.3 slot capacity and 0.32 node capacity per live point, just before a compaction, with
        // 999 live): the proven bound is loose. Below 64 blocks nothing is compacted.
        int blockSlots = LEAF_SIZE + 1;
        assertThat(index.slotCount())
                .as("slots, calibrated")
                .isLessThanOrEqualTo(5 * live + 64 * blockSlots);
        assertThat(index.slotCapacity())
                .as("slot capacity, calibrated")
                .isLessThanOrEqualTo(6 * live + 96 * blockSlots);
        assertThat(index.nodeCapacity())
                .as("nodes, calibrated")
                .isLessThanOrEqualTo(live / 2 + 200);
    }

    private static float[] randomPoint(SplittableRandom random) {
        return new float[] {
            (float) random.nextDouble(), (float) random.nextDouble(), (float) random.nextDouble()
        };
    }

    private void insert(String id, float[] p) {
        index.upsert(id, p, 0);
        step();
    }

    private void step() {
        if (++operations % 1_000 == 0) {
            assertThat(index.height())
                    .as("height after %d operations with %d live", operations, index.size())
                    .isLessThanOrEqualTo(heightBound(index.size()));
        }
    }
}
