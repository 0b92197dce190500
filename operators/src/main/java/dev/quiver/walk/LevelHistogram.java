package dev.quiver.walk;

import java.util.Arrays;

/**
 * The histogram of a simulation's final levels, bins ascending by level: for a lattice walk one bin
 * per level some path ended at, for a real-valued walk equal-width bins between the lowest and the
 * highest final position, each reported at its centre. Levels are absolute ({@code start + S_n}).
 *
 * <p>Not thread-safe; reused by {@link WalkResult}, it grows its arrays only when a simulation
 * needs more bins than any before it.
 *
 * <pre>{@code
 * LevelHistogram histogram = new LevelHistogram();
 * histogram.startEqualWidth(-1.0, 1.0, 2, 100.0);   // bins [-1, 0) and [0, 1] from level 100
 * histogram.count(0.25);
 * histogram.level(1);                              // 100.5, the second bin's centre
 * histogram.paths(1);                              // 1
 * }</pre>
 */
final class LevelHistogram {

    private int bins;
    private double low;
    private double width;
    private double[] levels = new double[0];
    private long[] paths = new long[0];

    /** One bin per relative level {@code k} in {@code [-n, n]} with paths, at level start + k. */
    void fillLattice(PathCounts finalCounts, int n, double start) {
        bins = 0;
        for (int k = -n; k <= n; k++) {
            if (finalCounts.count(k + n) > 0) {
                bins++;
            }
        }
        grow();
        int bin = 0;
        for (int k = -n; k <= n; k++) {
            if (finalCounts.count(k + n) > 0) {
                levels[bin] = start + k;
                paths[bin++] = finalCounts.count(k + n);
            }
        }
    }

    /**
     * {@code binCount} equal-width bins between relative positions {@code low} and {@code high}
     * (one bin when they are equal), empty; {@link #count} fills them.
     */
    void startEqualWidth(double low, double high, int binCount, double start) {
        bins = low == high ? 1 : binCount;
        grow();
        Arrays.fill(paths, 0, bins, 0L);
        width = (high - low) / bins;
        this.low = low;
        for (int b = 0; b < bins; b++) {
            levels[b] = start + low + (b + 0.5) * width;
        }
    }

    /** One more path at relative {@code position}; the highest position goes in the last bin. */
    void count(double position) {
        int b = width == 0 ? 0 : (int) ((position - low) / width);
        paths[Math.min(b, bins - 1)]++;
    }

    private void grow() {
        levels = levels.length < bins ? new double[bins] : levels;
        paths = bins > paths.length ? new long[bins] : paths;
    }

    int bins() {
        return bins;
    }

    /** The absolute level of bin {@code i}: the level itself (lattice) or the bin's centre. */
    double level(int i) {
        return levels[checkBin(i)];
    }

    /** How many paths ended in bin {@code i}. */
    long paths(int i) {
        return paths[checkBin(i)];
    }

    private int checkBin(int i) {
        if (i < 0 || i >= bins) {
            throw new IndexOutOfBoundsException("bin " + i + " of " + bins);
        }
        return i;
    }
}
