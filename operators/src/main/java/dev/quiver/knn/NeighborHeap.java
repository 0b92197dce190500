package dev.quiver.knn;

/**
 * The k best neighbours seen so far, as a max-heap of (slot, distance) with the worst on top, in
 * the order of {@link NeighborBuffer#comesAfter}: farther first, then larger id. Every exact and
 * approximate kNN search keeps its candidates here (the kd-tree's, best-bin-first's and the brute
 * force's), and {@link NeighborBuffer#sortByDistanceThenId} sorts with the same sift, so there is
 * one definition of how neighbours rank.
 *
 * <p>Ids are unique, so the order is total: whatever order candidates are offered in, the heap ends
 * up holding the same k neighbours, and {@link #drainTo} lists them in the same order.
 *
 * <p>Until the k-th candidate arrives nothing asks for the worst, so the heap is built then, in one
 * pass, rather than kept ordered from the first candidate on.
 *
 * <p>Parallel primitive arrays that grow to the largest {@code k} and are then reused, so a warm
 * search allocates nothing. Not thread-safe.
 */
final class NeighborHeap {

    private int[] slots;
    private float[] distances;
    private int size;
    private int limit;
    private PointSet points;

    /** A heap with room for {@code capacity} neighbours before it grows. */
    NeighborHeap(int capacity) {
        slots = new int[capacity];
        distances = new float[capacity];
    }

    /** Empties the heap for a search that keeps the {@code limit} best points of {@code points}. */
    void start(int limit, PointSet points) {
        if (slots.length < limit) {
            slots = new int[limit];
            distances = new float[limit];
        }
        this.limit = limit;
        this.points = points;
        size = 0;
    }

    /** Neighbours held. */
    int size() {
        return size;
    }

    /** Distance of the worst neighbour held; only when full (before, the heap is not built). */
    float worstDistance() {
        return distances[0];
    }

    /**
     * False when the heap is full and {@code bound} exceeds its worst distance: no point at least
     * that far can enter, so a search skips whatever lies beyond the bound. Equal distances are
     * admitted, since a smaller id may still win the tie.
     */
    boolean admits(float bound) {
        return size < limit || bound <= distances[0];
    }

    /**
     * Keeps (slot, distance) if the heap has room or it ranks before the current worst. True when
     * the heap is full afterwards and its worst changed (it just filled, or was replaced), which is
     * when a search can tighten its bound.
     */
    boolean offer(int slot, float distance) {
        if (size < limit) {
            slots[size] = slot;
            distances[size] = distance;
            if (++size < limit) {
                return false;
            }
            heapify(points, slots, distances, size);
            return true;
        }
        // The distance test first: it rejects almost every candidate without looking at ids.
        if (distance <= distances[0]
                && NeighborBuffer.comesAfter(points, slots[0], distances[0], slot, distance)) {
            siftDown(points, slots, distances, 0, slot, distance, size);
            return true;
        }
        return false;
    }

    /** Moves the neighbours to {@code out}, nearest first, and empties the heap. */
    void drainTo(NeighborBuffer out) {
        if (size < limit) {
            heapify(points, slots, distances, size);
        }
        sortHeap(points, slots, distances, size);
        out.replaceWith(slots, distances, size);
        size = 0;
        points = null;
    }

    /**
     * Sorts {@code [0, n)} of the parallel arrays ascending by (distance, id) in place: a heap
     * sort, so a large result costs {@code O(n log n)} and allocates nothing.
     */
    static void heapSort(PointSet points, int[] slots, float[] distances, int n) {
        heapify(points, slots, distances, n);
        sortHeap(points, slots, distances, n);
    }

    /** Makes {@code [0, n)} a max-heap in place (Floyd): {@code O(n)}. */
    private static void heapify(PointSet points, int[] slots, float[] distances, int n) {
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(points, slots, distances, i, slots[i], distances[i], n);
        }
    }

    /** Sorts a max-heap {@code [0, n)} ascending in place, largest to the end first. */
    private static void sortHeap(PointSet points, int[] slots, float[] distances, int n) {
        for (int end = n - 1; end > 0; end--) {
            int slot = slots[end];
            float distance = distances[end];
            slots[end] = slots[0];
            distances[end] = distances[0];
            siftDown(points, slots, distances, 0, slot, distance, end);
        }
    }

    /** Places (slot, distance) at or below {@code i} in the max-heap {@code [0, n)}. */
    private static void siftDown(
            PointSet points,
            int[] slots,
            float[] distances,
            int i,
            int slot,
            float distance,
            int n) {
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n
                    && NeighborBuffer.comesAfter(
                            points,
                            slots[child + 1],
                            distances[child + 1],
                            slots[child],
                            distances[child])) {
                child++;
            }
            if (!NeighborBuffer.comesAfter(
                    points, slots[child], distances[child], slot, distance)) {
                break;
            }
            slots[i] = slots[child];
            distances[i] = distances[child];
            i = child;
        }
        slots[i] = slot;
        distances[i] = distance;
    }
}
