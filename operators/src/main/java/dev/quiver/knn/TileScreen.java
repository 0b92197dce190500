package dev.quiver.knn;

import dev.quiver.compute.DistanceTiles;
import dev.quiver.compute.NearestHeap;
import dev.quiver.compute.SquaredL2;

/**
 * {@link BruteForceKnn}'s screen and exact re-rank, run on each tile of backend distances while the
 * backend still has it in cache ({@link dev.quiver.compute.DistanceKernel#screenDistances}).
 *
 * <p>Per query and tile, a first pass compares each backend distance with one {@code float}: the
 * query's threshold plus the largest point error term of the tile, rounded up. It holds no calls
 * and no {@code double} arithmetic, and lets through a superset of the points that pass the exact
 * screen. The second pass applies {@link BruteForceKnn}'s screen to those few, point by point and
 * against the threshold as the heap tightens it, and re-ranks the survivors with {@link
 * SquaredL2#distance}; so the tiles change the order of the work only, never the answer.
 *
 * <p>Set up per block of queries ({@link #startQueries}) and per block of live points ({@link
 * #startPoints}); not thread-safe.
 */
final class TileScreen implements DistanceTiles {

    private final NearestHeap[] heaps;
    private final double[] queryErrorTerms;
    private final double[] queryThresholds;
    private final int[] candidates;

    private float[] queries;
    private int firstQuery;
    private int queryCount;
    private int d;
    private NeighborBuffer[] out;
    private boolean radius;
    private float sqRadius;
    private double directUnderflow;
    private double directShrink;

    private float[] coordinates;
    private int[] liveSlots;
    private double[] pointErrorTerms;

    TileScreen(
            NearestHeap[] heaps,
            double[] queryErrorTerms,
            double[] queryThresholds,
            int maxPoints) {
        this.heaps = heaps;
        this.queryErrorTerms = queryErrorTerms;
        this.queryThresholds = queryThresholds;
        this.candidates = new int[maxPoints];
    }

    /**
     * The block of {@code count} queries from {@code first}: heaps, error terms and thresholds are
     * the caller's, set up for it; {@code sqRadius} and a {@code radius} search, or the k best.
     */
    void startQueries(
            float[] queries,
            int first,
            int count,
            int dimension,
            NeighborBuffer[] out,
            boolean radius,
            float sqRadius,
            double directUnderflow,
            double directShrink) {
        this.queries = queries;
        this.firstQuery = first;
        this.queryCount = count;
        this.d = dimension;
        this.out = out;
        this.radius = radius;
        this.sqRadius = sqRadius;
        this.directUnderflow = directUnderflow;
        this.directShrink = directShrink;
    }

    /** The live points the next tiles come from: point {@code j} is slot {@code liveSlots[j]}. */
    void startPoints(float[] coordinates, int[] liveSlots, double[] pointErrorTerms) {
        this.coordinates = coordinates;
        this.liveSlots = liveSlots;
        this.pointErrorTerms = pointErrorTerms;
    }

    @Override
    public void tile(int pointFirst, int pointCount, float[] distances) {
        double loosestPointTerm = 0;
        for (int j = pointFirst; j < pointFirst + pointCount; j++) {
            loosestPointTerm = Math.max(loosestPointTerm, pointErrorTerms[j]);
        }
        for (int i = 0; i < queryCount; i++) {
            double threshold = queryThresholds[i];
            float loose = roundUp(threshold + loosestPointTerm);
            int row = i * pointCount;
            int candidateCount = 0;
            for (int j = 0; j < pointCount; j++) {
                if (distances[row + j] <= loose) {
                    candidates[candidateCount++] = j;
                }
            }
            if (candidateCount > 0) {
                queryThresholds[i] = rerank(i, threshold, row, pointFirst, candidateCount, distances);
            }
        }
    }

    /** The exact screen and re-rank of query {@code i}'s candidates; returns its new threshold. */
    private double rerank(
            int i, double threshold, int row, int pointFirst, int candidateCount, float[] distances) {
        NeighborBuffer buffer = out[firstQuery + i];
        NearestHeap heap = heaps[i];
        int queryOffset = (firstQuery + i) * d;
        for (int n = 0; n < candidateCount; n++) {
            int j = candidates[n];
            int live = pointFirst + j;
            if (distances[row + j] > threshold + pointErrorTerms[live]) {
                continue;
            }
            int slot = liveSlots[live];
            float sqDist = SquaredL2.distance(queries, queryOffset, coordinates, slot * d, d);
            if (radius) {
                if (sqDist <= sqRadius) {
                    buffer.add(slot, sqDist);
                }
            } else if (heap.offer(slot, sqDist)) {
                double reach = (heap.worstDistance() + directUnderflow) / directShrink;
                threshold = reach + queryErrorTerms[i];
            }
        }
        return threshold;
    }

    /** The least float at or above {@code value}. */
    static float roundUp(double value) {
        float rounded = (float) value;
        return rounded < value ? Math.nextUp(rounded) : rounded;
    }
}
