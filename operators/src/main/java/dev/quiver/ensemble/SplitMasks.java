package dev.quiver.ensemble;

import dev.quiver.compute.FlatForest;

import java.util.Arrays;

/**
 * Padded trees walked for a whole block of rows at once, with the rows as the bits of a {@code
 * long} ({@link ForestWalker#BLOCK_ROWS} is 64): the loop {@link ForestWalker} uses for blocks of
 * at least {@value #MIN_ROWS} rows without NaN.
 *
 * <p><b>Masks.</b> The forest's split thresholds, distinct per feature and sorted, each get a slot.
 * For a block, {@link #rightMasks} finds for every row and feature how many of that feature's
 * thresholds are at most the row's key (a binary search, eight rows at a time), files the row's bit
 * under that count, and ORs the counts from the top down: slot {@code k} then holds the rows whose
 * key is at least threshold {@code k}, the rows that go right there. Slot 0 holds every row, for
 * padding nodes and leaves (NaN threshold: every row goes right). The comparisons are the walk's
 * own ({@code key >= threshold} on order keys), only done once per distinct threshold and row
 * instead of once per node on the row's path.
 *
 * <p><b>Trees.</b> {@link #addLeaves} then goes through a padded tree's splits breadth-first,
 * keeping per node the rows that reach it: a node sends {@code reach & right} to its right child
 * and the rest to its left, and the rows it sends right form one bit of their leaf index at that
 * level. The leaf index of eight rows at a time is assembled from those bits with a table that
 * spreads a byte's bits to the bytes of a long; each row then adds its leaf's value to its sum, in
 * tree order as every walk does, so margins are the same bits. Per tree and block this costs one
 * step per split (63 for depth 6) and one add per row, against one dependent load chain per row and
 * level in {@link ForestWalker}'s walk, which is why it wins on full blocks and loses on a few rows.
 *
 * <p>Scratch, one {@link Scratch} per caller ({@link #newScratch()}): the right masks per slot, the
 * per-count buckets of the widest feature, the reach of every split of the deepest padded tree and
 * the rows sent right per level. Immutable; thread-safe with a scratch per thread.
 */
final class SplitMasks {

    /** Fewest rows in a block for which the masks pay for their fixed cost per block. */
    static final int MIN_ROWS = 16;

    /** Deepest tree whose leaf index fits in a byte; deeper padded trees take the walk. */
    static final int MAX_DEPTH = 8;

    /** {@code SPREAD[b]} has bit {@code i} of {@code b} as the lowest bit of its byte {@code i}. */
    private static final long[] SPREAD = new long[256];

    static {
        for (int b = 0; b < 256; b++) {
            long spread = 0;
            for (int i = 0; i < 8; i++) {
                spread |= (long) ((b >>> i) & 1) << (8 * i);
            }
            SPREAD[b] = spread;
        }
    }

    private final int featureCount;

    /** Per slot, the threshold's order key; a feature's slots are consecutive and ascending. */
    private final int[] thresholdKeys;

    private final int[] featureFirstSlot;
    private final int[] featureSlotCount;

    /** Per node, its threshold's slot; 0 (every row right) for leaves and padding. */
    private final int[] nodeSlot;

    private final int widestFeature;

    /** A caller's scratch for one forest's blocks; see the class comment. */
    static final class Scratch {
        final long[] right;
        final long[] buckets;
        final long[] reach = new long[1 << MAX_DEPTH];
        final long[] levels = new long[MAX_DEPTH];

        private Scratch(int slots, int widestFeature) {
            this.right = new long[slots];
            this.buckets = new long[widestFeature + 1];
        }
    }

