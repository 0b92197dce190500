package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test oracle: every live point kept by id, and each query answered by scanning and sorting all
 * of them by (squared distance, id), the distance computed the same float way the index documents
 * (component by component in ascending order). Vectors are normalised here, not read back from the
 * index, so the oracle also checks what the index stores.
 */
final class BruteForce {

    /** One neighbour: id and internal squared L2 distance. */
    record Neighbor(String id, float sqDist) {}

    private static final Comparator<Neighbor> ORDER =
            Comparator.comparingDouble(Neighbor::sqDist).thenComparing(Neighbor::id);

    private final int dimension;
    private final boolean normalises;
    private final Map<String, float[]> points = new LinkedHashMap<>();

    BruteForce(int dimension, KnnMetric metric) {
        this.dimension = dimension;
        this.normalises = metric.normalises();
    }

    int size() {
        return points.size();
    }

    Map<String, float[]> points() {
        return points;
    }

    List<String> ids() {
        return new ArrayList<>(points.keySet());
    }

    boolean upsert(String id, float[] v) {
        return points.put(id, stored(v)) != null;
    }

    boolean delete(String id) {
        return points.remove(id) != null;
    }

    int deleteInBox(float[] lo, float[] hi) {
        List<String> inside = box(lo, hi).stream().map(Neighbor::id).toList();
        inside.forEach(points::remove);
        return inside.size();
    }

    /** The vector as the index should store it: a copy, scaled to unit length under cosine. */
    float[] stored(float[] v) {
        float[] copy = v.clone();
        if (normalises) {
            double sum = 0;
            for (float x : v) {
                sum += (double) x * x;
            }
            double norm = Math.sqrt(sum);
            for (int i = 0; i < copy.length; i++) {
                copy[i] = (float) (v[i] / norm);
            }
        }
        return copy;
    }

    static float sqDist(float[] a, float[] b) {
        float sum = 0f;
        for (int i = 0; i < a.length; i++) {
            float diff = a[i] - b[i];
            sum += diff * diff;
        }
        return sum;
    }

    List<Neighbor> all(float[] query) {
        float[] q = stored(query);
        List<Neighbor> result = new ArrayList<>(points.size());
        points.forEach((id, p) -> result.add(new Neighbor(id, sqDist(q, p))));
        result.sort(ORDER);
        return result;
    }

    List<Neighbor> knn(float[] query, int k) {
        List<Neighbor> all = all(query);
        return all.subList(0, Math.min(k, all.size()));
    }

    List<Neighbor> radius(float[] query, float sqRadius) {
        return all(query).stream().filter(n -> n.sqDist() <= sqRadius).toList();
    }

    List<Neighbor> box(float[] lo, float[] hi) {
        List<Neighbor> result = new ArrayList<>();
        points.forEach(
                (id, p) -> {
                    for (int i = 0; i < dimension; i++) {
                        if (!(lo[i] <= p[i] && p[i] <= hi[i])) {
                            return;
                        }
                    }
                    result.add(new Neighbor(id, 0f));
                });
        result.sort(ORDER);
        return result;
    }

    /** The ratio-test rule of {@link KdTreeIndex#match}, on the sorted brute-force neighbours. */
    String match(float[] query, float ratio) {
        List<Neighbor> two = knn(query, 2);
        if (two.size() < 2) {
            return null;
        }
        double sq1 = two.get(0).sqDist();
        double sq2 = two.get(1).sqDist();
        return sq1 < (double) ratio * ratio * sq2 ? two.get(0).id() : null;
    }

    /** The buffer's contents as neighbours, ids read through the index. */
    static List<Neighbor> read(KdTreeIndex index, NeighborBuffer out) {
        List<Neighbor> result = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) {
            assertThat(index.isLive(out.slot(i))).as("result %d is live", i).isTrue();
            result.add(new Neighbor(index.id(out.slot(i)), out.distance(i)));
        }
        return result;
    }

    /** Asserts that the index's live points are exactly this oracle's, slot by slot. */
    void assertSameView(KdTreeIndex index) {
        assertThat(index.size()).isEqualTo(points.size());
        int liveSlots = 0;
        float[] coordinates = index.coordinates();
        for (int slot = 0; slot < index.slotCount(); slot++) {
            if (!index.isLive(slot)) {
                continue;
            }
            liveSlots++;
            String id = index.id(slot);
            assertThat(index.slotOf(id)).isEqualTo(slot);
            float[] expected = points.get(id);
            assertThat(expected).as("live slot %d holds unknown id %s", slot, id).isNotNull();
            for (int i = 0; i < dimension; i++) {
                assertThat(coordinates[slot * dimension + i])
                        .as("slot %d component %d", slot, i)
                        .isEqualTo(expected[i]);
            }
        }
        assertThat(liveSlots).isEqualTo(points.size());
    }
}
