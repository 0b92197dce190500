package dev.quiver.ensemble;

/**
 * A boosted ensemble of regression trees, laid out flat for batch scoring: an XGBoost {@code
 * gbtree} model or inline trees, read by {@link EnsembleModels}.
 *
 * <p><b>Arithmetic.</b> As XGBoost's own predictor: a row goes left at a split when {@code x <
 * threshold} in float32, NaN goes the split's default way, and the margin of output {@code g} is
 * the float32 sum, in tree order, of the base margin and the leaf values of the trees of group
 * {@code g} (tree {@code i} of a multi-class model belongs to the class in XGBoost's {@code
 * tree_info}). So margins equal the trainer's bit for bit where its summation order is this one,
 * and within float rounding of the sum otherwise. The {@link Objective} turns margins into the
 * prediction and probabilities. All trees are used, as {@code Booster.predict()} does by default
 * ({@code best_iteration} is not applied).
 *
 * <p><b>Layout.</b> Struct of arrays over all nodes: {@code feature}, {@code threshold}, {@code
 * left} (the right child is {@code left + 1}), {@code defaultLeft} and {@code value}; per tree its
 * root, depth and output group. Leaves point to themselves, so a walk is exactly as many steps as
 * its tree is deep, each step {@code node = left[node] + (x < threshold[node] ? 0 : 1)}.
 *
 * <p><b>Loop order.</b> Rows are scored in blocks of {@value #BLOCK_ROWS}: for each tree, every row
 * of the block takes one step at a time, so the steps of different rows are independent and the
 * processor overlaps their memory loads, while the block's rows and the trees stay in cache. A
 * block without NaN takes a loop with no missing-value test. The block size was chosen by
 * measurement on the 100-tree, depth-6, 30-feature benchmark model (see {@code
 * TreeEnsembleBenchmark}).
 *
 * <p><b>Cost.</b> {@code O(rows x sum of tree depths)}; {@link #score} allocates nothing. Immutable
 * and thread-safe; each thread needs its own {@link ScoreBuffer}.
 *
 * <pre>{@code
 * TreeEnsemble model = EnsembleModels.fromXgboost(Files.readAllBytes(Path.of("m.ubj")));
 * ScoreBuffer out = model.newBuffer(1024);
 * model.score(rows, 1024, model.featureCount(), out);
 * double[] margins = new double[model.marginCount()];
 * for (int k = 0; k < margins.length; k++) {
 *     margins[k] = out.margin(0, k);
 * }
 * }</pre>
 */
public final class TreeEnsemble implements EnsembleModel {

    /** Rows scored together; see the class comment. */
    static final int BLOCK_ROWS = 64;

    private final Objective objective;
    private final int featureCount;
    private final int marginCount;
    private final int classCount;
    private final float[] baseMargins;
    private final boolean acceptsMissing;

    private final int[] treeRoot;
    private final int[] treeDepth;
    private final int[] treeGroup;

    private final int[] feature;
    private final float[] threshold;
    private final int[] left;
    private final boolean[] defaultLeft;
    private final float[] value;

    TreeEnsemble(
            Objective objective,
            int featureCount,
            float[] baseMargins,
            boolean acceptsMissing,
            int[] treeRoot,
            int[] treeDepth,
            int[] treeGroup,
            int[] feature,
            float[] threshold,
            int[] left,
            boolean[] defaultLeft,
            float[] value) {
        this.objective = objective;
        this.featureCount = featureCount;
        this.marginCount = baseMargins.length;
        this.classCount = objective.classCount(marginCount);
        this.baseMargins = baseMargins;
        this.acceptsMissing = acceptsMissing;
        this.treeRoot = treeRoot;
        this.treeDepth = treeDepth;
        this.treeGroup = treeGroup;
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.defaultLeft = defaultLeft;
        this.value = value;
    }

    /** The objective that turns margins into predictions. */
    public Objective objective() {
        return objective;
    }

    @Override
    public int featureCount() {
        return featureCount;
    }

    @Override
    public int marginCount() {
        return marginCount;
    }

    @Override
    public int classCount() {
        return classCount;
    }

