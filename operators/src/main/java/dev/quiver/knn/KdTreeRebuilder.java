package dev.quiver.knn;

/**
 * Builds balanced kd-subtrees from live points: a whole new tree (the root), a subtree in place, or
 * one leaf split in two. Each internal node cuts at the median of its axis of widest spread ({@link
 * MedianCut}); each leaf copies its points into a fresh block and records their new slots in the id
 * map, so ids survive every move. Rebuilds drop tombstones and free the old blocks and nodes for
 * reuse; a root rebuild also lays all blocks out in tree order and trims every array.
 */
final class KdTreeRebuilder {

    /**
     * Rebuilds whose points fit in this many floats (256 KiB) reuse one staging buffer; larger
     * ones, rare and {@code O(n d)} anyway, allocate their own rather than keep a big buffer alive.
     */
    private static final int STAGE_KEEP_FLOATS = 1 << 16;

    /** Fewer blocks than this are never compacted: trimming them would save nothing. */
    private static final int COMPACT_MIN_BLOCKS = 64;

    private final KdTreeStore store;
    private final int leafSize;
    private final int dimension;
    private final MedianCut cut;

    // A rebuild copies its live points out (stage), then builds into fresh blocks from the copy.
    private float[] stageCoordinates = new float[0];
    private int[] stageHandles = new int[0];

    /** The handles of the rows being built, parallel to {@link MedianCut#points}. */
    private int[] buildHandles;

    KdTreeRebuilder(KdTreeStore store, int leafSize) {
        this.store = store;
        this.leafSize = leafSize;
        this.dimension = store.dimension;
        this.cut = new MedianCut(dimension);
    }

    /** Makes the store's fresh root an empty leaf. */
    void buildEmpty() {
        buildSubtree(store.root, 0, 0);
    }

    /** Rebuilds {@code node}, in place if it is not the root. */
    void rebuild(int node) {
        if (node == store.root) {
            rebuildRoot();
        } else {
            rebuildSubtree(node);
        }
    }

    /** Rebuilds the root when more than half the blocks ever allocated lie free. */
    void compactIfSparse() {
        if (store.blockCount > COMPACT_MIN_BLOCKS && 2 * store.freeBlockCount > store.blockCount) {
            rebuildRoot();
        }
    }

    /**
     * Rebuilds a non-root subtree in place (same node index, so its parent needs no update) from
     * its live points, which move to fresh blocks; frees its old blocks and nodes, and takes the
     * tombstones off every ancestor's counts.
     */
    void rebuildSubtree(int node) {
        int removed = store.dead[node];
        int n = store.size[node] - removed;
        cut.ensureRows(n);
        int keepRows = Math.max(1, STAGE_KEEP_FLOATS / dimension);
        if (n <= keepRows) {
            if (stageHandles.length < n) {
                int rows = Math.min(keepRows, Math.max(n, 2 * stageHandles.length));
                stageCoordinates = new float[rows * dimension];
                stageHandles = new int[rows];
            }
            cut.points = stageCoordinates;
            buildHandles = stageHandles;
        } else {
            cut.points = new float[Math.multiplyExact(n, dimension)];
            buildHandles = new int[n];
        }
        int staged = stageAndFree(node, node, 0);
        assert staged == n : staged + " != " + n;
        for (int i = 0; i < n; i++) {
            cut.rows[i] = i;
        }
        buildSubtree(node, 0, n);
        endBuild();
        if (removed > 0) {
            for (int p = store.parent[node]; p != KdTreeStore.NO_NODE; p = store.parent[p]) {
                store.size[p] -= removed;
                store.dead[p] -= removed;
            }
        }
    }

    /**
     * Rebuilds the whole tree into new arrays sized to the live points: buckets in tree order, so
     * neighbouring leaves are neighbours in memory, and no free blocks or nodes left over.
     */
    void rebuildRoot() {
        int n = store.liveCount;
        cut.ensureRows(n);
        int rows = 0;
        int slots = store.slotCount();
        for (int slot = 0; slot < slots; slot++) {
            if (store.live[slot]) {
                cut.rows[rows++] = slot;
            }
        }
        assert rows == n : rows + " != " + n;
        // Room for a quarter more leaves before the arrays grow: enough to absorb churn, little
        // enough that a shrinking index gives memory back.
        int leaves = leavesOfBuild(n);
        int blocks = Math.max(KdTreeStore.INITIAL_BLOCKS, leaves + (leaves >> 2));
        int nodes = Math.max(KdTreeStore.MIN_CAPACITY, 2 * blocks);
        // The old arrays are the build's source; allocateEmpty leaves them alone.
        cut.points = store.coordinates;
        buildHandles = store.handleOfSlot;
        store.allocateEmpty(blocks, nodes);
        buildSubtree(store.root, 0, n);
        endBuild();
        cut.trimRows(n);
    }

