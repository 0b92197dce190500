package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.bayes.BayesModels;
import dev.quiver.bayes.BayesObservation;
import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.ConjugatePosterior;
import dev.quiver.bayes.ParameterSummary;
import dev.quiver.bayes.PosteriorSummary;
import dev.quiver.bayes.flink.ObservationAdapter;
import dev.quiver.schema.Observation;
import dev.quiver.schema.ParameterEstimate;
import dev.quiver.schema.PosteriorUpdate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded observations for every model of the bayes job, the job arguments that select the model,
 * and two oracles for the job's output: the kernel replayed per key exactly as the operator uses it
 * (state bytes between observations), and, where it is one line, the closed-form posterior mean.
 */
final class ModelStreams {

    /**
     * Every model the job documents. It must equal {@link BayesModels#names()}: a model dropped
     * from the registry, or added to it without a stream here, fails {@link #requireRegistered}.
     */
    static final List<String> ALL =
            List.of(
                    "beta-bernoulli",
                    "beta-binomial",
                    "gamma-poisson",
                    "normal",
                    "dirichlet",
                    "blr");

    private static final int BLR_DIMENSION = 3;
    private static final String[] CATEGORIES = {"red", "green", "blue", "amber"};

    /** What the job must emit for one observation. */
    record Expected(PosteriorSummary summary, double logPredictive, double logScore) {}

    private ModelStreams() {}

    /**
     * {@code names}, after checking that the registry holds each of them and that {@link #ALL}
     * covers the registry: a test never skips a model silently.
     */
    static List<String> requireRegistered(List<String> names) {
        assertThat(BayesModels.names())
                .as("models registered in BayesModels")
                .containsAll(names)
                .containsExactlyInAnyOrderElementsOf(ALL);
        return names;
    }

    /** The job arguments selecting {@code model} with its default prior. */
    static List<String> args(String model) {
        List<String> args = new ArrayList<>(List.of("--model", model));
        if (model.equals("blr")) {
            args.addAll(List.of("--dimension", String.valueOf(BLR_DIMENSION)));
        }
        return args;
    }

    /** The operator's options that {@link #args} give. */
    static BayesOptions options(String model) {
        BayesOptions.Builder builder = BayesOptions.builder().setModel(model);
        if (model.equals("blr")) {
            builder.setDimension(BLR_DIMENSION);
        }
        return builder.build();
    }

