package dev.quiver.ensemble;

import dev.quiver.compute.ForestHandle;
import dev.quiver.compute.ForestKernel;

/**
 * A {@link TreeEnsemble} whose margins a {@link ForestKernel} computes: the forest is loaded once
 * ({@link TreeEnsemble#flatView()}), each batch's float32 margins come from the kernel, and the
 * objective turns them into predictions here as {@link TreeEnsemble#score} does, so the outputs are
 * the same bits when the kernel's margins are (every kernel's contract). Not thread-safe: it scores
 * through the kernel and keeps a margins buffer that grows to the largest batch.
 */
final class KernelScoredTrees extends ShapedEnsemble {

    private final TreeEnsemble trees;
    private final ForestKernel forests;
    private final ForestHandle handle;
    private float[] margins = new float[0];

    KernelScoredTrees(TreeEnsemble trees, ForestKernel forests) {
        super(
                new Shape(
                        trees.featureCount(),
                        trees.marginCount(),
                        trees.classCount(),
                        trees.acceptsMissing()));
        this.trees = trees;
        this.forests = forests;
        this.handle = forests.load(trees.flatView());
    }

    @Override
    public ScoreBuffer newBuffer(int rowCapacity) {
        return new ScoreBuffer(this, rowCapacity, 0, null, null, 0);
    }

    @Override
    public void score(float[] rows, int rowCount, int featureCount, ScoreBuffer out) {
        checkRows(rows, rowCount, featureCount, out);
        int length = rowCount * marginCount;
        if (margins.length < length) {
            margins = new float[length];
        }
        forests.score(handle, rows, rowCount, featureCount, margins);
        for (int i = 0; i < length; i++) {
            out.margins[i] = margins[i];
        }
        for (int row = 0; row < rowCount; row++) {
            trees.objective().finish(out, row);
        }
    }

    @Override
    public EnsembleModel scoredBy(ForestKernel other) {
        return other == forests ? this : trees.scoredBy(other);
    }
}
