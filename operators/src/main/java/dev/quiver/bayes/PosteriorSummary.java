package dev.quiver.bayes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of one posterior: its parameters and the usual point and interval
 * estimates.
 *
 * <p>{@code ciLow} and {@code ciHigh} bound the 95% equal-tailed credible interval (the 2.5% and
 * 97.5% posterior quantiles). {@code mle} and {@code map} are {@code NaN} where the estimate is
 * undefined (no data for the MLE; a uniform or bimodal posterior for the mode). {@code params}
 * keeps the iteration order of the map it was given and cannot be modified; for {@code
 * "beta-bernoulli"} it is {@code {alpha, beta}}.
 *
 * <p>The top-level estimates describe the model's primary quantity: the success probability (Beta
 * models), the rate (Gamma-Poisson), the mean (Normal-Inverse-Gamma), the probability of the most
 * probable category (Dirichlet-Multinomial) and the noise variance (Bayesian linear regression,
 * whose coefficients are in {@code parameters}); {@code parameters} has the rest. Every summary is
 * a function of the state alone, so merged and sequential posteriors summarize alike.
 *
 * <p>Two summaries are equal when every component is; doubles compare as {@link
 * Double#compare(double, double)} does, so {@code NaN} equals {@code NaN}.
 *
 * <pre>{@code
 * BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(1.0, 1.0);
 * posterior.update(new double[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, 0, 10);
 * PosteriorSummary summary = posterior.summarize();
 * summary.model();               // "beta-bernoulli"
 * summary.params().get("alpha"); // 8.0
 * summary.mean();                // 8.0 / 12
 * summary.mle();                 // 0.7
 * summary.map();                 // 0.7
 * }</pre>
 *
 * @param model the model name, see {@link ConjugatePosterior#modelName()}
 * @param n the number of observations
 * @param params the posterior parameters by their conventional symbol
 * @param mean the posterior mean
 * @param variance the posterior variance
 * @param ciLow the 2.5% posterior quantile
 * @param ciHigh the 97.5% posterior quantile
 * @param mle the maximum-likelihood estimate, {@code NaN} when undefined
 * @param map the posterior mode (maximum a posteriori), {@code NaN} when not unique
 * @param parameters the marginal posterior of each parameter of a multi-parameter model (a
 *     Dirichlet's categories, a regression's coefficients, a Normal model's mean and variance);
 *     empty for single-parameter models
 */
public record PosteriorSummary(
        String model,
        double n,
        Map<String, Double> params,
        double mean,
        double variance,
        double ciLow,
        double ciHigh,
        double mle,
        double map,
        List<ParameterSummary> parameters) {

    /** The lower end of every summary's 95% equal-tailed interval: the 2.5% quantile. */
    static final double CREDIBLE_LOW_PROBABILITY = 0.025;

    /** The upper end of every summary's 95% equal-tailed interval: the 97.5% quantile. */
    static final double CREDIBLE_HIGH_PROBABILITY = 0.975;

    /** Copies {@code params} and {@code parameters} so a caller's later changes cannot reach it. */
    public PosteriorSummary {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(params, "params");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        parameters = List.copyOf(parameters);
    }

    /**
     * A summary whose top-level estimates are those of {@code headline}, the marginal of the
     * model's primary quantity, so a model that already summarizes that parameter does not copy
     * its six estimates by hand.
     */
    static PosteriorSummary withHeadline(
            String model,
            double n,
            Map<String, Double> params,
            ParameterSummary headline,
            List<ParameterSummary> parameters) {
        return new PosteriorSummary(
                model,
                n,
                params,
                headline.mean(),
                headline.variance(),
                headline.ciLow(),
                headline.ciHigh(),
                headline.mle(),
                headline.map(),
                parameters);
    }
}
