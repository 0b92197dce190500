package dev.quiver.bayes.flink;

import dev.quiver.bayes.ParameterSummary;
import dev.quiver.bayes.PosteriorSummary;
import dev.quiver.schema.ParameterEstimate;
import dev.quiver.schema.PosteriorUpdate;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a kernel's {@link PosteriorSummary} into the wire {@link PosteriorUpdate}, mapping the
 * kernel's NaN ("undefined") to null in the nullable fields, so no NaN reaches a consumer.
 *
 * <pre>{@code
 * PosteriorUpdate update = PosteriorUpdates.builder("ad-7", posterior.summarize())
 *     .setTs(ts).setLatencyMs(0L).build();
 * }</pre>
 */
final class PosteriorUpdates {

    /** {@code scope} of a key's posterior. */
    static final String KEY_SCOPE = "key";

    /** {@code scope} of the global posterior. */
    static final String GLOBAL_SCOPE = "global";

    /** {@code key} of the global posterior. */
    static final String GLOBAL_KEY = "*";

    private PosteriorUpdates() {}

    /**
     * A builder with the key and every field the summary gives; the caller sets {@code ts}, {@code
     * latencyMs} and, where they apply, {@code id}, {@code logPredictive}, {@code logScore}, {@code
     * changepoint} and {@code scope}.
     */
    static PosteriorUpdate.Builder builder(String key, PosteriorSummary summary) {
        return fill(PosteriorUpdate.newBuilder(), key, summary);
    }

    /**
     * Sets the key and every field the summary gives on {@code builder}, which may have built
     * updates before (the fields it sets replace theirs), and returns it; as {@link #builder}.
     */
    static PosteriorUpdate.Builder fill(
            PosteriorUpdate.Builder builder, String key, PosteriorSummary summary) {
        return builder.setKey(key)
                .setModel(summary.model())
                .setN(summary.n())
                // The summary's own map (unmodifiable, insertion order): Map.copyOf would iterate in
                // an order salted per JVM, so a replay would encode the same result differently.
                .setParams(summary.params())
                .setMean(summary.mean())
                .setVariance(summary.variance())
                .setCiLow(summary.ciLow())
                .setCiHigh(summary.ciHigh())
                .setMle(nullIfNaN(summary.mle()))
                .setMap(nullIfNaN(summary.map()))
                .setParameters(parameters(summary.parameters()));
    }

    private static List<ParameterEstimate> parameters(List<ParameterSummary> parameters) {
        List<ParameterEstimate> out = new ArrayList<>(parameters.size());
        for (ParameterSummary p : parameters) {
            out.add(
                    new ParameterEstimate(
                            p.name(),
                            p.mean(),
                            p.variance(),
                            p.ciLow(),
                            p.ciHigh(),
                            nullIfNaN(p.mle()),
                            nullIfNaN(p.map())));
        }
        return out;
    }

    static Double nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
