package dev.quiver.ensemble;

import dev.quiver.compute.FlatForest;

/**
 * The margins of a {@link FlatForest}, computed as {@link TreeEnsemble}'s class comment describes
 * (order keys, four rows walking a tree together, padded trees without child loads): the one
 * scoring loop that {@link TreeEnsemble#score} and the {@code java} backend's {@link
 * JavaForestKernel} share, so their margins are the same bits. Immutable; the caller owns the
 * scratch ({@code keys} of {@link #BLOCK_ROWS} rows, {@code sums} of as many margins).
 */
final class ForestWalker {

    /** Rows scored together, one bit each in {@link SplitMasks}; see {@link TreeEnsemble}. */
    static final int BLOCK_ROWS = 64;

    private final int featureCount;
    private final int marginCount;
    private final boolean acceptsMissing;
    private final float[] baseMargins;
    private final int[] treeRoot;
    private final int[] treeDepth;
    private final int[] treeGroup;
    private final boolean[] treePadded;

    /** Whether some tree goes through {@link #splitMasks} in a full block. */
    private final boolean anyMasked;

    private final SplitMasks splitMasks;

    /**
     * Per node: the threshold's {@link #orderKey} in the high 32 bits, and the feature in the low
     * 32 bits; a leaf or padding node has the smallest key as threshold, so every row goes right.
     */
    private final long[] packed;

    private final int[] left;
    private final byte[] defaultLeft;
    private final float[] value;

    ForestWalker(FlatForest forest) {
        this.featureCount = forest.featureCount();
        this.marginCount = forest.marginCount();
        this.acceptsMissing = forest.acceptsMissing();
        this.baseMargins = forest.baseMargins();
        this.treeRoot = forest.treeRoot();
        this.treeDepth = forest.treeDepth();
        this.treeGroup = forest.treeGroup();
        this.treePadded = forest.treePadded();
        this.left = forest.left();
        this.defaultLeft = forest.defaultLeft();
        this.value = forest.value();
        this.splitMasks = new SplitMasks(forest);
        boolean any = false;
        for (int t = 0; t < treeRoot.length; t++) {
            any |= splitMasks.masked(t);
        }
        this.anyMasked = any;
        int[] feature = forest.feature();
        float[] threshold = forest.threshold();
        this.packed = new long[feature.length];
        for (int i = 0; i < feature.length; i++) {
            long key = Float.isNaN(threshold[i]) ? Integer.MIN_VALUE : orderKey(threshold[i]);
            packed[i] = (key << 32) | feature[i];
        }
    }

