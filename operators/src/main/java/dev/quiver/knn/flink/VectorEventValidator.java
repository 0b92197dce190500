package dev.quiver.knn.flink;

import dev.quiver.io.RecordValidator;
import dev.quiver.knn.KnnMetric;
import dev.quiver.knn.VectorChecks;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.VectorOp;

/**
 * The decode step's stateless check of a vector event: an id, and for an upsert a non-empty, finite
 * vector no longer than the job's maximum dimension (and not zero under the cosine metric). The
 * dimension of the namespace is checked later, by the operator that knows it.
 *
 * <pre>{@code
 * RecordValidator<VectorEvent> validator = new VectorEventValidator(KnnMetric.L2, 4096);
 * }</pre>
 */
public final class VectorEventValidator implements RecordValidator<VectorEvent> {

    private final KnnMetric metric;
    private final int maxDimension;

    /**
     * @param metric the job's metric
     * @param maxDimension the longest vector accepted
     */
    public VectorEventValidator(KnnMetric metric, int maxDimension) {
        this.metric = metric;
        this.maxDimension = maxDimension;
    }

    @Override
    public String invalidReason(VectorEvent event) {
        if (event.getId().isEmpty()) {
            return "vector event has an empty id";
        }
        if (event.getNamespace().isEmpty()) {
            return "vector event has an empty namespace";
        }
        if (event.getOp() == VectorOp.DELETE) {
            return null;
        }
        return VectorChecks.invalidReason(event.getVector(), metric, maxDimension);
    }
}