    /**
     * {@code count} observations of {@code model} over {@code keys} keys, each key its own truth.
     */
    static List<Observation> observations(String model, long seed, int count, int keys) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Observation> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int k = random.nextInt(keys);
            Observation.Builder o =
                    Observation.newBuilder()
                            .setId(model + "-" + i)
                            .setKey("key-" + k)
                            .setTs(Instant.ofEpochMilli(1_700_000_000_000L + i));
            double p = (k + 1.0) / (keys + 1.0);
            switch (model) {
                case "beta-bernoulli" -> o.setValue(random.nextDouble() < p ? 1 : 0);
                case "beta-binomial" -> {
                    int trials = 1 + random.nextInt(20);
                    int successes = 0;
                    for (int t = 0; t < trials; t++) {
                        successes += random.nextDouble() < p ? 1 : 0;
                    }
                    o.setValue(successes).setFeatures(List.of((double) trials));
                }
                case "gamma-poisson" -> {
                    double exposure = 0.5 + random.nextDouble();
                    o.setValue(poisson(random, (k + 1) * exposure)).setFeatures(List.of(exposure));
                }
                case "normal" -> o.setValue(10.0 * k + (1 + k % 3) * random.nextGaussian());
                case "dirichlet" ->
                        o.setValue(0)
                                .setCategory(
                                        CATEGORIES[
                                                random.nextDouble() < p
                                                        ? 0
                                                        : 1
                                                                + random.nextInt(
                                                                        CATEGORIES.length - 1)]);
                case "blr" -> {
                    List<Double> x = new ArrayList<>();
                    double y = 0;
                    for (int d = 0; d < BLR_DIMENSION; d++) {
                        double xd = random.nextGaussian();
                        x.add(xd);
                        y += (d + 1 - k % 2) * xd;
                    }
                    o.setValue(y + 0.1 * random.nextGaussian()).setFeatures(x);
                }
                default -> throw new IllegalArgumentException("no data for model " + model);
            }
            out.add(o.build());
        }
        return out;
    }

    /** Knuth's multiplication method: exact Poisson draws for the small means used here. */
    private static int poisson(SplittableRandom random, double mean) {
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int n = 0;
        while (product > limit) {
            product *= random.nextDouble();
            n++;
        }
        return n;
    }

    /**
     * The kernel fed each key's observations in order, as the operator feeds it: restored from its
     * state bytes before every observation. By observation id.
     */
    static Map<String, Expected> replay(BayesOptions options, List<Observation> observations) {
        Map<String, byte[]> states = new HashMap<>();
        Map<String, Double> logScores = new HashMap<>();
        Map<String, Expected> expected = new HashMap<>();
        for (Observation o : observations) {
            byte[] state = states.get(o.getKey());
            ConjugatePosterior posterior =
                    state == null ? options.newPosterior() : options.restore(state);
            BayesObservation x = ObservationAdapter.toKernel(o);
            double logPredictive = posterior.logPredictive(x);
            posterior.update(x);
            states.put(o.getKey(), posterior.toBytes());
            double logScore = logScores.merge(o.getKey(), logPredictive, Double::sum);
            expected.put(o.getId(), new Expected(posterior.summarize(), logPredictive, logScore));
        }
        return expected;
    }

    /**
     * The posterior mean of the primary quantity over {@code keyObservations} with the default
     * prior, from the conjugate formulas; NaN for models whose mean is no one-liner (dirichlet,
     * blr), which only the replay checks.
     */
    static double closedFormMean(String model, List<Observation> keyObservations) {
        double n = keyObservations.size();
        double sum = 0;
        double trialsOrExposure = 0;
        for (Observation o : keyObservations) {
            sum += o.getValue();
            trialsOrExposure += o.getFeatures().isEmpty() ? 1 : o.getFeatures().get(0);
        }
        return switch (model) {
            // Beta(1, 1): (1 + successes) / (2 + trials).
            case "beta-bernoulli", "beta-binomial" -> (1 + sum) / (2 + trialsOrExposure);
            // Gamma(1, 1) on the rate: (1 + counts) / (1 + exposure).
            case "gamma-poisson" -> (1 + sum) / (1 + trialsOrExposure);
            // Normal-inverse-gamma, mean 0 with kappa 1: (0 + sum) / (1 + n).
            case "normal" -> sum / (1 + n);
            default -> Double.NaN;
        };
    }

    /**
     * The update equals the replayed kernel's summary and scores, field by field. With {@code
     * throughNdjson} the update was read back from NDJSON, which writes every non-finite double as
     * null (JSON has neither NaN nor infinity) and reads null as NaN: an infinite variance (a
     * Student-t with at most two degrees of freedom) then arrives as NaN.
     */
    static void assertMatches(PosteriorUpdate update, Expected expected, boolean throughNdjson) {
        PosteriorSummary s = expected.summary();
        assertThat(update.getModel()).isEqualTo(s.model());
        assertThat(update.getScope()).isEqualTo("key");
        assertThat(update.getN()).isEqualTo(s.n());
        assertThat(update.getParams()).isEqualTo(s.params());
        assertSame(update.getMean(), s.mean(), throughNdjson);
        assertSame(update.getVariance(), s.variance(), throughNdjson);
        assertSame(update.getCiLow(), s.ciLow(), throughNdjson);
        assertSame(update.getCiHigh(), s.ciHigh(), throughNdjson);
        assertThat(update.getMle()).isEqualTo(nullIfNaN(s.mle()));
        assertThat(update.getMap()).isEqualTo(nullIfNaN(s.map()));
        assertThat(update.getParameters()).hasSameSizeAs(s.parameters());
        for (int i = 0; i < s.parameters().size(); i++) {
            ParameterSummary p = s.parameters().get(i);
            ParameterEstimate e = update.getParameters().get(i);
            assertThat(e.getName()).isEqualTo(p.name());
            assertSame(e.getMean(), p.mean(), throughNdjson);
            assertSame(e.getVariance(), p.variance(), throughNdjson);
            assertSame(e.getCiLow(), p.ciLow(), throughNdjson);
            assertSame(e.getCiHigh(), p.ciHigh(), throughNdjson);
            assertThat(e.getMle()).isEqualTo(nullIfNaN(p.mle()));
            assertThat(e.getMap()).isEqualTo(nullIfNaN(p.map()));
        }
        assertThat(update.getLogPredictive()).isEqualTo(expected.logPredictive());
        assertThat(update.getLogScore()).isEqualTo(expected.logScore());
    }

    /**
     * The closed-form mean, where there is one, to 1e-12 of the data's scale: the two sum the same
     * terms in different orders, which moves only the last bits of a sum of a few hundred terms.
     */
    static void assertClosedFormMean(String model, PosteriorUpdate update, List<Observation> data) {
        double mean = closedFormMean(model, data);
        if (Double.isNaN(mean)) {
            return;
        }
        double scale = Math.abs(mean);
        for (Observation o : data) {
            scale = Math.max(scale, Math.abs(o.getValue()));
        }
        assertThat(update.getMean()).isCloseTo(mean, within(1e-12 * scale));
    }

    /** Equal as doubles, NaN equal to NaN; after NDJSON, a non-finite expectation reads as NaN. */
    private static void assertSame(double actual, double expected, boolean throughNdjson) {
        double written = throughNdjson && !Double.isFinite(expected) ? Double.NaN : expected;
        assertThat(Double.compare(actual, written)).as("%s vs %s", actual, written).isZero();
    }

    private static Double nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
