package dev.quiver.compute;

/**
 * The walks capability: many simulations of one {@link WalkLaw} at once, simulation {@code i} of a
 * {@link WalkBatch} from {@code starts[i]} with the random stream of ({@code seed}, {@code
 * keyHashes[i]}, {@code sequences[i]}), into primitive {@link WalkTallies}.
 *
 * <p>Contract: every implementation gives, bit for bit, the statistics of {@code
 * dev.quiver.walk.JavaWalkSimulator} (Philox4x32-10 streams keyed by seed and key hash, the layout
 * of {@code WalkStream}, paths accumulated in path order), so the batch, its order and the backend
 * change nothing. Inputs are read, never modified. Not thread-safe: one per thread
 * or Flink subtask.
 *
 * <pre>{@code
 * try (ComputeBackend backend = ComputeBackends.byName("java")) {
 *     WalkKernel walks = backend.walks();
 *     WalkLaw law = new WalkLaw(WalkLaw.Kind.GAUSSIAN, Double.NaN, 0, 0.0, 1.0, Double.NaN,
 *             100, 1000, Double.NaN, false, Long.MAX_VALUE);
 *     WalkTallies out = new WalkTallies(new double[] {0.5});
 *     walks.simulate(
 *             law, new WalkBatch(42L, new long[] {7L}, new long[] {0L}, new double[] {10.0}, 1),
 *             out);
 *     double mean = out.mean(0);        // about 10
 *     double median = out.quantile(0, 0); // about 10
 * }
 * }</pre>
 */
public interface WalkKernel extends AutoCloseable {

    /** The name of the backend that implements this capability, as the {@code backend} metric. */
    String backend();

    /**
     * Runs the batch's {@code count} simulations into {@code out}, which it resets to {@code
     * count}.
     *
     * @throws IllegalArgumentException if the law is invalid or needs more memory than it allows
     */
    void simulate(WalkLaw law, WalkBatch batch, WalkTallies out);

    /** Releases scratch and native memory; never throws. */
    @Override
    void close();
}
