package dev.quiver.compute.cuda;

import dev.quiver.compute.BackendCounters;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * The paths of walk simulations on the GPU, one thread a path: for each simulation {@code i <
 * count} (its stream keyed by {@code seed}, {@code keyHashes[i]}, {@code sequences[i]}) the
 * per-path results of one {@code quiver_walk_*} kernel, path {@code p} at {@code out[(i * paths +
 * p) * width ...]}. Every simulation's launch is queued on one stream, then one copy brings all
 * results back: the per-path numbers are the Java kernels' (Philox4x32-10, the ziggurat), and the
 * caller reduces them on the host in the Java kernel's order ({@code
 * dev.quiver.walk.CudaWalkKernel}).
 *
 * <pre>{@code
 * try (CudaWalkPaths paths = CudaWalkPaths.open(0)) {
 *     int[] finals = new int[count * 4096];
 *     paths.fairFinal(seed, keyHashes, sequences, count, 1000, 4096, finals);
 * }
 * }</pre>
 */
public final class CudaWalkPaths implements BackendCounters, AutoCloseable {

    /** Results a path of {@link #fairPath} writes: position, maximum, passage, return, above. */
    public static final int PATH_WIDTH = 5;

    private final CudaStream stream;
    private final DeviceBuffer results;

    private CudaWalkPaths(CudaStream stream) {
        this.stream = stream;
        this.results = new DeviceBuffer(stream, "walk paths");
    }

    /**
     * Opens device {@code deviceIndex} for walks.
     *
     * @throws IllegalStateException if the backend cannot run here (the probe's reason) or the
     *     device or the CUDA libraries could not be opened
     */
    public static CudaWalkPaths open(int deviceIndex) {
        return CudaOpening.open(
                CudaProbe.here(), deviceIndex, d -> new CudaWalkPaths(new CudaStream(d)));
    }

    /** Final positions of the fair +-1 walk ({@code quiver_walk_fair_final}), one int a path. */
    public void fairFinal(
            long seed, long[] keyHashes, long[] sequences, int count, int steps, int paths,
            int[] out) {
        run("quiver_walk_fair_final", seed, keyHashes, sequences, count, paths, 1, 4,
                args -> args.i32(steps).i32(paths));
        stream.staging(4L * count * paths).view(0, IntPointer::new).get(out, 0, count * paths);
    }

    /** Path statistics of the fair walk ({@code quiver_walk_fair_path}), PATH_WIDTH ints a path. */
    public void fairPath(
            long seed, long[] keyHashes, long[] sequences, int count, int steps, int barrier,
            int paths, int[] out) {
        run("quiver_walk_fair_path", seed, keyHashes, sequences, count, paths, PATH_WIDTH, 4,
                args -> args.i32(steps).i32(barrier).i32(paths));
        int values = PATH_WIDTH * count * paths;
        stream.staging(4L * values).view(0, IntPointer::new).get(out, 0, values);
    }

    /**
     * Final positions of a lazy or biased lattice walk ({@code quiver_walk_lattice_final}); {@code
     * stay} and {@code up} are {@code WalkModel}'s thresholds out of 2^32.
     */
    public void latticeFinal(
            long seed, long[] keyHashes, long[] sequences, int count, int steps, long stay, long up,
            int paths, int[] out) {
        run("quiver_walk_lattice_final", seed, keyHashes, sequences, count, paths, 1, 4,
                args -> args.i32(steps).i64(stay).i64(up).i32(paths));
        stream.staging(4L * count * paths).view(0, IntPointer::new).get(out, 0, count * paths);
    }

    /**
     * Final positions of a Gaussian walk ({@code dof} NaN) or a Student-t walk ({@code
     * quiver_walk_continuous_final}), one double a path.
     */
    public void continuousFinal(
            long seed, long[] keyHashes, long[] sequences, int count, int steps, double location,
            double scale, double dof, int paths, double[] out) {
        run("quiver_walk_continuous_final", seed, keyHashes, sequences, count, paths, 1, 8,
                args -> args.i32(steps).f64(location).f64(scale).f64(dof).i32(paths));
        stream.staging(8L * count * paths).view(0, DoublePointer::new).get(out, 0, count * paths);
    }

    /** The arguments of a walk kernel after (seed, key hash, sequence) and before the output. */
    private interface LawArguments {
        void add(KernelArgs args);
    }

    /**
     * Queues one launch a simulation into {@link #results}, then the copy of all of them into the
     * staging buffer, and waits: the caller reads the staging buffer.
     */
    private void run(
            String kernel, long seed, long[] keyHashes, long[] sequences, int count, int paths,
            int width, int elementBytes, LawArguments law) {
        long simulationBytes = (long) elementBytes * width * paths;
        long bytes = simulationBytes * count;
        if ((long) width * paths * count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    count + " simulations of " + paths + " paths exceed one batch of results");
        }
        stream.begin();
        results.ensure(bytes);
        for (int i = 0; i < count; i++) {
            KernelArgs args = new KernelArgs().i64(seed).i64(keyHashes[i]).i64(sequences[i]);
            try (args) {
                law.add(args);
                args.address(results.address() + i * simulationBytes);
                stream.launch(kernel, CudaStream.blocks(paths), 1, CudaStream.THREADS, 1, args);
            }
        }
        stream.staging(bytes);
        stream.download(results.address(), 0, bytes);
        stream.sync();
    }

    @Override
    public long deviceMemoryBytes() {
        return stream.deviceBytes();
    }

    @Override
    public void close() {
        stream.makeCurrent();
        results.free();
        stream.close();
    }
}