    SplitMasks(FlatForest forest) {
        this.featureCount = forest.featureCount();
        int[] feature = forest.feature();
        float[] threshold = forest.threshold();
        int[][] perFeature = distinctThresholds(feature, threshold, featureCount);
        this.featureFirstSlot = new int[featureCount];
        this.featureSlotCount = new int[featureCount];
        int slots = 1;
        int widest = 0;
        for (int f = 0; f < featureCount; f++) {
            featureFirstSlot[f] = slots;
            featureSlotCount[f] = perFeature[f].length;
            slots += perFeature[f].length;
            widest = Math.max(widest, perFeature[f].length);
        }
        this.thresholdKeys = new int[slots];
        for (int f = 0; f < featureCount; f++) {
            System.arraycopy(
                    perFeature[f], 0, thresholdKeys, featureFirstSlot[f], perFeature[f].length);
        }
        this.nodeSlot = new int[feature.length];
        for (int n = 0; n < feature.length; n++) {
            if (!Float.isNaN(threshold[n])) {
                int f = feature[n];
                nodeSlot[n] =
                        Arrays.binarySearch(
                                thresholdKeys,
                                featureFirstSlot[f],
                                featureFirstSlot[f] + featureSlotCount[f],
                                ForestWalker.orderKey(threshold[n]));
            }
        }
        this.widestFeature = widest;
    }

    /** Per feature, the order keys of its split thresholds, distinct and ascending. */
    private static int[][] distinctThresholds(int[] feature, float[] threshold, int featureCount) {
        int[] counts = new int[featureCount];
        for (int n = 0; n < feature.length; n++) {
            counts[feature[n]] += Float.isNaN(threshold[n]) ? 0 : 1;
        }
        int[][] keys = new int[featureCount][];
        for (int f = 0; f < featureCount; f++) {
            keys[f] = new int[counts[f]];
            counts[f] = 0;
        }
        for (int n = 0; n < feature.length; n++) {
            if (!Float.isNaN(threshold[n])) {
                keys[feature[n]][counts[feature[n]]++] = ForestWalker.orderKey(threshold[n]);
            }
        }
        for (int f = 0; f < featureCount; f++) {
            keys[f] = Arrays.stream(keys[f]).sorted().distinct().toArray();
        }
        return keys;
    }

    /** Scratch for {@link #rightMasks} and {@link #addLeaves} over this forest. */
    Scratch newScratch() {
        return new Scratch(thresholdKeys.length, widestFeature);
    }

    /**
     * Fills the scratch's right masks for the block's {@code count} rows of order keys, row-major
     * ({@code count <= 64}, no NaN).
     */
    void rightMasks(int[] keys, int count, Scratch scratch) {
        long[] rightMask = scratch.right;
        long[] buckets = scratch.buckets;
        rightMask[0] = -1L;
        for (int f = 0; f < featureCount; f++) {
            int first = featureFirstSlot[f];
            int m = featureSlotCount[f];
            if (m == 0) {
                continue;
            }
            int r = 0;
            for (; r + 8 <= count; r += 8) {
                fileEight(keys, r, f, first, m, buckets);
            }
            for (; r < count; r++) {
                buckets[thresholdsAtMost(keys[r * featureCount + f], first, m)] |= 1L << r;
            }
            long right = 0;
            for (int j = m; j >= 1; j--) {
                right |= buckets[j];
                buckets[j] = 0;
                rightMask[first + j - 1] = right;
            }
            buckets[0] = 0;
        }
    }