    /**
     * Splits a full leaf without tombstones at the median of its widest axis, moving as few points
     * as it can: the lower half keeps the leaf's block (only its points that sat in the upper half
     * move, into the slots the upper half left), the upper half moves to a new block. Leaf splits
     * are most of the rebuild work of a growing index, and every moved point costs a random write
     * to its handle's slot.
     */
    void splitLeaf(int node) {
        int n = store.size[node];
        int first = store.bucket[node];
        cut.ensureRows(n);
        int[] rows = cut.rows;
        for (int i = 0; i < n; i++) {
            rows[i] = first + i;
        }
        cut.points = store.coordinates;
        int axis = cut.widestAxis(0, n);
        int mid = n / 2;
        cut.select(0, n - 1, mid, axis);
        float split = cut.key(mid, axis);
        cut.points = null;
        int l = store.allocateNode();
        int r = store.allocateNode();
        int upperFirst = store.allocateBlock(r);
        for (int i = mid; i < n; i++) {
            store.moveLivePoint(rows[i], upperFirst + i - mid);
        }
        // The upper half's old slots below first + mid are now holes, as many as the lower half
        // has points at or above first + mid: pair them up.
        int hole = first;
        for (int i = 0; i < mid; i++) {
            int slot = rows[i];
            if (slot >= first + mid) {
                while (store.live[hole]) {
                    hole++;
                }
                store.moveLivePoint(slot, hole);
            }
        }
        store.leafOfBlock[first / store.blockCapacity] = l;
        store.makeLeaf(l, node, first, mid);
        store.makeLeaf(r, node, upperFirst, n - mid);
        store.makeCut(node, axis, split, l, r);
    }

    /** Leaves of a fresh build over {@code n} points: median halving until a leaf fits. */
    private int leavesOfBuild(int n) {
        return n <= leafSize ? 1 : leavesOfBuild(n / 2) + leavesOfBuild(n - n / 2);
    }

    /**
     * Copies the live points under {@code node} to the build arrays from row {@code n} on, frees
     * their blocks and every node below {@code top}; returns the rows filled.
     */
    private int stageAndFree(int node, int top, int n) {
        if (store.isLeaf(node)) {
            int first = store.bucket[node];
            for (int slot = first, end = first + store.size[node]; slot < end; slot++) {
                if (store.live[slot]) {
                    System.arraycopy(
                            store.coordinates,
                            slot * dimension,
                            cut.points,
                            n * dimension,
                            dimension);
                    buildHandles[n++] = store.handleOfSlot[slot];
                }
            }
            store.freeBlock(first, store.size[node]);
        } else {
            n = stageAndFree(store.left[node], top, n);
            n = stageAndFree(store.right[node], top, n);
        }
        if (node != top) {
            store.freeNode(node);
        }
        return n;
    }

    /**
     * Builds a balanced subtree at {@code node} over the rows {@code cut.rows[from, to)}: a leaf if
     * they fit, otherwise a median cut on the axis of widest spread.
     */
    private void buildSubtree(int node, int from, int to) {
        int n = to - from;
        store.size[node] = n;
        store.dead[node] = 0;
        if (n <= leafSize) {
            store.left[node] = KdTreeStore.NO_NODE;
            store.right[node] = KdTreeStore.NO_NODE;
            int first = store.allocateBlock(node);
            store.bucket[node] = first;
            for (int j = 0; j < n; j++) {
                int row = cut.rows[from + j];
                store.place(first + j, cut.points, row, buildHandles[row]);
            }
            return;
        }
        int axis = cut.widestAxis(from, to);
        int mid = from + n / 2;
        cut.select(from, to - 1, mid, axis);
        float split = cut.key(mid, axis);
        int l = store.allocateNode();
        int r = store.allocateNode();
        store.makeCut(node, axis, split, l, r);
        buildSubtree(l, from, mid);
        buildSubtree(r, mid, to);
    }

    /** Lets go of the build's source arrays, so a large staged copy can be collected. */
    private void endBuild() {
        cut.points = null;
        buildHandles = null;
    }
}
