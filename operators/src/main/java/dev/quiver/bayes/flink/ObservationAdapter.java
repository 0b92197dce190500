package dev.quiver.bayes.flink;

import dev.quiver.bayes.BayesObservation;
import dev.quiver.schema.Observation;

import java.util.List;

/**
 * Turns a wire {@link Observation} into the {@link BayesObservation} the kernels read, so the
 * kernels need no Avro types.
 *
 * <pre>{@code
 * BayesObservation kernelView = ObservationAdapter.toKernel(observation);
 * }</pre>
 */
public final class ObservationAdapter {

    private ObservationAdapter() {}

    /** Copies the value, features (a fresh array) and category. */
    public static BayesObservation toKernel(Observation observation) {
        final List<Double> features = observation.getFeatures();
        final double[] array = new double[features.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = features.get(i);
        }
        return new BayesObservation(observation.getValue(), array, observation.getCategory());
    }
}
