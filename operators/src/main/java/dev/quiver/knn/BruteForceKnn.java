package dev.quiver.knn;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.DistanceKernel;
import dev.quiver.compute.NearestHeap;
import dev.quiver.compute.RowBlock;
import dev.quiver.compute.SquaredL2;
import dev.quiver.compute.SquaredNorms;

/**
 * Exact batched brute-force kNN and radius search over a {@link PointSet}: the reference the
 * kd-tree is tested against, and the path to take when the dimension is too high for a tree to
 * prune or the batch is large.
 *
 * <p>For a block of queries and a block of points the {@link ComputeBackend} computes every squared
 * distance (with ND4J's OpenBLAS through matrix products, {@code |q|^2 + |x|^2 - 2 q.x}) and hands
 * them over tile by tile ({@link DistanceKernel#screenDistances}): each tile, every query against a
 * few hundred points, is screened and re-ranked ({@link TileScreen}) while it is still in cache, so
 * no queries x points block is written to memory and read back. Those distances only screen: every neighbour reported, and every comparison that decides one, uses
 * {@link SquaredL2#distance}, the kd-tree's arithmetic. A point is skipped only when the backend's
 * distance, less the backend's error bound, proves that its direct distance is strictly larger than
 * the current k-th best (or than the radius), so the results are exactly those of sorting every
 * live point by ({@code SquaredL2.distance}, id), however much the backend's formula cancels.
 *
 * <p>The screen, for query {@code q}, point {@code x} and backend distance {@code g}: with {@code c
 * = backend.errorBound(d)}, the exact distance satisfies {@code D >= g - c (|q|^2 + |x|^2 + d
 * MIN_NORMAL)}; a direct distance {@code r <= R} implies {@code D <= (R + d MIN_VALUE) / (1 -
 * gamma_{d+2})} ({@link SquaredL2#relativeErrorBound}). The point is skipped when the first lower
 * bound exceeds the second upper bound. The filter itself is evaluated in {@code double}; one extra
 * float unit roundoff on each term ({@code gamma_{d+3}}, {@code c (1 + u)}) covers its rounding,
 * which is below {@code (d + 8) 2^-53} relative.
 *
 * <p>Cost: {@code 2 * count * slotCount * d} flops in the backend, one comparison per (query, live
 * point), and {@code d} more per point re-ranked. Points that pass the screen are few when the data
 * sit near the origin compared with their spread, as normalised vectors do (for standard normal
 * data, n = 20000, k = 10: about 86 per query, close to the {@code k ln(n / k)} times the k-th best
 * improves in a scan). When they sit far from it (say, coordinates around 1e4 with spreads around
 * 1) the bound passes every point and the cost becomes that of the direct formula: still exact,
 * only slower.
 *
 * <p><b>Blocks.</b> Over {@link BlockPoints}, whose rows the backend already holds in a {@link
 * dev.quiver.compute.PointBlock} kept in step with every upsert and delete, the search asks the
 * backend's fused top-k ({@link DistanceKernel#nearest}) for candidates instead of screening every
 * distance here, and re-ranks them the same way, with the same results ({@link BlockKnn} gives the
 * bound that proves no other point can enter). Any other {@link PointSet} is screened block by
 * block as above.
 *
 * <p>Not thread-safe: the instance owns its scratch space (a few hundred KB: the gathered rows
 * of a block with dead slots, and per-query state), and so does the backend. It allocates only when a larger dimension, or a result buffer, needs room,
 * besides the two small {@link RowBlock} descriptors of each backend call (one call per block of up
 * to 256 queries and 4096 points, never per point). The backend stays the caller's to close.
 *
 * <pre>{@code
 * try (ComputeBackend backend = ComputeBackends.cpu()) {
 *     BruteForceKnn knn = new BruteForceKnn(backend);
 *     NeighborBuffer[] out = {new NeighborBuffer(10), new NeighborBuffer(10)};
 *     float[] queries = {0f, 0f, 5f, 5f}; // two queries, d = 2, row-major
 *     knn.knn(queries, 2, 3, points, out); // points: any PointSet of dimension 2
 *     int nearestSlot = out[0].slot(0);
 *     float sqDist = out[0].distance(0);
 *     knn.radius(queries, 2, 4f, points, out); // every point within distance 2, i.e. sqDist <= 4
 * }
 * }</pre>
 */
