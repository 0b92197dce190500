package dev.quiver.knn;

import java.util.Arrays;

/**
 * The memory of a {@link KdTreeIndex}: points by slot, nodes as parallel arrays, and the blocks of
 * slots that leaves own, with their free lists. It knows how to allocate and free nodes and blocks
 * and how to move a point between slots; what the tree means (where points go, when to rebuild) is
 * left to {@link KdTreeRebuilder} and {@link KdTreeUpdater}.
 *
 * <p>The fields are package-private and mutable on purpose: the builder, the updater and the
 * searches work on them a node or a slot at a time in their innermost loops, where an accessor per
 * array read would only add noise. Every array may be replaced when it grows or when the root is
 * rebuilt, so a reader must not keep an array across a mutation.
 *
 * <p>A slot {@code s} sits in block {@code s / blockCapacity}; a leaf's points are the slots {@code
 * [bucket, bucket + size)} of its block. Blocks hold {@code leafSize + 1} slots: one spare for the
 * insert that overflows its leaf, which then splits.
 */
final class KdTreeStore {

    static final int NO_NODE = -1;
    static final int MIN_CAPACITY = 16;
    static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private static final int[] NO_INTS = {};
    private static final float[] NO_FLOATS = {};
    private static final boolean[] NO_BOOLEANS = {};

    /** Blocks of a new index: an empty index of large vectors should stay small. */
    static final int INITIAL_BLOCKS = 2;

    final int dimension;
    final int blockCapacity;

    // ---- points, by slot ----
    float[] coordinates;
    boolean[] live;
    int liveCount;

    /**
     * The handle (see {@link IdHandles}) of the point in each slot; meaningful for live slots only.
     */
    int[] handleOfSlot;

    /** Ids to handles to slots; a rebuild moves a point by updating its handle's slot. */
    final IdHandles handles = new IdHandles();

    // ---- nodes; a leaf has left == NO_NODE ----
    int[] left;
    int[] right;
    int[] parent;
    int[] splitAxis;
    float[] splitValue;

    /** Points in the subtree, tombstones included. */
    int[] size;

    /** Tombstones in the subtree. */
    int[] dead;

    /** First slot of a leaf's block. */
    int[] bucket;

    int nodeCount;
    int[] freeNodes;
    int freeNodeCount;
    int root;

    // ---- blocks ----
    int[] leafOfBlock;
    int blockCount;
    int[] freeBlocks;
    int freeBlockCount;

    /** An empty store with a root node allocated but not yet made a leaf. */
    KdTreeStore(int dimension, int leafSize) {
        this.dimension = dimension;
        this.blockCapacity = leafSize + 1;
        allocateEmpty(INITIAL_BLOCKS, MIN_CAPACITY);
    }

    /** Every block allocated since the last compaction, times its slots. */
    int slotCount() {
        return blockCount * blockCapacity;
    }

    boolean isLeaf(int node) {
        return left[node] == NO_NODE;
    }

    /** The leaf whose block holds {@code slot}. */
    int leafOf(int slot) {
        return leafOfBlock[slot / blockCapacity];
    }

    /** The id of the point in a slot, or null when the slot is dead. */
    String id(int slot) {
        // Ids live only in the id map, so rebuilds that move points copy no references.
        return live[slot] ? handles.id(handleOfSlot[slot]) : null;
    }

    /** Nodes in use. */
    int usedNodes() {
        return nodeCount - freeNodeCount;
    }

    /** Edges on the longest path from {@code node} down to a leaf. */
    int height(int node) {
        return isLeaf(node) ? 0 : 1 + Math.max(height(left[node]), height(right[node]));
    }

    /**
     * Replaces every array with empty ones for {@code blocks} blocks and {@code nodes} nodes, and
     * allocates the root node for the caller to build. The old arrays are left to the caller (a
     * root rebuild reads its points from them). Fresh arrays are grown from shared empty ones, so
     * allocating and growing are one code path.
     */
    void allocateEmpty(int blocks, int nodes) {
        // Fails before anything is replaced, so an index too large to rebuild stays as it was.
        checkedSlotArrayLength(Math.multiplyExact(blocks, blockCapacity));
        coordinates = NO_FLOATS;
        live = NO_BOOLEANS;
        handleOfSlot = leafOfBlock = freeBlocks = NO_INTS;
        growBlocks(blocks);
        blockCount = 0;
        freeBlockCount = 0;
        left = right = parent = splitAxis = size = dead = bucket = freeNodes = NO_INTS;
        splitValue = NO_FLOATS;
        growNodes(nodes);
        nodeCount = 0;
        freeNodeCount = 0;
        root = allocateNode();
        parent[root] = NO_NODE;
    }

