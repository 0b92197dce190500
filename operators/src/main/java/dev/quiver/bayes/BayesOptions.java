package dev.quiver.bayes;

import java.io.Serializable;

/**
 * The settings of the bayes job: which conjugate model, and its prior. Immutable; build with {@link
 * #builder()}, whose {@code build()} checks the combination.
 *
 * <pre>{@code
 * BayesOptions options = BayesOptions.builder().setPriorAlpha(2).setPriorBeta(8).build();
 * ConjugatePosterior prior = options.newPosterior();
 * }</pre>
 *
 * @param model the model name, e.g. {@code beta-bernoulli}
 * @param priorAlpha the Beta prior's alpha
 * @param priorBeta the Beta prior's beta
 */
public record BayesOptions(String model, double priorAlpha, double priorBeta)
        implements Serializable {

    /** The models this job knows. */
    public static final String[] MODELS = {BetaBernoulliPosterior.MODEL};

    /** Starts a builder with the defaults: beta-bernoulli with a uniform Beta(1, 1) prior. */
    public static Builder builder() {
        return new Builder();
    }

    /** A fresh posterior equal to the prior. */
    public ConjugatePosterior newPosterior() {
        return BetaBernoulliPosterior.withPrior(priorAlpha, priorBeta);
    }

    /** Reads a posterior from its state bytes. */
    public ConjugatePosterior restore(byte[] stateBytes) {
        return BetaBernoulliPosterior.fromBytes(stateBytes);
    }

    /** Builder of {@link BayesOptions}. */
    public static final class Builder {
        private String model = BetaBernoulliPosterior.MODEL;
        private double priorAlpha = 1.0;
        private double priorBeta = 1.0;

        private Builder() {}

        /** The conjugate model; one of {@link BayesOptions#MODELS}. */
        public Builder setModel(String model) {
            if (!java.util.Arrays.asList(MODELS).contains(model)) {
                throw new IllegalArgumentException(
                        "unknown model '" + model + "'; known: " + String.join(", ", MODELS));
            }
            this.model = model;
            return this;
        }

        /** The Beta prior's alpha, finite and positive. */
        public Builder setPriorAlpha(double priorAlpha) {
            this.priorAlpha = requirePositive("prior-alpha", priorAlpha);
            return this;
        }

        /** The Beta prior's beta, finite and positive. */
        public Builder setPriorBeta(double priorBeta) {
            this.priorBeta = requirePositive("prior-beta", priorBeta);
            return this;
        }

        /** The options. */
        public BayesOptions build() {
            return new BayesOptions(model, priorAlpha, priorBeta);
        }

        private static double requirePositive(String option, double value) {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(
                        option + " must be finite and > 0, got " + value);
            }
            return value;
        }
    }
}
