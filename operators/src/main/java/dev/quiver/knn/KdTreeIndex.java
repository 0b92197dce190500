package dev.quiver.knn;

import dev.quiver.compute.NearestHeap;
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
 * <p><b>Pieces.</b> This class checks arguments, normalises vectors and delegates to
 * package-private parts: {@code KdTreeStore} (the arrays, and allocation of nodes and blocks),
 * {@code KdTreeRebuilder} with {@code MedianCut} (balanced builds, rebuilds and leaf splits),
 * {@code KdTreeUpdater} with {@code RebuildCriteria} (inserts, tombstones and which node to
 * rebuild), {@code ExactKdTreeSearch} and {@code BestBinFirstSearch} with {@code BranchQueue}
 * (queries, ranking in a {@code NearestHeap}), and {@code KdTreeInvariants} (structural checks for
 * tests).
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

    private final int dimension;
    private final KnnMetric metric;
    private final KdTreeStore store;
    private final KdTreeRebuilder rebuilder;
    private final KdTreeUpdater updater;
    private final KdTreeInvariants invariants;
    private final ExactKdTreeSearch exact;
    private final BestBinFirstSearch bestBinFirst;

    /** The box of the running box query or box delete. */
    private final AxisBox box = new AxisBox();

    /** Scratch for the vector of the running query or insert, checked and normalised. */
    private final float[] query;

    private KdTreeIndex(Builder builder) {
        this.dimension = builder.dimension;
        this.metric = builder.metric;
        this.query = new float[dimension];
        RebuildCriteria criteria =
                new RebuildCriteria(builder.leafSize, builder.alpha, builder.maxDeletedFraction);
        this.store = new KdTreeStore(dimension, builder.leafSize);
        this.rebuilder = new KdTreeRebuilder(store, builder.leafSize);
        this.updater = new KdTreeUpdater(store, criteria, rebuilder, box);
        this.invariants = new KdTreeInvariants(store, criteria);
        this.exact = new ExactKdTreeSearch(store, this, query, box);
        this.bestBinFirst = new BestBinFirstSearch(store, this, query);
        rebuilder.buildEmpty();
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
            requireInOneTo("dimension", dimension, MAX_DIMENSION);
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
            requireInOneTo("leafSize", leafSize, MAX_LEAF_SIZE);
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
            requireIn(alpha > 0.5 && alpha < 1.0, "balance alpha", "(0.5, 1)", alpha);
            this.alpha = alpha;
            return this;
        }

        /**
         * Tombstone fraction in (0, 1) above which a subtree is rebuilt without them, default
         * {@value #DEFAULT_MAX_DELETED_FRACTION} as in the ikd-Tree paper: at most as many dead
         * slots as live ones are scanned and stored.
         */
        public Builder maxDeletedFraction(double fraction) {
            requireIn(fraction > 0.0 && fraction < 1.0, "maxDeletedFraction", "(0, 1)", fraction);
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

        private static void requireInOneTo(String option, int value, int max) {
            requireIn(value >= 1 && value <= max, option, "[1, " + max + "]", value);
        }

        /** Throws "{@code option} must be in {@code range}, got {@code value}" unless in range. */
        private static void requireIn(boolean inRange, String option, String range, Object value) {
            if (!inRange) {
                throw new IllegalArgumentException(
                        option + " must be in " + range + ", got " + value);
            }
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
        return store.slotCount();
    }

    @Override
    public int size() {
        return store.liveCount;
    }

    @Override
    public float[] coordinates() {
        return store.coordinates;
    }

    @Override
    public boolean isLive(int slot) {
        return slot >= 0 && slot < store.slotCount() && store.live[slot];
    }

    @Override
    public String id(int slot) {
        Objects.checkIndex(slot, store.slotCount());
        return store.id(slot);
    }

    /** The metric this index ranks by. */
    public KnnMetric metric() {
        return metric;
    }

    /** True when a live point has this id. */
    public boolean contains(String id) {
        return store.handles.find(id) >= 0;
    }

    /** The slot of the live point with this id, or -1; valid until the next mutation. */
    public int slotOf(String id) {
        int handle = store.handles.find(id);
        return handle < 0 ? -1 : store.handles.slot(handle);
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
        loadVector(v, off, query, 0);
        int previousSlot = store.handles.remove(id);
        if (previousSlot >= 0) {
            updater.delete(previousSlot);
        }
        updater.insert(id, query);
        return previousSlot >= 0;
    }

    /**
     * Deletes the point with this id: its slot becomes a tombstone until a rebuild reclaims it.
     *
     * @return false if no live point has this id
     */
    public boolean delete(String id) {
        int slot = store.handles.remove(id);
        if (slot < 0) {
            return false;
        }
        updater.delete(slot);
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
        box.set(lo, hi);
        try {
            return updater.deleteInBox();
        } finally {
            box.clear();
        }
    }

    /**
     * Rebuilds the whole tree from its live points into arrays sized to them, buckets in tree
     * order: {@code O(n log n + n d)}. Updates never need it; it suits a freshly restored or bulk
     * loaded index, whose queries then read memory in tree order. Every slot may change.
     */
    public void rebuild() {
        rebuilder.rebuildRoot();
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
        exact.knn(k, out);
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
            exact.knn(k, out[i]);
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
        exact.radius(sqRadius, out);
        out.sortByDistanceThenId(this);
    }

    /**
     * Every live point with {@code lo[i] <= x[i] <= hi[i]} on every axis (stored coordinates), with
     * distance 0, ordered by id. A NaN bound matches nothing on its axis. Nothing is allocated
     * unless {@code out} has to grow.
     */
    public void box(float[] lo, float[] hi, NeighborBuffer out) {
        checkBox(lo, hi);
        box.set(lo, hi);
        try {
            exact.box(out);
        } finally {
            box.clear();
        }
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
        exact.knn(2, out);
        if (out.size() < 2) {
            return -1;
        }
        return RatioTest.passes(out.distance(0), out.distance(1), ratio) ? out.slot(0) : -1;
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
        bestBinFirst.knn(k, maxChecks, out);
    }

    // =====================================================================================
    // inspection
    // =====================================================================================

    /** Edges on the longest root-to-leaf path; 0 for a single leaf. {@code O(nodes)}. */
    public int height() {
        return store.height(store.root);
    }

    /** Nodes in use (for tests of memory reclamation). */
    int nodeCount() {
        return store.usedNodes();
    }

    /** Length of the node arrays (for tests of memory reclamation). */
    int nodeCapacity() {
        return store.left.length;
    }

    /** Length of the per-slot arrays (for tests of memory reclamation). */
    int slotCapacity() {
        return store.live.length;
    }

    /**
     * Checks every structural invariant and throws {@link IllegalStateException} naming the first
     * broken one; see {@link KdTreeInvariants}. {@code O(n d)}; for tests.
     */
    void checkInvariants() {
        invariants.check();
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "KdTreeIndex{dimension=%d, metric=%s, size=%d, slots=%d, nodes=%d, height=%d}",
                dimension,
                metric.optionName(),
                store.liveCount,
                slotCount(),
                nodeCount(),
                height());
    }
}
