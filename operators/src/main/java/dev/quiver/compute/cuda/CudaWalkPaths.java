package dev.quiver.compute.cuda;

import dev.quiver.compute.BackendCounters;
import dev.quiver.compute.WalkTallies;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * Walk simulations on the GPU, many keys in one launch: for simulations {@code first .. first +
 * count - 1} (the stream of {@code seed}, {@code keyHashes[i]}, {@code sequences[i]}, levels from
 * {@code starts[i]}) one {@code quiver_walk_*} kernel runs every (simulation, path) into device
 * scratch, then one reduction kernel, a thread a simulation, computes each simulation's statistics
 * with the Java summary's arithmetic in its order ({@code quiver/walk_reduce.cuh}), and only those
 * come back, into {@link WalkTallies} entries {@code first ..}. Batches larger than {@value
 * #CHUNK_BYTES} bytes of device scratch run in chunks of simulations, a launch pair each.
 *
 * <pre>{@code
 * try (CudaWalkPaths walks = CudaWalkPaths.open(0)) {
 *     CudaWalkPaths.Shape shape = new CudaWalkPaths.Shape(1000, 4096, ranks, false, false, 0);
 *     walks.fair(seed, keyHashes, sequences, starts, 0, count, shape, tallies);
 * }
 * }</pre>
 */
public final class CudaWalkPaths implements BackendCounters, AutoCloseable {

    /** Device scratch of one chunk of simulations: their paths' results and reduction counts. */
    static final long CHUNK_BYTES = 256L << 20;

    /** Ints a path of lattice path statistics: position, maximum, passage, return, above. */
    private static final int PATH_WIDTH = 5;

    /**
     * Bytes a path of real-valued path statistics: final and maximum (doubles), passage, return
     * and above (ints).
     */
    private static final int CONTINUOUS_PATH_BYTES = 28;

    /** REDUCE_STATISTICS and REDUCE_COUNTS of walk_reduce.cuh: the slots before the quantiles. */
    private static final int STATISTICS = 6;

    private static final int COUNTS = 2;
    private static final int CONTINUOUS_BINS = 50;

    /**
     * What every simulation of a batch shares: {@code steps} steps on each of {@code paths} paths,
     * the 1-based ranks of the reported quantiles among the sorted finals, whether path statistics
     * are tracked, whether a barrier is and where (relative; a whole number for lattice walks;
     * ignored without one).
     */
    public record Shape(
            int steps, int paths, long[] ranks, boolean trackPaths, boolean hasBarrier,
            double barrier) {

        /**
         * Checks what the kernels index with: a rank outside {@code [1, paths]} would read past a
         * simulation's finals on the device.
         *
         * @throws IllegalArgumentException if steps or paths are below 1 or a rank is out of range
         */
        public Shape {
            if (steps < 1 || paths < 1) {
                throw new IllegalArgumentException(
                        "steps and paths must be at least 1, got " + steps + " and " + paths);
            }
            for (long rank : ranks) {
                if (rank < 1 || rank > paths) {
                    throw new IllegalArgumentException(
                            "quantile rank must be in [1, " + paths + "], got " + rank);
                }
            }
        }
    }

    private final CudaStream stream;
    private final DeviceBuffer inputs;
    private final DeviceBuffer results;
    private final DeviceBuffer scratch;
    private final DeviceBuffer outputs;

    private CudaWalkPaths(CudaStream stream) {
        this.stream = stream;
        this.inputs = new DeviceBuffer(stream, "walk keys");
        this.results = new DeviceBuffer(stream, "walk paths");
        this.scratch = new DeviceBuffer(stream, "walk counts");
        this.outputs = new DeviceBuffer(stream, "walk statistics");
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

    /** The fair +-1 walk: final positions, or path statistics when the shape tracks paths. */
    public void fair(
            long seed, long[] keyHashes, long[] sequences, double[] starts, int first, int count,
            Shape shape, WalkTallies out) {
        Batch batch = new Batch(seed, keyHashes, sequences, starts, shape, out);
        if (shape.trackPaths()) {
            lattice(batch, first, count, "quiver_walk_fair_path", PATH_WIDTH,
                    args -> args.i32(shape.steps()).i32(latticeBarrier(shape)).i32(shape.paths()));
        } else {
            lattice(batch, first, count, "quiver_walk_fair_final", 1,
                    args -> args.i32(shape.steps()).i32(shape.paths()));
        }
    }

    /**
     * A lazy or biased lattice walk: final positions, or path statistics when the shape tracks
     * paths; {@code stay} and {@code up} are {@code WalkModel}'s thresholds out of 2^32.
     */
    public void lattice(
            long seed, long[] keyHashes, long[] sequences, double[] starts, int first, int count,
            Shape shape, long stay, long up, WalkTallies out) {
        Batch batch = new Batch(seed, keyHashes, sequences, starts, shape, out);
        if (shape.trackPaths()) {
            lattice(batch, first, count, "quiver_walk_lattice_path", PATH_WIDTH,
                    args -> args.i32(shape.steps()).i64(stay).i64(up).i32(latticeBarrier(shape))
                            .i32(shape.paths()));
        } else {
            lattice(batch, first, count, "quiver_walk_lattice_final", 1,
                    args -> args.i32(shape.steps()).i64(stay).i64(up).i32(shape.paths()));
        }
    }

    /**
     * A Gaussian walk ({@code dof} NaN) or a Student-t walk: final positions, or path statistics
     * when the shape tracks paths.
     */
    public void continuous(
            long seed, long[] keyHashes, long[] sequences, double[] starts, int first, int count,
            Shape shape, double location, double scale, double dof, WalkTallies out) {
        Batch batch = new Batch(seed, keyHashes, sequences, starts, shape, out);
        if (shape.trackPaths()) {
            double barrier = shape.hasBarrier() ? shape.barrier() : Double.NaN;
            continuous(batch, first, count, "quiver_walk_continuous_path", CONTINUOUS_PATH_BYTES,
                    args -> args.i32(shape.steps()).f64(location).f64(scale).f64(dof)
                            .f64(barrier).i32(shape.paths()));
        } else {
            continuous(batch, first, count, "quiver_walk_continuous_final", 8,
                    args -> args.i32(shape.steps()).f64(location).f64(scale).f64(dof)
                            .i32(shape.paths()));
        }
    }

    /** The lattice kernels' barrier: the whole-number level, 0 for none. */
    private static int latticeBarrier(Shape shape) {
        return shape.hasBarrier() ? (int) shape.barrier() : 0;
    }

    /** The arguments of a path kernel between the simulation count and the output. */
    private interface LawArguments {
        void add(KernelArgs args);
    }

    /** One call's arrays, shape and tallies, run a chunk of simulations at a time. */
    private record Batch(
            long seed, long[] keyHashes, long[] sequences, double[] starts, Shape shape,
            WalkTallies out) {}

    private void lattice(
            Batch batch, int first, int count, String kernel, int width, LawArguments law) {
        Shape shape = batch.shape();
        int maxBins = (int) Math.min(shape.paths(), 2L * shape.steps() + 1);
        long scratchInts = 2L * shape.steps() + 1
                + (shape.trackPaths() ? 2L * (shape.steps() + 1) : 0);
        long perSimulation = 4L * width * shape.paths() + 4L * scratchInts;
        int chunk = chunk(shape, count, perSimulation, maxBins);
        for (int at = first; at < first + count; at += chunk) {
            int n = Math.min(chunk, first + count - at);
            long keys = upload(batch, at, n, maxBins);
            launchPaths(batch, kernel, keys, n, 4 * width, law);
            long ranks = keys + 24L * n;
            scratch.ensure(4L * scratchInts * n);
            try (KernelArgs args = new KernelArgs()) {
                args.address(results.address()).i32(width).i32(n).i32(shape.steps())
                        .i32(shape.paths()).address(keys + 16L * n).address(ranks)
                        .i32(shape.ranks().length).i32(maxBins)
                        .i32(shape.trackPaths() ? 1 : 0).i32(shape.hasBarrier() ? 1 : 0)
                        .address(scratch.address());
                reduce(batch, "quiver_walk_reduce_lattice", args, at, n, maxBins);
            }
        }
    }

    private void continuous(
            Batch batch, int first, int count, String kernel, int pathBytes, LawArguments law) {
        Shape shape = batch.shape();
        // The reduction counts each simulation's steps above 0 per value when tracking paths.
        long scratchInts = shape.trackPaths() ? shape.steps() + 1L : 0;
        long perSimulation = (long) pathBytes * shape.paths() + 4L * scratchInts;
        int chunk = chunk(shape, count, perSimulation, CONTINUOUS_BINS);
        for (int at = first; at < first + count; at += chunk) {
            int n = Math.min(chunk, first + count - at);
            long keys = upload(batch, at, n, CONTINUOUS_BINS);
            launchPaths(batch, kernel, keys, n, pathBytes, law);
            scratch.ensure(Math.max(4, 4L * scratchInts * n));
            try (KernelArgs args = new KernelArgs()) {
                args.address(results.address()).i32(n).i32(shape.steps()).i32(shape.paths())
                        .address(keys + 16L * n).address(keys + 24L * n)
                        .i32(shape.ranks().length).i32(shape.trackPaths() ? 1 : 0)
                        .i32(shape.hasBarrier() ? 1 : 0).address(scratch.address());
                reduce(batch, "quiver_walk_reduce_continuous", args, at, n, CONTINUOUS_BINS);
            }
        }
    }

    /** Simulations a chunk holds within {@link #CHUNK_BYTES}; at least one. */
    private static int chunk(Shape shape, int count, long pathBytes, int maxBins) {
        long perSimulation = pathBytes + outputBytes(shape, 1, maxBins);
        return (int) Math.max(1, Math.min(count, CHUNK_BYTES / perSimulation));
    }

    /** Doubles of one simulation's statistics and quantiles (REDUCE_STATISTICS + quantiles). */
    private static int valueCount(Shape shape) {
        return STATISTICS + shape.ranks().length;
    }

    /** Bytes of n simulations' outputs: values, counts, and maxBins bins of 16 bytes. */
    private static long outputBytes(Shape shape, int n, int maxBins) {
        return 8L * n * (valueCount(shape) + COUNTS + 2L * maxBins);
    }

    /**
     * Begins a chunk: uploads its key hashes, sequences and starts, then the ranks, in one
     * device buffer; returns its address. The staging buffer is sized for the statistics' copy
     * back too, so that it is not reallocated under the queued upload.
     */
    private long upload(Batch batch, int at, int n, int maxBins) {
        stream.begin();
        long[] ranks = batch.shape().ranks();
        long bytes = 24L * n + 8L * ranks.length;
        var staging = stream.staging(Math.max(bytes, outputBytes(batch.shape(), n, maxBins)));
        staging.view(0, LongPointer::new).put(batch.keyHashes(), at, n);
        staging.view(8L * n, LongPointer::new).put(batch.sequences(), at, n);
        staging.view(16L * n, DoublePointer::new).put(batch.starts(), at, n);
        staging.view(24L * n, LongPointer::new).put(ranks, 0, ranks.length);
        long address = inputs.ensure(bytes);
        stream.upload(0, address, bytes);
        return address;
    }

    /**
     * Queues the path kernel over (simulation, path) of a chunk of n simulations, {@code
     * pathBytes} of results a path.
     */
    private void launchPaths(
            Batch batch, String kernel, long keys, int n, int pathBytes, LawArguments law) {
        long slots = (long) n * batch.shape().paths();
        results.ensure(pathBytes * slots);
        try (KernelArgs args = new KernelArgs()) {
            args.i64(batch.seed()).address(keys).address(keys + 8L * n).i32(n);
            law.add(args);
            args.address(results.address());
            stream.launch(kernel, CudaStream.blocks(slots), 1, CudaStream.THREADS, 1, args);
        }
    }

    /**
     * Adds the output arrays to a reduction's arguments (values and counts simulation-major, then
     * bin levels and paths bin-major), launches it over n simulations and writes the statistics
     * into the tallies from entry {@code at}. Two copies come back: the statistics with each
     * simulation's bin count, then only the bin rows some simulation used.
     */
    private void reduce(Batch batch, String kernel, KernelArgs args, int at, int n, int maxBins) {
        Shape shape = batch.shape();
        long valueBytes = 8L * valueCount(shape) * n;
        long fixedBytes = valueBytes + 8L * COUNTS * n;
        long binBytes = 8L * maxBins * n;
        long address = outputs.ensure(fixedBytes + 2 * binBytes);
        long levels = address + fixedBytes;
        long paths = levels + binBytes;
        args.address(address).address(address + valueBytes).address(levels).address(paths);
        stream.launch(kernel, CudaStream.blocks(n), 1, CudaStream.THREADS, 1, args);
        var staging = stream.staging(fixedBytes + 2 * binBytes);
        stream.download(address, 0, fixedBytes);
        stream.sync();
        double[] values = new double[valueCount(shape) * n];
        long[] counts = new long[COUNTS * n];
        staging.view(0, DoublePointer::new).get(values);
        staging.view(valueBytes, LongPointer::new).get(counts);
        int usedBins = 0;
        for (int j = 0; j < n; j++) {
            usedBins = (int) Math.max(usedBins, counts[j * COUNTS + 1]);
        }
        long usedBytes = 8L * usedBins * n;
        stream.download(levels, fixedBytes, usedBytes);
        stream.download(paths, fixedBytes + usedBytes, usedBytes);
        stream.sync();
        double[] binLevels = new double[usedBins * n];
        long[] binPaths = new long[usedBins * n];
        staging.view(fixedBytes, DoublePointer::new).get(binLevels);
        staging.view(fixedBytes + usedBytes, LongPointer::new).get(binPaths);
        WalkTallies out = batch.out();
        int quantiles = shape.ranks().length;
        for (int j = 0; j < n; j++) {
            int i = at + j;
            int v = j * valueCount(shape);
            out.setMoments(i, values[v], values[v + 1]);
            for (int q = 0; q < quantiles; q++) {
                out.setQuantile(i, q, values[v + STATISTICS + q]);
            }
            out.setPathStatistics(i, counts[j * COUNTS], values[v + 3], values[v + 2],
                    values[v + 4], values[v + 5]);
            for (int b = 0; b < counts[j * COUNTS + 1]; b++) {
                out.addBin(i, binLevels[b * n + j], binPaths[b * n + j]);
            }
        }
    }

    @Override
    public long deviceMemoryBytes() {
        return stream.deviceBytes();
    }

    @Override
    public void close() {
        stream.makeCurrent();
        inputs.free();
        results.free();
        scratch.free();
        outputs.free();
        stream.close();
    }
}
