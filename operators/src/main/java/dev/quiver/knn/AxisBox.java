package dev.quiver.knn;

/**
 * The box of a box query or a box delete, {@code lo[i] <= x[i] <= hi[i]} on every axis, in stored
 * coordinates. Comparisons are written so that a NaN bound matches nothing on its axis. Reused from
 * call to call ({@link #set}, then {@link #clear}), so box queries allocate nothing and hold no
 * caller arrays afterwards.
 */
final class AxisBox {

    private float[] lo;
    private float[] hi;

    void set(float[] lo, float[] hi) {
        this.lo = lo;
        this.hi = hi;
    }

    void clear() {
        lo = null;
        hi = null;
    }

    /** Whether the box reaches the lower side of a cut, {@code x[axis] <= split}. */
    boolean reachesBelow(int axis, float split) {
        return lo[axis] <= split;
    }

    /** Whether the box reaches the upper side of a cut, {@code x[axis] >= split}. */
    boolean reachesAbove(int axis, float split) {
        return hi[axis] >= split;
    }

    /** Whether the point {@code coordinates[base, base + dimension)} lies in the box. */
    boolean contains(float[] coordinates, int base, int dimension) {
        for (int i = 0; i < dimension; i++) {
            float x = coordinates[base + i];
            if (!(lo[i] <= x && x <= hi[i])) {
                return false;
            }
        }
        return true;
    }
}
