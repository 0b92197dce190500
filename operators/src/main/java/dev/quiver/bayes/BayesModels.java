package dev.quiver.bayes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The models the bayes job can run, by name: how to build each one's prior from the job's {@link
 * BayesOptions} and how to read its state bytes back. The one place that ties a model name to a
 * kernel class, so the operator, the validator and the global merge never name a model.
 *
 * <pre>{@code
 * ConjugatePosterior prior = BayesModels.create(options);
 * ConjugatePosterior restored = BayesModels.fromBytes(options.model(), prior.toBytes());
 * Set<String> names = BayesModels.names(); // beta-bernoulli, ...
 * }</pre>
 */
public final class BayesModels {

    /** A model's prior from the options, and its state reader. */
    private record Model(
            Function<BayesOptions, ConjugatePosterior> prior,
            Function<byte[], ConjugatePosterior> reader) {}

    private static final Map<String, Model> MODELS = new LinkedHashMap<>();

    static {
        register(
                BetaBernoulliPosterior.MODEL,
                o -> BetaBernoulliPosterior.withPrior(o.priorAlpha(), o.priorBeta()),
                BetaBernoulliPosterior::fromBytes);
        register(
                BetaBinomialPosterior.MODEL,
                o -> BetaBinomialPosterior.withPrior(o.priorAlpha(), o.priorBeta()),
                BetaBinomialPosterior::fromBytes);
        register(
                GammaPoissonPosterior.MODEL,
                o -> GammaPoissonPosterior.withPrior(o.priorShape(), o.priorRate()),
                GammaPoissonPosterior::fromBytes);
        register(
                NormalInverseGammaPosterior.MODEL,
                o ->
                        NormalInverseGammaPosterior.withPrior(
                                o.priorMean(), o.priorKappa(), o.priorShape(), o.priorScale()),
                NormalInverseGammaPosterior::fromBytes);
        register(
                DirichletMultinomialPosterior.MODEL,
                o ->
                        DirichletMultinomialPosterior.withPrior(
                                o.priorConcentration(), o.maxCategories()),
                DirichletMultinomialPosterior::fromBytes);
        register(
                BayesianLinearRegression.MODEL,
                o ->
                        BayesianLinearRegression.withPrior(
                                o.dimension(), o.priorPrecision(), o.priorShape(), o.priorScale()),
                BayesianLinearRegression::fromBytes);
    }

    private BayesModels() {}

    private static void register(
            String name,
            Function<BayesOptions, ConjugatePosterior> prior,
            Function<byte[], ConjugatePosterior> reader) {
        MODELS.put(name, new Model(prior, reader));
    }

    /** The names of the models this build can run, in registration order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(MODELS.keySet());
    }

    /**
     * A fresh posterior of {@code options.model()}, equal to the prior the options describe.
     *
     * @throws IllegalArgumentException if the model is unknown or the kernel rejects the prior
     */
    public static ConjugatePosterior create(BayesOptions options) {
        return model(options.model()).prior().apply(options);
    }

    /**
     * Reads state bytes written by {@link ConjugatePosterior#toBytes()} of a {@code model}
     * posterior.
     *
     * @throws IllegalArgumentException if the model is unknown or the bytes are corrupted, of
     *     another model or of an unknown serial version
     */
    public static ConjugatePosterior fromBytes(String model, byte[] stateBytes) {
        return model(model).reader().apply(stateBytes);
    }

    /**
     * Whether two states belong to the same family and configuration (prior and settings), read
     * from their preambles alone: only such posteriors can be merged, and a restored key must match
     * the job's options.
     */
    public static boolean sameConfiguration(byte[] a, byte[] b) {
        if (a.length < PosteriorStateFormat.MIN_PREAMBLE_BYTES
                || b.length < PosteriorStateFormat.MIN_PREAMBLE_BYTES
                || a[PosteriorStateFormat.FAMILY_BYTE] != b[PosteriorStateFormat.FAMILY_BYTE]) {
            return false;
        }
        for (int i = PosteriorStateFormat.CONFIG_HASH_INT;
                i < PosteriorStateFormat.CONFIG_HASH_INT + Integer.BYTES;
                i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    private static Model model(String name) {
        Model model = MODELS.get(name);
        if (model == null) {
            throw new IllegalArgumentException(
                    "unknown model '" + name + "'; known: " + String.join(", ", names()));
        }
        return model;
    }
}
