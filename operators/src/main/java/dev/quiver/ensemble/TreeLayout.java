package dev.quiver.ensemble;

import java.util.Arrays;

/**
 * Builds a {@link TreeEnsemble}: checks each tree read from a file and lays it out in the flat
 * arrays the scorer walks.
 *
 * <p><b>Checks.</b> A tree is walked from its root (node 0) and must be a tree: every child index
 * in range and every node reached at most once, so no cycle or shared subtree can make scoring loop
 * or blow up; nodes that are not reached (XGBoost's deleted nodes) are dropped. Split features must
 * be below the feature count, thresholds not NaN, leaf values finite, and depth, node and tree
 * counts within the {@link LoadLimits}. Checking costs one pass over the nodes.
 *
 * <p><b>Layout.</b> Nodes are renumbered breadth-first so that the two children of a node are
 * adjacent: the right child is {@code left + 1}, and one step of a walk is {@code node = left[node]
 * + (goes left ? 0 : 1)}, a comparison and an add without a branch. A leaf points to itself ({@code
 * left = self - 1}, threshold NaN, so every comparison sends it right), which lets the scorer walk
 * every tree for exactly its depth with no test for having arrived.
 *
 * <p><b>Padded trees.</b> {@link #build} then stores each tree that is nearly complete (its perfect
 * binary tree of the same depth, at most {@value #MAX_PADDED_DEPTH} deep, has at most {@value
 * #PAD_FACTOR} times its nodes, as XGBoost's depth-limited trees mostly do) as that perfect tree:
 * node {@code i} of the tree has children {@code 2i + 1} and {@code 2i + 2}, so the scorer finds
 * them without loading a child index. A leaf above the last level becomes a chain of padding splits
 * that send every row right (threshold NaN, like a leaf) down to the last level, where the leaf's
 * value is stored; the padding nodes that no row reaches hold zeros. Every row still reaches the
 * leaf the tree's own walk reaches, so scores are unchanged; the padding at most doubles memory.
 */
final class TreeLayout {

    /** Missing-value rule of a split: NaN goes left, goes right, or the model has no rule. */
    static final byte MISSING_LEFT = 1;

    static final byte MISSING_RIGHT = 0;
    static final byte MISSING_NONE = -1;

    /** Deepest tree stored as a perfect tree (511 splits and 512 leaves). */
    static final int MAX_PADDED_DEPTH = 8;

    /** Most nodes a padded tree may have per node of the tree itself. */
    static final int PAD_FACTOR = 2;

    private final int featureCount;
    private final int marginCount;
    private final LoadLimits limits;

    private int nodeCount;
    private int[] feature = new int[64];
    private float[] threshold = new float[64];
    private int[] left = new int[64];
    private boolean[] defaultLeft = new boolean[64];
    private float[] value = new float[64];

    private int treeCount;
    private int[] treeRoot = new int[8];
    private int[] treeDepth = new int[8];
    private int[] treeGroup = new int[8];
    private boolean acceptsMissing = true;

    TreeLayout(int featureCount, int marginCount, LoadLimits limits) {
        if (featureCount < 1 || featureCount > limits.maxFeatures()) {
            throw new ModelFormatException(
                    "feature count must be in [1, "
                            + limits.maxFeatures()
                            + "], got "
                            + featureCount);
        }
        if (marginCount < 1 || marginCount > limits.maxClasses()) {
            throw new ModelFormatException(
                    "output count must be in [1, " + limits.maxClasses() + "], got " + marginCount);
        }
        this.featureCount = featureCount;
        this.marginCount = marginCount;
        this.limits = limits;
    }

    /** Refuses before reading a tree whose claimed size would break the limits. */
    void checkClaim(int claimedNodes, String path) {
        if (treeCount >= limits.maxTrees()) {
            throw new ModelFormatException(
                    "more than " + limits.maxTrees() + " trees, beyond the limit");
        }
        if (claimedNodes < 1 || claimedNodes > limits.maxNodes() - nodeCount) {
            throw new ModelFormatException(
                    path
                            + " claims "
                            + claimedNodes
                            + " nodes; the limit is "
                            + limits.maxNodes()
                            + " nodes over all trees, "
                            + nodeCount
                            + " used");
        }
    }

