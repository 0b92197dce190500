package dev.quiver.knn.flink;

import dev.quiver.io.RecordValidator;
import dev.quiver.knn.KnnMetric;
import dev.quiver.knn.VectorChecks;

import java.util.List;

/**
 * What the decode step checks in every kNN event, vector or query, before the checks of its own
 * kind: an id, a namespace, and a vector the job's metric and maximum dimension accept. No vector
 * can be in the empty namespace, and a query keyed by it would be answered, wrongly, as one of a
 * namespace that has none yet.
 *
 * @param <T> the event type
 */
abstract class KnnEventValidator<T> implements RecordValidator<T> {

    private final KnnMetric metric;
    private final int maxDimension;

    KnnEventValidator(KnnMetric metric, int maxDimension) {
        this.metric = metric;
        this.maxDimension = maxDimension;
    }

    /** Why an event ({@code what}, as the reason names it) with these keys is invalid, or null. */
    static String keyReason(String what, String id, String namespace) {
        if (id.isEmpty()) {
            return what + " has an empty id";
        }
        if (namespace.isEmpty()) {
            return what + " has an empty namespace";
        }
        return null;
    }

    /** Why the job cannot take this vector, or null. */
    final String vectorReason(List<Float> vector) {
        return VectorChecks.invalidReason(vector, metric, maxDimension);
    }
}
