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
        lattice(new Batch(seed, keyHashes, sequences, starts, shape, out), first, count,
                fairLaw(shape));
    }

    /**
     * A lazy or biased lattice walk: final positions, or path statistics when the shape tracks
     * paths; {@code stay} and {@code up} are {@code WalkModel}'s thresholds out of 2^32.
     */
    public void lattice(
            long seed, long[] keyHashes, long[] sequences, double[] starts, int first, int count,
            Shape shape, long stay, long up, WalkTallies out) {
        lattice(new Batch(seed, keyHashes, sequences, starts, shape, out), first, count,
                latticeLaw(shape, stay, up));
    }

    /**
     * A Gaussian walk ({@code dof} NaN) or a Student-t walk: final positions, or path statistics
     * when the shape tracks paths.
     */
    public void continuous(
            long seed, long[] keyHashes, long[] sequences, double[] starts, int first, int count,
            Shape shape, double location, double scale, double dof, WalkTallies out) {
        continuous(new Batch(seed, keyHashes, sequences, starts, shape, out), first, count,
                continuousLaw(shape, location, scale, dof));
    }

    /** The fair walk's path kernel for {@code shape}. */
    static Law fairLaw(Shape shape) {
        return shape.trackPaths()
                ? new Law("quiver_walk_fair_path", 4 * PATH_WIDTH, shape,
                        args -> args.i32(shape.steps()).i32(latticeBarrier(shape)))
                : new Law("quiver_walk_fair_final", 4, shape, args -> args.i32(shape.steps()));
    }

    /** A lazy or biased lattice walk's path kernel for {@code shape}. */
    static Law latticeLaw(Shape shape, long stay, long up) {
        return shape.trackPaths()
                ? new Law("quiver_walk_lattice_path", 4 * PATH_WIDTH, shape,
                        args -> args.i32(shape.steps()).i64(stay).i64(up)
                                .i32(latticeBarrier(shape)))
                : new Law("quiver_walk_lattice_final", 4, shape,
                        args -> args.i32(shape.steps()).i64(stay).i64(up));
    }

    /** A Gaussian or Student-t walk's path kernel for {@code shape}. */
    static Law continuousLaw(Shape shape, double location, double scale, double dof) {
        if (shape.trackPaths()) {
            double barrier = shape.hasBarrier() ? shape.barrier() : Double.NaN;
            return new Law("quiver_walk_continuous_path", CONTINUOUS_PATH_BYTES, shape,
                    args -> args.i32(shape.steps()).f64(location).f64(scale).f64(dof)
                            .f64(barrier));
        }
        return new Law("quiver_walk_continuous_final", 8, shape,
                args -> args.i32(shape.steps()).f64(location).f64(scale).f64(dof));
    }

    /** The lattice kernels' barrier: the whole-number level, 0 for none. */
    private static int latticeBarrier(Shape shape) {
        return shape.hasBarrier() ? (int) shape.barrier() : 0;
    }

    /** The arguments of a path kernel between the simulation count and the path count. */
    interface LawArguments {
        void add(KernelArgs args);
    }

    /**
     * A path kernel: one thread a (simulation, path), {@code pathBytes} of results a path, its
     * law's arguments between the batch's (seed, key hashes, sequences, count) and (paths, out).
     */
    record Law(String kernel, int pathBytes, Shape shape, LawArguments arguments) {

        /**
         * The launch over the paths of {@code n} simulations whose keys are at {@code keys}
         * ({@link #upload}'s layout), results to {@code results}.
         */
        KernelLaunch launch(long seed, long keys, int n, long results) {
            KernelArgs args = new KernelArgs().i64(seed).address(keys).address(keys + 8L * n).i32(n);
            arguments.add(args);
            args.i32(shape.paths()).address(results);
            return KernelLaunch.overThreads(kernel, (long) n * shape.paths(), args);
        }
    }

    /** One call's arrays, shape and tallies, run a chunk of simulations at a time. */
    private record Batch(
            long seed, long[] keyHashes, long[] sequences, double[] starts, Shape shape,
            WalkTallies out) {}

    private void lattice(Batch batch, int first, int count, Law law) {
        Shape shape = batch.shape();
        int width = law.pathBytes() / 4;
        int maxBins = (int) Math.min(shape.paths(), 2L * shape.steps() + 1);
        long scratchInts = 2L * shape.steps() + 1
                + (shape.trackPaths() ? 2L * (shape.steps() + 1) : 0);
        long perSimulation = (long) law.pathBytes() * shape.paths() + 4L * scratchInts;
        int chunk = chunk(shape, count, perSimulation, maxBins);
        for (int at = first; at < first + count; at += chunk) {
            int n = Math.min(chunk, first + count - at);
            long keys = upload(batch, at, n, maxBins);
            launchPaths(batch, law, keys, n);
            scratch.ensure(4L * scratchInts * n);
            Outputs out = outputs(shape, n, maxBins);
            reduce(batch, reduceLattice(results.address(), width, n, shape, maxBins, keys,
                    scratch.address(), out), out, at);
        }
    }

    private void continuous(Batch batch, int first, int count, Law law) {
        Shape shape = batch.shape();
        // The reduction counts each simulation's steps above 0 per value when tracking paths.
        long scratchInts = shape.trackPaths() ? shape.steps() + 1L : 0;
        long perSimulation = (long) law.pathBytes() * shape.paths() + 4L * scratchInts;
        int chunk = chunk(shape, count, perSimulation, CONTINUOUS_BINS);
        for (int at = first; at < first + count; at += chunk) {
            int n = Math.min(chunk, first + count - at);
            long keys = upload(batch, at, n, CONTINUOUS_BINS);
            launchPaths(batch, law, keys, n);
            scratch.ensure(Math.max(4, 4L * scratchInts * n));
            Outputs out = outputs(shape, n, CONTINUOUS_BINS);
            reduce(batch, reduceContinuous(results.address(), n, shape, keys, scratch.address(),
                    out), out, at);
        }
    }

    /**
     * quiver_walk_reduce_lattice over {@code n} simulations: their paths' results at {@code
     * results} ({@code width} ints a path), keys at {@code keys} ({@link #upload}'s layout),
     * {@code lattice_scratch()} ints of scratch each at {@code scratch}.
     */
    static KernelLaunch reduceLattice(
            long results, int width, int n, Shape shape, int maxBins, long keys, long scratch,
            Outputs out) {
        KernelArgs args =
                new KernelArgs().address(results).i32(width).i32(n).i32(shape.steps())
                        .i32(shape.paths()).address(keys + 16L * n).address(keys + 24L * n)
                        .i32(shape.ranks().length).i32(maxBins)
                        .i32(shape.trackPaths() ? 1 : 0).i32(shape.hasBarrier() ? 1 : 0)
                        .address(scratch);
        return KernelLaunch.overThreads("quiver_walk_reduce_lattice", n, out.addTo(args));
    }

    /**
     * quiver_walk_reduce_continuous over {@code n} simulations: their finals (and, tracking paths,
     * the rest of quiver_walk_continuous_path's output) at {@code results}, keys at {@code keys},
     * {@code steps + 1} ints of scratch each at {@code scratch}.
     */
    static KernelLaunch reduceContinuous(
            long results, int n, Shape shape, long keys, long scratch, Outputs out) {
        KernelArgs args =
                new KernelArgs().address(results).i32(n).i32(shape.steps()).i32(shape.paths())
                        .address(keys + 16L * n).address(keys + 24L * n)
                        .i32(shape.ranks().length).i32(shape.trackPaths() ? 1 : 0)
                        .i32(shape.hasBarrier() ? 1 : 0).address(scratch);
        return KernelLaunch.overThreads("quiver_walk_reduce_continuous", n, out.addTo(args));
    }

    /** Simulations a chunk holds within {@link #CHUNK_BYTES}; at least one. */
    private static int chunk(Shape shape, int count, long pathBytes, int maxBins) {
        long perSimulation = pathBytes + new Outputs(0, shape, 1, maxBins).bytes();
        return (int) Math.max(1, Math.min(count, CHUNK_BYTES / perSimulation));
    }

    /** Doubles of one simulation's statistics and quantiles (REDUCE_STATISTICS + quantiles). */
    private static int valueCount(Shape shape) {
        return STATISTICS + shape.ranks().length;
    }

    /**
     * Where a reduction of {@code n} simulations writes, from {@code address}: values and counts
     * simulation-major, then {@code maxBins} rows of bin levels and of bin paths, bin-major (bin
     * b of simulation j at {@code b * n + j}).
     */
    record Outputs(long address, Shape shape, int n, int maxBins) {
        long valueBytes() {
            return 8L * valueCount(shape) * n;
        }

        long fixedBytes() {
            return valueBytes() + 8L * COUNTS * n;
        }

        long binBytes() {
            return 8L * maxBins * n;
        }

        long bytes() {
            return fixedBytes() + 2 * binBytes();
        }

        long levels() {
            return address + fixedBytes();
        }

        long paths() {
            return levels() + binBytes();
        }

        /** The reduction's last four arguments: values, counts, levels, paths. */
        KernelArgs addTo(KernelArgs args) {
            return args.address(address).address(address + valueBytes()).address(levels())
                    .address(paths());
        }
    }

    /** The device outputs of a reduction of {@code n} simulations. */
    private Outputs outputs(Shape shape, int n, int maxBins) {
        long bytes = new Outputs(0, shape, n, maxBins).bytes();
        return new Outputs(outputs.ensure(bytes), shape, n, maxBins);
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
        var staging = stream.staging(
                Math.max(bytes, new Outputs(0, batch.shape(), n, maxBins).bytes()));
        staging.view(0, LongPointer::new).put(batch.keyHashes(), at, n);
        staging.view(8L * n, LongPointer::new).put(batch.sequences(), at, n);
        staging.view(16L * n, DoublePointer::new).put(batch.starts(), at, n);
        staging.view(24L * n, LongPointer::new).put(ranks, 0, ranks.length);
        long address = inputs.ensure(bytes);
        stream.upload(0, address, bytes);
        return address;
    }

    /** Queues the path kernel over (simulation, path) of a chunk of n simulations. */
    private void launchPaths(Batch batch, Law law, long keys, int n) {
        long slots = (long) n * batch.shape().paths();
        results.ensure(law.pathBytes() * slots);
        try (KernelLaunch launch = law.launch(batch.seed(), keys, n, results.address())) {
            stream.launch(launch);
        }
    }

    /**
     * Launches a reduction over a chunk's simulations and writes their statistics into the
     * tallies from entry {@code at}. Two copies come back: the statistics with each simulation's
     * bin count, then only the bin rows some simulation used.
     */
    private void reduce(Batch batch, KernelLaunch reduction, Outputs out, int at) {
        try (reduction) {
            stream.launch(reduction);
        }
        Shape shape = batch.shape();
        int n = out.n();
        long fixedBytes = out.fixedBytes();
        var staging = stream.staging(out.bytes());
        stream.download(out.address(), 0, fixedBytes);
        stream.sync();
        double[] values = new double[valueCount(shape) * n];
        long[] counts = new long[COUNTS * n];
        staging.view(0, DoublePointer::new).get(values);
        staging.view(out.valueBytes(), LongPointer::new).get(counts);
        int usedBins = 0;
        for (int j = 0; j < n; j++) {
            usedBins = (int) Math.max(usedBins, counts[j * COUNTS + 1]);
        }
        long usedBytes = 8L * usedBins * n;
        stream.download(out.levels(), fixedBytes, usedBytes);
        stream.download(out.paths(), fixedBytes + usedBytes, usedBytes);
        stream.sync();
        double[] binLevels = new double[usedBins * n];
        long[] binPaths = new long[usedBins * n];
        staging.view(fixedBytes, DoublePointer::new).get(binLevels);
        staging.view(fixedBytes + usedBytes, LongPointer::new).get(binPaths);
        WalkTallies tallies = batch.out();
        int quantiles = shape.ranks().length;
        for (int j = 0; j < n; j++) {
            int i = at + j;
            int v = j * valueCount(shape);
            tallies.setMoments(i, values[v], values[v + 1]);
            for (int q = 0; q < quantiles; q++) {
                tallies.setQuantile(i, q, values[v + STATISTICS + q]);
            }
            tallies.setPathStatistics(i, counts[j * COUNTS], values[v + 3], values[v + 2],
                    values[v + 4], values[v + 5]);
            for (int b = 0; b < counts[j * COUNTS + 1]; b++) {
                tallies.addBin(i, binLevels[b * n + j], binPaths[b * n + j]);
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
