package dev.quiver.knn;

import java.util.Arrays;

/**
 * Checks every structural invariant of a {@link KdTreeStore} and throws {@link
 * IllegalStateException} naming the first broken one: counts, parent links, split containment, the
 * rebuild criteria at every node, the id map, and the block free list. {@code O(n d)}; for tests,
 * which run it after random updates to catch a broken rebuild where it happens rather than as a
 * wrong answer later.
 */
record KdTreeInvariants(KdTreeStore store, RebuildCriteria criteria) {

    void check() {
        int dimension = store.dimension;
        float[] lo = new float[dimension];
        float[] hi = new float[dimension];
        Arrays.fill(lo, Float.NEGATIVE_INFINITY);
        Arrays.fill(hi, Float.POSITIVE_INFINITY);
        check(store.parent[store.root] == KdTreeStore.NO_NODE, "root has a parent");
        boolean[] blockSeen = new boolean[store.blockCount];
        int[] counts = checkNode(store.root, lo, hi, blockSeen);
        check(
                counts[1] == store.liveCount,
                "live count " + store.liveCount + " but tree holds " + counts[1]);
        store.handles.checkInvariants(store.live, store.handleOfSlot, store.slotCount());
        check(store.handles.size() == store.liveCount, "id map holds " + store.handles.size());
        int blockCapacity = store.blockCapacity;
        for (int i = 0; i < store.freeBlockCount; i++) {
            int block = store.freeBlocks[i];
            check(!blockSeen[block], "free block " + block + " is in use");
            blockSeen[block] = true;
            for (int slot = block * blockCapacity; slot < (block + 1) * blockCapacity; slot++) {
                check(!store.live[slot], "free block " + block + " holds a point");
            }
        }
        for (int block = 0; block < store.blockCount; block++) {
            check(blockSeen[block], "block " + block + " is neither in the tree nor free");
        }
        check(store.usedNodes() == countNodes(store.root), "nodes leak");
    }

    private int countNodes(int node) {
        return store.isLeaf(node)
                ? 1
                : 1 + countNodes(store.left[node]) + countNodes(store.right[node]);
    }

    /** Returns {points, live points}; checks containment against the cell [lo, hi]. */
    private int[] checkNode(int node, float[] lo, float[] hi, boolean[] blockSeen) {
        check(!criteria.violated(store, node), "node " + node + " breaks a rebuild criterion");
        if (store.isLeaf(node)) {
            return checkLeaf(node, lo, hi, blockSeen);
        }
        int[] left = store.left;
        int[] right = store.right;
        int axis = store.splitAxis[node];
        float split = store.splitValue[node];
        check(
                store.parent[left[node]] == node && store.parent[right[node]] == node,
                "parent links");
        float savedHi = hi[axis];
        hi[axis] = split;
        int[] l = checkNode(left[node], lo, hi, blockSeen);
        hi[axis] = savedHi;
        float savedLo = lo[axis];
        lo[axis] = split;
        int[] r = checkNode(right[node], lo, hi, blockSeen);
        lo[axis] = savedLo;
        int[] size = store.size;
        int[] dead = store.dead;
        check(size[node] == l[0] + r[0], "node " + node + " size");
        check(dead[node] == dead[left[node]] + dead[right[node]], "node " + node + " dead");
        return new int[] {l[0] + r[0], l[1] + r[1]};
    }

    private int[] checkLeaf(int node, float[] lo, float[] hi, boolean[] blockSeen) {
        int first = store.bucket[node];
        int blockCapacity = store.blockCapacity;
        int block = first / blockCapacity;
        check(first % blockCapacity == 0 && !blockSeen[block], "leaf " + node + " block");
        blockSeen[block] = true;
        check(store.leafOfBlock[block] == node, "block " + block + " has a stale leaf");
        int size = store.size[node];
        int liveHere = 0;
        for (int slot = first; slot < first + blockCapacity; slot++) {
            boolean live = store.live[slot];
            if (slot >= first + size) {
                check(!live, "slot " + slot + " past its leaf");
                continue;
            }
            check(!live || store.id(slot) != null, "slot " + slot + " lost its id");
            for (int a = 0; a < store.dimension; a++) {
                float x = store.coordinates[slot * store.dimension + a];
                check(lo[a] <= x && x <= hi[a], "slot " + slot + " outside its cell");
            }
            if (live) {
                liveHere++;
            }
        }
        check(size - liveHere == store.dead[node], "leaf " + node + " tombstone count");
        return new int[] {size, liveHere};
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
