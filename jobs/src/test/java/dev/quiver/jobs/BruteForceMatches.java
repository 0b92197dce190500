package dev.quiver.jobs;

import dev.quiver.schema.Neighbor;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.VectorOp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The match job's oracle: each KNN query answered by a plain loop over the points of its namespace
 * at its time, nearest first by squared distance in float (as the job computes it), ties by id.
 *
 * <pre>{@code
 * Map<String, List<Neighbor>> expected = BruteForceMatches.answers(eventsInEventTimeOrder);
 * }</pre>
 */
public final class BruteForceMatches {

    private BruteForceMatches() {}

    /**
     * The neighbours of every query among {@code events} (vector events and KNN queries, in event
     * time order), by query id.
     */
    public static Map<String, List<Neighbor>> answers(List<?> events) {
        Map<String, Map<String, float[]>> namespaces = new HashMap<>();
        Map<String, List<Neighbor>> answers = new TreeMap<>();
        for (Object e : events) {
            if (e instanceof VectorEvent v) {
                Map<String, float[]> points =
                        namespaces.computeIfAbsent(v.getNamespace(), n -> new HashMap<>());
                if (v.getOp() == VectorOp.DELETE) {
                    points.remove(v.getId());
                } else {
                    points.put(v.getId(), toArray(v.getVector()));
                }
            } else {
                QueryEvent q = (QueryEvent) e;
                float[] query = toArray(q.getVector());
                List<Neighbor> all = new ArrayList<>();
                namespaces
                        .getOrDefault(q.getNamespace(), Map.of())
                        .forEach(
                                (id, p) ->
                                        all.add(
                                                new Neighbor(
                                                        id, (double) squaredDistance(query, p))));
                all.sort(
                        Comparator.comparingDouble(Neighbor::getDistance)
                                .thenComparing(Neighbor::getId));
                answers.put(
                        q.getId(), new ArrayList<>(all.subList(0, Math.min(q.getK(), all.size()))));
            }
        }
        return answers;
    }

    private static float squaredDistance(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            float diff = a[i] - b[i];
            sum += diff * diff;
        }
        return sum;
    }

    private static float[] toArray(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }
}