    /**
     * An int whose signed order is float32 order: {@code x < y} exactly when {@code orderKey(x) <
     * orderKey(y)}, for all non-NaN floats, with -0 and +0 equal as in float comparison. (The sign
     * bit kept, the other bits of negative numbers flipped, after adding +0 to turn -0 into +0.)
     */
    static int orderKey(float x) {
        int bits = Float.floatToRawIntBits(x + 0.0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** Scratch for {@link #margins}' blocks of at least {@link SplitMasks#MIN_ROWS} rows. */
    SplitMasks.Scratch newMaskScratch() {
        return splitMasks.newScratch();
    }

    /**
     * The float32 margins of rows {@code start .. start + count - 1} ({@code count <= BLOCK_ROWS})
     * into {@code sums[b * marginCount + g]}, {@code b} the row within the block.
     *
     * @throws IllegalArgumentException if a row holds NaN and the forest has no rule for it
     */
    void margins(float[] rows, int start, int count, int[] keys, float[] sums, SplitMasks.Scratch masks) {
        boolean missing = toKeys(rows, start, count, keys);
        if (missing && !acceptsMissing) {
            throw new IllegalArgumentException(
                    "a row holds NaN and the model has no rule for missing values");
        }
        for (int b = 0; b < count; b++) {
            System.arraycopy(baseMargins, 0, sums, b * marginCount, marginCount);
        }
        boolean wholeBlock = anyMasked && !missing && count >= SplitMasks.MIN_ROWS;
        if (wholeBlock) {
            splitMasks.rightMasks(rows, start * featureCount, keys, count, masks);
        }
        for (int t = 0; t < treeRoot.length; ) {
            if (wholeBlock && splitMasks.masked(t)) {
                int end = splitMasks.maskedRunEnd(t);
                splitMasks.addTrees(t, end, count, masks, sums);
                t = end;
                continue;
            }
            if (missing) {
                walkWithMissing(t, keys, count, sums);
            } else if (treePadded[t]) {
                walkPadded(t, keys, count, sums);
            } else {
                walkLinked(t, keys, count, sums);
            }
            t++;
        }
    }

    /**
     * Writes the block's rows as order keys, row-major ({@code keys[row * featureCount +
     * feature]}), NaN as {@link Integer#MAX_VALUE}, above every float's key; returns whether any
     * was NaN.
     */
    private boolean toKeys(float[] rows, int start, int count, int[] keys) {
        int from = start * featureCount;
        int length = count * featureCount;
        boolean missing = false;
        for (int i = 0; i < length; i++) {
            float x = rows[from + i];
            missing |= x != x;
            keys[i] = x != x ? Integer.MAX_VALUE : orderKey(x);
        }
        return missing;
    }

    /**
     * Adds tree {@code t}'s leaf to every row of the block, no NaN among them, the tree padded: a
     * row at node {@code i} goes to {@code 2i + 1} when its key is below the threshold's, else to
     * {@code 2i + 2}. Four rows walk together; the root's split is the same for all of them.
     */
    private void walkPadded(int t, int[] keys, int count, float[] sums) {
        int root = treeRoot[t];
        int depth = treeDepth[t];
        int group = treeGroup[t];
        int f = featureCount;
        long rootSplit = packed[root];
        int rootFeature = (int) rootSplit;
        int rootThreshold = (int) (rootSplit >> 32);
        int b = 0;
        for (; b + 4 <= count; b += 4) {
            int k0 = b * f;
            int k1 = k0 + f;
            int k2 = k1 + f;
            int k3 = k2 + f;
            int i0 = keys[k0 + rootFeature] >= rootThreshold ? 2 : 1;
            int i1 = keys[k1 + rootFeature] >= rootThreshold ? 2 : 1;
            int i2 = keys[k2 + rootFeature] >= rootThreshold ? 2 : 1;
            int i3 = keys[k3 + rootFeature] >= rootThreshold ? 2 : 1;
            for (int level = 1; level < depth; level++) {
                long p0 = packed[root + i0];
                long p1 = packed[root + i1];
                long p2 = packed[root + i2];
                long p3 = packed[root + i3];
                i0 = 2 * i0 + (keys[k0 + (int) p0] >= (int) (p0 >> 32) ? 2 : 1);
                i1 = 2 * i1 + (keys[k1 + (int) p1] >= (int) (p1 >> 32) ? 2 : 1);
                i2 = 2 * i2 + (keys[k2 + (int) p2] >= (int) (p2 >> 32) ? 2 : 1);
                i3 = 2 * i3 + (keys[k3 + (int) p3] >= (int) (p3 >> 32) ? 2 : 1);
            }
            sums[b * marginCount + group] += value[root + i0];
            sums[(b + 1) * marginCount + group] += value[root + i1];
            sums[(b + 2) * marginCount + group] += value[root + i2];
            sums[(b + 3) * marginCount + group] += value[root + i3];
        }
        for (; b < count; b++) {
            int k = b * f;
            int i = 0;
            for (int level = 0; level < depth; level++) {
                long p = packed[root + i];
                i = 2 * i + (keys[k + (int) p] >= (int) (p >> 32) ? 2 : 1);
            }
            sums[b * marginCount + group] += value[root + i];
        }
    }

    /** As {@link #walkPadded} for a tree that is not padded: each step loads the left child. */
    private void walkLinked(int t, int[] keys, int count, float[] sums) {
        int root = treeRoot[t];
        int depth = treeDepth[t];
        int group = treeGroup[t];
        int f = featureCount;
        int b = 0;
        for (; b + 4 <= count; b += 4) {
            int k0 = b * f;
            int k1 = k0 + f;
            int k2 = k1 + f;
            int k3 = k2 + f;
            int n0 = root;
            int n1 = root;
            int n2 = root;
            int n3 = root;
            for (int level = 0; level < depth; level++) {
                long p0 = packed[n0];
                long p1 = packed[n1];
                long p2 = packed[n2];
                long p3 = packed[n3];
                n0 = left[n0] + (keys[k0 + (int) p0] >= (int) (p0 >> 32) ? 1 : 0);
                n1 = left[n1] + (keys[k1 + (int) p1] >= (int) (p1 >> 32) ? 1 : 0);
                n2 = left[n2] + (keys[k2 + (int) p2] >= (int) (p2 >> 32) ? 1 : 0);
                n3 = left[n3] + (keys[k3 + (int) p3] >= (int) (p3 >> 32) ? 1 : 0);
            }
            sums[b * marginCount + group] += value[n0];
            sums[(b + 1) * marginCount + group] += value[n1];
            sums[(b + 2) * marginCount + group] += value[n2];
            sums[(b + 3) * marginCount + group] += value[n3];
        }
        for (; b < count; b++) {
            int k = b * f;
            int n = root;
            for (int level = 0; level < depth; level++) {
                long p = packed[n];
                n = left[n] + (keys[k + (int) p] >= (int) (p >> 32) ? 1 : 0);
            }
            sums[b * marginCount + group] += value[n];
        }
    }

    /**
     * One row at a time through tree {@code t}, padded or not (a padded node's {@code left} is
     * {@code 2i + 1} too), NaN (key {@code MAX_VALUE}) going each split's default way without a
     * branch: at a default-left split both keys are raised by one, which wraps NaN's key around to
     * the smallest int and leaves every other comparison as it was (float keys are at most {@code
     * orderKey(+inf) < MAX_VALUE}); at a default-right split NaN's key is above every threshold.
     * Leaves and padding are default-right, so NaN goes right there as every other row does.
     */
    private void walkWithMissing(int t, int[] keys, int count, float[] sums) {
        int root = treeRoot[t];
        int depth = treeDepth[t];
        int group = treeGroup[t];
        for (int b = 0; b < count; b++) {
            int k = b * featureCount;
            int n = root;
            for (int level = 0; level < depth; level++) {
                long p = packed[n];
                int shift = defaultLeft[n];
                int key = keys[k + (int) p] + shift;
                n = left[n] + (key >= (int) (p >> 32) + shift ? 1 : 0);
            }
            sums[b * marginCount + group] += value[n];
        }
    }
}
