package dev.quiver.compute;

/** Argument checks shared by the backends, so every backend rejects a bad call the same way. */
final class BackendChecks {

    private BackendChecks() {}

    /** Checks the arguments of {@link ComputeBackend#squaredDistances}. */
    static void checkDistanceArguments(
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
