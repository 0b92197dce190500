package dev.quiver.knn.flink;

import dev.quiver.io.RecordValidator;
import dev.quiver.knn.KnnMetric;
import dev.quiver.knn.VectorChecks;
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
public final class QueryEventValidator implements RecordValidator<QueryEvent> {

    /** The largest k a query may ask for. */
    public static final int MAX_K = 10_000;

    private final KnnMetric metric;
    private final int maxDimension;

    /**
     * @param metric the job's metric
     * @param maxDimension the longest vector accepted
     */
    public QueryEventValidator(KnnMetric metric, int maxDimension) {
        this.metric = metric;
        this.maxDimension = maxDimension;
    }

    @Override
    public String invalidReason(QueryEvent query) {
        if (query.getId().isEmpty()) {
            return "query has an empty id";
        }
        // As for vectors: no vector can be in the empty namespace, and a query keyed by it would
        // be answered, wrongly, as one of a namespace that has none yet.
        if (query.getNamespace().isEmpty()) {
            return "query has an empty namespace";
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
        return VectorChecks.invalidReason(query.getVector(), metric, maxDimension);
    }
}
