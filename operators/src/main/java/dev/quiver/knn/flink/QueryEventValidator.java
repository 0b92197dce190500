package dev.quiver.knn.flink;

import dev.quiver.knn.KnnMetric;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.QueryMode;

/**
 * The decode step's stateless check of a query: an id, a namespace, a non-empty finite vector no
 * longer than the job's maximum dimension, k in [1, {@value #MAX_K}] for kNN, and a finite radius
 * of at least 0 for radius queries.
 *
 * <pre>{@code
 * RecordValidator<QueryEvent> validator = new QueryEventValidator(KnnMetric.SQUARED_L2, 4096);
 * }</pre>
 */
public final class QueryEventValidator extends KnnEventValidator<QueryEvent> {

    /** The largest k a query may ask for. */
    public static final int MAX_K = 10_000;

    /**
     * @param metric the job's metric
     * @param maxDimension the longest vector accepted
     */
    public QueryEventValidator(KnnMetric metric, int maxDimension) {
        super(metric, maxDimension);
    }

    @Override
    public String invalidReason(QueryEvent query) {
        String reason = keyReason("query", query.getId(), query.getNamespace());
        if (reason != null) {
            return reason;
        }
        if (query.getMode() == QueryMode.KNN && (query.getK() < 1 || query.getK() > MAX_K)) {
            return "k must be in 1.." + MAX_K + ", got " + query.getK();
        }
        if (query.getMode() == QueryMode.RADIUS) {
            Float radius = query.getRadius();
            if (radius == null) {
                return "a RADIUS query needs a radius";
            }
            if (!(radius >= 0) || Float.isInfinite(radius)) {
                return "radius must be finite and >= 0, got " + radius;
            }
        }
        return vectorReason(query.getVector());
    }
}
