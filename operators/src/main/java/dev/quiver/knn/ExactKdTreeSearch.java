package dev.quiver.knn;

import dev.quiver.compute.NearestHeap;
import java.util.Arrays;

/**
 * The exact queries of a {@link KdTreeIndex}: kNN, radius and box, by depth-first descent, near
 * child first.
 *
 * <p>kNN and radius are one walk: every cell is visited whose lower bound is within {@link #reach},
 * a radius search's fixed radius, or a kNN's worst kept distance once its heap is full (infinite
 * before). The cell bound is the Arya-Mount incremental one, used only to accept a far child
 * cheaply: a far child is skipped only after {@link #orderedBound} confirms it, because the
 * incremental update rounds differently from a point's distance. So pruning is exact in float
 * arithmetic and no point that would rank, ties included, is ever skipped.
 */
final class ExactKdTreeSearch extends KdTreeSearch {

    private final AxisBox box;

    /** Visit cells whose bound is at most this. */
    private float reach;

    /** Where a radius search puts its points; null during a kNN, which keeps them in the heap. */
    private NeighborBuffer radiusOut;

    ExactKdTreeSearch(KdTreeStore store, PointSet points, float[] query, AxisBox box) {
        super(store, points, query);
        this.box = box;
    }

    /** The {@code min(k, live points)} nearest to the query, into {@code out}, nearest first. */
    void knn(int k, NeighborBuffer out) {
        out.clear();
        if (store.liveCount == 0) {
            return;
        }
        startKnn(k);
        reach = Float.POSITIVE_INFINITY;
        walk();
        out.drain(heap);
    }

    /** Every live point within {@code sqRadius} of the query, into {@code out}, unordered. */
    void radius(float sqRadius, NeighborBuffer out) {
        out.clear();
        if (store.liveCount == 0) {
            return;
        }
        Arrays.fill(offsets, 0f);
        reach = sqRadius;
        radiusOut = out;
        try {
            walk();
        } finally {
            // A kNN after a failed radius search must not put its points in this buffer.
            radiusOut = null;
        }
    }

    /** Every live point in the {@link AxisBox} the caller set, with distance 0, unordered. */
    void box(NeighborBuffer out) {
        out.clear();
        bind();
        boxNode(store.root, out);
        unbind();
    }

    private void walk() {
        bind();
        descend(store.root, 0f);
        unbind();
    }

    private void descend(int node, float cellBound) {
        if (left[node] == KdTreeStore.NO_NODE) {
            scanLeaf(node);
            return;
        }
        int axis = splitAxis[node];
        float diff = query[axis] - splitValue[node];
        descend(diff <= 0f ? left[node] : right[node], cellBound);
        float cut = diff * diff;
        float old = offsets[axis];
        float farBound = cellBound - old + cut;
        if (farBound <= reach || orderedBound(axis, cut) <= reach) {
            offsets[axis] = cut;
            descend(diff <= 0f ? right[node] : left[node], farBound);
            offsets[axis] = old;
        }
    }

    /**
     * Keeps the leaf's points within reach. The two loops are written out so that the kNN scan,
     * the hot one, tests neither the search kind nor a buffer per point; a kNN's reach shrinks to
     * its worst kept distance once the heap is full.
     */
    private void scanLeaf(int node) {
        int end = bucket[node] + size[node];
        if (radiusOut != null) {
            for (int slot = bucket[node]; slot < end; slot++) {
                if (live[slot]) {
                    float d = sqDistance(slot);
                    if (d <= reach) {
                        radiusOut.add(slot, d);
                    }
                }
            }
            return;
        }
        NearestHeap kept = heap;
        for (int slot = bucket[node]; slot < end; slot++) {
            if (live[slot]) {
                float d = sqDistance(slot);
                if (d <= reach && kept.offer(slot, d)) {
                    reach = kept.worstDistance();
                }
            }
        }
    }

    private void boxNode(int node, NeighborBuffer out) {
        if (left[node] == KdTreeStore.NO_NODE) {
            for (int slot = bucket[node], end = slot + size[node]; slot < end; slot++) {
                if (live[slot] && box.contains(coordinates, slot * dimension, dimension)) {
                    out.add(slot, 0f);
                }
            }
            return;
        }
        int axis = splitAxis[node];
        float split = splitValue[node];
        if (box.reachesBelow(axis, split)) {
            boxNode(left[node], out);
        }
        if (box.reachesAbove(axis, split)) {
            boxNode(right[node], out);
        }
    }
}
