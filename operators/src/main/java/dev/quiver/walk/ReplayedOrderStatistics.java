package dev.quiver.walk;

import java.util.Arrays;

/**
 * Exact order statistics of a sequence of doubles that can be generated again but not kept: a
 * simulation's final positions, which a counter-based stream reproduces bit for bit on every pass.
 * Radix selection on the values' order-preserving 64-bit keys, {@value #DIGIT_BITS} bits a pass:
 * each pass counts, per target rank, the next digit of the values that share the digits found so
 * far; once at most {@value #GATHER_LIMIT} values share them, the next pass gathers and sorts
 * those. Four digits are all 64 bits, so a target is found in at most four passes, and in two or
 * three when its bucket gets small early.
 *
 * <p>The value found for rank {@code r} is the element {@code r - 1} of the sequence sorted by
 * {@link Arrays#sort(double[])}: the keys order doubles as {@link Double#compare} does ({@code
 * -0.0} before {@code 0.0}, NaN last). Targets are given in ascending rank, so targets that still
 * share a bucket are neighbours and count it once.
 *
 * <p>Memory: {@link #bytes(int)}, allocated once at the largest target count; no allocation per
 * value. Not thread-safe.
 */
final class ReplayedOrderStatistics {

    /** Bits of the key resolved per counting pass: 2^16 counts fit in a few hundred KiB. */
    static final int DIGIT_BITS = 16;

    /**
     * Most values gathered for one target. A bucket this small after two passes is typical of
     * smooth laws at 10^8 paths, so most selections end in the third pass.
     */
    static final int GATHER_LIMIT = 1 << 12;

    private static final int DIGITS = 1 << DIGIT_BITS;

    private int targets;
    private long[] ranks = new long[0];
    private long[] prefixes = new long[0];
    private int[] resolvedBits = new int[0];
    private boolean[] gathering = new boolean[0];
    private boolean[] resolved = new boolean[0];
    private boolean[] sharesBucketWithPrevious = new boolean[0];
    private double[] values = new double[0];
    private int[][] digitCounts = new int[0][];
    private double[][] gathered = new double[0][];
    private int[] gatheredCount = new int[0];

    /** Bytes of the counts and gather buffers for {@code targets} targets. */
    static long bytes(int targets) {
        return (long) targets * (4L * DIGITS + 8L * GATHER_LIMIT);
    }

    /**
     * Starts a selection of the values of the given 1-based ranks, ascending, among the values the
     * next passes will {@link #add}.
     */
    void reset(long[] ascendingRanks) {
        targets = ascendingRanks.length;
        if (ranks.length < targets) {
            ranks = new long[targets];
            prefixes = new long[targets];
            resolvedBits = new int[targets];
            gathering = new boolean[targets];
            resolved = new boolean[targets];
            sharesBucketWithPrevious = new boolean[targets];
            values = new double[targets];
            digitCounts = new int[targets][DIGITS];
            gathered = new double[targets][GATHER_LIMIT];
            gatheredCount = new int[targets];
        }
        for (int t = 0; t < targets; t++) {
            assert t == 0 || ascendingRanks[t - 1] <= ascendingRanks[t];
            ranks[t] = ascendingRanks[t];
            prefixes[t] = 0;
            resolvedBits[t] = 0;
            gathering[t] = false;
            resolved[t] = false;
            Arrays.fill(digitCounts[t], 0);
        }
        markSharedBuckets();
    }

    /** Counts (or gathers) one value of the current pass. */
    void add(double value) {
        long key = sortableKey(value);
        for (int t = 0; t < targets; t++) {
            if (resolved[t] || sharesBucketWithPrevious[t]) {
                continue;
            }
            int bits = resolvedBits[t];
            if (bits > 0 && key >>> (Long.SIZE - bits) != prefixes[t]) {
                continue;
            }
            if (gathering[t]) {
                gathered[t][gatheredCount[t]++] = value;
            } else {
                digitCounts[t][(int) (key >>> (Long.SIZE - bits - DIGIT_BITS)) & (DIGITS - 1)]++;
            }
        }
    }

    /**
     * Ends a pass over the whole sequence: resolves the next digit (or, after a gather, the value)
     * of every open target.
     *
     * @return true when every target's value is known
     */
    boolean endPass() {
        boolean done = true;
        for (int t = 0; t < targets; t++) {
            if (resolved[t]) {
                continue;
            }
            int source = sharesBucketWithPrevious[t] ? bucketLeader(t) : t;
            if (gathering[t]) {
                resolveFromGathered(t, source);
            } else {
                resolveDigit(t, source);
                done &= resolved[t];
            }
        }
        for (int t = 0; t < targets; t++) {
            gatheredCount[t] = 0;
            Arrays.fill(digitCounts[t], 0);
        }
        markSharedBuckets();
        return done;
    }

    /** The value of target {@code t} (its rank's element of the sorted sequence). */
    double value(int t) {
        assert resolved[t];
        return values[t];
    }

    private int bucketLeader(int t) {
        int leader = t;
        while (sharesBucketWithPrevious[leader]) {
            leader--;
        }
        return leader;
    }

    private void resolveFromGathered(int t, int source) {
        int count = gatheredCount[source];
        if (source == t) {
            Arrays.sort(gathered[t], 0, count);
        }
        assert ranks[t] >= 1 && ranks[t] <= count;
        values[t] = gathered[source][(int) ranks[t] - 1];
        resolved[t] = true;
    }

    private void resolveDigit(int t, int source) {
        int[] counts = digitCounts[source];
        long below = 0;
        int digit = 0;
        while (below + counts[digit] < ranks[t]) {
            below += counts[digit++];
        }
        ranks[t] -= below;
        prefixes[t] = (prefixes[t] << DIGIT_BITS) | digit;
        resolvedBits[t] += DIGIT_BITS;
        if (resolvedBits[t] == Long.SIZE) {
            values[t] = fromSortableKey(prefixes[t]);
            resolved[t] = true;
        } else {
            gathering[t] = counts[digit] <= GATHER_LIMIT;
        }
    }

    /** Open targets in the same bucket as the previous one count and gather through it. */
    private void markSharedBuckets() {
        for (int t = 0; t < targets; t++) {
            sharesBucketWithPrevious[t] =
                    t > 0
                            && !resolved[t]
                            && !resolved[t - 1]
                            && resolvedBits[t] == resolvedBits[t - 1]
                            && prefixes[t] == prefixes[t - 1]
                            && gathering[t] == gathering[t - 1];
        }
    }

    /**
     * The double's bits with negative values' magnitude bits flipped and the sign bit flipped, so
     * that unsigned key order is {@link Double#compare} order. NaN is canonical (the largest key).
     */
    static long sortableKey(double value) {
        long bits = Double.doubleToLongBits(value);
        return bits ^ ((bits >> 63) | Long.MIN_VALUE);
    }

    /** The inverse of {@link #sortableKey}. */
    static double fromSortableKey(long key) {
        long bits = key < 0 ? key ^ Long.MIN_VALUE : ~key;
        return Double.longBitsToDouble(bits);
    }
}
