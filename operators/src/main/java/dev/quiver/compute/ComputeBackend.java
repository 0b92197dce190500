package dev.quiver.compute;

/**
 * A compute backend: the capabilities it hands out, each an interface of primitive arrays, so
 * that the same call runs as plain Java, through ND4J on the CPU, or on a GPU. {@link #distances()}
 * (squared distances and a fused top-k over backend-owned point blocks), {@link #walks()} (random
 * walk simulations) and {@link #forests()} (tree-ensemble margins). No interface holds a library
 * type, so a backend that does not use ND4J never loads it.
 *
 * <p>A backend from {@link ComputeBackends} has every capability: what its own providers lack
 * comes from the {@code java} backend, and each capability's {@code backend()} names the backend
 * that really implements it (the {@code backend} metric reports that name). The provider-level
 * backends a {@link BackendProvider} opens return null for a capability they lack.
 *
 * <p>Contract of every backend: not thread-safe (capabilities own scratch buffers), so one per
 * thread or Flink subtask, opened in {@code open()} and closed in {@code close()}; scratch grows
 * to the largest call and is reused; each capability states its numerics ({@link
 * DistanceKernel#errorBound(int)}; walks and forests are bit-identical to the Java kernels).
 *
 * <pre>{@code
 * try (ComputeBackend backend = ComputeBackends.byName("nd4j-cpu")) {
 *     float[] queries = {0f, 0f, 1f, 1f};        // 2 queries, d = 2, row-major
 *     float[] points = {3f, 4f, 0f, 1f, 1f, 1f}; // 3 points
 *     float[] out = new float[2 * 3];
 *     backend.squaredDistances(
 *             new RowBlock(queries, 0, 2), new RowBlock(points, 0, 3), 2, out);
 *     // out = {25, 1, 2,  13, 1, 0}, each within backend.errorBound(2) * (|q|^2 + |x|^2 + 2 * MIN_NORMAL)
 *     backend.distances().backend(); // "nd4j-cpu"
 *     backend.walks().backend();     // "java": nd4j-cpu has no walks of its own
 * }
 * }</pre>
 */
public interface ComputeBackend extends BackendCounters, AutoCloseable {

    /** Unit roundoff of {@code float} (round to nearest): {@code u = 2^-24}. */
    double FLOAT_UNIT_ROUNDOFF = 0x1p-24;

    /** The backend's name as {@link ComputeBackends#byName(String)} accepts it. */
    String name();

    /** The distances capability; null only on a provider's partial backend that lacks it. */
    default DistanceKernel distances() {
        return null;
    }

    /** The walks capability; null only on a provider's partial backend that lacks it. */
    default WalkKernel walks() {
        return null;
    }

    /** The forests capability; null only on a provider's partial backend that lacks it. */
    default ForestKernel forests() {
        return null;
    }

    /**
     * {@link DistanceKernel#squaredDistances} of {@link #distances()}: {@code out[i *
     * points.count() + j] = |q_i - x_j|^2}.
     *
     * @throws IllegalArgumentException if a count or the dimension is out of range, or an array is
     *     too short for the rows it is asked to read or write
     */
    default void squaredDistances(RowBlock queries, RowBlock points, int dimension, float[] out) {
        distances().squaredDistances(queries, points, dimension, out);
    }

    /** {@link DistanceKernel#errorBound(int)} of {@link #distances()}. */
    default double errorBound(int dimension) {
        return distances().errorBound(dimension);
    }

    /** Capability calls run so far, by the capabilities that count ({@link BackendCounters}). */
    @Override
    default long batches() {
        return BackendCounters.sum(this, BackendCounters::batches);
    }

    /** Calls that failed on the device and were answered by the {@code java} backend instead. */
    @Override
    default long fallbacks() {
        return BackendCounters.sum(this, BackendCounters::fallbacks);
    }

    /** Bytes of device memory this backend's capabilities hold now; 0 off a device. */
    @Override
    default long deviceMemoryBytes() {
        return BackendCounters.sum(this, BackendCounters::deviceMemoryBytes);
    }

    /** Closes every capability; the backend must not be used afterwards. Never throws. */
    @Override
    void close();

    /**
     * A provider's partial backend: the capabilities given, null for those it lacks. Closing it
     * closes each of them.
     *
     * <pre>{@code
     * ComputeBackend walksOnly = ComputeBackend.partial("java", null, new MyWalks(), null);
     * }</pre>
     */
    static ComputeBackend partial(
            String name, DistanceKernel distances, WalkKernel walks, ForestKernel forests) {
        return new PartialBackend(name, distances, walks, forests);
    }

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