public final class BruteForceKnn {

    /** Points per backend call: bounds the gathered rows and the copy into the backend. */
    static final int POINT_BLOCK = 4096;

    /** Queries per backend call: every tile holds this many rows of distances. */
    static final int QUERY_BLOCK = 256;

    private final ComputeBackend backend;
    private final DistanceKernel distances;
    private final BlockKnn blockKnn;

    private final int queryBlock;
    private final int pointBlock;
    private final int[] liveSlots;
    private final double[] pointErrorTerms;
    private final double[] queryErrorTerms;
    private final double[] queryThresholds;

    /** The k best so far of each query of a block, kept across its point blocks. */
    private final NearestHeap[] heaps;

    /** Screens and re-ranks each tile of distances while the backend has it in cache. */
    private final TileScreen screen;

    private float[] gathered = new float[0];

    /** A search over {@code backend}, which stays the caller's to close. */
    public BruteForceKnn(ComputeBackend backend) {
        this(backend, QUERY_BLOCK, POINT_BLOCK);
    }

    /** Smaller blocks let tests cross block boundaries with little data. */
    BruteForceKnn(ComputeBackend backend, int queryBlock, int pointBlock) {
        if (backend == null) {
            throw new IllegalArgumentException("backend must not be null");
        }
        this.backend = backend;
        this.distances = backend.distances();
        this.blockKnn = new BlockKnn(distances, queryBlock);
        this.queryBlock = queryBlock;
        this.pointBlock = pointBlock;
        liveSlots = new int[pointBlock];
        pointErrorTerms = new double[pointBlock];
        queryErrorTerms = new double[queryBlock];
        queryThresholds = new double[queryBlock];
        heaps = new NearestHeap[queryBlock];
        for (int i = 0; i < queryBlock; i++) {
            heaps[i] = new NearestHeap(16);
        }
        screen = new TileScreen(heaps, queryErrorTerms, queryThresholds, pointBlock);
    }

    /** The backend the distances are screened with. */
    public ComputeBackend backend() {
        return backend;
    }

