package dev.quiver.walk;

import dev.quiver.compute.WalkBatch;

/**
 * The plain-Java {@link WalkSimulator}: paths one after another on the calling thread, with a fast
 * path for the fair +-1 walk.
 *
 * <p>Fair +-1 walk ({@code p = 1/2}): each Philox block gives 128 steps as two 64-bit words. With
 * {@link WalkSpec.Track#FINAL} a word's displacement is {@code 2 bitCount(w) - 64}; with {@link
 * WalkSpec.Track#PATH} its eight bytes go through the per-byte prefix tables of {@link LatticePath}
 * (maximum, passage, return and steps above, a few table reads per eight steps). Paths of up to
 * {@link WalkStream#CHUNK_BLOCKS} blocks are generated many at once, so that one Philox pass fills
 * all its lanes even when each path needs only a few blocks. Other lattice walks read one 32-bit
 * word per step and compare it with the model's thresholds; real-valued walks draw ziggurat normals
 * (and gammas for Student-t); Gaussian final positions are summed in place from the generator's
 * lanes, many short paths a pass ({@link Ziggurat#addSteps}). The cost is about {@code steps *
 * paths / 128} Philox blocks on the fast path and {@code steps * paths / 4} elsewhere.
 *
 * <p>Memory: a simulator built with a budget ({@link #JavaWalkSimulator(long)}) runs a real-valued
 * walk whose {@code M} final positions (and maxima) would not fit in it in passes: it generates
 * every path again in each of two to four passes, keeping only sums and the quantiles'
 * selection, and gets the same result bit for bit (WalkPassesBenchmark: 1.5 to 2.5 times the time
 * of the simulation in memory, which generates the paths once but sorts their values). A simulation that
 * fits in neither way ({@link WalkMemory#leastBytes}) is refused. Without a budget every
 * simulation runs in one pass, whatever it needs.
 *
 * <p>Not thread-safe: it owns its scratch (a stream, two path trackers, 8 KiB of words).
 *
 * <pre>{@code
 * JavaWalkSimulator simulator = new JavaWalkSimulator();
 * WalkSpec spec = new WalkSpec(WalkModel.gaussian(0.1, 1.0), 250, 2000, 5.0, WalkSpec.Track.PATH);
 * WalkResult[] out = {new WalkResult()};
 * simulator.simulate(spec, new WalkBatch(1L, new long[] {WalkStream.keyHash("k")},
 *         new long[] {0L}, new double[] {0.0}, 1), out);
 * double hit = out[0].hitProbability();
 * }</pre>
 */
public final class JavaWalkSimulator implements WalkSimulator {

    private static final int CHUNK_WORDS = 2 * WalkStream.CHUNK_BLOCKS;

    private final WalkStream stream = new WalkStream();
    private final long[] words = new long[CHUNK_WORDS];
    private final LatticePath lattice = new LatticePath();
    private final ContinuousPath continuous = new ContinuousPath();
    private final long maxMemoryBytes;

    /** A simulator that runs every simulation in one pass, whatever memory it needs. */
    public JavaWalkSimulator() {
        this(Long.MAX_VALUE);
    }

    /**
     * A simulator whose simulations hold at most {@code maxMemoryBytes} ({@link WalkMemory}).
     *
     * @throws IllegalArgumentException unless {@code maxMemoryBytes} is positive
     */
    public JavaWalkSimulator(long maxMemoryBytes) {
        if (maxMemoryBytes < 1) {
            throw new IllegalArgumentException(
                    "memory budget must be positive, got " + maxMemoryBytes + " bytes");
        }
        this.maxMemoryBytes = maxMemoryBytes;
    }

    @Override
    public void simulate(WalkSpec spec, WalkBatch batch, WalkResult[] out) {
        batch.checkOutput(out.length);
        boolean inPasses = WalkMemory.runsInPasses(spec, maxMemoryBytes);
        for (int i = 0; i < batch.count(); i++) {
            simulateOne(spec, batch, i, inPasses, out[i]);
        }
    }

    /** Simulation {@code i} of {@code batch} alone into {@code out} ({@link JavaWalkKernel}'s). */
    void simulateOne(WalkSpec spec, WalkBatch batch, int i, WalkResult out) {
        simulateOne(spec, batch, i, WalkMemory.runsInPasses(spec, maxMemoryBytes), out);
    }