    /** {@link #thresholdsAtMost} for rows {@code r .. r + 7}, interleaved to overlap their loads. */
    private void fileEight(int[] keys, int r, int f, int first, int m, long[] buckets) {
        int at = r * featureCount + f;
        int y0 = keys[at];
        int y1 = keys[at + featureCount];
        int y2 = keys[at + 2 * featureCount];
        int y3 = keys[at + 3 * featureCount];
        int y4 = keys[at + 4 * featureCount];
        int y5 = keys[at + 5 * featureCount];
        int y6 = keys[at + 6 * featureCount];
        int y7 = keys[at + 7 * featureCount];
        // The first step's pivot is the same for every row (with m == 1 both ways give first).
        int half0 = m >>> 1;
        int pivot = thresholdKeys[first + half0 - 1];
        int b0 = pivot <= y0 ? first + half0 : first;
        int b1 = pivot <= y1 ? first + half0 : first;
        int b2 = pivot <= y2 ? first + half0 : first;
        int b3 = pivot <= y3 ? first + half0 : first;
        int b4 = pivot <= y4 ? first + half0 : first;
        int b5 = pivot <= y5 ? first + half0 : first;
        int b6 = pivot <= y6 ? first + half0 : first;
        int b7 = pivot <= y7 ? first + half0 : first;
        for (int n = m - half0; n > 1; ) {
            int half = n >>> 1;
            b0 = thresholdKeys[b0 + half - 1] <= y0 ? b0 + half : b0;
            b1 = thresholdKeys[b1 + half - 1] <= y1 ? b1 + half : b1;
            b2 = thresholdKeys[b2 + half - 1] <= y2 ? b2 + half : b2;
            b3 = thresholdKeys[b3 + half - 1] <= y3 ? b3 + half : b3;
            b4 = thresholdKeys[b4 + half - 1] <= y4 ? b4 + half : b4;
            b5 = thresholdKeys[b5 + half - 1] <= y5 ? b5 + half : b5;
            b6 = thresholdKeys[b6 + half - 1] <= y6 ? b6 + half : b6;
            b7 = thresholdKeys[b7 + half - 1] <= y7 ? b7 + half : b7;
            n -= half;
        }
        buckets[b0 - first + (thresholdKeys[b0] <= y0 ? 1 : 0)] |= 1L << r;
        buckets[b1 - first + (thresholdKeys[b1] <= y1 ? 1 : 0)] |= 1L << (r + 1);
        buckets[b2 - first + (thresholdKeys[b2] <= y2 ? 1 : 0)] |= 1L << (r + 2);
        buckets[b3 - first + (thresholdKeys[b3] <= y3 ? 1 : 0)] |= 1L << (r + 3);
        buckets[b4 - first + (thresholdKeys[b4] <= y4 ? 1 : 0)] |= 1L << (r + 4);
        buckets[b5 - first + (thresholdKeys[b5] <= y5 ? 1 : 0)] |= 1L << (r + 5);
        buckets[b6 - first + (thresholdKeys[b6] <= y6 ? 1 : 0)] |= 1L << (r + 6);
        buckets[b7 - first + (thresholdKeys[b7] <= y7 ? 1 : 0)] |= 1L << (r + 7);
    }

    /**
     * How many of the {@code m} ascending thresholds from slot {@code first} are at most {@code
     * key}: a binary search whose steps are conditional moves, as many for every key.
     */
    private int thresholdsAtMost(int key, int first, int m) {
        int base = first;
        for (int n = m; n > 1; ) {
            int half = n >>> 1;
            base = thresholdKeys[base + half - 1] <= key ? base + half : base;
            n -= half;
        }
        return base - first + (thresholdKeys[base] <= key ? 1 : 0);
    }

    /**
     * Adds to {@code sums[b * marginCount + group]} the leaf of the padded tree at {@code root}
     * ({@code depth <= MAX_DEPTH}) that each of the block's {@code count} rows reaches, from the
     * right masks of {@link #rightMasks}.
     */
    void addLeaves(
            int root,
            int depth,
            int group,
            int marginCount,
            float[] value,
            int count,
            Scratch scratch,
            float[] sums) {
        long[] rightMask = scratch.right;
        long[] reaches = scratch.reach;
        long[] levels = scratch.levels;
        reaches[0] = count == 64 ? -1L : (1L << count) - 1;
        int node = 0;
        for (int level = 0; level < depth - 1; level++) {
            long rightAtLevel = 0;
            for (int end = 2 * node + 1; node < end; node++) {
                long reach = reaches[node];
                long right = rightMask[nodeSlot[root + node]] & reach;
                rightAtLevel |= right;
                reaches[2 * node + 1] = reach ^ right;
                reaches[2 * node + 2] = right;
            }
            levels[level] = rightAtLevel;
        }
        long rightAtLast = 0;
        for (int end = 2 * node + 1; node < end; node++) {
            rightAtLast |= rightMask[nodeSlot[root + node]] & reaches[node];
        }
        levels[depth - 1] = rightAtLast;
        int firstLeaf = root + node;
        for (int b = 0; b < count; b += 8) {
            long leaves = 0;
            for (int level = 0; level < depth; level++) {
                leaves = (leaves << 1) + SPREAD[(int) (levels[level] >>> b) & 0xff];
            }
            int at = b * marginCount + group;
            for (int j = Math.min(8, count - b); j > 0; j--, leaves >>>= 8, at += marginCount) {
                sums[at] += value[firstLeaf + ((int) leaves & 0xff)];
            }
        }
    }
}
