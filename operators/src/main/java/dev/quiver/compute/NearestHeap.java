package dev.quiver.compute;

/**
 * The {@code k} smallest (distance, slot) pairs of one query, as a max-heap on that order: the
 * top-k of {@link DistanceKernel#nearest}. Grows to the largest {@code k} seen and is reused.
 */
final class NearestHeap {

    private float[] distances = new float[16];
    private int[] slots = new int[16];
    private int capacity;
    private int size;

    /** Empties the heap for a query whose top {@code k} it will keep. */
    void start(int k) {
        if (distances.length < k) {
            distances = new float[k];
            slots = new int[k];
        }
        capacity = k;
        size = 0;
    }

    /** The distance a new pair must beat (ties by slot), {@code +inf} until the heap is full. */
    float bound() {
        return size < capacity ? Float.POSITIVE_INFINITY : distances[0];
    }

    /** Keeps (distance, slot) if it is among the k smallest so far. */
    void offer(float distance, int slot) {
        if (size < capacity) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(distance, slot, distances[parent], slots[parent])) {
                    break;
                }
                distances[i] = distances[parent];
                slots[i] = slots[parent];
                i = parent;
            }
            distances[i] = distance;
            slots[i] = slot;
        } else if (worse(distances[0], slots[0], distance, slot)) {
            siftDown(distance, slot, size);
        }
    }

    /**
     * Writes the pairs ascending by (distance, slot) to {@code at ... at + k - 1}, padding with
     * slot -1 and {@code +inf}; empties the heap.
     */
    void drainTo(float[] outDistances, int[] outSlots, int at) {
        for (int i = size; i < capacity; i++) {
            outDistances[at + i] = Float.POSITIVE_INFINITY;
            outSlots[at + i] = -1;
        }
        while (size > 0) {
            int last = --size;
            outDistances[at + last] = distances[0];
            outSlots[at + last] = slots[0];
            siftDown(distances[last], slots[last], last);
        }
    }

    private void siftDown(float distance, int slot, int length) {
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= length) {
                break;
            }
            if (child + 1 < length
                    && worse(
                            distances[child + 1],
                            slots[child + 1],
                            distances[child],
                            slots[child])) {
                child++;
            }
            if (!worse(distances[child], slots[child], distance, slot)) {
                break;
            }
            distances[i] = distances[child];
            slots[i] = slots[child];
            i = child;
        }
        distances[i] = distance;
        slots[i] = slot;
    }

    /** True when (d1, s1) comes after (d2, s2) in (distance, slot) order. */
    private static boolean worse(float d1, int s1, float d2, int s2) {
        return d1 > d2 || (d1 == d2 && s1 > s2);
    }
}
