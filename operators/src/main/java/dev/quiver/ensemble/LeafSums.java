package dev.quiver.ensemble;

import dev.quiver.compute.FlatForest;

import java.util.Arrays;

/**
 * The sums of {@link SplitMasks}' trees: adds, for every row of a block, the leaf values its leaf
 * indices name, tree after tree in tree order per output group, so each margin is the same float32
 * sum as a walk's. Eight rows at a time keep their running sums in locals across a run of trees,
 * rather than loading and storing each row's sum once per tree; the leaves of the padded trees are
 * copied next to each other ({@code 2^depth} per tree) to keep them few cache lines apart.
 * Immutable and thread-safe.
 */
final class LeafSums {

    private final int marginCount;
    private final int[] treeGroup;

    /** Per tree, the next tree of the same output group (or the tree count). */
    private final int[] nextInGroup;

    /** Per masked tree, where its leaves start in {@link #leafValues}. */
    private final int[] leafBase;

    private final float[] leafValues;

    /** Leaf values of the trees with {@code masked[t]} (padded, walked {@code depth} steps). */
    LeafSums(FlatForest forest, boolean[] masked) {
        this.marginCount = forest.marginCount();
        this.treeGroup = forest.treeGroup();
        int trees = treeGroup.length;
        this.nextInGroup = new int[trees];
        int[] next = new int[marginCount];
        Arrays.fill(next, trees);
        for (int t = trees - 1; t >= 0; t--) {
            nextInGroup[t] = next[treeGroup[t]];
            next[treeGroup[t]] = t;
        }
        this.leafBase = new int[trees];
        int length = 0;
        for (int t = 0; t < trees; t++) {
            leafBase[t] = length;
            length += masked[t] ? 1 << forest.treeDepth()[t] : 0;
        }
        this.leafValues = new float[length];
        for (int t = 0; t < trees; t++) {
            if (masked[t]) {
                int leaves = 1 << forest.treeDepth()[t];
                int firstLeaf = forest.treeRoot()[t] + leaves - 1;
                System.arraycopy(forest.value(), firstLeaf, leafValues, leafBase[t], leaves);
            }
        }
    }

    /**
     * Adds to {@code sums[b * marginCount + g]} the leaves of trees {@code from .. to - 1} (all
     * masked) for rows {@code b < count}: leaf {@code leafBase[t] + byte b % 8 of leaves[t *
     * LEAF_WORDS + b / 8]}.
     */
    void add(int from, int to, long[] leaves, int count, float[] sums) {
        for (int g = 0; g < marginCount; g++) {
            int first = from;
            while (first < to && treeGroup[first] != g) {
                first++;
            }
            if (first == to) {
                continue;
            }
            int b = 0;
            for (; b + 8 <= count; b += 8) {
                addEight(first, to, b, g, leaves, sums);
            }
            for (; b < count; b++) {
                addOne(first, to, b, g, leaves, sums);
            }
        }
    }

    private void addEight(int first, int to, int b, int g, long[] leaves, float[] sums) {
        int m = marginCount;
        int at = b * m + g;
        int word = b >>> 3;
        float[] values = leafValues;
        float s0 = sums[at];
        float s1 = sums[at + m];
        float s2 = sums[at + 2 * m];
        float s3 = sums[at + 3 * m];
        float s4 = sums[at + 4 * m];
        float s5 = sums[at + 5 * m];
        float s6 = sums[at + 6 * m];
        float s7 = sums[at + 7 * m];
        for (int t = first; t < to; t = nextInGroup[t]) {
            long l = leaves[t * SplitMasks.LEAF_WORDS + word];
            int base = leafBase[t];
            s0 += values[base + ((int) l & 0xff)];
            s1 += values[base + ((int) (l >>> 8) & 0xff)];
            s2 += values[base + ((int) (l >>> 16) & 0xff)];
            s3 += values[base + ((int) (l >>> 24) & 0xff)];
            s4 += values[base + ((int) (l >>> 32) & 0xff)];
            s5 += values[base + ((int) (l >>> 40) & 0xff)];
            s6 += values[base + ((int) (l >>> 48) & 0xff)];
            s7 += values[base + ((int) (l >>> 56) & 0xff)];
        }
        sums[at] = s0;
        sums[at + m] = s1;
        sums[at + 2 * m] = s2;
        sums[at + 3 * m] = s3;
        sums[at + 4 * m] = s4;
        sums[at + 5 * m] = s5;
        sums[at + 6 * m] = s6;
        sums[at + 7 * m] = s7;
    }

    private void addOne(int first, int to, int b, int g, long[] leaves, float[] sums) {
        int at = b * marginCount + g;
        int word = b >>> 3;
        int shift = 8 * (b & 7);
        float s = sums[at];
        for (int t = first; t < to; t = nextInGroup[t]) {
            long l = leaves[t * SplitMasks.LEAF_WORDS + word];
            s += leafValues[leafBase[t] + ((int) (l >>> shift) & 0xff)];
        }
        sums[at] = s;
    }
}
