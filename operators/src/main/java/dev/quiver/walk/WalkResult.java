package dev.quiver.walk;

import java.util.Arrays;

/**
 * The statistics of one simulation (one key, one event): {@code M} paths of {@code n} steps from
 * {@code start}, accumulated path by path so that the {@code M x n} positions never exist at once.
 *
 * <p>Definitions, for a path {@code S_0 = 0, S_1, ..., S_n} of positions relative to the start
 * (reported levels are {@code start + S}):
 *
 * <ul>
 *   <li>final position {@code S_n}; its histogram, mean, sample variance (divisor {@code M - 1})
 *       and quantiles (the smallest level whose empirical CDF reaches the probability);
 *   <li>running maximum {@code max(S_0, ..., S_n) >= 0};
 *   <li>first passage: the first {@code t >= 1} at which the path meets (lattice) or meets or
 *       crosses (real steps) the barrier {@code a}; "hit" when {@code t <= n};
 *   <li>first return: the first {@code t >= 1} at which the path meets or crosses 0 again;
 *   <li>steps above the start: the {@code t} with {@code S_(t-1) + S_t > 0} (the segment's midpoint
 *       is above 0). For +-1 steps this is Feller's "time spent on the positive side", always even
 *       for even {@code n}, whose law is the discrete arcsine law.
 * </ul>
 *
 * The path statistics are tracked only under {@link WalkSpec.Track#PATH}; their accessors return
 * NaN (or throw, for counts) otherwise, and passage accessors also without a barrier. Lattice walks
 * keep a count per level; real-valued walks keep the {@code M} final positions and maxima (for
 * quantiles) and a histogram of {@value #CONTINUOUS_BINS} equal-width bins between the smallest and
 * largest final position. A simulator short of memory for those {@code M} values ({@link
 * WalkMemory}) generates the paths of a real-valued walk again in each of a few passes instead
 * and keeps only the quantiles of {@link WalkExact#QUANTILE_PROBABILITIES}: every statistic is the
 * same, bit for bit, and a quantile of another probability throws.
 *
 * <p>Not thread-safe; reused by {@link WalkSimulator#simulate}, which resets it and grows its
 * arrays only when a simulation needs more room than any before it.
 *
 * <pre>{@code
 * WalkSpec spec = new WalkSpec(WalkModel.simple(0.5), 100, 10_000, 10, WalkSpec.Track.PATH);
 * WalkResult result = new WalkResult();
 * new JavaWalkSimulator().simulate(spec, new WalkBatch(42L, new long[] {WalkStream.keyHash("k")},
 *         new long[] {0L}, new double[] {50.0}, 1), new WalkResult[] {result});
 * double mean = result.mean();              // about 50
 * double median = result.quantile(0.5);     // about 50
 * double hit = result.hitProbability();     // P(reach 60 within 100 steps), about 0.32
 * for (int i = 0; i < result.binCount(); i++) {
 *     double level = result.binLevel(i);    // 0, 2, ..., 100 (even levels only)
 *     long paths = result.binPaths(i);
 * }
 * }</pre>
 */
public final class WalkResult {

    /** Equal-width histogram bins of a real-valued walk's final positions. */
    public static final int CONTINUOUS_BINS = 50;

    private WalkSpec spec;
    private long seed;
    private long keyHash;
    private long sequence;
    private double start;
    private int added;
    private boolean finished;

    /** Lattice final positions {@code -n .. n}, counted at {@code n + position}. */
    private final PathCounts finalCounts = new PathCounts();

    private final PathCounts maximumCounts = new PathCounts();
    private final PathCounts passageCounts = new PathCounts();
    private final PathCounts returnCounts = new PathCounts();
    private final PathCounts aboveCounts = new PathCounts();
    private double[] finals = new double[0];
    private double[] maxima = new double[0];

    private boolean inPasses;
    private int pass;
    private final ReplayedPaths replayed = new ReplayedPaths();

    private double mean;
    private double variance;
    private double maximumSum;
    private final LevelHistogram histogram = new LevelHistogram();
    private long hits;
    private long returns;
    private double aboveSum;

    /**
     * Clears the result for a new simulation with these coordinates. {@code inPasses}: the
     * simulator generates the paths of a real-valued walk once per pass ({@link #nextPass}) instead
     * of the result keeping their values.
     */
    void reset(
            WalkSpec spec,
            long seed,
            long keyHash,
            long sequence,
            double start,
            boolean inPasses) {
        this.spec = spec;
        this.seed = seed;
        this.keyHash = keyHash;
        this.sequence = sequence;
        this.start = start;
        assert !inPasses || !spec.model().isLattice();
        this.inPasses = inPasses;
        pass = 0;
        added = 0;
        finished = false;
        maximumSum = 0;
        int n = spec.steps();
        boolean path = spec.track() == WalkSpec.Track.PATH;
        if (spec.model().isLattice()) {
            finalCounts.clear(2 * n);
            if (path) {
                maximumCounts.clear(n);
            }
        } else if (inPasses) {
            replayed.reset(spec);
        } else {
            finals = grown(finals, spec.paths());
            if (path) {
                maxima = grown(maxima, spec.paths());
            }
        }
        if (path) {
            passageCounts.clear(n);
            returnCounts.clear(n);
            aboveCounts.clear(n);
        }
    }

