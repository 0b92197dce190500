package dev.quiver.compute;

/**
 * A batched compute backend over primitive arrays: the matrix math a kernel hands off so that the
 * same call can run as plain Java, through ND4J on the CPU, or later on a GPU. The interface holds
 * no ND4J type, so a backend that does not use ND4J never loads it.
 *
 * <p>Contract of every backend:
 *
 * <ul>
 *   <li><b>Thread-safety:</b> an instance is not thread-safe (it owns scratch buffers); use one per
 *       thread, e.g. one per Flink subtask, opened in {@code open()} and closed in {@code close()}.
 *   <li><b>Allocation:</b> scratch space grows to the largest call seen and is then reused; a call
 *       of a size seen before allocates at most a few small descriptor objects, never a buffer of
 *       the call's size.
 *   <li><b>Numerics:</b> results may differ from the direct formula by at most {@link
 *       #errorBound(int)}; kernels that need exact answers re-rank with the direct formula (see
 *       {@code dev.quiver.knn.BruteForceKnn}).
 *   <li><b>Inputs:</b> finite coordinates whose squares and squared distances do not overflow a
 *       {@code float} (magnitudes below about 1e18); NaN in an input row makes the results of that
 *       row or column undefined and leaves the others intact.
 * </ul>
 *
 * <pre>{@code
 * try (ComputeBackend backend = ComputeBackends.byName("nd4j-cpu")) {
 *     float[] queries = {0f, 0f, 1f, 1f};        // 2 queries, d = 2, row-major
 *     float[] points = {3f, 4f, 0f, 1f, 1f, 1f}; // 3 points
 *     float[] out = new float[2 * 3];
 *     backend.squaredDistances(
 *             new RowBlock(queries, 0, 2), new RowBlock(points, 0, 3), 2, out);
 *     // out = {25, 1, 2,  13, 1, 0}, each within backend.errorBound(2) * (|q|^2 + |x|^2 + 2 * MIN_NORMAL)
 * }
 * }</pre>
 */
public interface ComputeBackend extends AutoCloseable {

    /** Unit roundoff of {@code float} (round to nearest): {@code u = 2^-24}. */
    double FLOAT_UNIT_ROUNDOFF = 0x1p-24;

    /** The backend's name as {@link ComputeBackends#byName(String)} accepts it. */
    String name();

    /**
     * Squared Euclidean distances between every query and every point of a block.
     *
     * <p>Writes {@code out[i * points.count() + j] = |q_i - x_j|^2} for the query rows {@code q_i
     * = queries.rows()[queries.rowStart(i, dimension) ...]}, {@code i < queries.count()}, and the
     * point rows {@code x_j = points.rows()[points.rowStart(j, dimension) ...]}, {@code j <
     * points.count()}. A {@link RowBlock} lets the caller pass a block of a larger store without
     * copying it. Entries of {@code out} past {@code queries.count() * points.count()} are left
     * alone.
     *
     * @throws IllegalArgumentException if a count or the dimension is out of range, or an array is
     *     too short for the rows it is asked to read or write
     */
    void squaredDistances(RowBlock queries, RowBlock points, int dimension, float[] out);

    /**
     * The coefficient {@code c(d)} of this backend's error bound: every result satisfies
     *
     * <pre>{@code
     * |out - D| <= c(d) * (|q|^2 + |x|^2 + d * Float.MIN_NORMAL)
     * }</pre>
     *
     * where {@code D} is the exact real squared distance of the two float rows and the norms are
     * exact. The {@code d * Float.MIN_NORMAL} term covers gradual underflow (a product below {@code
     * MIN_NORMAL} is accurate only to half of {@code Float.MIN_VALUE}, not relatively). The bound
     * is relative to the norms rather than to {@code D} because the GEMM form {@code |q|^2 + |x|^2
     * - 2 q.x} cancels: for two nearby points far from the origin its error can exceed {@code D}
     * itself.
     */
    double errorBound(int dimension);

    /** Releases native memory; the backend must not be used afterwards. Never throws. */
    @Override
    void close();

    /**
     * Higham's {@code gamma_n = n u / (1 - n u)} for {@code float}: the relative error bound of
     * {@code n} successive roundings (N. J. Higham, <i>Accuracy and Stability of Numerical
     * Algorithms</i>, 2nd ed., SIAM, 2002, Lemma 3.1).
     *
     * <pre>{@code
     * double g = ComputeBackend.gamma(130); // about 7.75e-6
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code n u >= 1/2}, where the bound is useless
     */
    static double gamma(int n) {
        double nu = n * FLOAT_UNIT_ROUNDOFF;
        if (n < 0 || nu >= 0.5) {
            throw new IllegalArgumentException(
                    "gamma_n needs 0 <= n < 2^23 for float, got n = " + n);
        }
        return nu / (1 - nu);
    }
}