    private void simulateOne(
            WalkSpec spec, WalkBatch batch, int i, boolean inPasses, WalkResult out) {
        long seed = batch.seed();
        long keyHash = batch.keyHashes()[i];
        long sequence = batch.sequences()[i];
        out.reset(spec, seed, keyHash, sequence, batch.starts()[i], inPasses);
        long streamKey = WalkStream.streamKey(seed, keyHash);
        do {
            allPaths(spec, streamKey, sequence, out);
        } while (out.nextPass());
        out.finish();
    }

    /** Every path of the simulation, in path order, into {@code out}. */
    private void allPaths(WalkSpec spec, long streamKey, long sequence, WalkResult out) {
        WalkModel model = spec.model();
        boolean path = spec.track() == WalkSpec.Track.PATH;
        if (model.isFair()) {
            fair(spec, streamKey, sequence, out);
            return;
        }
        if (model.kind() == WalkModel.Kind.GAUSSIAN && !path) {
            gaussianFinal(spec, streamKey, sequence, out);
            return;
        }
        int n = spec.steps();
        for (int p = 0; p < spec.paths(); p++) {
            stream.reset(streamKey, sequence, p, n);
            if (model.isLattice()) {
                if (path) {
                    latticePath(spec);
                    out.addPath(lattice);
                } else {
                    out.addFinal(latticeFinal(model, n));
                }
            } else {
                continuousPath(spec, path);
                if (path) {
                    out.addPath(continuous);
                } else {
                    out.addFinal(continuous.position);
                }
            }
        }
    }

    /**
     * The fair walk, 64 steps per word: paths of at most {@link WalkStream#CHUNK_BLOCKS} blocks are
     * filled many at a time (one Philox pass for all), longer ones chunk by chunk.
     */
    private void fair(WalkSpec spec, long streamKey, long sequence, WalkResult out) {
        int n = spec.steps();
        int pathWords = (n + 63) >>> 6;
        int pathBlocks = (pathWords + 1) >>> 1;
        boolean path = spec.track() == WalkSpec.Track.PATH;
        int barrier = spec.hasBarrier() ? (int) spec.barrier() : 0;
        if (pathBlocks <= WalkStream.CHUNK_BLOCKS) {
            int group = WalkStream.CHUNK_BLOCKS / pathBlocks;
            for (int p = 0; p < spec.paths(); p += group) {
                int paths = Math.min(group, spec.paths() - p);
                stream.reset(streamKey, sequence, p, n);
                stream.fillPaths(words, paths, pathWords);
                for (int q = 0; q < paths; q++) {
                    int offset = 2 * pathBlocks * q;
                    if (path) {
                        lattice.reset(barrier);
                        walkWords(offset, 0, pathWords, n);
                        out.addPath(lattice);
                    } else {
                        out.addFinal(2 * countOnes(offset, 0, pathWords, n) - n);
                    }
                }
            }
            return;
        }
        for (int p = 0; p < spec.paths(); p++) {
            stream.reset(streamKey, sequence, p, n);
            lattice.reset(barrier);
            int ones = 0;
            for (int first = 0; first < pathWords; first += CHUNK_WORDS) {
                int chunk = Math.min(CHUNK_WORDS, pathWords - first);
                stream.fillWords(words, first, chunk);
                if (path) {
                    walkWords(0, first, chunk, n);
                } else {
                    ones += countOnes(0, first, chunk, n);
                }
            }
            if (path) {
                out.addPath(lattice);
            } else {
                out.addFinal(2 * ones - n);
            }
        }
    }

    /**
     * Up-steps among the steps {@code 64 first ..} of the path whose words {@code first .. first +
     * count - 1} are {@code words[offset ..]}, stopping at step {@code n}.
     */
    private int countOnes(int offset, int first, int count, int n) {
        int full = Math.min(count, (n >>> 6) - first);
        // Four sums, so the adds of successive bit counts do not wait on each other.
        int ones0 = 0;
        int ones1 = 0;
        int ones2 = 0;
        int ones3 = 0;
        int w = offset;
        int end = offset + full;
        for (; w + 3 < end; w += 4) {
            ones0 += Long.bitCount(words[w]);
            ones1 += Long.bitCount(words[w + 1]);
            ones2 += Long.bitCount(words[w + 2]);
            ones3 += Long.bitCount(words[w + 3]);
        }
        for (; w < end; w++) {
            ones0 += Long.bitCount(words[w]);
        }
        int ones = ones0 + ones1 + ones2 + ones3;
        if (full < count) {
            ones += Long.bitCount(words[offset + full] & ((1L << (n & 63)) - 1));
        }
        return ones;
    }

