package dev.quiver.compute;

/**
 * The reference backend: plain loops over the direct formula {@code sum_k (q_k - x_k)^2}, summed in
 * dimension order into a {@code float} accumulator. This is bit for bit the arithmetic of {@code
 * dev.quiver.knn.SquaredL2.distance} (Java evaluates {@code float} expressions strictly, so the
 * same loop gives the same bits everywhere); it is repeated here rather than imported so the
 * compute package does not depend on the kernels that use it. Allocates nothing.
 *
 * <p>Error: each term carries two roundings for the difference and its square, and the sum adds
 * {@code d - 1} more, so {@code |out - D| <= gamma_{d+2} D} plus {@code d/2 Float.MIN_VALUE} of
 * underflow (Higham, Lemma 3.1 and section 3.1). With {@code D <= 2 (|q|^2 + |x|^2)} that gives
 * {@link #errorBound(int)} {@code = 2 gamma_{d+2}}.
 */
final class JavaBackend extends CheckedBackend {

    static final String NAME = "java";

    JavaBackend() {
        super(NAME);
    }

    @Override
    void computeSquaredDistances(RowBlock queries, RowBlock points, int dimension, float[] out) {
        float[] queryRows = queries.rows();
        float[] pointRows = points.rows();
        int queryCount = queries.count();
        int pointCount = points.count();
        for (int i = 0; i < queryCount; i++) {
            int q = queries.rowStart(i, dimension);
            int row = i * pointCount;
            for (int j = 0; j < pointCount; j++) {
                int x = points.rowStart(j, dimension);
                float sum = 0f;
                for (int k = 0; k < dimension; k++) {
                    float diff = queryRows[q + k] - pointRows[x + k];
                    sum += diff * diff;
                }
                out[row + j] = sum;
            }
        }
    }

    @Override
    public double errorBound(int dimension) {
        return 2 * ComputeBackend.gamma(dimension + 2);
    }

    @Override
    public void close() {
        // Nothing to release: the backend holds no state.
    }
}
