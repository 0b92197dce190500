package dev.quiver.io.flink;

import dev.quiver.io.RecordValidator;
import dev.quiver.schema.Observation;

/**
 * A check of an observation for a job that keys by it: an empty key is rejected here, the same way
 * for every job, before the job's own check of the rest runs.
 *
 * <pre>{@code
 * RecordValidator<Observation> finiteValues =
 *         new KeyedObservationValidator() {
 *             protected String invalidValueReason(Observation observation) {
 *                 return Double.isFinite(observation.getValue()) ? null : "value is not finite";
 *             }
 *         };
 * }</pre>
 */
public abstract class KeyedObservationValidator implements RecordValidator<Observation> {

    @Override
    public final String invalidReason(Observation observation) {
        if (observation.getKey().isEmpty()) {
            return "observation has an empty key";
        }
        return invalidValueReason(observation);
    }

    /**
     * The job's own check of an observation whose key is not empty: null when it is valid, else a
     * one-line reason naming the bad value.
     */
    protected abstract String invalidValueReason(Observation observation);
}
