package dev.quiver.walk;

import dev.quiver.compute.WalkBatch;

/**
 * Runs many keys' simulations in one call: simulation {@code i} of a {@link WalkBatch} walks from
 * {@code starts[i]} with the random stream of ({@code seed}, {@code keyHashes[i]}, {@code
 * sequences[i]}) (see {@link WalkStream} for the layout) and writes its statistics into {@code
 * out[i]}.
 *
 * <p>Contract of every implementation (the plain-Java one, a GPU one later):
 *
 * <ul>
 *   <li><b>Reproducible:</b> {@code out[i]} is a function of {@code spec}, {@code seed}, {@code
 *       keyHashes[i]}, {@code sequences[i]} and {@code starts[i]} only, bit for bit: the other
 *       simulations of the batch, their order, the batch size and how the simulator bounds its
 *       memory change nothing. Paths are drawn as {@link WalkModel} specifies and accumulated in
 *       path order.
 *   <li><b>Inputs:</b> primitive arrays, read and never modified; the batch checked its starts are
 *       finite.
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
 * simulator.simulate(spec, new WalkBatch(42L, keys, sequences, starts, 2), out);
 * double meanOfB = out[1].mean(); // about -3
 * }</pre>
 */
public interface WalkSimulator {

    /**
     * Simulates the batch's {@code count} walks, simulation {@code i} into {@code out[i]}.
     *
     * @throws IllegalArgumentException if {@code out} is shorter than {@code count}
     */
    void simulate(WalkSpec spec, WalkBatch batch, WalkResult[] out);
}
