package dev.quiver.ensemble;

/**
 * Caller-owned outputs of {@link EnsembleModel#score} for a block of rows, with the scratch space
 * scoring needs, so that scoring allocates nothing: margins ({@link #marginCount()} per row),
 * predictions (one per row) and class probabilities ({@link #classCount()} per row), all {@code
 * double}. A buffer is made by one model for that model; it is not thread-safe.
 *
 * <pre>{@code
 * ScoreBuffer out = model.newBuffer(1);
 * model.score(row, 1, row.length, out);
 * double prediction = out.prediction(0);
 * double pClass1 = out.classCount() == 2 ? out.probability(0, 1) : Double.NaN;
 * }</pre>
 */
public final class ScoreBuffer {

    final EnsembleModel owner;
    final int rowCapacity;
    private final int marginCount;
    private final int classCount;
    final double[] margins;
    final double[] predictions;
    final double[] probabilities;

    /** Tree scoring scratch: float32 sums and feature keys of one block. */
    final float[] sums;

    final int[] keys;

    /** Tree scoring scratch: the split masks of one block; null for models without trees. */
    final SplitMasks.Scratch masks;

    /** Compositions: one buffer per member, and the meta-learner's input row. */
    final ScoreBuffer[] members;

    final double[] metaFeatures;
    private int rowCount;

    ScoreBuffer(
            EnsembleModel owner,
            int rowCapacity,
            int blockRows,
            SplitMasks.Scratch masks,
            ScoreBuffer[] members,
            int metaFeatureCount) {
        if (rowCapacity < 1) {
            throw new IllegalArgumentException(
                    "rowCapacity must be at least 1, got " + rowCapacity);
        }
        this.owner = owner;
        this.rowCapacity = rowCapacity;
        this.marginCount = owner.marginCount();
        this.classCount = owner.classCount();
        this.margins = new double[Math.multiplyExact(rowCapacity, marginCount)];
        this.predictions = new double[rowCapacity];
        this.probabilities = new double[Math.multiplyExact(rowCapacity, classCount)];
        this.sums = new float[blockRows * marginCount];
        this.keys = new int[Math.multiplyExact(blockRows, owner.featureCount())];
        this.masks = masks;
        this.members = members;
        this.metaFeatures = new double[metaFeatureCount];
    }

    /**
     * A composition's buffer: first one buffer per member (so a bad {@code rowCapacity} is refused
     * by the first member, as before), then the composition's own outputs and meta-learner row.
     */
    static ScoreBuffer forComposition(
            EnsembleModel owner, EnsembleModel[] members, int rowCapacity, int metaFeatureCount) {
        ScoreBuffer[] buffers = new ScoreBuffer[members.length];
        for (int m = 0; m < members.length; m++) {
            buffers[m] = members[m].newBuffer(rowCapacity);
        }
        return new ScoreBuffer(owner, rowCapacity, 0, null, buffers, metaFeatureCount);
    }

    /** Rows scored by the last call. */
    public int rowCount() {
        return rowCount;
    }

    /** Rows this buffer holds at most. */
    public int rowCapacity() {
        return rowCapacity;
    }

    /** Margins per row. */
    public int marginCount() {
        return marginCount;
    }

    /** Class probabilities per row (0 for regressors). */
    public int classCount() {
        return classCount;
    }

    /** Margin {@code k} of row {@code row}. */
    public double margin(int row, int k) {
        checkRow(row);
        return margins[row * marginCount + checkIndex(k, marginCount)];
    }

    /** The prediction for row {@code row}. */
    public double prediction(int row) {
        checkRow(row);
        return predictions[row];
    }

    /** The probability of class {@code k} for row {@code row}. */
    public double probability(int row, int k) {
        checkRow(row);
        return probabilities[row * classCount + checkIndex(k, classCount)];
    }

    /** Checks that {@code model} made this buffer and that it holds {@code rows} rows. */
    void prepare(EnsembleModel model, int rows) {
        if (owner != model) {
            throw new IllegalArgumentException("this buffer was made by another model");
        }
        if (rows < 0 || rows > rowCapacity) {
            throw new IllegalArgumentException(
                    "rowCount must be in [0, " + rowCapacity + "], got " + rows);
        }
        rowCount = rows;
    }

    private void checkRow(int row) {
        checkIndex(row, rowCount);
    }

    private static int checkIndex(int index, int size) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " outside [0, " + size + ")");
        }
        return index;
    }
}
