package dev.quiver.compute;

/** Argument checks shared by the backends, so every backend rejects a bad call the same way. */
final class BackendChecks {

    private BackendChecks() {}

    /** Checks the arguments of {@link ComputeBackend#squaredDistances}. */
    static void checkDistanceArguments(
            float[] queries,
            int queryOffset,
            int queryCount,
            float[] points,
            int pointOffset,
            int pointCount,
            int dimension,
            float[] out) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
        }
        if (queryCount < 0 || pointCount < 0) {
            throw new IllegalArgumentException(
                    "counts must not be negative, got queryCount "
                            + queryCount
                            + ", pointCount "
                            + pointCount);
        }
        checkRows("queries", queries.length, queryOffset, queryCount, dimension);
        checkRows("points", points.length, pointOffset, pointCount, dimension);
        long outNeeded = (long) queryCount * pointCount;
        if (outNeeded > out.length) {
            throw new IllegalArgumentException(
                    "out holds " + out.length + " floats, needs " + outNeeded);
        }
    }

    private static void checkRows(String what, int length, int offset, int count, int dimension) {
        long end = offset + (long) count * dimension;
        if (offset < 0 || end > length) {
            throw new IllegalArgumentException(
                    what
                            + " holds "
                            + length
                            + " floats, needs ["
                            + offset
                            + ", "
                            + end
                            + ") for "
                            + count
                            + " rows of dimension "
                            + dimension);
        }
    }
}
