package dev.quiver.compute;

/**
 * What every distances kernel shares: its backend's name, and the argument checks of {@link
 * #squaredDistances} and {@link #nearest}, made here before the kernel's own arithmetic so that
 * every backend rejects a bad call the same way and none can forget a check.
 *
 * <pre>{@code
 * final class GpuDistances extends CheckedDistances {
 *     GpuDistances() { super("my-gpu"); }
 *     protected void computeSquaredDistances(RowBlock q, RowBlock p, int d, float[] out) { ... }
 *     // computeNearest, newBlock, errorBound and release likewise
 * }
 * }</pre>
 */
public abstract class CheckedDistances extends ReleasedOnce implements DistanceKernel {

    private final String backend;

    protected CheckedDistances(String backend) {
        super("backend " + backend);
        this.backend = backend;
    }

    @Override
    public final String backend() {
        return backend;
    }

    @Override
    public final void squaredDistances(
            RowBlock queries, RowBlock points, int dimension, float[] out) {
        checkOpen();
        checkDistanceArguments(queries, points, dimension, out);
        if (queries.count() > 0 && points.count() > 0) {
            computeSquaredDistances(queries, points, dimension, out);
        }
    }

    @Override
    public final void nearest(
            RowBlock queries, PointBlock block, int k, float[] outDistances, int[] outSlots) {
        checkOpen();
        SlotBlock own = ownBlock(block);
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (queries.count() < 0) {
            throw new IllegalArgumentException(
                    "queryCount must not be negative, got " + queries.count());
        }
        queries.checkRows("queries", block.dimension());
        long needed = (long) queries.count() * k;
        if (needed > outDistances.length || needed > outSlots.length) {
            throw new IllegalArgumentException(
                    "outDistances holds "
                            + outDistances.length
                            + " and outSlots "
                            + outSlots.length
                            + " entries, need "
                            + needed);
        }
        if (queries.count() > 0) {
            computeNearest(queries, own, k, outDistances, outSlots);
        }
    }

    /** {@link #squaredDistances} once its arguments have passed the checks, neither block empty. */
    protected abstract void computeSquaredDistances(
            RowBlock queries, RowBlock points, int dimension, float[] out);

    /** {@link #nearest} once its arguments have passed the checks, with at least one query. */
    protected abstract void computeNearest(
            RowBlock queries, SlotBlock block, int k, float[] outDistances, int[] outSlots);

    @Override
    public final PointBlock openPointBlock(int dimension) {
        checkOpen();
        return newBlock(dimension);
    }

    /** A new empty block of this kernel's kind, opened by it. */
    protected abstract SlotBlock newBlock(int dimension);


    private SlotBlock ownBlock(PointBlock block) {
        if (!(block instanceof SlotBlock own) || !own.openedBy(this)) {
            throw new IllegalArgumentException(
                    "the block was opened by another kernel than this " + backend + " one");
        }
        own.checkOpen();
        return own;
    }

    @Override
    public String toString() {
        return backend;
    }

    private static void checkDistanceArguments(
            RowBlock queries, RowBlock points, int dimension, float[] out) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
        }
        if (queries.count() < 0 || points.count() < 0) {
            throw new IllegalArgumentException(
                    "counts must not be negative, got queryCount "
                            + queries.count()
                            + ", pointCount "
                            + points.count());
        }
        queries.checkRows("queries", dimension);
        points.checkRows("points", dimension);
        long outNeeded = (long) queries.count() * points.count();
        if (outNeeded > out.length) {
            throw new IllegalArgumentException(
                    "out holds " + out.length + " floats, needs " + outNeeded);
        }
    }
}
