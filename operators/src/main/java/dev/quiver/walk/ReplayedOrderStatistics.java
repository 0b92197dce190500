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

    private int targetCount;
    private Target[] targets = new Target[0];

    /**
     * One target rank's selection: the digits of its key found so far, and what the pass under way
     * counts or gathers for it.
     */
    private static final class Target {
        /** The rank, 1-based, among the values that share {@link #prefix}. */
        long rank;

        /** The {@link #resolvedBits} high bits of the key found so far. */
        long prefix;

        int resolvedBits;
        boolean gathering;
        boolean resolved;

        /** Counts and gathers through the previous target: both wait on the same bucket. */
        boolean sharesBucketWithPrevious;

        double value;
        final int[] digitCounts = new int[DIGITS];
        final double[] gathered = new double[GATHER_LIMIT];
        int gatheredCount;

        void start(long rank) {
            this.rank = rank;
            prefix = 0;
            resolvedBits = 0;
            gathering = false;
            resolved = false;
            Arrays.fill(digitCounts, 0);
        }

        /** Whether both are open and wait on the same bucket in the same way. */
        boolean sameOpenBucket(Target other) {
            return !resolved
                    && !other.resolved
                    && resolvedBits == other.resolvedBits
                    && prefix == other.prefix
                    && gathering == other.gathering;
        }
    }

    /** Bytes of the counts and gather buffers for {@code targets} targets. */
    static long bytes(int targets) {
        return (long) targets * (4L * DIGITS + 8L * GATHER_LIMIT);
    }

    /**
     * Starts a selection of the values of the given 1-based ranks, ascending, among the values the
     * next passes will {@link #add}.
     */
    void reset(long[] ascendingRanks) {
        targetCount = ascendingRanks.length;
        if (targets.length < targetCount) {
            targets = new Target[targetCount];
            for (int t = 0; t < targetCount; t++) {
                targets[t] = new Target();
            }
        }
        for (int t = 0; t < targetCount; t++) {
            assert t == 0 || ascendingRanks[t - 1] <= ascendingRanks[t];
            targets[t].start(ascendingRanks[t]);
        }
        markSharedBuckets();
    }

    /** Counts (or gathers) one value of the current pass. */
    void add(double value) {
        long key = sortableKey(value);
        for (int t = 0; t < targetCount; t++) {
            Target target = targets[t];
            if (target.resolved || target.sharesBucketWithPrevious) {
                continue;
            }
            int bits = target.resolvedBits;
            if (bits > 0 && key >>> (Long.SIZE - bits) != target.prefix) {
                continue;
            }
            if (target.gathering) {
                target.gathered[target.gatheredCount++] = value;
            } else {
                int digit = (int) (key >>> (Long.SIZE - bits - DIGIT_BITS)) & (DIGITS - 1);
                target.digitCounts[digit]++;
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
        for (int t = 0; t < targetCount; t++) {
            Target target = targets[t];
            if (target.resolved) {
                continue;
            }
            Target source = target.sharesBucketWithPrevious ? bucketLeader(t) : target;
            if (target.gathering) {
                resolveFromGathered(target, source);
            } else {
                resolveDigit(target, source);
                done &= target.resolved;
            }
        }
        for (int t = 0; t < targetCount; t++) {
            targets[t].gatheredCount = 0;
            Arrays.fill(targets[t].digitCounts, 0);
        }
        markSharedBuckets();
        return done;
    }

    /** The value of target {@code t} (its rank's element of the sorted sequence). */
    double value(int t) {
        assert targets[t].resolved;
        return targets[t].value;
    }

    private Target bucketLeader(int t) {
        int leader = t;
        while (targets[leader].sharesBucketWithPrevious) {
            leader--;
        }
        return targets[leader];
    }

    private static void resolveFromGathered(Target target, Target source) {
        int count = source.gatheredCount;
        if (source == target) {
            Arrays.sort(target.gathered, 0, count);
        }
        assert target.rank >= 1 && target.rank <= count;
        target.value = source.gathered[(int) target.rank - 1];
        target.resolved = true;
    }

    private static void resolveDigit(Target target, Target source) {
        int[] counts = source.digitCounts;
        long below = 0;
        int digit = 0;
        while (below + counts[digit] < target.rank) {
            below += counts[digit++];
        }
        target.rank -= below;
        target.prefix = (target.prefix << DIGIT_BITS) | digit;
        target.resolvedBits += DIGIT_BITS;
        if (target.resolvedBits == Long.SIZE) {
            target.value = fromSortableKey(target.prefix);
            target.resolved = true;
        } else {
            target.gathering = counts[digit] <= GATHER_LIMIT;
        }
    }

    /** Open targets in the same bucket as the previous one count and gather through it. */
    private void markSharedBuckets() {
        for (int t = 0; t < targetCount; t++) {
            Target target = targets[t];
            target.sharesBucketWithPrevious = t > 0 && target.sameOpenBucket(targets[t - 1]);
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