    /**
     * Adds one tree given as parallel arrays over its {@code count} nodes, XGBoost style: node
     * {@code i} is a leaf when {@code lefts[i] == -1}, its value {@code leafValues[i]}; otherwise
     * rows with {@code x[features[i]] < thresholds[i]} go to {@code lefts[i]}, the others to {@code
     * rights[i]}, and NaN as {@code missing[i]} says.
     */
    void addTree(
            int group,
            int count,
            int[] lefts,
            int[] rights,
            int[] features,
            float[] thresholds,
            byte[] missing,
            float[] leafValues,
            String path) {
        checkClaim(count, path);
        if (group < 0 || group >= marginCount) {
            throw new ModelFormatException(
                    path + " belongs to output " + group + ", outside [0, " + marginCount + ")");
        }
        int[] order = new int[count];
        int[] depth = new int[count];
        boolean[] reached = new boolean[count];
        order[0] = 0;
        reached[0] = true;
        int laidOut = 1;
        int maxDepth = 0;
        int base = nodeCount;
        grow(count);
        for (int k = 0; k < laidOut; k++) {
            int i = order[k];
            int at = base + k;
            if (lefts[i] == -1) {
                if (!Float.isFinite(leafValues[i])) {
                    throw new ModelFormatException(
                            path + " node " + i + " has a non-finite leaf value " + leafValues[i]);
                }
                feature[at] = 0;
                threshold[at] = Float.NaN;
                left[at] = at - 1;
                defaultLeft[at] = false;
                value[at] = leafValues[i];
                continue;
            }
            int l = lefts[i];
            int r = rights[i];
            checkChild(l, count, reached, path, i);
            checkChild(r, count, reached, path, i);
            if (l == r) {
                throw new ModelFormatException(path + " node " + i + " has both children " + l);
            }
            int f = features[i];
            if (f < 0 || f >= featureCount) {
                throw new ModelFormatException(
                        path
                                + " node "
                                + i
                                + " splits on feature "
                                + f
                                + ", outside [0, "
                                + featureCount
                                + ")");
            }
            if (Float.isNaN(thresholds[i])) {
                throw new ModelFormatException(path + " node " + i + " has a NaN threshold");
            }
            if (depth[k] + 1 > limits.maxDepth()) {
                throw new ModelFormatException(
                        path + " is deeper than the limit of " + limits.maxDepth());
            }
            reached[l] = true;
            reached[r] = true;
            order[laidOut] = l;
            order[laidOut + 1] = r;
            depth[laidOut] = depth[k] + 1;
            depth[laidOut + 1] = depth[k] + 1;
            maxDepth = Math.max(maxDepth, depth[k] + 1);
            feature[at] = f;
            threshold[at] = thresholds[i];
            left[at] = base + laidOut;
            defaultLeft[at] = missing[i] == MISSING_LEFT;
            acceptsMissing &= missing[i] != MISSING_NONE;
            value[at] = 0f;
            laidOut += 2;
        }
        nodeCount = base + laidOut;
        if (treeCount == treeRoot.length) {
            int capacity = treeCount * 2;
            treeRoot = Arrays.copyOf(treeRoot, capacity);
            treeDepth = Arrays.copyOf(treeDepth, capacity);
            treeGroup = Arrays.copyOf(treeGroup, capacity);
        }
        treeRoot[treeCount] = base;
        treeDepth[treeCount] = maxDepth;
        treeGroup[treeCount] = group;
        treeCount++;
    }

