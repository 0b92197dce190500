package dev.quiver.compute;

import java.util.Objects;

/**
 * A tree ensemble as flat, immutable arrays: what a {@link ForestKernel} loads. {@code
 * dev.quiver.ensemble.TreeEnsemble#flatView()} exports it; the arrays are shared, never modified by
 * anyone (the record does not copy them).
 *
 * <p><b>Walk.</b> Tree {@code t} is walked from node {@code treeRoot[t]} for exactly {@code
 * treeDepth[t]} steps; at node {@code n} a row {@code x} goes to {@code right[n]} when {@code
 * x[feature[n]] >= threshold[n]} in float32 or, for NaN, when {@code defaultLeft[n] == 0}, else to
 * {@code left[n]}. A leaf has threshold NaN (every non-NaN row goes right), default right, and
 * {@code right[n] == n}, so a walk that arrives early stays there; the node reached gives {@code
 * value[n]}. Margin {@code g} of a row is the float32 sum of {@code baseMargins[g]} and, in tree
 * order, the values of the trees with {@code treeGroup[t] == g}: XGBoost's arithmetic, and the
 * order that makes margins bit-identical to {@code TreeEnsemble.score}. {@code treePadded[t]} says
 * that tree {@code t} is a perfect tree whose node {@code root + i} has children {@code root + 2i +
 * 1} and {@code root + 2i + 2}, which a walker may use instead of loading the children.
 *
 * <pre>{@code
 * // one stump on feature 0: x < 0.5 gives -1, else +1; base margin 0
 * FlatForest stump = new FlatForest(1, new float[] {0f}, true,
 *         new int[] {0, 0, 0}, new float[] {0.5f, Float.NaN, Float.NaN},
 *         new int[] {1, 0, 1}, new int[] {2, 1, 2}, new byte[] {0, 0, 0},
 *         new float[] {0f, -1f, 1f}, new int[] {0}, new int[] {1}, new int[] {0},
 *         new boolean[] {true});
 * stump.marginCount(); // 1
 * }</pre>
 *
 * @param featureCount features per row
 * @param baseMargins per output group, added first
 * @param acceptsMissing whether rows may hold NaN (every split has a default direction)
 * @param feature per node, the split feature
 * @param threshold per node, the float32 threshold; NaN for leaves and padding
 * @param left per node, the child for {@code x < threshold}
 * @param right per node, the other child ({@code left + 1} in {@code TreeEnsemble}'s layout)
 * @param defaultLeft per node, 1 when NaN goes left
 * @param value per node, the leaf value (0 for splits)
 * @param treeRoot per tree, its root node
 * @param treeDepth per tree, the steps of every walk
 * @param treeGroup per tree, the output group its values add to
 * @param treePadded per tree, whether it is stored as a perfect tree
 */
public record FlatForest(
        int featureCount,
        float[] baseMargins,
        boolean acceptsMissing,
        int[] feature,
        float[] threshold,
        int[] left,
        int[] right,
        byte[] defaultLeft,
        float[] value,
        int[] treeRoot,
        int[] treeDepth,
        int[] treeGroup,
        boolean[] treePadded) {

    /** Checks that the per-node and per-tree arrays agree in length. */
    public FlatForest {
        Objects.requireNonNull(baseMargins, "baseMargins");
        int nodes = feature.length;
        if (threshold.length != nodes
                || left.length != nodes
                || right.length != nodes
                || defaultLeft.length != nodes
                || value.length != nodes) {
            throw new IllegalArgumentException(
                    "node arrays differ in length: feature "
                            + nodes
                            + ", threshold "
                            + threshold.length
                            + ", left "
                            + left.length
                            + ", right "
                            + right.length
                            + ", defaultLeft "
                            + defaultLeft.length
                            + ", value "
                            + value.length);
        }
        int trees = treeRoot.length;
        if (treeDepth.length != trees || treeGroup.length != trees || treePadded.length != trees) {
            throw new IllegalArgumentException(
                    "tree arrays differ in length: treeRoot "
                            + trees
                            + ", treeDepth "
                            + treeDepth.length
                            + ", treeGroup "
                            + treeGroup.length
                            + ", treePadded "
                            + treePadded.length);
        }
        if (featureCount < 1 || baseMargins.length < 1) {
            throw new IllegalArgumentException(
                    "a forest needs at least one feature and one margin, got "
                            + featureCount
                            + " and "
                            + baseMargins.length);
        }
    }

    /** Margins per row: one per output group. */
    public int marginCount() {
        return baseMargins.length;
    }

    /** Trees in the forest. */
    public int treeCount() {
        return treeRoot.length;
    }

    /** Nodes over all trees. */
    public int nodeCount() {
        return feature.length;
    }
}
