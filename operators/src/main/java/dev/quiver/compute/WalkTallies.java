package dev.quiver.compute;

import java.util.Arrays;

/**
 * The statistics of a batch of walk simulations, in primitive arrays indexed by simulation: final
 * level moments and quantiles, the final-level histogram, the running maximum's mean, and hit,
 * return and time-above counts. Levels are absolute ({@code start +} the relative position) except
 * {@link #maximumMean}, which is relative to the start, as {@code WalkResult}'s.
 *
 * <p>A {@link WalkKernel} writes it: {@link #reset} for a batch, then for each simulation {@link
 * #setMoments}, {@link #setQuantile}, {@link #setPathStatistics} and its histogram, bins appended
 * with {@link #addBin} in simulation order. Path statistics are NaN (counts -1) when the law does
 * not track paths; the hit probability also without a barrier. Arrays grow to the largest batch and
 * are reused. Not thread-safe.
 *
 * <pre>{@code
 * WalkTallies out = new WalkTallies(new double[] {0.05, 0.5, 0.95});
 * kernel.simulate(law, new WalkBatch(seed, keyHashes, sequences, starts, count), out);
 * for (int i = 0; i < out.count(); i++) {
 *     double mean = out.mean(i);
 *     double median = out.quantile(i, 1); // the probability 0.5
 *     for (int b = 0; b < out.binCount(i); b++) {
 *         double level = out.binLevel(i, b);
 *         long paths = out.binPaths(i, b);
 *     }
 * }
 * }</pre>
 */
public final class WalkTallies {

    /** The scalar statistics of one simulation, each a column of its row in {@link #rows}. */
    private enum Statistic {
        MEAN,
        VARIANCE,
        MAXIMUM_MEAN,
        HIT_PROBABILITY,
        RETURN_PROBABILITY,
        MEAN_FRACTION_ABOVE;

        static final int COUNT = values().length;
    }

    private final double[] probabilities;
    private final Histograms histograms = new Histograms();
    private int count;
    // Row i holds simulation i's statistics, then its quantiles: one slot per value a kernel sets.
    private double[] rows = new double[0];
    private long[] hits = new long[0];

