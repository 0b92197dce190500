package dev.quiver.walk;

/**
 * Runs many keys' simulations in one call: simulation {@code i} walks from {@code starts[i]} with
 * the random stream of ({@code seed}, {@code keyHashes[i]}, {@code sequences[i]}) (see {@link
 * WalkStream} for the layout) and writes its statistics into {@code out[i]}.
 *
 * <p>Contract of every implementation (the plain-Java one, a GPU one later):
 *
 * <ul>
 *   <li><b>Reproducible:</b> {@code out[i]} is a function of {@code spec}, {@code seed}, {@code
 *       keyHashes[i]}, {@code sequences[i]} and {@code starts[i]} only, bit for bit: the other
 *       simulations of the batch, their order, the batch size and how the simulator bounds its
 *       memory change nothing. Paths are drawn as {@link WalkModel} specifies and accumulated in
 *       path order.
 *   <li><b>Inputs:</b> primitive arrays, read and never modified; starts finite.
 *   <li><b>Thread-safety:</b> an instance may own scratch space and is not thread-safe; use one per
 *       thread (per Flink subtask).
 * </ul>
 *
 * <pre>{@code
 * WalkSimulator simulator = new JavaWalkSimulator();
 * WalkSpec spec = WalkSpec.finalPositions(WalkModel.simple(0.5), 1000, 4096);
 * long[] keys = {WalkStream.keyHash("a"), WalkStream.keyHash("b")};
 * long[] sequences = {7L, 0L};
 * double[] starts = {100.0, -3.0};
 * WalkResult[] out = {new WalkResult(), new WalkResult()};
 * simulator.simulate(spec, 42L, keys, sequences, starts, 2, out);
 * double meanOfB = out[1].mean(); // about -3
 * }</pre>
 */
public interface WalkSimulator {

    /**
     * Simulates {@code count} walks, one per entry of the arrays.
     *
     * @throws IllegalArgumentException if an array is shorter than {@code count} or a start is not
     *     finite
     */
    void simulate(
            WalkSpec spec,
            long seed,
            long[] keyHashes,
            long[] sequences,
            double[] starts,
            int count,
            WalkResult[] out);
}
