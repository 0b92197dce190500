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
 */
final class TreeLayout {

    /** Missing-value rule of a split: NaN goes left, goes right, or the model has no rule. */
    static final byte MISSING_LEFT = 1;

    static final byte MISSING_RIGHT = 0;
    static final byte MISSING_NONE = -1;

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
        return new TreeEnsemble(
                objective,
                featureCount,
                baseMargins.clone(),
                acceptsMissing,
                Arrays.copyOf(treeRoot, treeCount),
                Arrays.copyOf(treeDepth, treeCount),
                Arrays.copyOf(treeGroup, treeCount),
                Arrays.copyOf(feature, nodeCount),
                Arrays.copyOf(threshold, nodeCount),
                Arrays.copyOf(left, nodeCount),
                Arrays.copyOf(defaultLeft, nodeCount),
                Arrays.copyOf(value, nodeCount));
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
