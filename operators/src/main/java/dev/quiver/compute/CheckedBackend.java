package dev.quiver.compute;

/**
 * What every backend shares: its name, and the argument checks of {@link #squaredDistances}, made
 * here before the backend's own arithmetic so that every backend rejects a bad call the same way
 * and none can forget a check.
 */
abstract class CheckedBackend implements ComputeBackend {

    private final String name;

    CheckedBackend(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void squaredDistances(
            RowBlock queries, RowBlock points, int dimension, float[] out) {
        checkDistanceArguments(queries, points, dimension, out);
        computeSquaredDistances(queries, points, dimension, out);
    }

    /** {@link #squaredDistances} once its arguments have passed the checks. */
    abstract void computeSquaredDistances(
            RowBlock queries, RowBlock points, int dimension, float[] out);

    @Override
    public String toString() {
        return name;
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