    TreeEnsemble build(Objective objective, float[] baseMargins) {
        if (baseMargins.length != marginCount) {
            throw new ModelFormatException(
                    "base margins: "
                            + baseMargins.length
                            + " values for "
                            + marginCount
                            + " outputs");
        }
        boolean[] padded = new boolean[treeCount];
        int[] root = new int[treeCount];
        int size = 0;
        for (int t = 0; t < treeCount; t++) {
            int nodes = treeEnd(t) - treeRoot[t];
            int depth = treeDepth[t];
            padded[t] =
                    depth >= 1
                            && depth <= MAX_PADDED_DEPTH
                            && perfectSize(depth) <= PAD_FACTOR * nodes;
            root[t] = size;
            size += padded[t] ? perfectSize(depth) : nodes;
        }
        Nodes out = new Nodes(size);
        for (int t = 0; t < treeCount; t++) {
            if (padded[t]) {
                int base = root[t];
                for (int i = 0; i < perfectSize(treeDepth[t]); i++) {
                    out.set(base + i, 0, Float.NaN, base + 2 * i + 1, false, 0f);
                }
                pad(treeRoot[t], base, 0, 0, treeDepth[t], out);
            } else {
                int shift = root[t] - treeRoot[t];
                for (int n = treeRoot[t]; n < treeEnd(t); n++) {
                    out.set(
                            n + shift,
                            feature[n],
                            threshold[n],
                            left[n] + shift,
                            defaultLeft[n],
                            value[n]);
                }
            }
        }
        return new TreeEnsemble(
                objective,
                featureCount,
                baseMargins.clone(),
                acceptsMissing,
                nodeCount,
                root,
                Arrays.copyOf(treeDepth, treeCount),
                Arrays.copyOf(treeGroup, treeCount),
                padded,
                out.feature,
                out.threshold,
                out.left,
                out.defaultLeft,
                out.value);
    }

    private static int perfectSize(int depth) {
        return (2 << depth) - 1;
    }

    private int treeEnd(int t) {
        return t + 1 < treeCount ? treeRoot[t + 1] : nodeCount;
    }

    /**
     * Copies the subtree at {@code node} to position {@code at} (at {@code level}) of the perfect
     * tree at {@code base}: a split with its children at {@code 2 at + 1} and {@code 2 at + 2}, a
     * leaf at the end of the all-right chain below {@code at}, whose splits are already padding.
     * Recursion is at most {@link #MAX_PADDED_DEPTH} deep.
     */
    private void pad(int node, int base, int at, int level, int depth, Nodes out) {
        if (Float.isNaN(threshold[node])) {
            int leaf = at;
            for (int l = level; l < depth; l++) {
                leaf = 2 * leaf + 2;
            }
            out.value[base + leaf] = value[node];
            return;
        }
        out.set(
                base + at,
                feature[node],
                threshold[node],
                base + 2 * at + 1,
                defaultLeft[node],
                0f);
        pad(left[node], base, 2 * at + 1, level + 1, depth, out);
        pad(left[node] + 1, base, 2 * at + 2, level + 1, depth, out);
    }

    /** The node arrays of the final layout. */
    private static final class Nodes {
        final int[] feature;
        final float[] threshold;
        final int[] left;
        final boolean[] defaultLeft;
        final float[] value;

        Nodes(int size) {
            feature = new int[size];
            threshold = new float[size];
            left = new int[size];
            defaultLeft = new boolean[size];
            value = new float[size];
        }

        void set(int at, int f, float t, int l, boolean d, float v) {
            feature[at] = f;
            threshold[at] = t;
            left[at] = l;
            defaultLeft[at] = d;
            value[at] = v;
        }
    }

    private static void checkChild(int child, int count, boolean[] reached, String path, int i) {
        if (child < 0 || child >= count) {
            throw new ModelFormatException(
                    path + " node " + i + " has child " + child + ", outside [0, " + count + ")");
        }
        if (reached[child] || child == 0) {
            throw new ModelFormatException(
                    path
                            + " node "
                            + i
                            + " points back to node "
                            + child
                            + ": child indices must form a tree (a cycle or a shared node)");
        }
    }

    private void grow(int more) {
        int needed = nodeCount + more;
        if (needed > feature.length) {
            int capacity = Math.max(needed, feature.length * 2);
            feature = Arrays.copyOf(feature, capacity);
            threshold = Arrays.copyOf(threshold, capacity);
            left = Arrays.copyOf(left, capacity);
            defaultLeft = Arrays.copyOf(defaultLeft, capacity);
            value = Arrays.copyOf(value, capacity);
        }
    }
}
