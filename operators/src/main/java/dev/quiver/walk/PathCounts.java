package dev.quiver.walk;

import java.util.Arrays;

/**
 * How many paths took each value {@code 0 .. last} of a whole-number statistic: a lattice walk's
 * final position (offset by {@code n}) or running maximum, a first-passage or first-return time,
 * the steps above the start. {@link WalkResult} keeps one per statistic, so counting, bounds,
 * sums and quantiles are worked out the same way for all of them.
 *
 * <p>Not thread-safe; {@link #clear} reuses the array while it is long enough, so a result that
 * simulates again allocates nothing.
 *
 * <pre>{@code
 * PathCounts passage = new PathCounts();
 * passage.clear(100);           // times 0 .. 100
 * passage.add(7);
 * passage.count(7);             // 1
 * passage.count(101);           // 0: outside the range
 * }</pre>
 */
final class PathCounts {

    private long[] counts = new long[0];
    private int last;

    /** Zero counts for the values {@code 0 .. last}; grows the array only when it is too short. */
    void clear(int last) {
        this.last = last;
        if (counts.length <= last) {
            counts = new long[last + 1];
        } else {
            Arrays.fill(counts, 0, last + 1, 0L);
        }
    }

    /** One more path with {@code value}, which must be in {@code 0 .. last}. */
    void add(int value) {
        counts[value]++;
    }

    /** The paths with {@code value}; 0 outside {@code 0 .. last}. */
    long count(int value) {
        return value < 0 || value > last ? 0 : counts[value];
    }

    /** All the paths counted. */
    long total() {
        long total = 0;
        for (int value = 0; value <= last; value++) {
            total += counts[value];
        }
        return total;
    }

    /** The sum of value times count, in ascending order of value. */
    double weightedSum() {
        double sum = 0;
        for (int value = 0; value <= last; value++) {
            sum += (double) value * counts[value];
        }
        return sum;
    }

    /**
     * The smallest value whose cumulative count reaches {@code rank} (1-based, at most the total):
     * the empirical quantile of that rank. {@code last} when only the last value reaches it.
     */
    int lowestReaching(long rank) {
        long cumulative = 0;
        for (int value = 0; value < last; value++) {
            cumulative += counts[value];
            if (cumulative >= rank) {
                return value;
            }
        }
        return last;
    }
}
