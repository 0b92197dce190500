package dev.quiver.knn.flink;

import dev.quiver.knn.KnnMetric;
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
public final class VectorEventValidator extends KnnEventValidator<VectorEvent> {

    /**
     * @param metric the job's metric
     * @param maxDimension the longest vector accepted
     */
    public VectorEventValidator(KnnMetric metric, int maxDimension) {
        super(metric, maxDimension);
    }

    @Override
    public String invalidReason(VectorEvent event) {
        String reason = keyReason("vector event", event.getId(), event.getNamespace());
        if (reason != null || event.getOp() == VectorOp.DELETE) {
            return reason;
        }
        return vectorReason(event.getVector());
    }
}
