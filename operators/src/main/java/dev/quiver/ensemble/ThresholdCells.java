package dev.quiver.ensemble;

import java.util.Arrays;

/**
 * For each feature, how many of its split thresholds are at most a row's value, in one or two
 * comparisons where the thresholds are spread evenly: {@link SplitMasks}' per-row search.
 *
 * <p>A feature's range from its lowest to its highest threshold is cut into equal cells; a value's
 * cell is {@link #cell} (values outside the range fall into the first or last cell). Per cell the
 * table holds how many thresholds lie in earlier cells, and the search then only has to place the
 * value among the thresholds of its own cell: a branch-free binary search of as many steps as the
 * fullest cell needs (one step for at most one threshold per cell, two for three). This is exact
 * whatever the thresholds are, because {@link #cell} never decreases as the value grows (float
 * subtraction and multiplication by a positive number round monotonically, and the cast and the
 * clamp keep order): a threshold in an earlier cell is below the value, one in a later cell above
 * it. How fast it is depends on the spread: per feature the number of cells (one to
 * {@value #MAX_CELLS_PER_THRESHOLD} per threshold, at most {@value #MAX_CELLS}) is the one with the
 * fewest steps; thresholds bunched in one cell take as many steps as a binary search over all of
 * them. Comparisons are on {@link ForestWalker#orderKey}s, the walk's own {@code key >=
 * threshold}; rows hold no NaN here, and the search's padding past a feature's last threshold is
 * {@link Integer#MAX_VALUE}, above every other key.
 *
 * <p>Immutable and thread-safe.
 */
final class ThresholdCells {

    /** Most cells per threshold of a feature tried when choosing its grid. */
    private static final int MAX_CELLS_PER_THRESHOLD = 16;

    /** Most cells of one feature, so the tables stay in the caches. */
    private static final int MAX_CELLS = 1 << 12;

    private final float[] low;
    private final float[] scale;
    private final int[] lastCell;
    private final int[] firstCell;

    /** Per feature and cell, the index in {@link #thresholdKeys} of the cell's first threshold. */
    private final int[] cellStart;

    private final int[] searchFirst;

    /** Per feature, the first step of the search within a cell: {@code 2^(steps - 1)}, or 0. */
    private final int[] topStep;

    /**
     * Per feature, its thresholds' {@link ForestWalker#orderKey}s ascending, then {@code 2^steps -
     * 1} times {@link Integer#MAX_VALUE} (above every non-NaN value's key) as padding.
     */
    private final int[] thresholdKeys;

    /** Cells for each feature's distinct, ascending, non-NaN thresholds (-0 merged into +0). */
    ThresholdCells(float[][] perFeature) {
        int features = perFeature.length;
        this.low = new float[features];
        this.scale = new float[features];
        this.lastCell = new int[features];
        this.firstCell = new int[features];
        this.searchFirst = new int[features];
        this.topStep = new int[features];
        int[] steps = new int[features];
        int cells = 0;
        int searchLength = 0;
        for (int f = 0; f < features; f++) {
            float[] t = perFeature[f];
            steps[f] = t.length == 0 ? 0 : chooseGrid(f, t);
            topStep[f] = steps[f] == 0 ? 0 : 1 << (steps[f] - 1);
            firstCell[f] = cells;
            cells += lastCell[f] + 1;
            searchFirst[f] = searchLength;
            searchLength += t.length + (1 << steps[f]) - 1;
        }
        this.cellStart = new int[cells];
        this.thresholdKeys = new int[searchLength];
        Arrays.fill(thresholdKeys, Integer.MAX_VALUE);
        for (int f = 0; f < features; f++) {
            float[] t = perFeature[f];
            for (int i = 0; i < t.length; i++) {
                thresholdKeys[searchFirst[f] + i] = ForestWalker.orderKey(t[i]);
            }
            int i = 0;
            for (int c = 0; c <= lastCell[f]; c++) {
                while (i < t.length && cell(t[i], low[f], scale[f], lastCell[f]) < c) {
                    i++;
                }
                cellStart[firstCell[f] + c] = searchFirst[f] + i;
            }
        }
    }

    /**
     * Sets feature {@code f}'s grid (at least one threshold) to the one with the fewest search
     * steps, the smallest among equals; returns its steps.
     */
    private int chooseGrid(int f, float[] t) {
        int m = t.length;
        int bestSteps = Integer.MAX_VALUE;
        for (int perThreshold = 1; perThreshold <= MAX_CELLS_PER_THRESHOLD; perThreshold *= 2) {
            int cells = (int) Math.min((long) m * perThreshold, MAX_CELLS);
            float lo = t[0];
            float sc = cells / (t[m - 1] - t[0]);
            if (!(sc > 0 && sc < Float.POSITIVE_INFINITY)) {
                // One threshold, or a range too wide for a float: one cell (a plain binary search).
                cells = 1;
                lo = 0;
                sc = 0;
            }
            int steps = stepsFor(t, lo, sc, cells - 1);
            if (steps < bestSteps) {
                bestSteps = steps;
                low[f] = lo;
                scale[f] = sc;
                lastCell[f] = cells - 1;
            }
            if (steps == 1 || cells == 1 || cells == MAX_CELLS) {
                break;
            }
        }
        return bestSteps;
    }

