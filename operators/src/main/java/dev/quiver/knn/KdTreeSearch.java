package dev.quiver.knn;

import dev.quiver.compute.NearestHeap;
import dev.quiver.compute.SquaredL2;
import java.util.Arrays;

/**
 * What the exact and the best-bin-first searches of a {@link KdTreeIndex} share: the query, the
 * per-axis offsets from it to the current cell (Arya and Mount 1993), the heap of the best
 * candidates, a point's distance ({@link SquaredL2#distance}, as every search path ranks by) and a
 * cell's lower bound summed in the same order.
 *
 * <p>{@link #bind} copies the store's array references into fields of this object at the start of
 * each query: the innermost loops then read a node or a point with one load less than through the
 * store, and no mutation can happen during a query to make the copies stale.
 */
abstract class KdTreeSearch {

    final KdTreeStore store;
    final int dimension;

    /** The query, checked and normalised; written by the index before each search. */
    final float[] query;

    /** Per-axis squared distance from the query to the current cell. */
    final float[] offsets;

    final NearestHeap heap = new NearestHeap(KdTreeStore.MIN_CAPACITY);

    /** Ranks ties by id. */
    private final PointSet points;

    int[] left;
    int[] right;
    int[] splitAxis;
    float[] splitValue;
    int[] size;
    int[] bucket;
    float[] coordinates;
    boolean[] live;

    KdTreeSearch(KdTreeStore store, PointSet points, float[] query) {
        this.store = store;
        this.points = points;
        this.dimension = store.dimension;
        this.query = query;
        this.offsets = new float[dimension];
    }

    /** Takes the store's current arrays for one query. */
    final void bind() {
        left = store.left;
        right = store.right;
        splitAxis = store.splitAxis;
        splitValue = store.splitValue;
        size = store.size;
        bucket = store.bucket;
        coordinates = store.coordinates;
        live = store.live;
    }

    /**
     * Lets go of the arrays after a query, so a root rebuild that replaces them can free the old
     * ones at once rather than at the next query.
     */
    final void unbind() {
        left = right = splitAxis = size = bucket = null;
        splitValue = coordinates = null;
        live = null;
    }

    /** Starts a kNN: an empty heap for {@code min(k, live points)} and the root cell. */
    final void startKnn(int k) {
        heap.start(Math.min(k, store.liveCount), points);
        Arrays.fill(offsets, 0f);
    }

    /** Squared L2 from the query to the point in {@code slot}: {@link SquaredL2#distance}. */
    final float sqDistance(int slot) {
        return SquaredL2.distance(query, 0, coordinates, slot * dimension, dimension);
    }

    /**
     * The squared distance from the query to the cell whose per-axis offsets are {@link #offsets}
     * with {@code axis} set to {@code cut}, summed in axis order like {@link #sqDistance}. Each
     * offset is the float square of the float gap to the cell, never more than the same term of any
     * point in the cell, and float addition is monotone, so this never exceeds a point's distance
     * as {@link #sqDistance} computes it.
     */
    final float orderedBound(int axis, float cut) {
        float sum = 0f;
        for (int a = 0; a < dimension; a++) {
            sum += a == axis ? cut : offsets[a];
        }
        return sum;
    }
}
