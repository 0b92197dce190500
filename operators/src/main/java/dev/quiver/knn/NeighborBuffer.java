package dev.quiver.knn;

import dev.quiver.compute.NearestHeap;
import java.util.Arrays;

/**
 * Caller-owned, reusable result of a kNN, radius or box search: slots and distances, growing as
 * needed and never shrinking, so a query loop allocates nothing once warm. Results are ordered by
 * ascending distance, ties broken by id, after {@link #sortByDistanceThenId(PointSet)}.
 *
 * <pre>{@code
 * NeighborBuffer out = new NeighborBuffer(16);
 * index.knn(query, 0, 10, out);
 * for (int i = 0; i < out.size(); i++) {
 *     String id = index.id(out.slot(i));
 *     float distance = out.distance(i);
 * }
 * }</pre>
 */
public final class NeighborBuffer {

    /** Longest run sorted by insertion sort; longer ones are heap sorted. */
    static final int INSERTION_SORT_MAX = 16;

    private int[] slots;
    private float[] distances;
    private int size;

    /** A buffer with room for {@code capacity} neighbours before it grows. */
    public NeighborBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        slots = new int[capacity];
        distances = new float[capacity];
    }

    /** Empties the buffer, keeping its arrays. */
    public void clear() {
        size = 0;
    }

    /** Appends one neighbour. */
    public void add(int slot, float distance) {
        if (size == slots.length) {
            int capacity = slots.length * 2;
            slots = Arrays.copyOf(slots, capacity);
            distances = Arrays.copyOf(distances, capacity);
        }
        slots[size] = slot;
        distances[size] = distance;
        size++;
    }

    /** Overwrites neighbour {@code i}. */
    public void set(int i, int slot, float distance) {
        checkIndex(i);
        slots[i] = slot;
        distances[i] = distance;
    }

    /** Replaces the contents with the neighbours of {@code heap}, nearest first, emptying it. */
    void drain(NearestHeap heap) {
        int n = heap.size();
        if (slots.length < n) {
            int capacity = Math.max(n, slots.length * 2);
            slots = new int[capacity];
            distances = new float[capacity];
        }
        size = heap.drainTo(slots, distances, 0);
    }

    /** Keeps the first {@code newSize} neighbours. */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IndexOutOfBoundsException(
                    "cannot truncate " + size + " neighbours to " + newSize);
        }
        size = newSize;
    }

    /** Neighbours held. */
    public int size() {
        return size;
    }

    /** Slot of neighbour {@code i}. */
    public int slot(int i) {
        checkIndex(i);
        return slots[i];
    }

    /** Distance of neighbour {@code i}, in the unit the search reported. */
    public float distance(int i) {
        checkIndex(i);
        return distances[i];
    }

    /**
     * Sorts by ascending distance, then by id, in place without allocating. {@code O(n log n)}: a
     * heap sort, so large radius or box results cost no more than their size warrants; runs of at
     * most {@value #INSERTION_SORT_MAX} use insertion sort, which is faster there. Ids are unique,
     * so the order is total and stability does not matter.
     */
    public void sortByDistanceThenId(PointSet points) {
        if (size <= INSERTION_SORT_MAX) {
            insertionSort(points);
        } else {
            NearestHeap.sort(points, slots, distances, size);
        }
    }

    private void insertionSort(PointSet points) {
        for (int i = 1; i < size; i++) {
            int slot = slots[i];
            float distance = distances[i];
            int j = i - 1;
            while (j >= 0 && comesAfter(points, slots[j], distances[j], slot, distance)) {
                slots[j + 1] = slots[j];
                distances[j + 1] = distances[j];
                j--;
            }
            slots[j + 1] = slot;
            distances[j + 1] = distance;
        }
    }

    /**
     * True when (slotA, distanceA) ranks after (slotB, distanceB): farther, or as far with a larger
     * id.
     */
    public static boolean comesAfter(
            PointSet points, int slotA, float distanceA, int slotB, float distanceB) {
        return NearestHeap.comesAfter(points, slotA, distanceA, slotB, distanceB);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("neighbour " + i + " of " + size);
        }
    }
}
