package dev.quiver.knn;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * An incremental kd-tree over identified float vectors: exact kNN, radius, box and matching
 * queries, and best-bin-first approximate kNN, under inserts, upserts and deletes that keep the
 * tree balanced by partial rebuilds.
 *
 * <p><b>Structure.</b> Internal nodes cut one axis at a median (Friedman, Bentley and Finkel 1977:
 * the axis of widest spread); each leaf owns a bucket, a block of {@code leafSize + 1} consecutive
 * slots in one flat slot-major {@code float[]}, so scanning a leaf reads adjacent memory. Nodes are
 * parallel primitive arrays, so queries touch no per-point or per-node objects. Inserts descend to
 * a leaf and split it when it overflows; deletes only mark the slot dead (a tombstone). After every
 * update the highest node on the touched path that breaks either criterion of the ikd-Tree (Cai, Xu
 * and Zhang 2021) is rebuilt from its live points: <i>alpha-balance</i> (a child holds more than
 * {@code alpha} of its parent's points, counting tombstones, as in the scapegoat trees of Galperin
 * and Rivest) and <i>deleted fraction</i> (more than {@code maxDeletedFraction} of a subtree's
 * points are tombstones). A rebuild moves the surviving points into fresh buckets and frees the old
 * ones for reuse; rebuilding the root also lays all buckets out in tree order and trims every
 * array.
 *
 * <p><b>Height.</b> Every internal node holds more than {@code leafSize} points and each child at
 * most {@code a = max(alpha, (leafSize + 2) / (2 leafSize + 2))} of them, and tombstones are at
 * most {@code maxDeletedFraction} of all points, so with {@code n} live points {@code height() <=
 * ceil(log_{1/a}(n / ((1 - maxDeletedFraction) * leafSize)))}. Updates cost amortised {@code
 * O(log^2 n)} node visits plus the rebuilt points; queries visit {@code O(log n)} nodes for
 * well-spread data in low dimension (and degrade, as every kd-tree does, towards a scan as the
 * dimension grows).
 *
 * <p><b>Memory.</b> Every leaf but a lone root holds at least {@code (1 - a) (leafSize + 1)}
 * points, one block each; and the root is rebuilt when more than half the blocks ever allocated are
 * free. So however long inserts and deletes go on, {@code slotCount() <= 2 * size() / ((1 - a) * (1
 * - maxDeletedFraction)) + O(leafSize)}, and node and slot arrays stay within a constant factor of
 * it; in practice a steady stream of inserts and deletes holds about 2 slots per live point.
 *
 * <p><b>Distances and ties.</b> Every metric is searched as the squared Euclidean distance {@code
 * sum_i (q[i] - x[i])^2}, evaluated in {@code float}, component by component in ascending order
 * (cosine on vectors scaled to unit length at insert and query time). Results are ordered by that
 * value, then by id ({@link NeighborBuffer#comesAfter}); distances in a {@link NeighborBuffer} are
 * in this internal unit, and {@link KnnMetric#fromSquaredL2(float)} converts them. Pruning is exact
 * in float arithmetic: a subtree is skipped only when the float sum of its per-axis lower bounds,
 * added in the same order, exceeds the current worst distance, and float addition and squaring are
 * monotone, so no point that would rank in the result, ties included, is ever skipped. Many
 * identical points are therefore handled correctly, though a kNN query among thousands of
 * equidistant points must look at all of them to choose the smallest ids.
 *
 * <p><b>Slots.</b> A slot identifies a point in the {@link PointSet} view only until the next
 * mutation: rebuilds move points to other slots. Keep ids, not slots, across updates. Unused bucket
 * positions and tombstones are dead slots, so {@link #slotCount()} exceeds {@link #size()}.
 *
 * <p><b>Threads and allocation.</b> Not thread-safe, queries included (they share scratch space
 * held by the index): use one index per operator subtask. Once warm (scratch grown to the largest
 * {@code k}, result and tree seen), queries allocate nothing. Updates allocate only to grow arrays
 * (the id map included: it maps ids to stable int handles in a primitive open-addressing table, so
 * a rebuild that moves points rewrites their slots without hashing or boxing), and for a rebuild of
 * the root or of a subtree whose points take more than 256 KiB, which copies into new arrays.
 *
 * <pre>{@code
 * KdTreeIndex index = KdTreeIndex.builder(2).metric(KnnMetric.L2).build();
 * index.upsert("a", new float[] {0f, 0f}, 0);
 * index.upsert("b", new float[] {3f, 4f}, 0);
 * index.upsert("c", new float[] {1f, 1f}, 0);
 *
 * NeighborBuffer out = new NeighborBuffer(4);
 * index.knn(new float[] {0f, 1f}, 0, 2, out);
 * index.id(out.slot(0));                          // "a": "a" and "c" are both 1 away, "a" < "c"
 * index.metric().fromSquaredL2(out.distance(1));  // 1.0, the Euclidean distance to "c"
 *
 * index.delete("a");
 * int slot = index.match(new float[] {3f, 3.5f}, 0, 0.8f, out); // "b" is clearly nearest
 * index.id(slot);                                  // "b"
 * }</pre>
 */
public final class KdTreeIndex implements PointSet {

    /** Default points per leaf bucket; see {@link Builder#leafSize(int)} for how it was chosen. */
    public static final int DEFAULT_LEAF_SIZE = 32;

    /** Default scapegoat balance {@code alpha}. */
    public static final double DEFAULT_ALPHA = 0.7;

    /** Default tombstone fraction above which a subtree is rebuilt. */
    public static final double DEFAULT_MAX_DELETED_FRACTION = 0.5;

    /** Largest accepted dimension; keeps per-query scratch and slot arithmetic small. */
    public static final int MAX_DIMENSION = 1 << 16;

    /** Largest accepted leaf size; larger buckets only turn the tree into a scan. */
    public static final int MAX_LEAF_SIZE = 1 << 12;

    static final int NO_NODE = -1;
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /** Points whose spread is measured when choosing a split axis; see {@link #widestAxis}. */
    private static final int SPREAD_SAMPLE = 128;

    /**
     * Rebuilds whose points fit in this many floats (256 KiB) reuse one staging buffer; larger
     * ones, rare and {@code O(n d)} anyway, allocate their own rather than keep a big buffer alive.
     */
    private static final int STAGE_KEEP_FLOATS = 1 << 16;

    /** Blocks of a new index: an empty index of large vectors should stay small. */
    private static final int INITIAL_BLOCKS = 2;

    /** Fewer blocks than this are never compacted: trimming them would save nothing. */
    private static final int COMPACT_MIN_BLOCKS = 64;

    private final int dimension;
    private final KnnMetric metric;
    private final int leafSize;
    private final double alpha;
    private final double maxDeletedFraction;

    // ---- points, by slot; slot s sits in block s / blockCapacity ----
    private float[] coordinates;
    private boolean[] live;
    private int liveCount;

    /**
     * The handle (see {@link IdHandles}) of the point in each slot; meaningful for live slots only.
     */
    private int[] handleOfSlot;

    /** Ids to handles to slots; a rebuild moves a point by updating its handle's slot. */
    private final IdHandles handles = new IdHandles();

    // ---- nodes, struct of arrays; a leaf has left == NO_NODE ----
    private int[] left;
    private int[] right;
    private int[] parent;
    private int[] splitAxis;
    private float[] splitValue;

    /** Points in the subtree, tombstones included. */
    private int[] size;

    /** Tombstones in the subtree. */
    private int[] dead;

    /** First slot of a leaf's block; its points are slots {@code [bucket, bucket + size)}. */
    private int[] bucket;

    private int nodeCount;
    private int[] freeNodes;
    private int freeNodeCount;
    private int root;

    // ---- blocks of leafSize + 1 slots (one spare for the insert that splits its leaf) ----
    private final int blockCapacity;
    private int[] leafOfBlock;
    private int blockCount;
    private int[] freeBlocks;
    private int freeBlockCount;

    // ---- scratch reused by every call (hence not thread-safe) ----
    private final float[] query;

    /** Per-axis squared distance from the query to the current cell (Arya and Mount 1993). */
    private final float[] offsets;

    private final float[] spreadMin;
    private final float[] spreadMax;
    private int[] work = new int[MIN_CAPACITY];
    private int[] path = new int[64];

    // A rebuild copies its live points out (stage), then builds into fresh blocks from the copy.
    private float[] stageCoordinates = new float[0];
    private int[] stageHandles = new int[0];
    private float[] buildCoordinates;
    private int[] buildHandles;

    // bounded max-heap of the best candidates, worst on top
    private int[] heapSlots = new int[MIN_CAPACITY];
    private float[] heapDistances = new float[MIN_CAPACITY];
    private int heapSize;
    private int heapLimit;

    // best-bin-first: entries (a branch and the cut that led to it) and a min-heap of entry ids
    private int[] entryNode = new int[64];
    private float[] entryBound = new float[64];
    private int[] entryAxis = new int[64];
    private float[] entryCut = new float[64];
    private int[] entryParent = new int[64];
    private int entryCount;
    private int[] queue = new int[64];
    private int queueSize;

    private float searchRadius;
    private NeighborBuffer searchOut;
    private float[] boxLo;
    private float[] boxHi;

    private KdTreeIndex(Builder builder) {
        this.dimension = builder.dimension;
        this.metric = builder.metric;
        this.leafSize = builder.leafSize;
        this.alpha = builder.alpha;
        this.maxDeletedFraction = builder.maxDeletedFraction;
        this.blockCapacity = leafSize + 1;
        this.query = new float[dimension];
        this.offsets = new float[dimension];
        this.spreadMin = new float[dimension];
        this.spreadMax = new float[dimension];
        allocateEmpty(INITIAL_BLOCKS, MIN_CAPACITY);
        buildSubtree(root, 0, 0);
    }

    /**
     * Starts a builder for points of {@code dimension} components.
     *
     * @throws IllegalArgumentException unless {@code 1 <= dimension <= MAX_DIMENSION}
     */
    public static Builder builder(int dimension) {
        return new Builder(dimension);
    }

    /**
     * Options of a {@link KdTreeIndex}. Each setter checks its own value; {@link #build()} checks
     * them together. Messages name the option and the bad value.
     *
     * <pre>{@code
     * KdTreeIndex index =
     *         KdTreeIndex.builder(128)
     *                 .metric(KnnMetric.COSINE)
     *                 .leafSize(32)
     *                 .balance(0.7)
     *                 .maxDeletedFraction(0.5)
     *                 .build();
     * }</pre>
     */
    public static final class Builder {
        private final int dimension;
        private KnnMetric metric = KnnMetric.SQUARED_L2;
        private int leafSize = DEFAULT_LEAF_SIZE;
        private double alpha = DEFAULT_ALPHA;
        private double maxDeletedFraction = DEFAULT_MAX_DELETED_FRACTION;

        private Builder(int dimension) {
            if (dimension < 1 || dimension > MAX_DIMENSION) {
                throw new IllegalArgumentException(
                        "dimension must be in [1, " + MAX_DIMENSION + "], got " + dimension);
            }
            this.dimension = dimension;
        }

        /** The distance to rank by; default {@link KnnMetric#SQUARED_L2}. */
        public Builder metric(KnnMetric metric) {
            if (metric == null) {
                throw new IllegalArgumentException("metric must not be null");
            }
            this.metric = metric;
            return this;
        }

        /**
         * Most points in one leaf bucket, default {@value #DEFAULT_LEAF_SIZE}. Small buckets prune
         * more finely but make the tree deeper and rebuilds more frequent; large buckets scan more
         * points per leaf. Timed informally (single thread, warm JIT, shared 2-core machine, 5,000
         * exact 10-NN queries on 100,000 incrementally inserted points): 32 was as fast as or
         * faster than 16 (uniform d=2: 1.8-2.1 vs 2.3-2.4 us; d=8: 67-70 vs 70-72 us; clustered
         * d=8: 210-245 vs 280-285 us) and 8 was slower than both, with inserts about a third
         * cheaper than at 16 (1.0-1.4 vs 1.5-1.9 us). Best-bin-first needs slightly more checks per
         * unit of recall with 32 but makes each check cheaper.
         */
        public Builder leafSize(int leafSize) {
            if (leafSize < 1 || leafSize > MAX_LEAF_SIZE) {
                throw new IllegalArgumentException(
                        "leafSize must be in [1, " + MAX_LEAF_SIZE + "], got " + leafSize);
            }
            this.leafSize = leafSize;
            return this;
        }

        /**
         * The scapegoat balance {@code alpha} in (0.5, 1), default {@value #DEFAULT_ALPHA}: a
         * subtree is rebuilt when one child holds more than {@code alpha} of its points. Lower
         * keeps the tree shallower at the cost of more rebuilding; the ikd-Tree paper uses 0.6 to
         * 0.7.
         */
        public Builder balance(double alpha) {
            if (!(alpha > 0.5 && alpha < 1.0)) {
                throw new IllegalArgumentException(
                        "balance alpha must be in (0.5, 1), got " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /**
         * Tombstone fraction in (0, 1) above which a subtree is rebuilt without them, default
         * {@value #DEFAULT_MAX_DELETED_FRACTION} as in the ikd-Tree paper: at most as many dead
         * slots as live ones are scanned and stored.
         */
        public Builder maxDeletedFraction(double fraction) {
            if (!(fraction > 0.0 && fraction < 1.0)) {
                throw new IllegalArgumentException(
                        "maxDeletedFraction must be in (0, 1), got " + fraction);
            }
            this.maxDeletedFraction = fraction;
            return this;
        }

        /**
         * Builds an empty index. Each setter has checked its own value, and no combination is
         * invalid: a fresh median split of {@code s > leafSize} points may leave {@code ceil(s /
         * 2)} in one child, more than {@code alpha * s} for tiny {@code s} and alpha near 0.5, and
         * the balance test accepts exactly that (see {@code violates}); and the largest block,
         * {@code (MAX_LEAF_SIZE + 1) * MAX_DIMENSION} floats, fits in an array.
         */
        public KdTreeIndex build() {
            return new KdTreeIndex(this);
        }
    }

    // =====================================================================================
    // PointSet
    // =====================================================================================

    @Override
    public int dimension() {
        return dimension;
    }

    /** {@inheritDoc} Every block ever allocated since the last compaction, times its slots. */
    @Override
    public int slotCount() {
        return blockCount * blockCapacity;
    }

    @Override
    public int size() {
        return liveCount;
    }

    @Override
    public float[] coordinates() {
        return coordinates;
    }

    @Override
    public boolean isLive(int slot) {
        return slot >= 0 && slot < blockCount * blockCapacity && live[slot];
    }

    @Override
    public String id(int slot) {
        Objects.checkIndex(slot, blockCount * blockCapacity);
        // Ids live only in the id map, so rebuilds that move points copy no references.
        return live[slot] ? handles.id(handleOfSlot[slot]) : null;
    }

    /** The metric this index ranks by. */
    public KnnMetric metric() {
        return metric;
    }

    /** True when a live point has this id. */
    public boolean contains(String id) {
        return handles.find(id) >= 0;
    }

    /** The slot of the live point with this id, or -1; valid until the next mutation. */
    public int slotOf(String id) {
        int handle = handles.find(id);
        return handle < 0 ? -1 : handles.slot(handle);
    }

    // =====================================================================================
    // validation
    // =====================================================================================

    /**
     * Why {@code v[off, off + len)} cannot be indexed or queried, or {@code null} if it can. The
     * reason is one line: {@code "empty vector"}, {@code "expected dimension 8, got 3"}, {@code
     * "component 2 is NaN"} (or {@code Infinity}, {@code -Infinity}), or, under {@link
     * KnnMetric#COSINE}, {@code "zero vector has no direction under cosine"}. Does not allocate
     * when the vector is valid.
     *
     * @throws IndexOutOfBoundsException if the range is outside {@code v}
     */
    public String invalidVectorReason(float[] v, int off, int len) {
        Objects.checkFromIndexSize(off, len, v.length);
        if (len == 0) {
            return "empty vector";
        }
        if (len != dimension) {
            return "expected dimension " + dimension + ", got " + len;
        }
        boolean allZero = true;
        for (int i = 0; i < len; i++) {
            float x = v[off + i];
            if (!Float.isFinite(x)) {
                return "component " + i + " is " + x;
            }
            allZero &= x == 0f;
        }
        if (allZero && metric.normalises()) {
            return "zero vector has no direction under cosine";
        }
        return null;
    }

    /** The components available from {@code off}, at most a full vector. */
    private int availableLength(float[] v, int off) {
        Objects.checkIndex(off, v.length + 1);
        return Math.min(dimension, v.length - off);
    }

    /**
     * Checks {@code v[off, off + dimension)} and copies it, normalised if needed, to {@code dst}.
     */
    private void loadVector(float[] v, int off, float[] dst, int dstOff) {
        String reason = invalidVectorReason(v, off, availableLength(v, off));
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
        copyVector(v, off, dst, dstOff);
    }

    /** Copies a checked vector, normalised if the metric needs it. */
    private void copyVector(float[] v, int off, float[] dst, int dstOff) {
        if (metric.normalises()) {
            // Sum of squares in double: a float sum could overflow (components near 1e19) or lose
            // the small components, and the norm is taken once per vector.
            double sumOfSquares = 0.0;
            for (int i = 0; i < dimension; i++) {
                double x = v[off + i];
                sumOfSquares += x * x;
            }
            double norm = Math.sqrt(sumOfSquares);
            for (int i = 0; i < dimension; i++) {
                dst[dstOff + i] = (float) (v[off + i] / norm);
            }
        } else {
            System.arraycopy(v, off, dst, dstOff, dimension);
        }
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
    }

    private void checkBox(float[] lo, float[] hi) {
        if (lo.length != dimension || hi.length != dimension) {
            throw new IllegalArgumentException(
                    "box corners must have dimension "
                            + dimension
                            + ", got "
                            + lo.length
                            + " and "
                            + hi.length);
        }
    }

    // =====================================================================================
    // updates
    // =====================================================================================

    /**
     * Inserts the point {@code v[off, off + dimension())} under {@code id}, replacing the point
     * that had this id. Under cosine the stored vector is {@code v / |v|}. Amortised {@code O(log^2
     * n)} plus rebuilt points.
     *
     * @return true if a point with this id was replaced
     * @throws IllegalArgumentException with {@link #invalidVectorReason} if the vector is invalid
     *     (the index is then unchanged)
     */
    public boolean upsert(String id, float[] v, int off) {
        Objects.requireNonNull(id, "id");
        String reason = invalidVectorReason(v, off, availableLength(v, off));
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
        int previousSlot = handles.remove(id);
        if (previousSlot >= 0) {
            tombstone(previousSlot);
        }
        copyVector(v, off, query, 0);
        insertIntoTree(id);
        return previousSlot >= 0;
    }

    /**
     * Deletes the point with this id: its slot becomes a tombstone until a rebuild reclaims it.
     *
     * @return false if no live point has this id
     */
    public boolean delete(String id) {
        int slot = handles.remove(id);
        if (slot < 0) {
            return false;
        }
        tombstone(slot);
        return true;
    }

    /**
     * Deletes every live point with {@code lo[i] <= x[i] <= hi[i]} on every axis, in stored
     * coordinates (unit vectors under cosine). A NaN bound matches nothing on its axis.
     *
     * @return the number of points deleted
     */
    public int deleteInBox(float[] lo, float[] hi) {
        checkBox(lo, hi);
        boxLo = lo;
        boxHi = hi;
        int deleted = markBox(root);
        if (deleted > 0) {
            fixBox(root);
            compactIfSparse();
        }
        boxLo = null;
        boxHi = null;
        return deleted;
    }

    /**
     * Rebuilds the whole tree from its live points into arrays sized to them, buckets in tree
     * order: {@code O(n log n + n d)}. Updates never need it; it suits a freshly restored or bulk
     * loaded index, whose queries then read memory in tree order. Every slot may change.
     */
    public void rebuild() {
        rebuildRoot();
    }

    private void tombstone(int slot) {
        assert live[slot] : slot;
        live[slot] = false;
        liveCount--;
        int leaf = leafOfBlock[slot / blockCapacity];
        for (int node = leaf; node != NO_NODE; node = parent[node]) {
            dead[node]++;
        }
        fixPath(leaf);
    }

    /** Adds the vector in {@link #query} under {@code id} at the end of its leaf's block. */
    private void insertIntoTree(String id) {
        // The tree satisfies every rebuild criterion before the insert, and adding a point only
        // lowers tombstone fractions, so the only criteria it can break are a leaf's overflow and
        // the balance test on the path; the latter is checked on the way down (the sibling's size
        // is the parent's minus the child's), which finds the same highest violating node as
        // fixPath would without walking the path again.
        int highest = NO_NODE;
        int node = root;
        while (left[node] != NO_NODE) {
            int s = ++size[node];
            float x = query[splitAxis[node]];
            float split = splitValue[node];
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
            if (highest == NO_NODE) {
                int c = size[child] + 1;
                int larger = Math.max(c, s - c);
                if (larger > alpha * s && 2L * larger > s + 1L) {
                    highest = node;
                }
            }
            node = child;
        }
        assert size[node] < blockCapacity : size[node];
        int slot = bucket[node] + size[node];
        System.arraycopy(query, 0, coordinates, slot * dimension, dimension);
        live[slot] = true;
        liveCount++;
        handleOfSlot[slot] = handles.add(id, slot);
        size[node]++;
        if (highest == NO_NODE && size[node] > leafSize) {
            highest = node;
        }
        assert highest == NO_NODE || violates(highest) : highest;
        if (highest == NO_NODE) {
            compactIfSparse();
        } else if (highest == root) {
            rebuildRoot();
        } else if (highest == node && dead[node] == 0) {
            splitLeaf(node);
            compactIfSparse();
        } else {
            int above = parent[highest];
            boolean shrinks = dead[highest] > 0;
            rebuildSubtree(highest);
            if (shrinks) {
                fixPath(above);
            } else {
                compactIfSparse();
            }
        }
    }

    /**
     * Restores the invariants on the path from {@code node} to the root: rebuilds the highest node
     * that breaks one, then looks again above it, because a rebuild drops tombstones and so shrinks
     * every ancestor, which can unbalance one of them.
     */
    private void fixPath(int node) {
        while (node != NO_NODE) {
            int length = 0;
            for (int n = node; n != NO_NODE; n = parent[n]) {
                if (length == path.length) {
                    path = Arrays.copyOf(path, length * 2);
                }
                path[length++] = n;
            }
            int highest = NO_NODE;
            for (int i = length - 1; i >= 0; i--) {
                if (violates(path[i])) {
                    highest = path[i];
                    break;
                }
            }
            if (highest == NO_NODE) {
                compactIfSparse();
                return;
            }
            if (highest == root) {
                rebuildRoot();
                return;
            }
            node = parent[highest];
            rebuildSubtree(highest);
        }
    }

    /**
     * Whether a node must be rebuilt. A leaf: it overflowed, or too many of its points are dead. An
     * internal node: it holds no more points than a leaf could, too many are dead, or one child
     * holds more than {@code alpha} of them. The balance test also accepts {@code 2 * larger <= s +
     * 1}, the best any split of {@code s} points can do, so that a fresh median split never fails
     * it (which alpha alone would allow for tiny {@code s} and alpha near 0.5).
     */
    boolean violates(int node) {
        int s = size[node];
        if (dead[node] > 0 && dead[node] > maxDeletedFraction * s) {
            return true;
        }
        if (left[node] == NO_NODE) {
            return s > leafSize;
        }
        if (s <= leafSize) {
            return true;
        }
        int larger = Math.max(size[left[node]], size[right[node]]);
        return larger > alpha * s && 2L * larger > s + 1L;
    }

    /** Marks every live point in the box dead, updating tombstone counts on the way back up. */
    private int markBox(int node) {
        int deleted = 0;
        if (left[node] == NO_NODE) {
            for (int slot = bucket[node], end = slot + size[node]; slot < end; slot++) {
                if (live[slot] && insideBox(slot)) {
                    live[slot] = false;
                    liveCount--;
                    handles.release(handleOfSlot[slot]);
                    deleted++;
                }
            }
        } else {
            int axis = splitAxis[node];
            float split = splitValue[node];
            if (boxLo[axis] <= split) {
                deleted += markBox(left[node]);
            }
            if (boxHi[axis] >= split) {
                deleted += markBox(right[node]);
            }
        }
        dead[node] += deleted;
        return deleted;
    }

    /**
     * After {@link #markBox}: rebuilds the highest violating nodes of the visited part, top down,
     * and checks each node again once its children are fixed, since their rebuilds shrink it.
     */
    private void fixBox(int node) {
        if (violates(node)) {
            if (node == root) {
                rebuildRoot();
            } else {
                rebuildSubtree(node);
            }
            return;
        }
        if (left[node] == NO_NODE) {
            return;
        }
        int axis = splitAxis[node];
        float split = splitValue[node];
        if (boxLo[axis] <= split) {
            fixBox(left[node]);
        }
        if (boxHi[axis] >= split) {
            fixBox(right[node]);
        }
        if (violates(node)) {
            if (node == root) {
                rebuildRoot();
            } else {
                rebuildSubtree(node);
            }
        }
    }

    private boolean insideBox(int slot) {
        int base = slot * dimension;
        for (int i = 0; i < dimension; i++) {
            float x = coordinates[base + i];
            if (!(boxLo[i] <= x && x <= boxHi[i])) {
                return false;
            }
        }
        return true;
    }

    // =====================================================================================
    // rebuilding
    // =====================================================================================

    /**
     * Rebuilds a non-root subtree in place (same node index, so its parent needs no update) from
     * its live points, which move to fresh blocks; frees its old blocks and nodes, and takes the
     * tombstones off every ancestor's counts.
     */
    private void rebuildSubtree(int node) {
        int removed = dead[node];
        int n = size[node] - removed;
        ensureWork(n);
        int keepRows = Math.max(1, STAGE_KEEP_FLOATS / dimension);
        if (n <= keepRows) {
            if (stageHandles.length < n) {
                int rows = Math.min(keepRows, Math.max(n, 2 * stageHandles.length));
                stageCoordinates = new float[rows * dimension];
                stageHandles = new int[rows];
            }
            buildCoordinates = stageCoordinates;
            buildHandles = stageHandles;
        } else {
            buildCoordinates = new float[Math.multiplyExact(n, dimension)];
            buildHandles = new int[n];
        }
        int staged = stageAndFree(node, node, 0);
        assert staged == n : staged + " != " + n;
        for (int i = 0; i < n; i++) {
            work[i] = i;
        }
        buildSubtree(node, 0, n);
        buildCoordinates = null;
        buildHandles = null;
        if (removed > 0) {
            for (int p = parent[node]; p != NO_NODE; p = parent[p]) {
                size[p] -= removed;
                dead[p] -= removed;
            }
        }
    }

    /**
     * Splits a full leaf without tombstones at the median of its widest axis, moving as few points
     * as it can: the lower half keeps the leaf's block (only its points that sat in the upper half
     * move, into the slots the upper half left), the upper half moves to a new block. Leaf splits
     * are most of the rebuild work of a growing index, and every moved point costs a random write
     * to its handle's slot.
     */
    private void splitLeaf(int node) {
        int n = size[node];
        int first = bucket[node];
        ensureWork(n);
        for (int i = 0; i < n; i++) {
            work[i] = first + i;
        }
        buildCoordinates = coordinates;
        int axis = widestAxis(0, n);
        int mid = n / 2;
        select(0, n - 1, mid, axis);
        float split = key(mid, axis);
        buildCoordinates = null;
        int l = allocateNode();
        int r = allocateNode();
        int upperFirst = allocateBlock(r);
        for (int i = mid; i < n; i++) {
            moveLivePoint(work[i], upperFirst + i - mid);
        }
        // The upper half's old slots below first + mid are now holes, as many as the lower half
        // has points at or above first + mid: pair them up.
        int hole = first;
        for (int i = 0; i < mid; i++) {
            int slot = work[i];
            if (slot >= first + mid) {
                while (live[hole]) {
                    hole++;
                }
                moveLivePoint(slot, hole);
            }
        }
        leafOfBlock[first / blockCapacity] = l;
        makeLeaf(l, node, first, mid);
        makeLeaf(r, node, upperFirst, n - mid);
        left[node] = l;
        right[node] = r;
        splitAxis[node] = axis;
        splitValue[node] = split;
        bucket[node] = NO_NODE;
    }

    private void moveLivePoint(int from, int to) {
        System.arraycopy(coordinates, from * dimension, coordinates, to * dimension, dimension);
        int handle = handleOfSlot[from];
        handleOfSlot[to] = handle;
        handles.setSlot(handle, to);
        live[from] = false;
        live[to] = true;
    }

    private void makeLeaf(int leaf, int above, int first, int points) {
        left[leaf] = NO_NODE;
        right[leaf] = NO_NODE;
        parent[leaf] = above;
        bucket[leaf] = first;
        size[leaf] = points;
        dead[leaf] = 0;
    }

    /**
     * Copies the live points under {@code node} to the build arrays from row {@code n} on, frees
     * their blocks and every node below {@code top}; returns the rows filled.
     */
    private int stageAndFree(int node, int top, int n) {
        if (left[node] == NO_NODE) {
            int first = bucket[node];
            for (int slot = first, end = first + size[node]; slot < end; slot++) {
                if (live[slot]) {
                    System.arraycopy(
                            coordinates,
                            slot * dimension,
                            buildCoordinates,
                            n * dimension,
                            dimension);
                    buildHandles[n++] = handleOfSlot[slot];
                }
            }
            freeBlock(first, size[node]);
        } else {
            n = stageAndFree(left[node], top, n);
            n = stageAndFree(right[node], top, n);
        }
        if (node != top) {
            freeNode(node);
        }
        return n;
    }

    /** Rebuilds the root when more than half the blocks ever allocated lie free. */
    private void compactIfSparse() {
        if (blockCount > COMPACT_MIN_BLOCKS && 2 * freeBlockCount > blockCount) {
            rebuildRoot();
        }
    }

    /**
     * Rebuilds the whole tree into new arrays sized to the live points: buckets in tree order, so
     * neighbouring leaves are neighbours in memory, and no free blocks or nodes left over.
     */
    private void rebuildRoot() {
        int n = liveCount;
        ensureWork(n);
        int rows = 0;
        int slots = slotCount();
        for (int slot = 0; slot < slots; slot++) {
            if (live[slot]) {
                work[rows++] = slot;
            }
        }
        assert rows == n : rows + " != " + n;
        // Room for a quarter more leaves before the arrays grow: enough to absorb churn, little
        // enough that a shrinking index gives memory back.
        int leaves = leavesOfBuild(n);
        int blocks = Math.max(INITIAL_BLOCKS, leaves + (leaves >> 2));
        int nodes = Math.max(MIN_CAPACITY, 2 * blocks);
        buildCoordinates = coordinates;
        buildHandles = handleOfSlot;
        allocateEmpty(blocks, nodes);
        buildSubtree(root, 0, n);
        buildCoordinates = null;
        buildHandles = null;
        if (work.length > 3 * Math.max(MIN_CAPACITY, n)) {
            work = new int[Math.max(MIN_CAPACITY, n)];
        }
    }

    /** Leaves of a fresh build over {@code n} points: median halving until a leaf fits. */
    private int leavesOfBuild(int n) {
        return n <= leafSize ? 1 : leavesOfBuild(n / 2) + leavesOfBuild(n - n / 2);
    }

    /**
     * Builds a balanced subtree at {@code node} over the build rows {@code work[from, to)}: a leaf
     * if they fit, otherwise a median cut on the axis of widest spread. Leaves copy their rows into
     * a fresh block and register the new slots in the id map.
     */
    private void buildSubtree(int node, int from, int to) {
        int n = to - from;
        size[node] = n;
        dead[node] = 0;
        if (n <= leafSize) {
            left[node] = NO_NODE;
            right[node] = NO_NODE;
            int first = allocateBlock(node);
            bucket[node] = first;
            for (int j = 0; j < n; j++) {
                int row = work[from + j];
                int slot = first + j;
                System.arraycopy(
                        buildCoordinates,
                        row * dimension,
                        coordinates,
                        slot * dimension,
                        dimension);
                int handle = buildHandles[row];
                handleOfSlot[slot] = handle;
                handles.setSlot(handle, slot);
                live[slot] = true;
            }
            return;
        }
        int axis = widestAxis(from, to);
        int mid = from + n / 2;
        select(from, to - 1, mid, axis);
        float split = buildCoordinates[work[mid] * dimension + axis];
        int l = allocateNode();
        int r = allocateNode();
        left[node] = l;
        right[node] = r;
        parent[l] = node;
        parent[r] = node;
        splitAxis[node] = axis;
        splitValue[node] = split;
        bucket[node] = NO_NODE;
        buildSubtree(l, from, mid);
        buildSubtree(r, mid, to);
    }

    /**
     * The axis of widest spread (Friedman, Bentley and Finkel 1977) over at most {@value
     * #SPREAD_SAMPLE} evenly strided points: the choice only affects speed, never correctness, and
     * the sample keeps a high-dimensional rebuild from spending {@code O(n d)} per level on it.
     */
    private int widestAxis(int from, int to) {
        int n = to - from;
        int step = Math.max(1, n / SPREAD_SAMPLE);
        Arrays.fill(spreadMin, Float.POSITIVE_INFINITY);
        Arrays.fill(spreadMax, Float.NEGATIVE_INFINITY);
        for (int i = from; i < to; i += step) {
            int base = work[i] * dimension;
            for (int a = 0; a < dimension; a++) {
                float x = buildCoordinates[base + a];
                if (x < spreadMin[a]) {
                    spreadMin[a] = x;
                }
                if (x > spreadMax[a]) {
                    spreadMax[a] = x;
                }
            }
        }
        int best = 0;
        float bestSpread = -1f;
        for (int a = 0; a < dimension; a++) {
            // Spread in double: max - min of large opposite floats would round or overflow.
            float spread = (float) ((double) spreadMax[a] - spreadMin[a]);
            if (spread > bestSpread) {
                bestSpread = spread;
                best = a;
            }
        }
        return best;
    }

    /**
     * Hoare quickselect on {@code work[lo, hi]} by coordinate {@code axis}: afterwards {@code
     * work[k]} holds the k-th smallest, with no larger value before it and no smaller after. Hoare
     * partitioning splits runs of equal keys evenly, so duplicates stay linear.
     */
    private void select(int lo, int hi, int k, int axis) {
        while (hi > lo) {
            float a = key(lo, axis);
            float b = key(lo + (hi - lo) / 2, axis);
            float c = key(hi, axis);
            float pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (key(i, axis) < pivot) {
                    i++;
                }
                while (key(j, axis) > pivot) {
                    j--;
                }
                if (i <= j) {
                    int t = work[i];
                    work[i] = work[j];
                    work[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private float key(int i, int axis) {
        return buildCoordinates[work[i] * dimension + axis];
    }

    // =====================================================================================
    // exact queries
    // =====================================================================================

    /**
     * The {@code min(k, size())} nearest live points to {@code q[off, off + dimension())}, exact,
     * ordered by (squared L2, id). {@code out} is cleared first. Allocates nothing once warm.
     *
     * @throws IllegalArgumentException if {@code k < 1} or the query is invalid
     */
    public void knn(float[] q, int off, int k, NeighborBuffer out) {
        checkK(k);
        loadVector(q, off, query, 0);
        searchKnn(k, out);
    }

    /**
     * Batch kNN: query {@code i} is {@code queries[i * dimension(), (i + 1) * dimension())} and its
     * neighbours go to {@code out[i]}. Every query is checked before any is run, so an invalid one
     * leaves all buffers untouched.
     *
     * @throws IllegalArgumentException if {@code k < 1}, a query is invalid (the message names it),
     *     or there are fewer than {@code count} vectors or buffers
     */
    public void knn(float[] queries, int count, int k, NeighborBuffer[] out) {
        checkK(k);
        if (count < 0 || (long) count * dimension > queries.length || count > out.length) {
            throw new IllegalArgumentException(
                    "need "
                            + count
                            + " queries of dimension "
                            + dimension
                            + " and as many buffers, got "
                            + queries.length
                            + " floats and "
                            + out.length
                            + " buffers");
        }
        for (int i = 0; i < count; i++) {
            String reason = invalidVectorReason(queries, i * dimension, dimension);
            if (reason != null) {
                throw new IllegalArgumentException("query " + i + ": " + reason);
            }
            Objects.requireNonNull(out[i], "out buffer");
        }
        for (int i = 0; i < count; i++) {
            copyVector(queries, i * dimension, query, 0);
            searchKnn(k, out[i]);
        }
    }

    /**
     * Every live point with squared L2 distance {@code <= sqRadius} from the query, ordered by
     * (distance, id). For {@link KnnMetric#L2} or {@link KnnMetric#COSINE} radii, convert with
     * {@link KnnMetric#toSquaredL2(float)}. A negative radius matches nothing. Sorting the result
     * costs {@code O(m log m)} for {@code m} points found; nothing is allocated unless {@code out}
     * has to grow.
     *
     * @throws IllegalArgumentException if {@code sqRadius} is NaN or the query is invalid
     */
    public void radius(float[] q, int off, float sqRadius, NeighborBuffer out) {
        if (Float.isNaN(sqRadius)) {
            throw new IllegalArgumentException("sqRadius must not be NaN");
        }
        loadVector(q, off, query, 0);
        out.clear();
        if (liveCount == 0) {
            return;
        }
        searchRadius = sqRadius;
        searchOut = out;
        Arrays.fill(offsets, 0f);
        radiusNode(root, 0f);
        searchOut = null;
        out.sortByDistanceThenId(this);
    }

    /**
     * Every live point with {@code lo[i] <= x[i] <= hi[i]} on every axis (stored coordinates), with
     * distance 0, ordered by id. A NaN bound matches nothing on its axis. Nothing is allocated
     * unless {@code out} has to grow.
     */
    public void box(float[] lo, float[] hi, NeighborBuffer out) {
        checkBox(lo, hi);
        out.clear();
        boxLo = lo;
        boxHi = hi;
        searchOut = out;
        boxNode(root);
        searchOut = null;
        boxLo = null;
        boxHi = null;
        out.sortByDistanceThenId(this);
    }

    /**
     * Lowe's ratio test (2004): finds the two nearest points and returns the slot of the nearest if
     * {@code d1 < ratio * d2} in Euclidean distance, evaluated as {@code (double) sq1 < (double)
     * ratio * ratio * sq2} on the squared distances, else -1. {@code out} holds the (up to) two
     * nearest. With fewer than two points there is nothing to compare against: -1. Equal nearest
     * distances never match.
     *
     * @throws IllegalArgumentException unless {@code 0 < ratio <= 1}, or if the query is invalid
     */
    public int match(float[] q, int off, float ratio, NeighborBuffer out) {
        if (!(ratio > 0f && ratio <= 1f)) {
            throw new IllegalArgumentException("ratio must be in (0, 1], got " + ratio);
        }
        loadVector(q, off, query, 0);
        searchKnn(2, out);
        if (out.size() < 2) {
            return -1;
        }
        return RatioTest.passes(out.distance(0), out.distance(1), ratio) ? out.slot(0) : -1;
    }

    private void searchKnn(int k, NeighborBuffer out) {
        out.clear();
        if (liveCount == 0) {
            return;
        }
        startHeap(k);
        Arrays.fill(offsets, 0f);
        knnNode(root, 0f);
        drainHeap(out);
    }

    /**
     * Depth-first search, near child first. {@code cellBound} is the Arya-Mount incremental lower
     * bound of the cell, used only to accept a far child cheaply: a far child is skipped only after
     * {@link #orderedBound} confirms it, because the incremental update rounds differently from a
     * point's distance.
     */
    private void knnNode(int node, float cellBound) {
        if (left[node] == NO_NODE) {
            scanLeafKnn(node);
            return;
        }
        int axis = splitAxis[node];
        float diff = query[axis] - splitValue[node];
        int near = diff <= 0f ? left[node] : right[node];
        int far = diff <= 0f ? right[node] : left[node];
        knnNode(near, cellBound);
        float cut = diff * diff;
        float old = offsets[axis];
        float farBound = cellBound - old + cut;
        if (heapSize < heapLimit
                || farBound <= heapDistances[0]
                || orderedBound(axis, cut) <= heapDistances[0]) {
            offsets[axis] = cut;
            knnNode(far, farBound);
            offsets[axis] = old;
        }
    }

    private void scanLeafKnn(int node) {
        for (int slot = bucket[node], end = slot + size[node]; slot < end; slot++) {
            if (live[slot]) {
                offer(slot, sqDistance(slot));
            }
        }
    }

    private void radiusNode(int node, float cellBound) {
        if (left[node] == NO_NODE) {
            for (int slot = bucket[node], end = slot + size[node]; slot < end; slot++) {
                if (live[slot]) {
                    float d = sqDistance(slot);
                    if (d <= searchRadius) {
                        searchOut.add(slot, d);
                    }
                }
            }
            return;
        }
        int axis = splitAxis[node];
        float diff = query[axis] - splitValue[node];
        int near = diff <= 0f ? left[node] : right[node];
        int far = diff <= 0f ? right[node] : left[node];
        radiusNode(near, cellBound);
        float cut = diff * diff;
        float old = offsets[axis];
        float farBound = cellBound - old + cut;
        if (farBound <= searchRadius || orderedBound(axis, cut) <= searchRadius) {
            offsets[axis] = cut;
            radiusNode(far, farBound);
            offsets[axis] = old;
        }
    }

    private void boxNode(int node) {
        if (left[node] == NO_NODE) {
            for (int slot = bucket[node], end = slot + size[node]; slot < end; slot++) {
                if (live[slot] && insideBox(slot)) {
                    searchOut.add(slot, 0f);
                }
            }
            return;
        }
        int axis = splitAxis[node];
        float split = splitValue[node];
        if (boxLo[axis] <= split) {
            boxNode(left[node]);
        }
        if (boxHi[axis] >= split) {
            boxNode(right[node]);
        }
    }

    /**
     * The squared distance from the query to the cell whose per-axis offsets are {@link #offsets}
     * with {@code axis} set to {@code cut}, summed in axis order like {@link #sqDistance}. Each
     * offset is the float square of the float gap to the cell, never more than the same term of any
     * point in the cell, and float addition is monotone, so this never exceeds a point's distance
     * as {@link #sqDistance} computes it.
     */
    private float orderedBound(int axis, float cut) {
        float sum = 0f;
        for (int a = 0; a < dimension; a++) {
            sum += a == axis ? cut : offsets[a];
        }
        return sum;
    }

    /** Squared L2 from the query, in float, axis by axis in order: the one definition used. */
    private float sqDistance(int slot) {
        int base = slot * dimension;
        float sum = 0f;
        for (int a = 0; a < dimension; a++) {
            float diff = query[a] - coordinates[base + a];
            sum += diff * diff;
        }
        return sum;
    }

    // ---- bounded result heap ----

    private void startHeap(int k) {
        heapLimit = Math.min(k, liveCount);
        if (heapSlots.length < heapLimit) {
            heapSlots = new int[heapLimit];
            heapDistances = new float[heapLimit];
        }
        heapSize = 0;
    }

    /** Keeps (slot, distance) if it ranks before the current worst of a full heap. */
    private void offer(int slot, float distance) {
        if (heapSize < heapLimit) {
            int i = heapSize++;
            while (i > 0) {
                int up = (i - 1) >>> 1;
                if (!NeighborBuffer.comesAfter(
                        this, slot, distance, heapSlots[up], heapDistances[up])) {
                    break;
                }
                heapSlots[i] = heapSlots[up];
                heapDistances[i] = heapDistances[up];
                i = up;
            }
            heapSlots[i] = slot;
            heapDistances[i] = distance;
        } else if (distance <= heapDistances[0]
                && NeighborBuffer.comesAfter(
                        this, heapSlots[0], heapDistances[0], slot, distance)) {
            siftDownFromTop(slot, distance);
        }
    }

    private void siftDownFromTop(int slot, float distance) {
        int i = 0;
        int n = heapSize;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n
                    && NeighborBuffer.comesAfter(
                            this,
                            heapSlots[child + 1],
                            heapDistances[child + 1],
                            heapSlots[child],
                            heapDistances[child])) {
                child++;
            }
            if (!NeighborBuffer.comesAfter(
                    this, heapSlots[child], heapDistances[child], slot, distance)) {
                break;
            }
            heapSlots[i] = heapSlots[child];
            heapDistances[i] = heapDistances[child];
            i = child;
        }
        heapSlots[i] = slot;
        heapDistances[i] = distance;
    }

    /** Empties the heap into {@code out}, nearest first: a heap sort, no second sort needed. */
    private void drainHeap(NeighborBuffer out) {
        int n = heapSize;
        out.clear();
        for (int i = 0; i < n; i++) {
            out.add(0, 0f);
        }
        for (int i = n - 1; i >= 0; i--) {
            out.set(i, heapSlots[0], heapDistances[0]);
            heapSize--;
            if (heapSize > 0) {
                siftDownFromTop(heapSlots[heapSize], heapDistances[heapSize]);
            }
        }
    }

    // =====================================================================================
    // best-bin-first
    // =====================================================================================

    /**
     * Approximate kNN by best-bin-first search (Beis and Lowe 1997): descend to the query's leaf,
     * queueing every branch not taken with the squared distance from the query to its cell, then
     * keep taking the closest queued branch until {@code maxChecks} live points have been examined
     * or no queued branch can hold a better point. Results are ordered as in {@link #knn}; they are
     * exact when {@code maxChecks >= size()}, and a larger budget never examines fewer points, so
     * never gives a worse answer. Allocates nothing once warm.
     *
     * @throws IllegalArgumentException if {@code k < 1}, {@code maxChecks < 1} or the query is
     *     invalid
     */
    public void approximateKnn(float[] q, int off, int k, int maxChecks, NeighborBuffer out) {
        checkK(k);
        if (maxChecks < 1) {
            throw new IllegalArgumentException("maxChecks must be at least 1, got " + maxChecks);
        }
        loadVector(q, off, query, 0);
        out.clear();
        if (liveCount == 0) {
            return;
        }
        startHeap(k);
        entryCount = 0;
        queueSize = 0;
        enqueue(root, 0f, -1, 0f, -1);
        int checks = 0;
        search:
        while (queueSize > 0) {
            int entry = dequeue();
            if (heapSize == heapLimit && entryBound[entry] > heapDistances[0]) {
                break; // the queue is ordered, so no other branch can do better
            }
            restoreOffsets(entry);
            int node = entryNode[entry];
            while (left[node] != NO_NODE) {
                int axis = splitAxis[node];
                float diff = query[axis] - splitValue[node];
                int near = diff <= 0f ? left[node] : right[node];
                int far = diff <= 0f ? right[node] : left[node];
                float cut = diff * diff;
                float bound = orderedBound(axis, cut);
                if (heapSize < heapLimit || bound <= heapDistances[0]) {
                    // Near moves keep the cell's offsets, so the branch's chain continues at entry.
                    enqueue(far, bound, axis, cut, entry);
                }
                node = near;
            }
            for (int slot = bucket[node], end = slot + size[node]; slot < end; slot++) {
                if (live[slot]) {
                    offer(slot, sqDistance(slot));
                    if (++checks >= maxChecks) {
                        break search;
                    }
                }
            }
        }
        drainHeap(out);
    }

    /**
     * Sets {@link #offsets} to the cell of {@code entry}: the cuts on its chain of branches, the
     * deepest per axis, which is also the largest since offsets only grow going down.
     */
    private void restoreOffsets(int entry) {
        Arrays.fill(offsets, 0f);
        for (int e = entry; e >= 0; e = entryParent[e]) {
            int axis = entryAxis[e];
            if (axis >= 0 && entryCut[e] > offsets[axis]) {
                offsets[axis] = entryCut[e];
            }
        }
    }

    private void enqueue(int node, float bound, int axis, float cut, int parentEntry) {
        if (entryCount == entryNode.length) {
            int capacity = entryCount * 2;
            entryNode = Arrays.copyOf(entryNode, capacity);
            entryBound = Arrays.copyOf(entryBound, capacity);
            entryAxis = Arrays.copyOf(entryAxis, capacity);
            entryCut = Arrays.copyOf(entryCut, capacity);
            entryParent = Arrays.copyOf(entryParent, capacity);
            queue = Arrays.copyOf(queue, capacity);
        }
        int e = entryCount++;
        entryNode[e] = node;
        entryBound[e] = bound;
        entryAxis[e] = axis;
        entryCut[e] = cut;
        entryParent[e] = parentEntry;
        int i = queueSize++;
        while (i > 0) {
            int up = (i - 1) >>> 1;
            if (!queuedBefore(e, queue[up])) {
                break;
            }
            queue[i] = queue[up];
            i = up;
        }
        queue[i] = e;
    }

    private int dequeue() {
        int top = queue[0];
        int last = queue[--queueSize];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= queueSize) {
                break;
            }
            if (child + 1 < queueSize && queuedBefore(queue[child + 1], queue[child])) {
                child++;
            }
            if (!queuedBefore(queue[child], last)) {
                break;
            }
            queue[i] = queue[child];
            i = child;
        }
        queue[i] = last;
        return top;
    }

    /** Closer bound first; equal bounds in the order queued, so the search is deterministic. */
    private boolean queuedBefore(int a, int b) {
        return entryBound[a] < entryBound[b] || (entryBound[a] == entryBound[b] && a < b);
    }

    // =====================================================================================
    // inspection
    // =====================================================================================

    /** Edges on the longest root-to-leaf path; 0 for a single leaf. {@code O(nodes)}. */
    public int height() {
        return heightOf(root);
    }

    private int heightOf(int node) {
        if (left[node] == NO_NODE) {
            return 0;
        }
        return 1 + Math.max(heightOf(left[node]), heightOf(right[node]));
    }

    /** Nodes in use (for tests of memory reclamation). */
    int nodeCount() {
        return nodeCount - freeNodeCount;
    }

    /** Length of the node arrays (for tests of memory reclamation). */
    int nodeCapacity() {
        return left.length;
    }

    /** Length of the per-slot arrays (for tests of memory reclamation). */
    int slotCapacity() {
        return live.length;
    }

    /**
     * Checks every structural invariant and throws {@link IllegalStateException} naming the first
     * broken one: counts, parent links, split containment, the rebuild criteria at every node, the
     * id map, and the block free list. {@code O(n d)}; for tests.
     */
    void checkInvariants() {
        float[] lo = new float[dimension];
        float[] hi = new float[dimension];
        Arrays.fill(lo, Float.NEGATIVE_INFINITY);
        Arrays.fill(hi, Float.POSITIVE_INFINITY);
        check(parent[root] == NO_NODE, "root has a parent");
        boolean[] blockSeen = new boolean[blockCount];
        int[] counts = checkNode(root, lo, hi, blockSeen);
        check(counts[1] == liveCount, "live count " + liveCount + " but tree holds " + counts[1]);
        handles.checkInvariants(live, handleOfSlot, blockCount * blockCapacity);
        check(handles.size() == liveCount, "id map holds " + handles.size());
        for (int i = 0; i < freeBlockCount; i++) {
            int block = freeBlocks[i];
            check(!blockSeen[block], "free block " + block + " is in use");
            blockSeen[block] = true;
            for (int slot = block * blockCapacity; slot < (block + 1) * blockCapacity; slot++) {
                check(!live[slot], "free block " + block + " holds a point");
            }
        }
        for (int block = 0; block < blockCount; block++) {
            check(blockSeen[block], "block " + block + " is neither in the tree nor free");
        }
        check(nodeCount() == countNodes(root), "nodes leak");
    }

    private int countNodes(int node) {
        return left[node] == NO_NODE ? 1 : 1 + countNodes(left[node]) + countNodes(right[node]);
    }

    /** Returns {points, live points}; checks containment against the cell [lo, hi]. */
    private int[] checkNode(int node, float[] lo, float[] hi, boolean[] blockSeen) {
        check(!violates(node), "node " + node + " breaks a rebuild criterion");
        if (left[node] == NO_NODE) {
            int first = bucket[node];
            int block = first / blockCapacity;
            check(first % blockCapacity == 0 && !blockSeen[block], "leaf " + node + " block");
            blockSeen[block] = true;
            check(leafOfBlock[block] == node, "block " + block + " has a stale leaf");
            int liveHere = 0;
            for (int slot = first; slot < first + blockCapacity; slot++) {
                if (slot >= first + size[node]) {
                    check(!live[slot], "slot " + slot + " past its leaf");
                    continue;
                }
                check(
                        !live[slot] || handles.id(handleOfSlot[slot]) != null,
                        "slot " + slot + " lost its id");
                for (int a = 0; a < dimension; a++) {
                    float x = coordinates[slot * dimension + a];
                    check(lo[a] <= x && x <= hi[a], "slot " + slot + " outside its cell");
                }
                if (live[slot]) {
                    liveHere++;
                }
            }
            check(size[node] - liveHere == dead[node], "leaf " + node + " tombstone count");
            return new int[] {size[node], liveHere};
        }
        int axis = splitAxis[node];
        float split = splitValue[node];
        check(parent[left[node]] == node && parent[right[node]] == node, "parent links");
        float savedHi = hi[axis];
        hi[axis] = split;
        int[] l = checkNode(left[node], lo, hi, blockSeen);
        hi[axis] = savedHi;
        float savedLo = lo[axis];
        lo[axis] = split;
        int[] r = checkNode(right[node], lo, hi, blockSeen);
        lo[axis] = savedLo;
        check(size[node] == l[0] + r[0], "node " + node + " size");
        check(dead[node] == dead[left[node]] + dead[right[node]], "node " + node + " dead");
        return new int[] {l[0] + r[0], l[1] + r[1]};
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "KdTreeIndex{dimension=%d, metric=%s, size=%d, slots=%d, nodes=%d, height=%d}",
                dimension,
                metric.optionName(),
                liveCount,
                slotCount(),
                nodeCount(),
                height());
    }

    // =====================================================================================
    // storage
    // =====================================================================================

    /**
     * Replaces every array with empty ones for {@code blocks} blocks and {@code nodes} nodes, and
     * allocates the root node for the caller to build. The old arrays are left to the caller (a
     * root rebuild reads its points from them).
     */
    private void allocateEmpty(int blocks, int nodes) {
        int slots = Math.multiplyExact(blocks, blockCapacity);
        coordinates = new float[checkedSlotArrayLength(slots)];
        handleOfSlot = new int[slots];
        live = new boolean[slots];
        leafOfBlock = new int[blocks];
        freeBlocks = new int[blocks];
        blockCount = 0;
        freeBlockCount = 0;
        left = new int[nodes];
        right = new int[nodes];
        parent = new int[nodes];
        splitAxis = new int[nodes];
        splitValue = new float[nodes];
        size = new int[nodes];
        dead = new int[nodes];
        bucket = new int[nodes];
        freeNodes = new int[nodes];
        nodeCount = 0;
        freeNodeCount = 0;
        root = allocateNode();
        parent[root] = NO_NODE;
    }

    private int allocateNode() {
        if (freeNodeCount > 0) {
            return freeNodes[--freeNodeCount];
        }
        if (nodeCount == left.length) {
            int capacity = grown(left.length);
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
        return nodeCount++;
    }

    private void freeNode(int node) {
        freeNodes[freeNodeCount++] = node;
    }

    /** A block for {@code leaf}; returns its first slot. The block freed last is reused first. */
    private int allocateBlock(int leaf) {
        int block;
        if (freeBlockCount > 0) {
            block = freeBlocks[--freeBlockCount];
        } else {
            if (blockCount == leafOfBlock.length) {
                int capacity =
                        leafOfBlock.length + Math.max(INITIAL_BLOCKS, leafOfBlock.length >> 1);
                int slots = Math.multiplyExact(capacity, blockCapacity);
                coordinates = Arrays.copyOf(coordinates, checkedSlotArrayLength(slots));
                handleOfSlot = Arrays.copyOf(handleOfSlot, slots);
                live = Arrays.copyOf(live, slots);
                leafOfBlock = Arrays.copyOf(leafOfBlock, capacity);
                freeBlocks = Arrays.copyOf(freeBlocks, capacity);
            }
            block = blockCount++;
        }
        leafOfBlock[block] = leaf;
        return block * blockCapacity;
    }

    /** Frees the block starting at {@code first}, whose first {@code used} slots held points. */
    private void freeBlock(int first, int used) {
        Arrays.fill(live, first, first + used, false);
        freeBlocks[freeBlockCount++] = first / blockCapacity;
    }

    private void ensureWork(int n) {
        if (work.length < n) {
            work = new int[Math.max(n, grown(work.length))];
        }
    }

    private int checkedSlotArrayLength(int capacity) {
        long length = (long) capacity * dimension;
        if (length > MAX_ARRAY_LENGTH) {
            throw new IllegalStateException(
                    "index full: " + capacity + " slots of dimension " + dimension);
        }
        return (int) length;
    }

    private static int grown(int capacity) {
        return (int) Math.min(MAX_ARRAY_LENGTH, Math.max(MIN_CAPACITY, capacity + (capacity >> 1)));
    }
}
