package dev.quiver.compute;

/**
 * Receives the squared distances of {@link DistanceKernel#screenDistances} one tile at a time,
 * while the tile is still in cache, so that a caller selecting neighbours from them never has a
 * whole queries x points block written out and read back.
 *
 * <pre>{@code
 * distances.screenDistances(queries, points, d, (pointFirst, pointCount, tile) -> {
 *     for (int i = 0; i < queries.count(); i++) {
 *         for (int j = 0; j < pointCount; j++) {
 *             float sqDist = tile[i * pointCount + j]; // query i, point pointFirst + j
 *         }
 *     }
 * });
 * }</pre>
 */
@FunctionalInterface
public interface DistanceTiles {

    /**
     * One tile: every query of the call against the points {@code [pointFirst, pointFirst +
     * pointCount)} of the call's point block, {@code distances[i * pointCount + j]} for query
     * {@code i} and point {@code pointFirst + j}. The array is the kernel's scratch: valid during
     * this call only, and possibly longer than the tile.
     */
    void tile(int pointFirst, int pointCount, float[] distances);
}
