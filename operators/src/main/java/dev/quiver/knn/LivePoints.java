package dev.quiver.knn;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The live points of one namespace: the kd-tree over them, and their event times oldest first for
 * TTL expiry and max-points eviction. Derived from the operator's keyed state (the points), so it
 * is rebuilt, never checkpointed. Not thread-safe.
 */
final class LivePoints {

    /** A point's age key: event time, then id, so eviction order is deterministic. */
    private record Aged(long ts, String id) implements Comparable<Aged> {
        @Override
        public int compareTo(Aged other) {
            int byTime = Long.compare(ts, other.ts);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    private final KdTreeIndex index;
    private final TreeSet<Aged> byAge = new TreeSet<>();
    private final Map<String, Long> tsById = new HashMap<>();

    LivePoints(int dimension, KnnMetric metric) {
        this.index = KdTreeIndex.builder(dimension).metric(metric).build();
    }

    /** Inserts or replaces a point; the vector must already be valid for the index. */
    void upsert(String id, float[] vector, long ts) {
        Long previous = tsById.put(id, ts);
        if (previous != null) {
            byAge.remove(new Aged(previous, id));
        }
        byAge.add(new Aged(ts, id));
        index.upsert(id, vector, 0);
    }

    /** Removes a point; false when the id is unknown. */
    boolean delete(String id) {
        Long ts = tsById.remove(id);
        if (ts == null) {
            return false;
        }
        byAge.remove(new Aged(ts, id));
        index.delete(id);
        return true;
    }

    /** Event time of the oldest point; only when not empty. */
    long oldestTs() {
        return byAge.first().ts();
    }

    /** Id of the oldest point (ties by id); only when not empty. */
    String oldestId() {
        return byAge.first().id();
    }

    int size() {
        return tsById.size();
    }

    int dimension() {
        return index.dimension();
    }

    KdTreeIndex index() {
        return index;
    }
}
