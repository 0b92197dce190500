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
 * thresholds are at most the row's value ({@link ThresholdCells}: a table lookup and, for evenly
 * spread thresholds, one or two comparisons), files the row's bit under that count, and ORs the
 * counts from the top down: slot {@code k} then holds the rows whose value is at least threshold
 * {@code k}, the rows that go right there. Slot 0 holds every row, for padding nodes and leaves
 * (NaN threshold: every row goes right). The comparisons are the walk's own ({@code x >=
 * threshold} in float32), only done once per distinct threshold and row instead of once per node on
 * the row's path.
 *
 * <p><b>Trees.</b> {@link #addTrees} then goes through each padded tree's splits breadth-first,
 * keeping per node the rows that reach it: a node sends {@code reach & right} to its right child
 * and the rest to its left, and the rows it sends right form one bit of their leaf index at that
 * level. The leaf index of eight rows at a time is assembled from those bits with a table that
 * spreads a byte's bits to the bytes of a long and kept, one byte per row and tree; {@link
 * LeafSums} then adds each row's leaves in tree order, as every walk does, so margins are the same
 * bits. Per tree and block this costs one step per split (63 for depth 6) and one add per row,
 * against one dependent load chain per row and level in {@link ForestWalker}'s walk, which is why
 * it wins on full blocks and loses on a few rows.
 *
 * <p>Scratch, one {@link Scratch} per caller ({@link #newScratch()}): the right masks per slot, the
 * per-count buckets of the widest feature, the reach of every split of the deepest padded tree, the
 * rows sent right per level and the leaf indices of every tree. Immutable; thread-safe with a
 * scratch per thread.
 */
final class SplitMasks {

    /** Fewest rows in a block for which the masks pay for their fixed cost per block. */
    static final int MIN_ROWS = 16;

    /** Deepest tree whose leaf index fits in a byte; deeper padded trees take the walk. */
    static final int MAX_DEPTH = 8;

    /** Longs of leaf indices per tree: a byte per row of a block. */
    static final int LEAF_WORDS = ForestWalker.BLOCK_ROWS / 8;

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
    private final int slotCount;
    private final ThresholdCells cells;

    private final int[] featureFirstSlot;
    private final int[] featureSlotCount;

    /** Per node, its threshold's slot; 0 (every row right) for leaves and padding. */
    private final int[] nodeSlot;

    private final int widestFeature;
    private final int[] treeRoot;
    private final int[] treeDepth;

    /** Per tree, whether it goes through the masks: padded and at most {@link #MAX_DEPTH} deep. */
    private final boolean[] treeMasked;

    /** Per tree, the first tree after it that does not go through the masks (or the count). */
    private final int[] maskedRunEnd;

    private final LeafSums leafSums;

    /** A caller's scratch for one forest's blocks; see the class comment. */
    static final class Scratch {
        final long[] right;
        final long[] buckets;
        final long[] reach = new long[1 << MAX_DEPTH];
        final long[] levels = new long[MAX_DEPTH];
        final long[] leaves;

        private Scratch(int slots, int widestFeature, int trees) {
            this.right = new long[slots];
            this.buckets = new long[widestFeature + 1];
            this.leaves = new long[trees * LEAF_WORDS];
        }
    }

    SplitMasks(FlatForest forest) {
        this.featureCount = forest.featureCount();
        int[] feature = forest.feature();
        float[] threshold = forest.threshold();
        int[][] perFeature = distinctThresholds(feature, threshold, featureCount);
        this.featureFirstSlot = new int[featureCount];
        this.featureSlotCount = new int[featureCount];
        float[][] values = new float[featureCount][];
        int slots = 1;
        int widest = 0;
        for (int f = 0; f < featureCount; f++) {
            featureFirstSlot[f] = slots;
            featureSlotCount[f] = perFeature[f].length;
            slots += perFeature[f].length;
            widest = Math.max(widest, perFeature[f].length);
            values[f] = new float[perFeature[f].length];
            for (int i = 0; i < values[f].length; i++) {
                values[f][i] = fromOrderKey(perFeature[f][i]);
            }
        }
        this.slotCount = slots;
        this.cells = new ThresholdCells(values);
        this.nodeSlot = new int[feature.length];
        for (int n = 0; n < feature.length; n++) {
            if (!Float.isNaN(threshold[n])) {
                int f = feature[n];
                nodeSlot[n] =
                        featureFirstSlot[f]
                                + Arrays.binarySearch(
                                        perFeature[f], ForestWalker.orderKey(threshold[n]));
            }
        }
        this.widestFeature = widest;
        this.treeRoot = forest.treeRoot();
        this.treeDepth = forest.treeDepth();
        int trees = treeRoot.length;
        this.treeMasked = new boolean[trees];
        for (int t = 0; t < trees; t++) {
            treeMasked[t] = forest.treePadded()[t] && treeDepth[t] <= MAX_DEPTH;
        }
        this.maskedRunEnd = new int[trees];
        for (int t = trees - 1; t >= 0; t--) {
            maskedRunEnd[t] = !treeMasked[t] ? t : t + 1 < trees ? maskedRunEnd[t + 1] : trees;
        }
        this.leafSums = new LeafSums(forest, treeMasked);
    }

    /** The float32 whose {@link ForestWalker#orderKey} is {@code key}. */
    private static float fromOrderKey(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
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

    /** Scratch for {@link #rightMasks} and {@link #addTrees} over this forest. */
    Scratch newScratch() {
        return new Scratch(slotCount, widestFeature, treeRoot.length);
    }

    /**
     * Fills the scratch's right masks for the block's {@code count} rows {@code rows[from ..]},
     * row-major ({@code count <= 64}, no NaN), with their order keys {@code keys[0 ..]}.
     */
    void rightMasks(float[] rows, int from, int[] keys, int count, Scratch scratch) {
        long[] rightMask = scratch.right;
        long[] buckets = scratch.buckets;
        rightMask[0] = -1L;
        for (int f = 0; f < featureCount; f++) {
            int first = featureFirstSlot[f];
            int m = featureSlotCount[f];
            if (m == 0) {
                continue;
            }
            cells.file(rows, from + f, keys, f, featureCount, count, f, buckets);
            long right = 0;
            for (int j = m; j >= 1; j--) {
                right |= buckets[j];
                buckets[j] = 0;
                rightMask[first + j - 1] = right;
            }
            buckets[0] = 0;
        }
    }

    /** Whether tree {@code t} goes through the masks in a block that does. */
    boolean masked(int t) {
        return treeMasked[t];
    }

    /** The end of the run of trees from {@code t} that go through the masks. */
    int maskedRunEnd(int t) {
        return maskedRunEnd[t];
    }

    /**
     * Adds to the block's {@code sums} (as {@link ForestWalker#margins} lays them out) the leaves
     * that its {@code count} rows reach in trees {@code from .. to - 1}, all of them {@link
     * #masked}, in tree order per output, from the right masks of {@link #rightMasks}.
     */
    void addTrees(int from, int to, int count, Scratch scratch, float[] sums) {
        for (int t = from; t < to; t++) {
            leafIndices(t, count, scratch);
        }
        leafSums.add(from, to, scratch.leaves, count, sums);
    }

    /**
     * Writes into {@code scratch.leaves[t * LEAF_WORDS + b / 8]}, byte {@code b % 8}, the index of
     * the leaf of padded tree {@code t} that row {@code b} of the block reaches.
     */
    private void leafIndices(int t, int count, Scratch scratch) {
        int root = treeRoot[t];
        int depth = treeDepth[t];
        long[] rightMask = scratch.right;
        long[] reaches = scratch.reach;
        long[] levels = scratch.levels;
        reaches[0] = count == 64 ? -1L : (1L << count) - 1;
        int node = 0;
        for (int level = 0; level < depth - 2; level++) {
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
        if (depth == 1) {
            levels[0] = rightMask[nodeSlot[root]] & reaches[0];
        } else {
            // The last two levels together: the children's reach goes straight into their split.
            long rightAtLevel = 0;
            long rightAtLast = 0;
            for (int end = 2 * node + 1; node < end; node++) {
                long reach = reaches[node];
                long right = rightMask[nodeSlot[root + node]] & reach;
                rightAtLevel |= right;
                rightAtLast |=
                        rightMask[nodeSlot[root + 2 * node + 1]] & (reach ^ right)
                                | rightMask[nodeSlot[root + 2 * node + 2]] & right;
            }
            levels[depth - 2] = rightAtLevel;
            levels[depth - 1] = rightAtLast;
        }
        long[] leaves = scratch.leaves;
        int word = t * LEAF_WORDS;
        for (int b = 0; b < count; b += 8, word++) {
            long indices = 0;
            for (int level = 0; level < depth; level++) {
                indices = (indices << 1) + SPREAD[(int) (levels[level] >>> b) & 0xff];
            }
            leaves[word] = indices;
        }
    }
}
