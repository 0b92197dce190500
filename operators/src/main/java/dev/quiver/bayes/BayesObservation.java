package dev.quiver.bayes;

import java.util.Objects;

/**
 * One observation as the bayes kernels see it: the fields of the wire {@code Observation} that a
 * model reads, with no Avro types.
 *
 * <p>Which fields a model reads: {@code value} for every model except Dirichlet-Multinomial; {@code
 * features[0]} is the number of trials for Beta-Binomial and the (optional) exposure for
 * Gamma-Poisson; {@code features} is the regressor vector for Bayesian linear regression; {@code
 * category} is the outcome for Dirichlet-Multinomial. {@code features} is never null (empty when
 * absent) and is not copied: callers must not change it while a kernel holds the observation.
 *
 * <pre>{@code
 * BayesObservation click = BayesObservation.of(1.0);
 * BayesObservation binomial = BayesObservation.withFeatures(3.0, 10.0); // 3 of 10 trials
 * BayesObservation colour = BayesObservation.ofCategory("red");
 * }</pre>
 *
 * @param value the observed value
 * @param features the feature vector, empty when the observation has none
 * @param category the observed category, or {@code null}
 */
public record BayesObservation(double value, double[] features, String category) {

    private static final double[] NO_FEATURES = new double[0];

    /** Requires {@code features} to be non-null. */
    public BayesObservation {
        Objects.requireNonNull(features, "features");
    }

    /** An observation with only a value. */
    public static BayesObservation of(double value) {
        return new BayesObservation(value, NO_FEATURES, null);
    }

    /** An observation with a value and features. */
    public static BayesObservation withFeatures(double value, double... features) {
        return new BayesObservation(value, features, null);
    }

    /** An observation of a category (value 0). */
    public static BayesObservation ofCategory(String category) {
        return new BayesObservation(0.0, NO_FEATURES, Objects.requireNonNull(category, "category"));
    }
}
