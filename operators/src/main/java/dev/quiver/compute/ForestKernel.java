package dev.quiver.compute;

/**
 * The forests capability: margins of tree ensembles ({@link FlatForest}) for blocks of rows,
 * bit-identical to {@code dev.quiver.ensemble.TreeEnsemble.score} (float32 comparisons, NaN by each
 * split's default, margins summed in tree order). The objective that turns margins into predictions
 * stays with the caller.
 *
 * <p>Load once per model ({@link #load} may copy the forest to a device), score per batch. Not
 * thread-safe: one per thread or Flink subtask.
 *
 * <pre>{@code
 * try (ComputeBackend backend = ComputeBackends.byName("java");
 *         ForestHandle handle = backend.forests().load(stump)) { // stump: see FlatForest
 *     float[] margins = new float[2];
 *     backend.forests().score(handle, new float[] {0.2f, 0.9f}, 2, 1, margins); // {-1, 1}
 * }
 * }</pre>
 */
public interface ForestKernel extends AutoCloseable {

    /** The name of the backend that implements this capability, as the {@code backend} metric. */
    String backend();

    /** Loads a forest for scoring. */
    ForestHandle load(FlatForest forest);

    /**
     * Writes the margins of {@code rowCount} rows of {@code featureCount} floats, row-major from
     * index 0 of {@code rows}, to {@code outMargins[row * marginCount + g]}.
     *
     * @throws IllegalArgumentException if {@code featureCount} is not the forest's, an array is too
     *     short, the handle is another kernel's, or a row holds NaN and the forest does not accept
     *     missing values
     */
    void score(
            ForestHandle forest, float[] rows, int rowCount, int featureCount, float[] outMargins);

    /** Releases scratch and native memory (not the handles); never throws. */
    @Override
    void close();

    /**
     * The argument checks every kernel's {@link #score} makes: the rows have the forest's
     * features, and the arrays hold {@code rowCount} rows and their margins.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    static void checkScoreArguments(
            ForestHandle forest, float[] rows, int rowCount, int featureCount, float[] outMargins) {
        if (featureCount != forest.featureCount()) {
            throw new IllegalArgumentException(
                    "rows have "
                            + featureCount
                            + " features; the model takes "
                            + forest.featureCount());
        }
        int marginCount = forest.marginCount();
        if (rowCount < 0
                || (long) rowCount * featureCount > rows.length
                || (long) rowCount * marginCount > outMargins.length) {
            throw new IllegalArgumentException(
                    rowCount
                            + " rows need "
                            + (long) rowCount * featureCount
                            + " floats of rows and "
                            + (long) rowCount * marginCount
                            + " of margins; got "
                            + rows.length
                            + " and "
                            + outMargins.length);
        }
    }
}
