package dev.quiver.bayes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two-parameter law of a single-parameter model's posterior, as its summary reports it: the
 * parameters by name, the mean and variance, and the 95% equal-tailed interval from the law's
 * quantiles. The estimates that depend on the data, not on the law (MLE, MAP), come from the model.
 *
 * <pre>{@code
 * PosteriorSummary summary = PosteriorLaw.BETA.summary("beta-bernoulli", 10, 8, 4, 0.7, 0.7);
 * }</pre>
 */
enum PosteriorLaw {
    /** Beta(alpha, beta) of a success probability. */
    BETA("alpha", "beta", BetaMarginal::mean, BetaMarginal::variance, BetaMarginal::interval),

    /** Gamma(shape, rate) of a Poisson rate. */
    GAMMA("shape", "rate", GammaMarginal::mean, GammaMarginal::variance, GammaMarginal::interval);

    /** A moment of the law with parameters {@code a} and {@code b}. */
    @FunctionalInterface
    interface Moment {
        double of(double a, double b);
    }

    /**
     * The law's 95% equal-tailed interval, {@code {low, high}}: its {@link
     * PosteriorSummary#CREDIBLE_LOW_PROBABILITY} and {@link
     * PosteriorSummary#CREDIBLE_HIGH_PROBABILITY} quantiles.
     */
    @FunctionalInterface
    interface Interval {
        double[] of(double a, double b);
    }

    private final String first;
    private final String second;
    private final Moment mean;
    private final Moment variance;
    private final Interval interval;

    PosteriorLaw(String first, String second, Moment mean, Moment variance, Interval interval) {
        this.first = first;
        this.second = second;
        this.mean = mean;
        this.variance = variance;
        this.interval = interval;
    }

    /** The summary of a posterior of this law with parameters {@code a} and {@code b}. */
    PosteriorSummary summary(String model, double n, double a, double b, double mle, double map) {
        final Map<String, Double> params = new LinkedHashMap<>(4);
        params.put(first, a);
        params.put(second, b);
        final double[] credible = interval.of(a, b);
        return new PosteriorSummary(
                model,
                n,
                params,
                mean.of(a, b),
                variance.of(a, b),
                credible[0],
                credible[1],
                mle,
                map,
                List.of());
    }
}