    /**
     * Tallies that report the quantiles of these probabilities, each in {@code (0, 1]}.
     *
     * @throws IllegalArgumentException if a probability is outside {@code (0, 1]}
     */
    public WalkTallies(double[] quantileProbabilities) {
        for (double p : quantileProbabilities) {
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("probability must be in (0, 1], got " + p);
            }
        }
        this.probabilities = quantileProbabilities.clone();
    }

    /** The probabilities of the reported quantiles (a copy). */
    public double[] quantileProbabilities() {
        return probabilities.clone();
    }

    /** Simulations in the last batch. */
    public int count() {
        return count;
    }

    /** Empties the tallies for a batch of {@code count} simulations; the kernel calls it. */
    public void reset(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        if (hits.length < count) {
            rows = new double[Math.multiplyExact(count, rowLength())];
            hits = new long[count];
        }
        this.count = count;
        histograms.reset(count);
    }

    /** Sets simulation {@code i}'s mean final level and the sample variance of the final level. */
    public void setMoments(int i, double mean, double variance) {
        set(i, Statistic.MEAN, mean);
        set(i, Statistic.VARIANCE, variance);
    }

    /** Sets simulation {@code i}'s quantile of probability {@code quantileProbabilities()[j]}. */
    public void setQuantile(int i, int j, double level) {
        rows[quantileSlot(i, j)] = level;
    }

    /**
     * Sets simulation {@code i}'s path statistics: paths that hit the barrier and their fraction,
     * the mean running maximum (relative to the start), the fraction of paths that returned to the
     * start and the mean fraction of steps above it.
     */
    public void setPathStatistics(
            int i,
            long hits,
            double hitProbability,
            double maximumMean,
            double returnProbability,
            double meanFractionAbove) {
        this.hits[check(i)] = hits;
        set(i, Statistic.HIT_PROBABILITY, hitProbability);
        set(i, Statistic.MAXIMUM_MEAN, maximumMean);
        set(i, Statistic.RETURN_PROBABILITY, returnProbability);
        set(i, Statistic.MEAN_FRACTION_ABOVE, meanFractionAbove);
    }

    /**
     * Appends a bin to simulation {@code i}'s histogram. Histograms are written in simulation
     * order: all of simulation {@code i}'s bins before any of {@code i + 1}'s.
     *
     * @throws IllegalStateException if a later simulation already has bins
     */
    public void addBin(int i, double level, long paths) {
        histograms.add(check(i), level, paths);
    }

    /** Mean final level of simulation {@code i}. */
    public double mean(int i) {
        return get(i, Statistic.MEAN);
    }

    /** Sample variance (divisor {@code paths - 1}) of the final level; NaN for one path. */
    public double variance(int i) {
        return get(i, Statistic.VARIANCE);
    }

    /** The quantile of probability {@code quantileProbabilities()[j]} of the final level. */
    public double quantile(int i, int j) {
        return rows[quantileSlot(i, j)];
    }

    /** Bins of simulation {@code i}'s final-level histogram, ascending by level. */
    public int binCount(int i) {
        return histograms.binCount[check(i)];
    }

    /** The level of bin {@code b}: the level itself (lattice walks) or the bin's centre. */
    public double binLevel(int i, int b) {
        return histograms.levels[histograms.slot(check(i), b)];
    }

    /** Paths that ended in bin {@code b}. */
    public long binPaths(int i, int b) {
        return histograms.paths[histograms.slot(check(i), b)];
    }

    /** Paths that hit the barrier; -1 without a barrier or path tracking. */
    public long hits(int i) {
        return hits[check(i)];
    }

    /** Fraction of paths that hit the barrier; NaN without a barrier or path tracking. */
    public double hitProbability(int i) {
        return get(i, Statistic.HIT_PROBABILITY);
    }

    /** Mean running maximum relative to the start; NaN without path tracking. */
    public double maximumMean(int i) {
        return get(i, Statistic.MAXIMUM_MEAN);
    }

    /** Fraction of paths that returned to the start; NaN without path tracking. */
    public double returnProbability(int i) {
        return get(i, Statistic.RETURN_PROBABILITY);
    }

    /** Mean fraction of steps above the start; NaN without path tracking. */
    public double meanFractionAbove(int i) {
        return get(i, Statistic.MEAN_FRACTION_ABOVE);
    }

    private int rowLength() {
        return Statistic.COUNT + probabilities.length;
    }

    private void set(int i, Statistic statistic, double value) {
        rows[check(i) * rowLength() + statistic.ordinal()] = value;
    }

    private double get(int i, Statistic statistic) {
        return rows[check(i) * rowLength() + statistic.ordinal()];
    }

    private int quantileSlot(int i, int j) {
        check(i);
        if (j < 0 || j >= probabilities.length) {
            throw new IndexOutOfBoundsException(
                    "quantile " + j + " outside [0, " + probabilities.length + ")");
        }
        return i * rowLength() + Statistic.COUNT + j;
    }

    private int check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("simulation " + i + " outside [0, " + count + ")");
        }
        return i;
    }

    /**
     * The final-level histograms of a batch, stored one after another: simulation i's bins are
     * {@code binCount[i]} entries from {@code binStart[i]} of {@link #levels} and {@link #paths}.
     */
    private static final class Histograms {
        private int[] binStart = new int[0];
        private int[] binCount = new int[0];
        private double[] levels = new double[64];
        private long[] paths = new long[64];
        private int bins;
        private int lastBinned = -1;

        void reset(int count) {
            if (binCount.length < count) {
                binStart = new int[count];
                binCount = new int[count];
            }
            Arrays.fill(binCount, 0, count, 0);
            bins = 0;
            lastBinned = -1;
        }

        void add(int i, double level, long binPaths) {
            if (i < lastBinned) {
                throw new IllegalStateException(
                        "histograms are written in simulation order; " + lastBinned + " has bins");
            }
            if (i != lastBinned) {
                binStart[i] = bins;
                lastBinned = i;
            }
            if (bins == levels.length) {
                levels = Arrays.copyOf(levels, 2 * bins);
                paths = Arrays.copyOf(paths, 2 * bins);
            }
            levels[bins] = level;
            paths[bins++] = binPaths;
            binCount[i]++;
        }

        int slot(int i, int b) {
            if (b < 0 || b >= binCount[i]) {
                throw new IndexOutOfBoundsException(
                        "bin " + b + " outside [0, " + binCount[i] + ") of simulation " + i);
            }
            return binStart[i] + b;
        }
    }
}
