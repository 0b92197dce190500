package dev.quiver.knn;

import dev.quiver.compute.NearestHeap;

/**
 * Approximate kNN of a {@link KdTreeIndex} by best-bin-first search (Beis and Lowe 1997): descend
 * to the query's leaf, queueing every branch not taken with the squared distance from the query to
 * its cell, then keep taking the closest queued branch until {@code maxChecks} live points have
 * been examined or no queued branch can hold a better point. Candidates are ranked in the same
 * {@link NearestHeap} as the exact search, so with a budget of every point the answer is exact.
 */
final class BestBinFirstSearch extends KdTreeSearch {

    private final BranchQueue branches = new BranchQueue();

    BestBinFirstSearch(KdTreeStore store, PointSet points, float[] query) {
        super(store, points, query);
    }

    /** The best of the first {@code maxChecks} live points examined, into {@code out}. */
    void knn(int k, int maxChecks, NeighborBuffer out) {
        out.clear();
        if (store.liveCount == 0) {
            return;
        }
        startKnn(k);
        bind();
        branches.clear();
        branches.add(store.root, 0f, -1, 0f, -1);
        int checks = 0;
        search:
        while (!branches.isEmpty()) {
            int entry = branches.poll();
            if (!heap.admits(branches.bound(entry))) {
                break; // the queue is ordered, so no other branch can do better
            }
            branches.offsetsOf(entry, offsets);
            int node = branches.node(entry);
            while (left[node] != KdTreeStore.NO_NODE) {
                int axis = splitAxis[node];
                float diff = query[axis] - splitValue[node];
                float cut = diff * diff;
                float bound = orderedBound(axis, cut);
                if (heap.admits(bound)) {
                    // Near moves keep the cell's offsets, so the branch's chain continues at entry.
                    branches.add(diff <= 0f ? right[node] : left[node], bound, axis, cut, entry);
                }
                node = diff <= 0f ? left[node] : right[node];
            }
            for (int slot = bucket[node], end = slot + size[node]; slot < end; slot++) {
                if (live[slot]) {
                    heap.offer(slot, sqDistance(slot));
                    if (++checks >= maxChecks) {
                        break search;
                    }
                }
            }
        }
        unbind();
        out.drain(heap);
    }
}
