package dev.quiver.compute;

/**
 * The distances capability: squared Euclidean distances in bulk, over caller rows (whole, or tile
 * by tile to a caller's screen) or over a backend-owned {@link PointBlock}, with a fused top-k that
 * screens a block for the nearest rows.
 *
 * <p>Contract of every implementation:
 *
 * <ul>
 *   <li><b>Numerics:</b> every distance it computes, in {@link #squaredDistances}, {@link
 *       #screenDistances} and {@link #nearest}, is within {@link #errorBound(int)} of the exact one (see there); callers that
 *       need exact answers re-rank the candidates with the direct formula ({@code
 *       dev.quiver.knn.BruteForceKnn} does).
 *   <li><b>Blocks:</b> a block is opened by a kernel and used only with it; appends and tombstones
 *       change it in place (a backend on a device copies only the appended rows), so a store that
 *       changes by a few rows per batch is never copied whole again.
 *   <li><b>Thread-safety:</b> not thread-safe (scratch buffers); one per thread or Flink subtask,
 *       opened in {@code open()} and closed in {@code close()}. Closing the kernel does not close
 *       its blocks.
 *   <li><b>Inputs:</b> finite coordinates whose squares do not overflow a {@code float}.
 * </ul>
 *
 * <pre>{@code
 * try (ComputeBackend backend = ComputeBackends.byName("java");
 *         PointBlock block = backend.distances().openPointBlock(2)) {
 *     DistanceKernel distances = backend.distances();
 *     block.append(new float[] {3f, 4f, 0f, 1f, 1f, 1f}, 0, 3); // slots 0, 1, 2
 *     block.tombstone(1);
 *     float[] sqDist = new float[2];
 *     int[] slots = new int[2];
 *     distances.nearest(new RowBlock(new float[] {0f, 0f}, 0, 1), block, 2, sqDist, slots);
 *     // slots = {2, 0}, sqDist = {2, 25}: slot 1 is dead
 * }
 * }</pre>
 */
public interface DistanceKernel extends AutoCloseable {

    /** The name of the backend that implements this capability, as the {@code backend} metric. */
    String backend();

    /**
     * Squared Euclidean distances between every query and every point of a block of caller rows.
     *
     * <p>Writes {@code out[i * points.count() + j] = |q_i - x_j|^2} for the query rows {@code q_i =
     * queries.rows()[queries.rowStart(i, dimension) ...]}, {@code i < queries.count()}, and the
     * point rows {@code x_j}, {@code j < points.count()}. Entries of {@code out} past {@code
     * queries.count() * points.count()} are left alone.
     *
     * @throws IllegalArgumentException if a count or the dimension is out of range, or an array is
     *     too short for the rows it is asked to read or write
     */
    void squaredDistances(RowBlock queries, RowBlock points, int dimension, float[] out);

    /**
     * {@link #squaredDistances} fused with the caller's selection: the same distances, with the
     * same {@link #errorBound}, handed to {@code tiles} as tiles of every query against a run of
     * consecutive points, in ascending point order, each point in exactly one tile. A kernel on
     * the CPU sizes its tiles for the caches and hands each over as soon as it is computed; no
     * queries x points block is written whole. Nothing is handed over when either block is empty.
     *
     * <p>This default computes the whole block in one tile (what a device kernel does anyway).
     *
     * @throws IllegalArgumentException as {@link #squaredDistances}, or if {@code tiles} is null
     */
    default void screenDistances(
            RowBlock queries, RowBlock points, int dimension, DistanceTiles tiles) {
        if (tiles == null) {
            throw new IllegalArgumentException("tiles must not be null");
        }
        float[] block = new float[Math.max(0, Math.multiplyExact(queries.count(), points.count()))];
        squaredDistances(queries, points, dimension, block);
        if (queries.count() > 0 && points.count() > 0) {
            tiles.tile(0, points.count(), block);
        }
    }

    /**
     * The coefficient {@code c(d)} of this kernel's error bound: every distance satisfies
     *
     * <pre>{@code
     * |out - D| <= c(d) * (|q|^2 + |x|^2 + d * Float.MIN_NORMAL)
     * }</pre>
     *
     * where {@code D} is the exact real squared distance of the two float rows. The bound is
     * relative to the norms because the GEMM form {@code |q|^2 + |x|^2 - 2 q.x} cancels for nearby
     * points far from the origin; the {@code d * MIN_NORMAL} term covers gradual underflow.
     */
    double errorBound(int dimension);

    /**
     * A new, empty block of rows of {@code dimension} floats, owned by this kernel's backend.
     *
     * @throws IllegalArgumentException if {@code dimension < 1}
     */
    PointBlock openPointBlock(int dimension);

    /**
     * Fused distances and top-k: for each query {@code i < queries.count()} (rows of {@code
     * block.dimension()}), the {@code k} live slots of {@code block} with the smallest distance as
     * this kernel computes it, ascending by (distance, slot), into {@code outDistances[i * k + j]}
     * and {@code outSlots[i * k + j]}. When the block has fewer than {@code k} live rows the rest
     * of the query's entries are slot -1 and distance {@code +inf}. Every live slot not reported
     * has a distance at least the {@code k}-th reported one, so a caller can prove, with {@link
     * #errorBound(int)}, that no unreported row is nearer than a re-ranked candidate.
     *
     * @throws IllegalArgumentException if {@code k < 1}, the block is not this kernel's or is
     *     closed, or an array is too short for {@code queries.count() * k} entries
     */
    void nearest(RowBlock queries, PointBlock block, int k, float[] outDistances, int[] outSlots);

    /** Releases scratch and native memory (not the blocks); never throws. */
    @Override
    void close();
}
