package dev.quiver.knn;

import java.util.Arrays;

/**
 * Inserts and deletes of a {@link KdTreeIndex}, and the bookkeeping that keeps the tree within its
 * {@link RebuildCriteria} after each: an insert descends to a leaf and appends to its block; a
 * delete only marks its slot dead (a tombstone) and counts it on every ancestor. Then the highest
 * node on the touched path that breaks a criterion is rebuilt, which is what bounds the height and
 * the memory of the tree however long updates go on.
 */
final class KdTreeUpdater {

    private final KdTreeStore store;
    private final RebuildCriteria criteria;
    private final KdTreeRebuilder rebuilder;
    private final AxisBox box;
    private int[] path = new int[64];

    KdTreeUpdater(
            KdTreeStore store, RebuildCriteria criteria, KdTreeRebuilder rebuilder, AxisBox box) {
        this.store = store;
        this.criteria = criteria;
        this.rebuilder = rebuilder;
        this.box = box;
    }

    /**
     * Adds the (checked, normalised) {@code vector} under a new {@code id} at the end of a leaf.
     */
    void insert(String id, float[] vector) {
        // The tree satisfies every rebuild criterion before the insert, and adding a point only
        // lowers tombstone fractions, so the only criteria it can break are a leaf's overflow and
        // the balance test on the path; the latter is checked on the way down (the sibling's size
        // is the parent's minus the child's), which finds the same highest violating node as
        // fixPath would without walking the path again.
        int[] left = store.left;
        int[] right = store.right;
        int[] size = store.size;
        int highest = KdTreeStore.NO_NODE;
        int node = store.root;
        while (left[node] != KdTreeStore.NO_NODE) {
            int s = ++size[node];
            float x = vector[store.splitAxis[node]];
            float split = store.splitValue[node];
            int child;
            if (x < split) {
                child = left[node];
            } else if (x > split) {
                child = right[node];
            } else {
                // Either side is valid for a point on the cut; the smaller one keeps runs of
                // duplicates from unbalancing the tree.
                child = size[left[node]] <= size[right[node]] ? left[node] : right[node];
            }
            if (highest == KdTreeStore.NO_NODE) {
                int c = size[child] + 1;
                if (criteria.unbalanced(Math.max(c, s - c), s)) {
                    highest = node;
                }
            }
            node = child;
        }
        assert size[node] < store.blockCapacity : size[node];
        int slot = store.bucket[node] + size[node];
        System.arraycopy(vector, 0, store.coordinates, slot * store.dimension, store.dimension);
        store.live[slot] = true;
        store.liveCount++;
        store.handleOfSlot[slot] = store.handles.add(id, slot);
        size[node]++;
        if (highest == KdTreeStore.NO_NODE && size[node] > criteria.leafSize) {
            highest = node;
        }
        assert highest == KdTreeStore.NO_NODE || criteria.violated(store, highest) : highest;
        if (highest == KdTreeStore.NO_NODE) {
            rebuilder.compactIfSparse();
        } else if (highest == store.root) {
            rebuilder.rebuildRoot();
        } else if (highest == node && store.dead[node] == 0) {
            rebuilder.splitLeaf(node);
            rebuilder.compactIfSparse();
        } else {
            int above = store.parent[highest];
            boolean shrinks = store.dead[highest] > 0;
            rebuilder.rebuildSubtree(highest);
            if (shrinks) {
                fixPath(above);
            } else {
                rebuilder.compactIfSparse();
            }
        }
    }

    /** Marks the live point in {@code slot} dead (its id already unmapped) and rebalances. */
    void delete(int slot) {
        assert store.live[slot] : slot;
        store.live[slot] = false;
        store.liveCount--;
        int leaf = store.leafOf(slot);
        for (int node = leaf; node != KdTreeStore.NO_NODE; node = store.parent[node]) {
            store.dead[node]++;
        }
        fixPath(leaf);
    }

    /** Deletes every live point in the {@link AxisBox} set by the caller; returns how many. */
    int deleteInBox() {
        int deleted = markBox(store.root);
        if (deleted > 0) {
            fixBox(store.root);
            rebuilder.compactIfSparse();
        }
        return deleted;
    }

    /**
     * Restores the invariants on the path from {@code node} to the root: rebuilds the highest node
     * that breaks one, then looks again above it, because a rebuild drops tombstones and so shrinks
     * every ancestor, which can unbalance one of them.
     */
    private void fixPath(int node) {
        while (node != KdTreeStore.NO_NODE) {
            int length = 0;
            for (int n = node; n != KdTreeStore.NO_NODE; n = store.parent[n]) {
                if (length == path.length) {
                    path = Arrays.copyOf(path, length * 2);
                }
                path[length++] = n;
            }
            int highest = KdTreeStore.NO_NODE;
            for (int i = length - 1; i >= 0; i--) {
                if (criteria.violated(store, path[i])) {
                    highest = path[i];
                    break;
                }
            }
            if (highest == KdTreeStore.NO_NODE) {
                rebuilder.compactIfSparse();
                return;
            }
            if (highest == store.root) {
                rebuilder.rebuildRoot();
                return;
            }
            node = store.parent[highest];
            rebuilder.rebuildSubtree(highest);
        }
    }

    /** Marks every live point in the box dead, updating tombstone counts on the way back up. */
    private int markBox(int node) {
        int deleted = 0;
        if (store.isLeaf(node)) {
            for (int slot = store.bucket[node], end = slot + store.size[node]; slot < end; slot++) {
                if (store.live[slot]
                        && box.contains(
                                store.coordinates, slot * store.dimension, store.dimension)) {
                    store.live[slot] = false;
                    store.liveCount--;
                    store.handles.release(store.handleOfSlot[slot]);
                    deleted++;
                }
            }
        } else {
            int axis = store.splitAxis[node];
            float split = store.splitValue[node];
            if (box.reachesBelow(axis, split)) {
                deleted += markBox(store.left[node]);
            }
            if (box.reachesAbove(axis, split)) {
                deleted += markBox(store.right[node]);
            }
        }
        store.dead[node] += deleted;
        return deleted;
    }

    /**
     * After {@link #markBox}: rebuilds the highest violating nodes of the visited part, top down,
     * and checks each node again once its children are fixed, since their rebuilds shrink it.
     */
    private void fixBox(int node) {
        if (criteria.violated(store, node)) {
            rebuilder.rebuild(node);
            return;
        }
        if (store.isLeaf(node)) {
            return;
        }
        int axis = store.splitAxis[node];
        float split = store.splitValue[node];
        if (box.reachesBelow(axis, split)) {
            fixBox(store.left[node]);
        }
        if (box.reachesAbove(axis, split)) {
            fixBox(store.right[node]);
        }
        if (criteria.violated(store, node)) {
            rebuilder.rebuild(node);
        }
    }
}
