package dev.quiver.knn;

import java.util.Arrays;

/**
 * Chooses kd-tree cuts: the axis of widest spread (Friedman, Bentley and Finkel 1977) and the
 * median along it, found by quickselect over a permutation of row indices, so the points themselves
 * never move while a cut is chosen. {@link #rows} holds the permutation; {@link #points} the rows'
 * coordinates, row-major, which may be the index's own slots (a leaf split) or a staged copy (a
 * rebuild).
 */
final class MedianCut {

    /** Points whose spread is measured when choosing a split axis; see {@link #widestAxis}. */
    private static final int SPREAD_SAMPLE = 128;

    private final int dimension;
    private final float[] spreadMin;
    private final float[] spreadMax;

    /** Row indices into {@link #points}, permuted by {@link #select}. */
    int[] rows = new int[KdTreeStore.MIN_CAPACITY];

    /** The coordinates the rows index; set for the duration of one build. */
    float[] points;

    MedianCut(int dimension) {
        this.dimension = dimension;
        this.spreadMin = new float[dimension];
        this.spreadMax = new float[dimension];
    }

    /** Room for {@code n} rows. */
    void ensureRows(int n) {
        if (rows.length < n) {
            rows = new int[Math.max(n, KdTreeStore.grown(rows.length))];
        }
    }

    /** Gives back a row array much larger than {@code n} rows need, so a shrunk index shrinks. */
    void trimRows(int n) {
        if (rows.length > 3 * Math.max(KdTreeStore.MIN_CAPACITY, n)) {
            rows = new int[Math.max(KdTreeStore.MIN_CAPACITY, n)];
        }
    }

    /**
     * The axis of widest spread over at most {@value #SPREAD_SAMPLE} evenly strided rows of {@code
     * rows[from, to)}: the choice only affects speed, never correctness, and the sample keeps a
     * high-dimensional rebuild from spending {@code O(n d)} per level on it.
     */
    int widestAxis(int from, int to) {
        int n = to - from;
        int step = Math.max(1, n / SPREAD_SAMPLE);
        Arrays.fill(spreadMin, Float.POSITIVE_INFINITY);
        Arrays.fill(spreadMax, Float.NEGATIVE_INFINITY);
        for (int i = from; i < to; i += step) {
            int base = rows[i] * dimension;
            for (int a = 0; a < dimension; a++) {
                float x = points[base + a];
                if (x < spreadMin[a]) {
                    spreadMin[a] = x;
                }
                if (x > spreadMax[a]) {
                    spreadMax[a] = x;
                }
            }
        }
        int best = 0;
        float bestSpread = -1f;
        for (int a = 0; a < dimension; a++) {
            // Spread in double: max - min of large opposite floats would round or overflow.
            float spread = (float) ((double) spreadMax[a] - spreadMin[a]);
            if (spread > bestSpread) {
                bestSpread = spread;
                best = a;
            }
        }
        return best;
    }

    /**
     * Hoare quickselect on {@code rows[lo, hi]} by coordinate {@code axis}: afterwards {@code
     * rows[k]} holds the k-th smallest, with no larger value before it and no smaller after. Hoare
     * partitioning splits runs of equal keys evenly, so duplicates stay linear.
     */
    void select(int lo, int hi, int k, int axis) {
        while (hi > lo) {
            float a = key(lo, axis);
            float b = key(lo + (hi - lo) / 2, axis);
            float c = key(hi, axis);
            float pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (key(i, axis) < pivot) {
                    i++;
                }
                while (key(j, axis) > pivot) {
                    j--;
                }
                if (i <= j) {
                    int t = rows[i];
                    rows[i] = rows[j];
                    rows[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    /** Coordinate {@code axis} of the row at position {@code i} of the permutation. */
    float key(int i, int axis) {
        return points[rows[i] * dimension + axis];
    }
}