    /** Steps of the search within a cell: the bit length of the most thresholds in one cell. */
    private static int stepsFor(float[] t, float lo, float sc, int last) {
        int most = 0;
        int run = 0;
        int previous = -1;
        for (float threshold : t) {
            int c = cell(threshold, lo, sc, last);
            run = c == previous ? run + 1 : 1;
            previous = c;
            most = Math.max(most, run);
        }
        return 32 - Integer.numberOfLeadingZeros(most);
    }

    /** The cell of {@code x} (not NaN) in a feature's grid: never smaller for a larger one. */
    private static int cell(float x, float lo, float sc, int last) {
        return Math.min(Math.max((int) ((x - lo) * sc), 0), last);
    }

    /**
     * ORs bit {@code r} into {@code buckets[n]} for each of the {@code count} rows {@code r} whose
     * value {@code rows[at + r * stride]} (not NaN), with order key {@code keys[key + r * stride]},
     * has {@code n} of feature {@code f}'s thresholds at most it. The cell comes from the float,
     * the comparisons are on the keys (an int comparison compiles to a conditional move, a float
     * one to a branch that the data mispredicts). Four rows at a time, interleaved to overlap their
     * loads.
     */
    void file(
            float[] rows,
            int at,
            int[] keys,
            int key,
            int stride,
            int count,
            int f,
            long[] buckets) {
        float lo = low[f];
        float sc = scale[f];
        int last = lastCell[f];
        int cells = firstCell[f];
        int first = searchFirst[f];
        int top = topStep[f];
        int[] thr = thresholdKeys;
        int[] start = cellStart;
        int r = 0;
        if (top == 1) {
            // At most one threshold per cell, the common case: one comparison, no loop.
            for (; r + 4 <= count; r += 4) {
                int i = at + r * stride;
                int k = key + r * stride;
                int b0 = start[cells + cell(rows[i], lo, sc, last)];
                int b1 = start[cells + cell(rows[i + stride], lo, sc, last)];
                int b2 = start[cells + cell(rows[i + 2 * stride], lo, sc, last)];
                int b3 = start[cells + cell(rows[i + 3 * stride], lo, sc, last)];
                b0 += thr[b0] <= keys[k] ? 1 : 0;
                b1 += thr[b1] <= keys[k + stride] ? 1 : 0;
                b2 += thr[b2] <= keys[k + 2 * stride] ? 1 : 0;
                b3 += thr[b3] <= keys[k + 3 * stride] ? 1 : 0;
                buckets[b0 - first] |= 1L << r;
                buckets[b1 - first] |= 1L << (r + 1);
                buckets[b2 - first] |= 1L << (r + 2);
                buckets[b3 - first] |= 1L << (r + 3);
            }
        }
        for (; r + 4 <= count; r += 4) {
            int i = at + r * stride;
            int k = key + r * stride;
            int y0 = keys[k];
            int y1 = keys[k + stride];
            int y2 = keys[k + 2 * stride];
            int y3 = keys[k + 3 * stride];
            int b0 = start[cells + cell(rows[i], lo, sc, last)];
            int b1 = start[cells + cell(rows[i + stride], lo, sc, last)];
            int b2 = start[cells + cell(rows[i + 2 * stride], lo, sc, last)];
            int b3 = start[cells + cell(rows[i + 3 * stride], lo, sc, last)];
            for (int half = top; half > 0; half >>>= 1) {
                b0 = thr[b0 + half - 1] <= y0 ? b0 + half : b0;
                b1 = thr[b1 + half - 1] <= y1 ? b1 + half : b1;
                b2 = thr[b2 + half - 1] <= y2 ? b2 + half : b2;
                b3 = thr[b3 + half - 1] <= y3 ? b3 + half : b3;
            }
            buckets[b0 - first] |= 1L << r;
            buckets[b1 - first] |= 1L << (r + 1);
            buckets[b2 - first] |= 1L << (r + 2);
            buckets[b3 - first] |= 1L << (r + 3);
        }
        for (; r < count; r++) {
            int y = keys[key + r * stride];
            int b = start[cells + cell(rows[at + r * stride], lo, sc, last)];
            for (int half = top; half > 0; half >>>= 1) {
                b = thr[b + half - 1] <= y ? b + half : b;
            }
            buckets[b - first] |= 1L << r;
        }
    }
}
