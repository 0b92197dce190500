package dev.quiver.walk;

/**
 * The memory a simulation of a {@link WalkSpec} needs: the arrays its {@link WalkResult} and its
 * {@link JavaWalkSimulator} allocate, in bytes, computed from the spec before anything runs. A
 * simulator given a budget ({@link JavaWalkSimulator#JavaWalkSimulator(long)}) runs a simulation in
 * memory when {@link #inMemoryBytes} fits, in passes when only {@link #inPassesBytes} fits, and
 * refuses it otherwise; the walk job turns the refusal into a dead letter before simulating.
 *
 * <p>What grows with the spec ({@code n} steps, {@code M} paths, 8-byte counts and values):
 *
 * <ul>
 *   <li>lattice walks: a count per final level, {@code 8 (2n + 1)}; with path tracking a count
 *       per maximum, passage time, return time and steps-above value, {@code 32 (n + 1)}; the
 *       histogram, {@code 16 min(M, 2n + 1)}. None of it grows with the paths, so passes would
 *       save nothing: a lattice walk always runs in memory;
 *   <li>real-valued walks in memory: the {@code M} final positions, {@code 8 M}, and with path
 *       tracking the {@code M} maxima, {@code 8 M}, and the three time counts, {@code 24 (n + 1)}.
 *       Sorting them takes no more: {@link java.util.Arrays#sort(double[])} allocates only for
 *       input made of a few long sorted runs, which independent paths are not;
 *   <li>real-valued walks in passes: no per-path array, only the selection buffers of the
 *       quantiles ({@link ReplayedOrderStatistics#bytes}, for the final positions and, with path
 *       tracking, the maxima) and the time counts.
 * </ul>
 *
 * Every estimate adds the simulator's fixed scratch ({@link #SCRATCH_BYTES}) and the histogram of a
 * real-valued walk. The summary a job builds from a result (at most one object per histogram bin)
 * is left out: its bins are bounded by the histogram above.
 *
 * <pre>{@code
 * WalkSpec spec = new WalkSpec(WalkModel.gaussian(0, 1), 1, 100_000_000, 1, WalkSpec.Track.PATH);
 * long kept = WalkMemory.inMemoryBytes(spec);     // about 1.6 GB: every final position and maximum
 * long replayed = WalkMemory.inPassesBytes(spec); // about 4 MB: quantiles found pass by pass
 * long least = WalkMemory.leastBytes(spec);       // the smaller of the two
 * }</pre>
 */
public final class WalkMemory {

    /**
     * The simulator's scratch that does not depend on the spec: its 1024 words, the stream's 1024
     * words and Philox's four lanes of 512 ints (24 KiB), rounded up for the path trackers.
     */
    static final long SCRATCH_BYTES = 32L * 1024;

    private WalkMemory() {}

    /** Bytes of a simulation that keeps every path's values: the only way for lattice walks. */
    public static long inMemoryBytes(WalkSpec spec) {
        long n = spec.steps();
        long m = spec.paths();
        if (spec.model().isLattice()) {
            long levels = 2 * n + 1;
            return SCRATCH_BYTES + 8 * levels + pathCountBytes(spec, 4) + 16 * Math.min(m, levels);
        }
        long perPath = tracksPaths(spec) ? 16 : 8;
        return SCRATCH_BYTES + perPath * m + pathCountBytes(spec, 3) + continuousHistogramBytes();
    }

    /**
     * Bytes of a real-valued simulation run in passes, none of which grows with the paths; for a
     * lattice walk the same as {@link #inMemoryBytes}, since it cannot run in passes.
     */
    public static long inPassesBytes(WalkSpec spec) {
        if (spec.model().isLattice()) {
            return inMemoryBytes(spec);
        }
        int quantiles = WalkExact.QUANTILE_PROBABILITIES.size();
        int selected = tracksPaths(spec) ? 2 * quantiles : quantiles;
        return SCRATCH_BYTES
                + ReplayedOrderStatistics.bytes(selected)
                + pathCountBytes(spec, 3)
                + continuousHistogramBytes();
    }

    /** The least memory the simulation can run in. */
    public static long leastBytes(WalkSpec spec) {
        return Math.min(inMemoryBytes(spec), inPassesBytes(spec));
    }

    /**
     * Whether a simulator holding at most {@code maxBytes} runs {@code spec} in passes.
     *
     * @throws IllegalArgumentException if the simulation cannot run in {@code maxBytes}
     */
    static boolean runsInPasses(WalkSpec spec, long maxBytes) {
        if (inMemoryBytes(spec) <= maxBytes) {
            return false;
        }
        if (inPassesBytes(spec) <= maxBytes) {
            return true;
        }
        throw new IllegalArgumentException(
                "simulation of "
                        + spec
                        + " needs at least "
                        + leastBytes(spec)
                        + " bytes, more than the simulator's "
                        + maxBytes);
    }

    private static boolean tracksPaths(WalkSpec spec) {
        return spec.track() == WalkSpec.Track.PATH;
    }

    /** {@code arrays} counts of {@code n + 1} longs under path tracking, else none. */
    private static long pathCountBytes(WalkSpec spec, int arrays) {
        return tracksPaths(spec) ? 8L * arrays * (spec.steps() + 1L) : 0;
    }

    private static long continuousHistogramBytes() {
        return 16L * WalkResult.CONTINUOUS_BINS;
    }
}
