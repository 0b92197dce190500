package dev.quiver.knn;

import dev.quiver.compute.DistanceKernel;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The live points of one namespace: the kd-tree over them, their event times oldest first for
 * TTL expiry and max-points eviction, and, for a namespace answered by brute force, the same
 * points in a compute backend's block ({@link BlockPoints}), updated with every upsert, delete,
 * expiry and eviction. Derived from the operator's keyed state (the points), so it is rebuilt,
 * never checkpointed. Not thread-safe; {@link #close()} releases the block.
 *
 * <pre>{@code
 * LivePoints live = new LivePoints(3, KnnMetric.SQUARED_L2);
 * live.upsert("a", new float[] {1, 2, 3}, 1_700_000_000_000L);
 * while (live.size() > maxPoints) live.delete(live.oldestId());
 * }</pre>
 */
public final class LivePoints implements AutoCloseable {

    /** A point's age key: event time, then id, so eviction order is deterministic. */
    private record Aged(long ts, String id) implements Comparable<Aged> {
        @Override
        public int compareTo(Aged other) {
            int byTime = Long.compare(ts, other.ts);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    private final KdTreeIndex index;
    private final BlockPoints block;
    private final TreeSet<Aged> byAge = new TreeSet<>();
    private final Map<String, Long> tsById = new HashMap<>();

    public LivePoints(int dimension, KnnMetric metric) {
        this(dimension, metric, null);
    }

    /**
     * Live points that also keep a block of {@code blocks} for the brute force ({@link
     * #bruteForcePoints()}); null for the kd-tree alone.
     */
    public LivePoints(int dimension, KnnMetric metric, DistanceKernel blocks) {
        this.index = KdTreeIndex.builder(dimension).metric(metric).build();
        this.block = blocks == null ? null : new BlockPoints(blocks, dimension);
    }

    /** Inserts or replaces a point; the vector must already be valid for the index. */
    public void upsert(String id, float[] vector, long ts) {
        Long previous = tsById.put(id, ts);
        if (previous != null) {
            byAge.remove(new Aged(previous, id));
        }
        byAge.add(new Aged(ts, id));
        index.upsert(id, vector, 0);
        if (block != null) {
            // The vector as the index stores it (normalised under cosine), so both answer alike.
            block.upsert(id, index.coordinates(), index.slotOf(id) * index.dimension());
        }
    }

    /** Removes a point; false when the id is unknown. */
    public boolean delete(String id) {
        Long ts = tsById.remove(id);
        if (ts == null) {
            return false;
        }
        byAge.remove(new Aged(ts, id));
        index.delete(id);
        if (block != null) {
            block.delete(id);
        }
        return true;
    }

    /** Event time of the oldest point; only when not empty. */
    public long oldestTs() {
        return byAge.first().ts();
    }

    /** Id of the oldest point (ties by id); only when not empty. */
    public String oldestId() {
        return byAge.first().id();
    }

    public int size() {
        return tsById.size();
    }

    public int dimension() {
        return index.dimension();
    }

    public KdTreeIndex index() {
        return index;
    }

    /** The points the brute force searches: the block when there is one, else the index. */
    public PointSet bruteForcePoints() {
        return block != null ? block : index;
    }

    @Override
    public void close() {
        if (block != null) {
            block.close();
        }
    }
}
