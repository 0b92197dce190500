package dev.quiver.knn;

import java.util.Arrays;

/**
 * The branches best-bin-first search has not taken yet, closest cell first: entries (a subtree, the
 * squared distance from the query to its cell, and the cut that led to it) and a binary min-heap of
 * entry ids. An entry links to the entry whose descent queued it, so a cell's per-axis offsets are
 * rebuilt from its chain of cuts instead of being stored per entry. An entry's ints and floats sit
 * next to each other in two arrays, which keeps the queue to three arrays that grow to the largest
 * search and are then reused, so a warm search allocates nothing.
 */
final class BranchQueue {

    /** Per entry: its subtree, the axis of its cut (-1 for none) and its parent entry (-1). */
    private static final int INTS = 3;

    /** Per entry: the squared distance to its cell and the squared gap of its cut. */
    private static final int FLOATS = 2;

    private int[] entryInts = new int[64 * INTS];
    private float[] entryFloats = new float[64 * FLOATS];
    private int entryCount;
    private int[] queue = new int[64];
    private int queueSize;

    void clear() {
        entryCount = 0;
        queueSize = 0;
    }

    boolean isEmpty() {
        return queueSize == 0;
    }

    /** The subtree of an entry. */
    int node(int entry) {
        return entryInts[entry * INTS];
    }

    /** The squared distance from the query to an entry's cell. */
    float bound(int entry) {
        return entryFloats[entry * FLOATS];
    }

    /**
     * Queues {@code node}, whose cell lies {@code bound} from the query, reached from the cell of
     * {@code parentEntry} (-1 for the root) by a cut on {@code axis} (-1 for none) whose squared
     * gap is {@code cut}.
     */
    void add(int node, float bound, int axis, float cut, int parentEntry) {
        if (entryCount == queue.length) {
            int capacity = entryCount * 2;
            entryInts = Arrays.copyOf(entryInts, capacity * INTS);
            entryFloats = Arrays.copyOf(entryFloats, capacity * FLOATS);
            queue = Arrays.copyOf(queue, capacity);
        }
        int e = entryCount++;
        entryInts[e * INTS] = node;
        entryInts[e * INTS + 1] = axis;
        entryInts[e * INTS + 2] = parentEntry;
        entryFloats[e * FLOATS] = bound;
        entryFloats[e * FLOATS + 1] = cut;
        int i = queueSize++;
        while (i > 0) {
            int up = (i - 1) >>> 1;
            if (!before(e, queue[up])) {
                break;
            }
            queue[i] = queue[up];
            i = up;
        }
        queue[i] = e;
    }

    /** Takes the closest entry off the queue; only when not empty. */
    int poll() {
        int top = queue[0];
        int last = queue[--queueSize];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= queueSize) {
                break;
            }
            if (child + 1 < queueSize && before(queue[child + 1], queue[child])) {
                child++;
            }
            if (!before(queue[child], last)) {
                break;
            }
            queue[i] = queue[child];
            i = child;
        }
        queue[i] = last;
        return top;
    }

    /**
     * Sets {@code offsets} to the cell of {@code entry}: the cuts on its chain of branches, the
     * deepest per axis, which is also the largest since offsets only grow going down.
     */
    void offsetsOf(int entry, float[] offsets) {
        Arrays.fill(offsets, 0f);
        for (int e = entry; e >= 0; e = entryInts[e * INTS + 2]) {
            int axis = entryInts[e * INTS + 1];
            float cut = entryFloats[e * FLOATS + 1];
            if (axis >= 0 && cut > offsets[axis]) {
                offsets[axis] = cut;
            }
        }
    }

    /** Closer bound first; equal bounds in the order queued, so the search is deterministic. */
    private boolean before(int a, int b) {
        float boundA = entryFloats[a * FLOATS];
        float boundB = entryFloats[b * FLOATS];
        return boundA < boundB || (boundA == boundB && a < b);
    }
}