    private static double[] grown(double[] array, int length) {
        return array.length < length ? new double[length] : array;
    }

    void addFinal(int position) {
        finalCounts.add(position + spec.steps());
        added++;
    }

    void addFinal(double position) {
        if (inPasses) {
            replayed.addFinal(pass, position);
            if (pass == 1) {
                // The bins span the lowest to the highest position, known after the first pass.
                histogram.count(position);
            }
            added++;
        } else {
            finals[added++] = position;
        }
    }

    void addPath(LatticePath path) {
        maximumCounts.add(path.maximum);
        addTimes(path.passage, path.firstReturn, path.above);
        addFinal(path.position);
    }

    void addPath(ContinuousPath path) {
        if (inPasses) {
            if (pass == 0) {
                maximumSum += path.maximum;
            }
            replayed.addMaximum(path.maximum);
        } else {
            maxima[added] = path.maximum;
        }
        addTimes(path.passage, path.firstReturn, path.above);
        addFinal(path.position);
    }

    private void addTimes(int passage, int firstReturn, int above) {
        if (pass > 0) {
            // Counted in the first pass; the later ones generate the same paths again.
            return;
        }
        if (passage > 0) {
            passageCounts.add(passage);
        }
        if (firstReturn > 0) {
            returnCounts.add(firstReturn);
        }
        aboveCounts.add(above);
    }

    /**
     * Ends a pass over every path; true when the simulator must generate them all again (a
     * real-valued walk in passes whose variance, histogram or quantiles are not known yet).
     */
    boolean nextPass() {
        if (!inPasses) {
            return false;
        }
        assert added == spec.paths();
        int m = spec.paths();
        if (pass == 0) {
            mean = replayed.finalSum() / m;
            replayed.useMean(mean);
            histogram.startEqualWidth(
                    replayed.lowestFinal(), replayed.highestFinal(), CONTINUOUS_BINS, start);
        } else if (pass == 1) {
            variance = m > 1 ? replayed.squares() / (m - 1) : Double.NaN;
        }
        boolean quantilesKnown = replayed.endPass();
        if (pass >= 1 && quantilesKnown) {
            return false;
        }
        pass++;
        added = 0;
        return true;
    }

    /** Computes the summaries once every path is in; the simulator calls it. */
    void finish() {
        assert added == spec.paths();
        int n = spec.steps();
        int m = spec.paths();
        if (spec.model().isLattice()) {
            double sum = 0;
            for (int k = -n; k <= n; k++) {
                sum += (double) k * finalCounts.count(k + n);
            }
            mean = sum / m;
            double squares = 0;
            for (int k = -n; k <= n; k++) {
                long count = finalCounts.count(k + n);
                if (count > 0) {
                    squares += (k - mean) * (k - mean) * count;
                }
            }
            histogram.fillLattice(finalCounts, n, start);
            variance = m > 1 ? squares / (m - 1) : Double.NaN;
        } else if (!inPasses) {
            // Two passes in path order, before sorting, so the sums do not depend on the data's
            // order statistics and the second pass does not cancel; a simulation in passes sums
            // in the same order, so both give the same bits.
            double sum = 0;
            for (int i = 0; i < m; i++) {
                sum += finals[i];
            }
            mean = sum / m;
            double squares = 0;
            for (int i = 0; i < m; i++) {
                squares += (finals[i] - mean) * (finals[i] - mean);
            }
            variance = m > 1 ? squares / (m - 1) : Double.NaN;
            Arrays.sort(finals, 0, m);
            if (spec.track() == WalkSpec.Track.PATH) {
                for (int i = 0; i < m; i++) {
                    maximumSum += maxima[i];
                }
                Arrays.sort(maxima, 0, m);
            }
            histogram.startEqualWidth(finals[0], finals[m - 1], CONTINUOUS_BINS, start);
            for (int i = 0; i < m; i++) {
                histogram.count(finals[i]);
            }
        }
        if (spec.track() == WalkSpec.Track.PATH) {
            // Nothing is counted at time 0: a first passage or return is at t >= 1.
            hits = passageCounts.total();
            returns = returnCounts.total();
            aboveSum = aboveCounts.weightedSum();
        }
        mean += start;
        finished = true;
    }

    private void checkFinished() {
        if (!finished) {
            throw new IllegalStateException("no simulation has finished into this result");
        }
    }

    private boolean tracksPaths() {
        checkFinished();
        return spec.track() == WalkSpec.Track.PATH;
    }

    /** What was simulated. */
    public WalkSpec spec() {
        checkFinished();
        return spec;
    }

    /** The job seed of the simulation's random stream. */
    public long seed() {
        return seed;
    }

    /** The key hash of the simulation's random stream ({@link WalkStream#keyHash}). */
    public long keyHash() {
        return keyHash;
    }

    /** The event sequence number of the simulation's random stream. */
    public long sequence() {
        return sequence;
    }

    /** The start level {@code S_0}. */
    public double start() {
        return start;
    }

