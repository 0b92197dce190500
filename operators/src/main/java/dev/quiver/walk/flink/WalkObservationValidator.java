package dev.quiver.walk.flink;

import dev.quiver.io.flink.KeyedObservationValidator;
import dev.quiver.schema.Observation;
import dev.quiver.walk.WalkOptions;

/**
 * The walk stage's check of an observation ({@link WalkStartFunction} runs it): a non-empty key, a
 * finite value (the start level), and a simulation within {@code --max-work} and {@code
 * --max-memory-mb}.
 *
 * <pre>{@code
 * RecordValidator<Observation> validator = new WalkObservationValidator(options);
 * }</pre>
 */
public final class WalkObservationValidator extends KeyedObservationValidator {

    private final WalkOptions options;

    /**
     * @param options the job's simulation settings
     */
    public WalkObservationValidator(WalkOptions options) {
        this.options = options;
    }

    @Override
    protected String invalidValueReason(Observation observation) {
        if (!Double.isFinite(observation.getValue())) {
            return "walk start value must be finite, got " + observation.getValue();
        }
        String excessWork = options.excessWorkReason();
        return excessWork != null ? excessWork : options.excessMemoryReason();
    }
}