    /** A node, the one freed last if any. */
    int allocateNode() {
        if (freeNodeCount > 0) {
            return freeNodes[--freeNodeCount];
        }
        if (nodeCount == left.length) {
            growNodes(grown(left.length));
        }
        return nodeCount++;
    }

    void freeNode(int node) {
        freeNodes[freeNodeCount++] = node;
    }

    /** A block for {@code leaf}; returns its first slot. The block freed last is reused first. */
    int allocateBlock(int leaf) {
        int block;
        if (freeBlockCount > 0) {
            block = freeBlocks[--freeBlockCount];
        } else {
            if (blockCount == leafOfBlock.length) {
                growBlocks(leafOfBlock.length + Math.max(INITIAL_BLOCKS, leafOfBlock.length >> 1));
            }
            block = blockCount++;
        }
        leafOfBlock[block] = leaf;
        return block * blockCapacity;
    }

    /** Frees the block starting at {@code first}, whose first {@code used} slots held points. */
    void freeBlock(int first, int used) {
        Arrays.fill(live, first, first + used, false);
        freeBlocks[freeBlockCount++] = first / blockCapacity;
    }

    /**
     * Makes {@code leaf} a leaf below {@code above} over {@code points} slots from {@code first}.
     */
    void makeLeaf(int leaf, int above, int first, int points) {
        left[leaf] = NO_NODE;
        right[leaf] = NO_NODE;
        parent[leaf] = above;
        bucket[leaf] = first;
        size[leaf] = points;
        dead[leaf] = 0;
    }

    /** Makes {@code node} an internal node cutting {@code axis} at {@code split}. */
    void makeCut(int node, int axis, float split, int lower, int upper) {
        left[node] = lower;
        right[node] = upper;
        parent[lower] = node;
        parent[upper] = node;
        splitAxis[node] = axis;
        splitValue[node] = split;
        bucket[node] = NO_NODE;
    }

    /**
     * Puts a live point into {@code slot}: {@code source[row * dimension, ...)} under {@code
     * handle}, whose slot the id map then records.
     */
    void place(int slot, float[] source, int row, int handle) {
        System.arraycopy(source, row * dimension, coordinates, slot * dimension, dimension);
        handleOfSlot[slot] = handle;
        handles.setSlot(handle, slot);
        live[slot] = true;
    }

    /** Moves a live point to a free slot, leaving {@code from} dead. */
    void moveLivePoint(int from, int to) {
        place(to, coordinates, from, handleOfSlot[from]);
        live[from] = false;
    }

    private void growNodes(int capacity) {
        left = Arrays.copyOf(left, capacity);
        right = Arrays.copyOf(right, capacity);
        parent = Arrays.copyOf(parent, capacity);
        splitAxis = Arrays.copyOf(splitAxis, capacity);
        splitValue = Arrays.copyOf(splitValue, capacity);
        size = Arrays.copyOf(size, capacity);
        dead = Arrays.copyOf(dead, capacity);
        bucket = Arrays.copyOf(bucket, capacity);
        freeNodes = Arrays.copyOf(freeNodes, capacity);
    }

    private void growBlocks(int capacity) {
        int slots = Math.multiplyExact(capacity, blockCapacity);
        coordinates = Arrays.copyOf(coordinates, checkedSlotArrayLength(slots));
        handleOfSlot = Arrays.copyOf(handleOfSlot, slots);
        live = Arrays.copyOf(live, slots);
        leafOfBlock = Arrays.copyOf(leafOfBlock, capacity);
        freeBlocks = Arrays.copyOf(freeBlocks, capacity);
    }

    private int checkedSlotArrayLength(int capacity) {
        long length = (long) capacity * dimension;
        if (length > MAX_ARRAY_LENGTH) {
            throw new IllegalStateException(
                    "index full: " + capacity + " slots of dimension " + dimension);
        }
        return (int) length;
    }

    /** Half as large again, at least {@link #MIN_CAPACITY}, at most an array's limit. */
    static int grown(int capacity) {
        return (int) Math.min(MAX_ARRAY_LENGTH, Math.max(MIN_CAPACITY, capacity + (capacity >> 1)));
    }
}