    /** Mean final level {@code start + mean(S_n)}. */
    public double mean() {
        checkFinished();
        return mean;
    }

    /** Sample variance of the final level (divisor {@code M - 1}); NaN for one path. */
    public double variance() {
        checkFinished();
        return variance;
    }

    /**
     * The {@code probability}-quantile of the final level: the smallest simulated level whose
     * empirical CDF is at least {@code probability}.
     *
     * @throws IllegalArgumentException unless {@code 0 < probability <= 1}
     */
    public double quantile(double probability) {
        checkFinished();
        long rank = rank(probability, spec.paths());
        if (inPasses) {
            return start + replayed.finalQuantile(probability);
        }
        if (!spec.model().isLattice()) {
            return start + finals[(int) rank - 1];
        }
        return start + (finalCounts.lowestReaching(rank) - spec.steps());
    }

    /** The 1-based rank of the {@code probability}-quantile among {@code paths} sorted values. */
    static long rank(double probability, int paths) {
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be in (0, 1], got " + probability);
        }
        return Math.max(1, (long) Math.ceil(probability * paths));
    }

    /** Paths that ended at relative position {@code k} (lattice walks). */
    public long finalCount(int k) {
        checkFinished();
        if (!spec.model().isLattice()) {
            throw new IllegalStateException("final counts exist for lattice walks only");
        }
        return finalCounts.count(k + spec.steps());
    }

    /** The sorted final positions, relative to the start, of a real-valued walk (a copy). */
    double[] sortedFinalPositions() {
        checkFinished();
        if (spec.model().isLattice()) {
            throw new IllegalStateException("lattice walks keep counts, not positions");
        }
        if (inPasses) {
            throw new IllegalStateException("a simulation in passes keeps no positions");
        }
        return Arrays.copyOf(finals, spec.paths());
    }

    /** Bins of the final-level histogram, ascending by level. */
    public int binCount() {
        checkFinished();
        return histogram.bins();
    }

    /** The absolute level of bin {@code i}: the level itself (lattice) or the bin's centre. */
    public double binLevel(int i) {
        checkFinished();
        return histogram.level(i);
    }

    /** How many paths ended in bin {@code i}. */
    public long binPaths(int i) {
        checkFinished();
        return histogram.paths(i);
    }

    /** Paths whose running maximum is exactly {@code a >= 0} (lattice walks, path tracking). */
    public long maximumCount(int a) {
        if (!tracksPaths() || !spec.model().isLattice()) {
            throw new IllegalStateException(
                    "maximum counts need a lattice walk with PATH tracking");
        }
        return maximumCounts.count(a);
    }

    /** Mean of the running maximum, relative to the start; NaN without path tracking. */
    public double maximumMean() {
        if (!tracksPaths()) {
            return Double.NaN;
        }
        if (!spec.model().isLattice()) {
            return maximumSum / spec.paths();
        }
        return maximumCounts.weightedSum() / spec.paths();
    }

    /**
     * The {@code probability}-quantile of the running maximum as an absolute level; NaN without
     * path tracking.
     */
    public double maximumQuantile(double probability) {
        if (!tracksPaths()) {
            return Double.NaN;
        }
        long rank = rank(probability, spec.paths());
        if (inPasses) {
            return start + replayed.maximumQuantile(probability);
        }
        if (!spec.model().isLattice()) {
            return start + maxima[(int) rank - 1];
        }
        return start + maximumCounts.lowestReaching(rank);
    }

    /**
     * Fraction of paths that hit the barrier within {@code n} steps; NaN without a barrier or path
     * tracking.
     */
    public double hitProbability() {
        return tracksPaths() && spec.hasBarrier() ? (double) hits / spec.paths() : Double.NaN;
    }

    /** Paths that hit the barrier within {@code n} steps; -1 without a barrier or path tracking. */
    long hits() {
        return tracksPaths() && spec.hasBarrier() ? hits : -1;
    }

    /** Paths whose first passage to the barrier was at step {@code t}. */
    public long passageCount(int t) {
        if (!tracksPaths() || !spec.hasBarrier()) {
            throw new IllegalStateException("passage counts need a barrier and PATH tracking");
        }
        return passageCounts.count(t);
    }

    /**
     * Fraction of paths that returned to the start within {@code n} steps; NaN without path
     * tracking.
     */
    public double returnProbability() {
        return tracksPaths() ? (double) returns / spec.paths() : Double.NaN;
    }

    /** Paths whose first return to the start was at step {@code t}. */
    public long returnCount(int t) {
        if (!tracksPaths()) {
            throw new IllegalStateException("return counts need PATH tracking");
        }
        return returnCounts.count(t);
    }

    /** Mean over paths of the fraction of steps above the start; NaN without path tracking. */
    public double meanFractionAbove() {
        return tracksPaths() ? aboveSum / ((double) spec.paths() * spec.steps()) : Double.NaN;
    }

    /** Paths with exactly {@code k} steps above the start. */
    public long aboveCount(int k) {
        if (!tracksPaths()) {
            throw new IllegalStateException("steps-above counts need PATH tracking");
        }
        return aboveCounts.count(k);
    }
}
