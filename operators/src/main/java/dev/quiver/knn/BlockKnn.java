package dev.quiver.knn;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.DistanceKernel;
import dev.quiver.compute.NearestHeap;
import dev.quiver.compute.RowBlock;
import dev.quiver.compute.SquaredL2;
import dev.quiver.compute.SquaredNorms;

/**
 * {@link BruteForceKnn} over {@link BlockPoints}: the kernel's fused top-k ({@link
 * DistanceKernel#nearest}) proposes candidates from the backend's block, and each query's answer is
 * the exact re-ranking of its candidates by {@link SquaredL2#distance} and id, once a bound proves
 * that no other point can enter it.
 *
 * <p>The proof, for query {@code q} with {@code w} candidates of which the last has kernel distance
 * {@code g_w}: every other live point {@code x} has kernel distance {@code g >= g_w}, so its exact
 * distance is {@code D >= g_w - c (|q|^2 + max |x|^2 + d MIN_NORMAL)} ({@code c} the kernel's
 * {@link DistanceKernel#errorBound}, with one float roundoff of slack as in {@link BruteForceKnn});
 * if that exceeds {@code (R + d MIN_VALUE) / (1 - gamma_{d+3})}, where {@code R} is the k-th best
 * re-ranked distance (or the radius), its direct distance is above {@code R} and it cannot be an
 * answer. A query whose proof fails is asked again with four times the candidates; beyond {@value
 * #MAX_WIDTH} candidates it is answered by scanning every live row with the direct formula (data
 * far from the origin compared with their spread, where the bound passes every point), exact as
 * always, only slower. Not thread-safe.
 */
final class BlockKnn {

    /** Most candidates asked for per query before falling back to a direct scan. */
    static final int MAX_WIDTH = 4096;

    /** Candidates a radius query asks for first. */
    static final int RADIUS_WIDTH = 64;

    private final DistanceKernel distances;
    private final int queryBlock;
    private final NearestHeap[] heaps;
    private final double[] queryErrorTerms;
    private final int[] pending;
    private float[] gathered = new float[0];
    private float[] candidateDistances = new float[0];
    private int[] candidateSlots = new int[0];

    BlockKnn(DistanceKernel distances, int queryBlock) {
        this.distances = distances;
        this.queryBlock = queryBlock;
        heaps = new NearestHeap[queryBlock];
        for (int i = 0; i < queryBlock; i++) {
            heaps[i] = new NearestHeap(16);
        }
        queryErrorTerms = new double[queryBlock];
        pending = new int[queryBlock];
    }

