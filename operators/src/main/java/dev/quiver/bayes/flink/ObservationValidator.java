package dev.quiver.bayes.flink;

import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.ConjugatePosterior;
import dev.quiver.io.flink.KeyedObservationValidator;
import dev.quiver.schema.Observation;

/**
 * The decode step's check of an observation for the bayes job: a non-empty key and a value the
 * model accepts (the kernel's own rule, so the two cannot disagree).
 *
 * <pre>{@code
 * RecordValidator<Observation> validator = new ObservationValidator(options);
 * }</pre>
 */
public final class ObservationValidator extends KeyedObservationValidator {

    private final BayesOptions options;

    /** Holds the model's rules; created on first use because posteriors are not serializable. */
    private transient ConjugatePosterior rules;

    /**
     * @param options the job's model and prior
     */
    public ObservationValidator(BayesOptions options) {
        this.options = options;
    }

    @Override
    protected String invalidValueReason(Observation observation) {
        if (rules == null) {
            rules = options.newPosterior();
        }
        return rules.invalidReason(ObservationAdapter.toKernel(observation));
    }
}
