package dev.quiver.ensemble;

import dev.quiver.compute.FlatForest;
import dev.quiver.compute.ForestKernel;

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
 * <p><b>Layout.</b> Struct of arrays over all nodes, laid out by {@link TreeLayout}: {@code packed}
 * (the threshold and the feature, one load), {@code left} (the right child is {@code left + 1}),
 * {@code defaultLeft} and {@code value}; per tree its root, depth, output group and whether it is
 * padded to a perfect tree, whose node {@code i} has children {@code 2i + 1} and {@code 2i + 2}.
 * Leaves of the other trees point to themselves, so every walk is exactly as many steps as its tree
 * is deep. Features and thresholds are compared as ints whose order is float32 order ({@link
 * #orderKey}).
 *
 * <p><b>Loop order.</b> Rows are scored in blocks of {@value #BLOCK_ROWS}, their features first
 * turned into order keys, row-major. A block of at least {@value SplitMasks#MIN_ROWS} rows without
 * NaN then goes through each padded tree as a whole ({@link SplitMasks}): every distinct threshold
 * of the forest is compared once with every row of the block (per row and feature a lookup in a
 * table of equal cells over the feature's thresholds, {@link ThresholdCells}, then one or two
 * comparisons), giving per threshold a 64-bit mask of the rows that go right, and a tree is walked
 * once for the block, breadth-first over its splits with the mask of rows reaching each node; the
 * rows' leaf indices fall out of the masks, and each row adds its leaves in tree order, eight rows
 * at a time with their sums in locals ({@link LeafSums}). Other blocks and
 * trees walk row by row: four rows at a time, each in its own local variable, so the processor
 * overlaps their four independent chains of loads while the block and the tree stay in L1. A
 * padded tree's step is {@code i = 2i + (key >= threshold ? 2 : 1)} (compiled to a conditional
 * move) with its root's split hoisted out of the rows' loop; other trees load the child index.
 * Rows with NaN take a slower walk that also loads the default direction. Measured on the
 * 100-tree, depth-6, 30-feature benchmark model (thread CPU time, one core of a shared 2-vCPU
 * Xeon, batches of 10,000): the masks score about 1.6 times the rows per second of the four-row
 * walk, which was itself 1.3 times the loop order before it (every row of the block one level at a
 * time, child indices loaded); the cell tables and the leaf sums in locals then took about 10% off
 * the total. Interleaving two trees' breadth-first passes, char-sized cell tables and a
 * branch-free key conversion were no faster. For the walk, 2, 3, 5, 6 or 8 rows together, keeping sums in
 * registers over runs of trees, two trees at once, comparing float32 values directly, loading both
 * children ahead of the comparison, unchecked ({@code Unsafe}) loads, row blocks of 128 to 512, or
 * the incubating vector API's gathers (16 rows a step) were no faster.
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
public final class TreeEnsemble extends ShapedEnsemble {

    /** Rows scored together; see the class comment. */
    static final int BLOCK_ROWS = ForestWalker.BLOCK_ROWS;

    private final Objective objective;
    private final int nodeCount;
    private final FlatForest flat;
    private final ForestWalker walker;

    TreeEnsemble(
            Objective objective,
            int featureCount,
            float[] baseMargins,
            boolean acceptsMissing,
            int nodeCount,
            int[] treeRoot,
            int[] treeDepth,
            int[] treeGroup,
            boolean[] treePadded,
            int[] feature,
            float[] threshold,
            int[] left,
            boolean[] defaultLeft,
            float[] value) {
        super(
                new Shape(
                        featureCount,
                        baseMargins.length,
                        objective.classCount(baseMargins.length),
                        acceptsMissing));
        this.objective = objective;
        this.nodeCount = nodeCount;
        int[] right = new int[left.length];
        byte[] defaults = new byte[defaultLeft.length];
        for (int i = 0; i < left.length; i++) {
            right[i] = left[i] + 1;
            defaults[i] = (byte) (defaultLeft[i] ? 1 : 0);
        }
        this.flat =
                new FlatForest(
                        featureCount,
                        baseMargins,
                        acceptsMissing,
                        feature,
                        threshold,
                        left,
                        right,
                        defaults,
                        value,
                        treeRoot,
                        treeDepth,
                        treeGroup,
                        treePadded);
        this.walker = new ForestWalker(flat);
    }

    /** See {@link ForestWalker#orderKey}. */
    static int orderKey(float x) {
        return ForestWalker.orderKey(x);
    }

    /**
     * The ensemble as the flat arrays a {@link dev.quiver.compute.ForestKernel} loads: the very
     * arrays this model scores with (shared, not copied; never modify them). A kernel's margins
     * over them equal {@link #score}'s bit for bit.
     *
     * <pre>{@code
     * FlatForest flat = model.flatView();
     * try (ForestHandle handle = kernel.load(flat)) {
     *     kernel.score(handle, rows, rowCount, flat.featureCount(), margins);
     * }
     * }</pre>
     */
    public FlatForest flatView() {
        return flat;
    }

    /** The objective that turns margins into predictions. */
    public Objective objective() {
        return objective;
    }

    /** Trees in the ensemble. */
    public int treeCount() {
        return flat.treeCount();
    }

    /** Nodes reachable from the trees' roots, over all trees (before any padding). */
    public int nodeCount() {
        return nodeCount;
    }

    /** Trees stored as perfect trees; see {@link TreeLayout}. */
    int paddedTreeCount() {
        int padded = 0;
        for (boolean p : flat.treePadded()) {
            padded += p ? 1 : 0;
        }
        return padded;
    }

    /** Base margin of output {@code k}, added to the leaf values (after XGBoost's ProbToMargin). */
    public float baseMargin(int k) {
        return flat.baseMargins()[k];
    }

    @Override
    public ScoreBuffer newBuffer(int rowCapacity) {
        int blockRows = Math.min(rowCapacity, BLOCK_ROWS);
        SplitMasks.Scratch masks =
                blockRows >= SplitMasks.MIN_ROWS ? walker.newMaskScratch() : null;
        return new ScoreBuffer(this, rowCapacity, blockRows, masks, null, 0);
    }

    @Override
    public void score(float[] rows, int rowCount, int featureCount, ScoreBuffer out) {
        checkRows(rows, rowCount, featureCount, out);
        for (int start = 0; start < rowCount; start += BLOCK_ROWS) {
            int count = Math.min(BLOCK_ROWS, rowCount - start);
            float[] sums = out.sums;
            walker.margins(rows, start, count, out.keys, sums, out.masks);
            for (int b = 0; b < count; b++) {
                int row = start + b;
                for (int k = 0; k < marginCount; k++) {
                    out.margins[row * marginCount + k] = sums[b * marginCount + k];
                }
                objective.finish(out, row);
            }
        }
    }

    @Override
    public EnsembleModel scoredBy(ForestKernel forests) {
        return new KernelScoredTrees(this, forests);
    }
}
