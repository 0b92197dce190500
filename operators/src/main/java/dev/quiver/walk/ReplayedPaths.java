package dev.quiver.walk;

import java.util.List;

/**
 * What a {@link WalkResult} of a real-valued walk keeps when its paths are generated once per pass
 * instead of stored: the first pass sums the final positions in path order and finds the lowest and
 * highest, the second sums squared deviations from the mean (and the result fills its histogram),
 * and every pass feeds the exact selection of the quantiles of {@link #PROBABILITIES}, of the final
 * positions and, under path tracking, of the running maxima. Sums in path order and exact order
 * statistics make every statistic equal, bit for bit, to the one computed from stored values.
 *
 * <p>Only the probabilities of {@link #PROBABILITIES} have quantiles; others throw.
 */
final class ReplayedPaths {

    /** The quantiles a simulation in passes finds: the ones the walk job reports. */
    static final List<Double> PROBABILITIES = WalkExact.QUANTILE_PROBABILITIES;

    private final ReplayedOrderStatistics finals = new ReplayedOrderStatistics();
    private final ReplayedOrderStatistics maxima = new ReplayedOrderStatistics();
    private final long[] ranks = new long[PROBABILITIES.size()];
    private boolean tracksMaxima;
    private double finalSum;
    private long lowestKey;
    private long highestKey;
    private double mean;
    private double squares;

    /** Starts the passes of a simulation of {@code spec}. */
    void reset(WalkSpec spec) {
        // The selection wants ascending ranks; the probabilities are listed ascending.
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = WalkResult.rank(PROBABILITIES.get(i), spec.paths());
        }
        finals.reset(ranks);
        tracksMaxima = spec.track() == WalkSpec.Track.PATH;
        if (tracksMaxima) {
            maxima.reset(ranks);
        }
        finalSum = 0;
        lowestKey = -1;
        highestKey = 0;
        squares = 0;
    }

    /** One path's final position in pass {@code pass} (0-based). */
    void addFinal(int pass, double position) {
        if (pass == 0) {
            finalSum += position;
            long key = ReplayedOrderStatistics.sortableKey(position);
            lowestKey = Long.compareUnsigned(key, lowestKey) < 0 ? key : lowestKey;
            highestKey = Long.compareUnsigned(key, highestKey) > 0 ? key : highestKey;
        } else if (pass == 1) {
            squares += (position - mean) * (position - mean);
        }
        finals.add(position);
    }

    /** One path's running maximum. */
    void addMaximum(double maximum) {
        maxima.add(maximum);
    }

    /** After the first pass: the mean the second pass's squared deviations are taken from. */
    void useMean(double relativeMean) {
        mean = relativeMean;
    }

    /** After the first pass: the sum of the final positions in path order. */
    double finalSum() {
        return finalSum;
    }

    /** After the first pass: the lowest final position, as the first of the sorted positions. */
    double lowestFinal() {
        return ReplayedOrderStatistics.fromSortableKey(lowestKey);
    }

    /** After the first pass: the highest final position, as the last of the sorted positions. */
    double highestFinal() {
        return ReplayedOrderStatistics.fromSortableKey(highestKey);
    }

    /** After the second pass: the sum of squared deviations from the mean, in path order. */
    double squares() {
        return squares;
    }

    /**
     * Ends a pass.
     *
     * @return true when every quantile is known
     */
    boolean endPass() {
        boolean known = finals.endPass();
        if (tracksMaxima) {
            known &= maxima.endPass();
        }
        return known;
    }

    /** The final position's {@code probability}-quantile, relative to the start. */
    double finalQuantile(double probability) {
        return finals.value(target(probability));
    }

    /** The running maximum's {@code probability}-quantile, relative to the start. */
    double maximumQuantile(double probability) {
        return maxima.value(target(probability));
    }

    private static int target(double probability) {
        int index = PROBABILITIES.indexOf(probability);
        if (index < 0) {
            throw new IllegalStateException(
                    "a simulation in passes keeps the quantiles of "
                            + PROBABILITIES
                            + " only, not "
                            + probability);
        }
        return index;
    }
}