    @Override
    public boolean acceptsMissing() {
        return acceptsMissing;
    }

    /** Trees in the ensemble. */
    public int treeCount() {
        return treeRoot.length;
    }

    /** Nodes reachable from the trees' roots, over all trees. */
    public int nodeCount() {
        return feature.length;
    }

    /** Base margin of output {@code k}, added to the leaf values (after XGBoost's ProbToMargin). */
    public float baseMargin(int k) {
        return baseMargins[k];
    }

    @Override
    public ScoreBuffer newBuffer(int rowCapacity) {
        return new ScoreBuffer(this, rowCapacity, Math.min(rowCapacity, BLOCK_ROWS), null, 0);
    }

    @Override
    public void score(float[] rows, int rowCount, int featureCount, ScoreBuffer out) {
        checkRows(this, rows, rowCount, featureCount, out);
        for (int start = 0; start < rowCount; start += BLOCK_ROWS) {
            int count = Math.min(BLOCK_ROWS, rowCount - start);
            scoreBlock(rows, start, count, out);
        }
    }

    static void checkRows(
            EnsembleModel model, float[] rows, int rowCount, int featureCount, ScoreBuffer out) {
        if (featureCount != model.featureCount()) {
            throw new IllegalArgumentException(
                    "rows have "
                            + featureCount
                            + " features; the model takes "
                            + model.featureCount());
        }
        out.prepare(model, rowCount);
        if ((long) rowCount * featureCount > rows.length) {
            throw new IllegalArgumentException(
                    rowCount
                            + " rows of "
                            + featureCount
                            + " floats need more than "
                            + rows.length);
        }
    }

    private void scoreBlock(float[] rows, int start, int count, ScoreBuffer out) {
        float[] sums = out.sums;
        int[] nodes = out.nodes;
        int[] rowStarts = out.rowStarts;
        boolean missing = false;
        for (int b = 0; b < count; b++) {
            rowStarts[b] = (start + b) * featureCount;
            System.arraycopy(baseMargins, 0, sums, b * marginCount, marginCount);
        }
        int end = (start + count) * featureCount;
        for (int i = start * featureCount; i < end; i++) {
            missing |= rows[i] != rows[i];
        }
        if (missing && !acceptsMissing) {
            throw new IllegalArgumentException(
                    "a row holds NaN and the model has no rule for missing values");
        }
        for (int t = 0; t < treeRoot.length; t++) {
            int root = treeRoot[t];
            for (int b = 0; b < count; b++) {
                nodes[b] = root;
            }
            if (missing) {
                walkWithMissing(rows, count, treeDepth[t], nodes, rowStarts);
            } else {
                walk(rows, count, treeDepth[t], nodes, rowStarts);
            }
            int group = treeGroup[t];
            for (int b = 0; b < count; b++) {
                sums[b * marginCount + group] += value[nodes[b]];
            }
        }
        for (int b = 0; b < count; b++) {
            int row = start + b;
            for (int k = 0; k < marginCount; k++) {
                out.margins[row * marginCount + k] = sums[b * marginCount + k];
            }
            objective.finish(out, row);
        }
    }

    /** One step per level for every row of the block: no NaN in these rows. */
    private void walk(float[] rows, int count, int depth, int[] nodes, int[] rowStarts) {
        for (int level = 0; level < depth; level++) {
            for (int b = 0; b < count; b++) {
                int node = nodes[b];
                float x = rows[rowStarts[b] + feature[node]];
                nodes[b] = left[node] + (x < threshold[node] ? 0 : 1);
            }
        }
    }

    /** As {@link #walk}, NaN going each split's default way (leaves: right, to themselves). */
    private void walkWithMissing(float[] rows, int count, int depth, int[] nodes, int[] rowStarts) {
        for (int level = 0; level < depth; level++) {
            for (int b = 0; b < count; b++) {
                int node = nodes[b];
                float x = rows[rowStarts[b] + feature[node]];
                boolean goesLeft = x < threshold[node] || (x != x && defaultLeft[node]);
                nodes[b] = left[node] + (goesLeft ? 0 : 1);
            }
        }
    }
}