    /**
     * The k best per query, ordered ({@code k > 0}), or every point within {@code sqRadius},
     * unordered ({@code k == 0}), into the cleared {@code out}.
     */
    void search(
            float[] queries,
            int count,
            int k,
            float sqRadius,
            BlockPoints points,
            NeighborBuffer[] out) {
        if (points.kernel() != distances) {
            throw new IllegalArgumentException(
                    "the points are in a block of another kernel than this search's "
                            + distances.backend()
                            + " one");
        }
        int d = points.dimension();
        int live = points.size();
        if (count == 0 || live == 0) {
            return;
        }
        double c = distances.errorBound(d) * (1 + ComputeBackend.FLOAT_UNIT_ROUNDOFF);
        double directShrink = 1 - ComputeBackend.gamma(d + 3);
        double directUnderflow = d * (double) Float.MIN_VALUE;
        double pointTerm = c * points.maxSquaredNorm();
        boolean radius = k == 0;
        double radiusReach = (sqRadius + directUnderflow) / directShrink;
        int firstWidth = radius ? RADIUS_WIDTH : Math.max(2 * k, k + 16);

        for (int q0 = 0; q0 < count; q0 += queryBlock) {
            int queryCount = Math.min(queryBlock, count - q0);
            int pendingCount = 0;
            for (int i = 0; i < queryCount; i++) {
                double norm = SquaredNorms.of(queries, (q0 + i) * d, d);
                assert Double.isFinite(norm) : "query " + (q0 + i) + " is not finite";
                queryErrorTerms[i] = c * (norm + d * (double) Float.MIN_NORMAL) + pointTerm;
                pending[pendingCount++] = i;
            }
            int width = Math.min(firstWidth, live);
            while (pendingCount > 0) {
                if (width > MAX_WIDTH) {
                    for (int p = 0; p < pendingCount; p++) {
                        scanAll(
                                queries,
                                q0 + pending[p],
                                k,
                                sqRadius,
                                points,
                                out,
                                heaps[pending[p]]);
                    }
                    break;
                }
                askKernel(queries, q0, pendingCount, width, points);
                int stillPending = 0;
                for (int p = 0; p < pendingCount; p++) {
                    int i = pending[p];
                    NeighborBuffer buffer = out[q0 + i];
                    NearestHeap heap = heaps[i];
                    buffer.clear();
                    if (!radius) {
                        heap.start(Math.min(k, live), points);
                    }
                    int at = p * width;
                    for (int j = 0; j < width && candidateSlots[at + j] >= 0; j++) {
                        int slot = candidateSlots[at + j];
                        float sqDist =
                                SquaredL2.distance(
                                        queries, (q0 + i) * d, points.coordinates(), slot * d, d);
                        if (radius) {
                            if (sqDist <= sqRadius) {
                                buffer.add(slot, sqDist);
                            }
                        } else {
                            heap.offer(slot, sqDist);
                        }
                    }
                    boolean proven = width >= live;
                    if (!proven) {
                        double reach =
                                radius
                                        ? radiusReach
                                        : (heap.worstDistance() + directUnderflow) / directShrink;
                        proven = candidateDistances[at + width - 1] > reach + queryErrorTerms[i];
                    }
                    if (proven) {
                        if (!radius) {
                            buffer.drain(heap);
                        }
                    } else {
                        pending[stillPending++] = i;
                    }
                }
                pendingCount = stillPending;
                // Past MAX_WIDTH (live > MAX_WIDTH) the loop's first test scans instead.
                width = 4 * width >= live ? live : 4 * width;
            }
        }
    }

    /** Candidates of the pending queries of the block at {@code q0}, {@code width} each. */
    private void askKernel(
            float[] queries, int q0, int pendingCount, int width, BlockPoints points) {
        int d = points.dimension();
        if (gathered.length < pendingCount * d) {
            gathered = new float[queryBlock * d];
        }
        for (int p = 0; p < pendingCount; p++) {
            System.arraycopy(queries, (q0 + pending[p]) * d, gathered, p * d, d);
        }
        int needed = pendingCount * width;
        if (candidateDistances.length < needed) {
            candidateDistances = new float[needed];
            candidateSlots = new int[needed];
        }
        distances.nearest(
                new RowBlock(gathered, 0, pendingCount),
                points.block(),
                width,
                candidateDistances,
                candidateSlots);
    }

    /** The exact answer of query {@code q} by the direct formula over every live row. */
    private static void scanAll(
            float[] queries,
            int q,
            int k,
            float sqRadius,
            BlockPoints points,
            NeighborBuffer[] out,
            NearestHeap heap) {
        int d = points.dimension();
        NeighborBuffer buffer = out[q];
        buffer.clear();
        if (k > 0) {
            heap.start(Math.min(k, points.size()), points);
        }
        for (int slot = 0; slot < points.slotCount(); slot++) {
            if (!points.isLive(slot)) {
                continue;
            }
            float sqDist = SquaredL2.distance(queries, q * d, points.coordinates(), slot * d, d);
            if (k == 0) {
                if (sqDist <= sqRadius) {
                    buffer.add(slot, sqDist);
                }
            } else {
                heap.offer(slot, sqDist);
            }
        }
        if (k > 0) {
            buffer.drain(heap);
        }
    }
}