    /** {@link #countOnes}'s steps into {@link #lattice}, byte tables then single steps. */
    private void walkWords(int offset, int first, int count, int n) {
        int full = Math.min(count, (n >>> 6) - first);
        // A path that ends inside word `full` takes that word's whole bytes with the whole words
        // before it, then its last n mod 8 steps one at a time.
        int rest = full < count ? n & 63 : 0;
        lattice.bytes(words, offset, 8 * full + (rest >>> 3));
        long last = rest > 0 ? words[offset + full] : 0;
        for (int b = rest & ~7; b < rest; b++) {
            lattice.step((int) ((last >>> b) & 1) * 2 - 1);
        }
    }

    private int latticeFinal(WalkModel model, int n) {
        long stay = model.stayThreshold();
        long up = model.upThreshold();
        int position = 0;
        for (int t = 0; t < n; t++) {
            position += latticeStep(stream.nextInt() & 0xFFFFFFFFL, stay, up);
        }
        return position;
    }

    private void latticePath(WalkSpec spec) {
        WalkModel model = spec.model();
        long stay = model.stayThreshold();
        long up = model.upThreshold();
        lattice.reset(spec.hasBarrier() ? (int) spec.barrier() : 0);
        for (int t = 0; t < spec.steps(); t++) {
            lattice.step(latticeStep(stream.nextInt() & 0xFFFFFFFFL, stay, up));
        }
    }

    private static int latticeStep(long u, long stay, long up) {
        return u < stay ? 0 : u < up ? 1 : -1;
    }

    /**
     * Gaussian final positions: a normal takes exactly one word (its slow draws come from the side
     * stream), so, as on the fair path, paths of at most {@link WalkStream#CHUNK_BLOCKS} blocks are
     * computed many at once and their words summed in place; longer ones chunk by chunk.
     */
    private void gaussianFinal(WalkSpec spec, long streamKey, long sequence, WalkResult out) {
        int n = spec.steps();
        double location = spec.model().location();
        double scale = spec.model().scale();
        int pathBlocks = (n + 3) >>> 2;
        if (pathBlocks <= WalkStream.CHUNK_BLOCKS) {
            int group = WalkStream.CHUNK_BLOCKS / pathBlocks;
            for (int p = 0; p < spec.paths(); p += group) {
                int paths = Math.min(group, spec.paths() - p);
                stream.reset(streamKey, sequence, p, n);
                Philox4x32 lanes = stream.computePaths(paths, pathBlocks);
                for (int q = 0; q < paths; q++) {
                    stream.reset(streamKey, sequence, p + q, n);
                    out.addFinal(
                            Ziggurat.addSteps(
                                    0, lanes, q * pathBlocks, n, location, scale, stream));
                }
            }
            return;
        }
        for (int p = 0; p < spec.paths(); p++) {
            stream.reset(streamKey, sequence, p, n);
            double position = 0;
            for (long first = 0; first < pathBlocks; first += WalkStream.CHUNK_BLOCKS) {
                int blocks = (int) Math.min(WalkStream.CHUNK_BLOCKS, pathBlocks - first);
                int steps = (int) Math.min(4L * blocks, n - 4 * first);
                Philox4x32 lanes = stream.computeBlocks(first, blocks);
                position = Ziggurat.addSteps(position, lanes, 0, steps, location, scale, stream);
            }
            out.addFinal(position);
        }
    }

    private void continuousPath(WalkSpec spec, boolean path) {
        WalkModel model = spec.model();
        continuous.reset(spec.barrier());
        double location = model.location();
        double scale = model.scale();
        int n = spec.steps();
        if (model.kind() == WalkModel.Kind.GAUSSIAN) {
            for (int t = 0; t < n; t++) {
                continuous.step(location + scale * Ziggurat.normal(stream));
            }
            return;
        }
        double halfDof = model.dof() / 2;
        for (int t = 0; t < n; t++) {
            double z = Ziggurat.normal(stream);
            double chiOverDof = Ziggurat.gamma(stream, halfDof) / halfDof;
            double step = location + scale * z / Math.sqrt(chiOverDof);
            if (path) {
                continuous.step(step);
            } else {
                continuous.position += step;
            }
        }
    }
}