    /**
     * The {@code k} nearest live points of each query.
     *
     * <p>Query {@code i} is {@code queries[i * d, (i + 1) * d)}, {@code d = points.dimension()},
     * already normalised when the metric needs it; its coordinates must be finite. {@code out[i]}
     * is cleared and filled with {@code min(k, points.size())} neighbours: slots and {@link
     * SquaredL2#distance} values (internal squared L2), ascending by (distance, id).
     *
     * @throws IllegalArgumentException if {@code k < 1}, {@code count < 0}, or {@code queries} or
     *     {@code out} is too short for {@code count} queries
     */
    public void knn(float[] queries, int count, int k, PointSet points, NeighborBuffer[] out) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        checkBatch(queries, count, points, out);
        search(queries, count, k, Float.POSITIVE_INFINITY, points, out);
    }

    /**
     * Every live point within {@code sqRadius} of each query: {@code SquaredL2.distance <=
     * sqRadius}, the boundary included. Queries and {@code out} as for {@link #knn}; results are
     * ascending by (distance, id). {@code sqRadius} may be infinite (every live point).
     *
     * @throws IllegalArgumentException if {@code sqRadius} is negative or NaN, {@code count < 0},
     *     or {@code queries} or {@code out} is too short for {@code count} queries
     */
    public void radius(
            float[] queries, int count, float sqRadius, PointSet points, NeighborBuffer[] out) {
        if (!(sqRadius >= 0)) {
            throw new IllegalArgumentException(
                    "sqRadius must be a non-negative number, got " + sqRadius);
        }
        checkBatch(queries, count, points, out);
        search(queries, count, 0, sqRadius, points, out);
        for (int i = 0; i < count; i++) {
            out[i].sortByDistanceThenId(points);
        }
    }

    private static void checkBatch(
            float[] queries, int count, PointSet points, NeighborBuffer[] out) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        long needed = (long) count * points.dimension();
        if (queries.length < needed) {
            throw new IllegalArgumentException(
                    "queries holds "
                            + queries.length
                            + " floats, needs "
                            + needed
                            + " for "
                            + count
                            + " queries of dimension "
                            + points.dimension());
        }
        if (out.length < count) {
            throw new IllegalArgumentException(
                    "out holds " + out.length + " buffers, needs " + count);
        }
        for (int i = 0; i < count; i++) {
            out[i].clear();
        }
    }

    /**
     * Fills {@code out} with the k best per query, ordered ({@code k > 0}), or with every point
     * within {@code sqRadius}, unordered ({@code k == 0}).
     */
    private void search(
            float[] queries,
            int count,
            int k,
            float sqRadius,
            PointSet points,
            NeighborBuffer[] out) {
        if (points instanceof BlockPoints block) {
            blockKnn.search(queries, count, k, sqRadius, block, out);
            return;
        }
        int d = points.dimension();
        int slotCount = points.slotCount();
        if (count == 0 || points.size() == 0) {
            return;
        }
        float[] coordinates = points.coordinates();
        if (gathered.length < pointBlock * d) {
            gathered = new float[pointBlock * d];
        }
        // Slack on both sides of the screen; see the class comment for the derivation.
        double c = distances.errorBound(d) * (1 + ComputeBackend.FLOAT_UNIT_ROUNDOFF);
        double directShrink = 1 - ComputeBackend.gamma(d + 3);
        double directUnderflow = d * (double) Float.MIN_VALUE;
        double normUnderflow = d * (double) Float.MIN_NORMAL;
        boolean radius = k == 0;
        double radiusThreshold = (sqRadius + directUnderflow) / directShrink;

        for (int q0 = 0; q0 < count; q0 += queryBlock) {
            int queryCount = Math.min(queryBlock, count - q0);
            for (int i = 0; i < queryCount; i++) {
                if (!radius) {
                    // No more than the live points: a huge k must not size the heap.
                    heaps[i].start(Math.min(k, points.size()), points);
                }
                double norm = SquaredNorms.of(queries, (q0 + i) * d, d);
                assert Double.isFinite(norm) : "query " + (q0 + i) + " is not finite";
                queryErrorTerms[i] = c * (norm + normUnderflow);
                double reach = radius ? radiusThreshold : Double.POSITIVE_INFINITY;
                queryThresholds[i] = reach + queryErrorTerms[i];
            }
            screen.startQueries(
                    queries, q0, queryCount, d, out, radius, sqRadius, directUnderflow, directShrink);
            for (int s0 = 0; s0 < slotCount; s0 += pointBlock) {
                int blockSlots = Math.min(pointBlock, slotCount - s0);
                int liveCount = 0;
                for (int slot = s0; slot < s0 + blockSlots; slot++) {
                    if (points.isLive(slot)) {
                        pointErrorTerms[liveCount] = c * SquaredNorms.of(coordinates, slot * d, d);
                        liveSlots[liveCount++] = slot;
                    }
                }
                if (liveCount == 0) {
                    continue;
                }
                // A fully live block is read in place; otherwise the live rows are packed so the
                // backend spends no work on dead slots.
                float[] block = coordinates;
                int blockOffset = s0 * d;
                if (liveCount < blockSlots) {
                    for (int j = 0; j < liveCount; j++) {
                        System.arraycopy(coordinates, liveSlots[j] * d, gathered, j * d, d);
                    }
                    block = gathered;
                    blockOffset = 0;
                }
                screen.startPoints(coordinates, liveSlots, pointErrorTerms);
                distances.screenDistances(
                        new RowBlock(queries, q0 * d, queryCount),
                        new RowBlock(block, blockOffset, liveCount),
                        d,
                        screen);
            }
            if (!radius) {
                for (int i = 0; i < queryCount; i++) {
                    out[q0 + i].drain(heaps[i]);
                }
            }
        }
    }
}
