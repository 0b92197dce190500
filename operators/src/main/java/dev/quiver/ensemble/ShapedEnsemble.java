package dev.quiver.ensemble;

/**
 * What every ensemble model fixes when it is built, its {@link Shape}, and the check of a score
 * call against it: each model computes its shape once (a tree ensemble from its objective, a
 * composition from its members) and inherits the four accessors and {@link #checkRows}.
 */
abstract class ShapedEnsemble implements EnsembleModel {

    /** The features a row has, the margins and class probabilities a score has, NaN allowed. */
    record Shape(int featureCount, int marginCount, int classCount, boolean acceptsMissing) {}

    // Read directly by the scoring loops of the subclasses.
    final int featureCount;
    final int marginCount;
    final int classCount;
    final boolean acceptsMissing;

    ShapedEnsemble(Shape shape) {
        this.featureCount = shape.featureCount();
        this.marginCount = shape.marginCount();
        this.classCount = shape.classCount();
        this.acceptsMissing = shape.acceptsMissing();
    }

    @Override
    public final int featureCount() {
        return featureCount;
    }

    @Override
    public final int marginCount() {
        return marginCount;
    }

    @Override
    public final int classCount() {
        return classCount;
    }

    @Override
    public final boolean acceptsMissing() {
        return acceptsMissing;
    }

    /**
     * Checks the arguments of {@link #score} against this model and prepares {@code out} for
     * {@code rowCount} rows.
     *
     * @throws IllegalArgumentException as {@link #score} documents
     */
    final void checkRows(float[] rows, int rowCount, int featureCount, ScoreBuffer out) {
        if (featureCount != this.featureCount) {
            throw new IllegalArgumentException(
                    "rows have "
                            + featureCount
                            + " features; the model takes "
                            + this.featureCount);
        }
        out.prepare(this, rowCount);
        if ((long) rowCount * featureCount > rows.length) {
            throw new IllegalArgumentException(
                    rowCount
                            + " rows of "
                            + featureCount
                            + " floats need more than "
                            + rows.length);
        }
    }
}
