package dev.quiver.compute;

/**
 * The k nearest (slot, distance) pairs seen so far, as a max-heap with the worst on top, in the
 * order of {@link #comesAfter}: farther first, then the slot its {@link Ties} ranks later. It is the
 * one bounded neighbour heap of Quiver: the compute kernels' top-k ({@link DistanceKernel#nearest},
 * ties by slot) and every kNN search (ties by point id) keep their candidates here, and {@link
 * #sort} sorts with the same sift, so there is one definition of how neighbours rank.
 *
 * <p>The tie order is total, so whatever order candidates are offered in, the heap ends up holding
 * the same k pairs, and {@link #drainTo} lists them in the same order.
 *
 * <p>Until the k-th candidate arrives nothing asks for the worst, so the heap is built then, in one
 * pass, rather than kept ordered from the first candidate on.
 *
 * <p>Parallel primitive arrays that grow to the largest {@code k} and are then reused, so a warm
 * search allocates nothing. Not thread-safe.
 *
 * <pre>{@code
 * NearestHeap heap = new NearestHeap(4);
 * heap.start(2, NearestHeap.BY_SLOT);
 * heap.offer(7, 3f);
 * heap.offer(4, 1f);
 * heap.offer(9, 1f);
 * int[] slots = new int[2];
 * float[] distances = new float[2];
 * int n = heap.drainTo(slots, distances, 0); // 2: slots {4, 9}, distances {1, 1}
 * }</pre>
 */
public final class NearestHeap {

    /** Ranks two slots at the same distance; must be a total order on the slots offered. */
    @FunctionalInterface
    public interface Ties {
        /** True when {@code slotA} ranks after {@code slotB} at equal distance. */
        boolean slotAfter(int slotA, int slotB);
    }

    /** Ties broken by slot, the larger last: the order of the compute kernels' top-k. */
    public static final Ties BY_SLOT = (slotA, slotB) -> slotA > slotB;

    private int[] slots;
    private float[] distances;
    private int size;
    private int limit;
    private Ties ties;

    /** A heap with room for {@code capacity} pairs before it grows. */
    public NearestHeap(int capacity) {
        slots = new int[capacity];
        distances = new float[capacity];
    }

    /** Empties the heap for a search that keeps the {@code limit} best pairs, ranked by {@code ties}. */
    public void start(int limit, Ties ties) {
        if (slots.length < limit) {
            slots = new int[limit];
            distances = new float[limit];
        }
        this.limit = limit;
        this.ties = ties;
        size = 0;
    }

    /** Pairs held. */
    public int size() {
        return size;
    }

    /** Distance of the worst pair held; only when full (before, the heap is not built). */
    public float worstDistance() {
        return distances[0];
    }

    /** The distance a new pair must not exceed to enter, {@code +inf} until the heap is full. */
    public float bound() {
        return size < limit ? Float.POSITIVE_INFINITY : distances[0];
    }

    /**
     * False when the heap is full and {@code bound} exceeds its worst distance: no point at least
     * that far can enter, so a search skips whatever lies beyond the bound. Equal distances are
     * admitted, since a tie may still win.
     */
    public boolean admits(float bound) {
        return size < limit || bound <= distances[0];
    }

    /**
     * Keeps (slot, distance) if the heap has room or it ranks before the current worst. True when
     * the heap is full afterwards and its worst changed (it just filled, or was replaced), which is
     * when a search can tighten its bound.
     */
    public boolean offer(int slot, float distance) {
        if (size < limit) {
            slots[size] = slot;
            distances[size] = distance;
            if (++size < limit) {
                return false;
            }
            heapify(ties, slots, distances, size);
            return true;
        }
        // The distance test first: it rejects almost every candidate without looking at ties.
        if (distance <= distances[0] && comesAfter(ties, slots[0], distances[0], slot, distance)) {
            siftDown(ties, slots, distances, 0, slot, distance, size);
            return true;
        }
        return false;
    }

    /**
     * Writes the pairs held to {@code at ...} of the parallel arrays, nearest first, and empties
     * the heap; returns how many it wrote.
     */
    public int drainTo(int[] outSlots, float[] outDistances, int at) {
        int n = size;
        if (n < limit) {
            heapify(ties, slots, distances, n);
        }
        sortHeap(ties, slots, distances, n);
        System.arraycopy(slots, 0, outSlots, at, n);
        System.arraycopy(distances, 0, outDistances, at, n);
        size = 0;
        ties = null;
        return n;
    }

    /**
     * Writes exactly the {@code limit} given to {@link #start} pairs to {@code at ...}: those held,
     * nearest first, then slot -1 at {@code +inf} for any the heap lacked; empties the heap.
     */
    public void drainPadded(int[] outSlots, float[] outDistances, int at) {
        int padFrom = limit;
        for (int i = drainTo(outSlots, outDistances, at); i < padFrom; i++) {
            outSlots[at + i] = -1;
            outDistances[at + i] = Float.POSITIVE_INFINITY;
        }
    }

    /**
     * True when (slotA, distanceA) ranks after (slotB, distanceB): farther, or as far and {@code
     * ties} ranks slotA later.
     */
    public static boolean comesAfter(
            Ties ties, int slotA, float distanceA, int slotB, float distanceB) {
        if (distanceA != distanceB) {
            return distanceA > distanceB;
        }
        return ties.slotAfter(slotA, slotB);
    }

    /**
     * Sorts {@code [0, n)} of the parallel arrays ascending by {@link #comesAfter} in place: a heap
     * sort, so a large result costs {@code O(n log n)} and allocates nothing.
     */
    public static void sort(Ties ties, int[] slots, float[] distances, int n) {
        heapify(ties, slots, distances, n);
        sortHeap(ties, slots, distances, n);
    }

    /** Makes {@code [0, n)} a max-heap in place (Floyd): {@code O(n)}. */
    private static void heapify(Ties ties, int[] slots, float[] distances, int n) {
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(ties, slots, distances, i, slots[i], distances[i], n);
        }
    }

    /** Sorts a max-heap {@code [0, n)} ascending in place, largest to the end first. */
    private static void sortHeap(Ties ties, int[] slots, float[] distances, int n) {
        for (int end = n - 1; end > 0; end--) {
            int slot = slots[end];
            float distance = distances[end];
            slots[end] = slots[0];
            distances[end] = distances[0];
            siftDown(ties, slots, distances, 0, slot, distance, end);
        }
    }

    /** Places (slot, distance) at or below {@code i} in the max-heap {@code [0, n)}. */
    private static void siftDown(
            Ties ties, int[] slots, float[] distances, int i, int slot, float distance, int n) {
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n
                    && comesAfter(
                            ties, slots[child + 1], distances[child + 1], slots[child],
                            distances[child])) {
                child++;
            }
            if (!comesAfter(ties, slots[child], distances[child], slot, distance)) {
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
