package dev.quiver.compute;

/**
 * What every distances kernel shares: its backend's name, and the argument checks of {@link
 * #squaredDistances}, {@link #screenDistances} and {@link #nearest}, made here before the kernel's
 * own arithmetic so that every backend rejects a bad call the same way and none can forget a check.
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

    /** Floats per tile of {@link #cacheTilePoints}: 256 KB. */
    static final int TILE_FLOATS = 1 << 16;

    /** Fewest points per tile of {@link #cacheTilePoints}. */
    static final int MIN_TILE_POINTS = 64;

    private final String backend;

    /** The default {@link #computeTiles}' tile, reused from call to call. */
    private float[] tileScratch = new float[0];

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
    public final void screenDistances(
            RowBlock queries, RowBlock points, int dimension, DistanceTiles tiles) {
        checkOpen();
        if (tiles == null) {
            throw new IllegalArgumentException("tiles must not be null");
        }
        checkRowArguments(queries, points, dimension);
        if (queries.count() > 0 && points.count() > 0) {
            computeTiles(queries, points, dimension, tiles);
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

    /**
     * {@link #screenDistances} once its arguments have passed the checks, neither block empty. This
     * default computes tiles of {@link #tilePoints} points each with {@link
     * #computeSquaredDistances} into one scratch array, reused from call to call.
     */
    protected void computeTiles(
            RowBlock queries, RowBlock points, int dimension, DistanceTiles tiles) {
        int queryCount = queries.count();
        int pointCount = points.count();
        int width = Math.max(1, Math.min(pointCount, tilePoints(queryCount, pointCount)));
        int needed = Math.multiplyExact(queryCount, width);
        if (tileScratch.length < needed) {
            tileScratch = new float[needed];
        }
        for (int p0 = 0; p0 < pointCount; p0 += width) {
            int count = Math.min(width, pointCount - p0);
            RowBlock tile = new RowBlock(points.rows(), points.rowStart(p0, dimension), count);
            computeSquaredDistances(queries, tile, dimension, tileScratch);
            tiles.tile(p0, count, tileScratch);
        }
    }

    /**
     * Points per tile of the default {@link #computeTiles}: all of them (one tile, as a device
     * computes a block in one call), unless a kernel sizes tiles for a cache ({@link
     * #cacheTilePoints}).
     */
    protected int tilePoints(int queryCount, int pointCount) {
        return pointCount;
    }

    /**
     * Points per tile so that a tile of {@code queryCount} rows holds about {@value #TILE_FLOATS}
     * floats (256 KB: it and the rows it came from stay in a core's L2 while the caller reads it),
     * at least {@value #MIN_TILE_POINTS} points, so that each product stays long enough to run
     * at the matrix kernel's speed.
     */
    static int cacheTilePoints(int queryCount, int pointCount) {
        int width = Math.max(MIN_TILE_POINTS, TILE_FLOATS / Math.max(1, queryCount));
        return Math.min(pointCount, width);
    }

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
        checkRowArguments(queries, points, dimension);
        long outNeeded = (long) queries.count() * points.count();
        if (outNeeded > out.length) {
            throw new IllegalArgumentException(
                    "out holds " + out.length + " floats, needs " + outNeeded);
        }
    }

    private static void checkRowArguments(RowBlock queries, RowBlock points, int dimension) {
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
    }
}
