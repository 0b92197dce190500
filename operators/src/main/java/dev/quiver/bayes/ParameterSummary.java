package dev.quiver.bayes;

import java.util.Objects;

/**
 * The marginal posterior of one named parameter of a multi-parameter model: a Dirichlet category's
 * probability, a regression coefficient, a Normal model's mean or variance.
 *
 * <p>Same conventions as {@link PosteriorSummary}: {@code ciLow}/{@code ciHigh} are the 2.5% and
 * 97.5% marginal posterior quantiles; {@code mle} and {@code map} are {@code NaN} where undefined.
 *
 * <pre>{@code
 * ParameterSummary red = new ParameterSummary("p[red]", 0.4, 0.01, 0.22, 0.6, 0.5, 0.45);
 * }</pre>
 *
 * @param name the parameter's name, e.g. {@code "w[3]"}, {@code "p[red]"}, {@code "sigma2"}
 * @param mean the marginal posterior mean
 * @param variance the marginal posterior variance
 * @param ciLow the 2.5% marginal posterior quantile
 * @param ciHigh the 97.5% marginal posterior quantile
 * @param mle the maximum-likelihood estimate, {@code NaN} when undefined
 * @param map the component of the joint posterior mode, {@code NaN} when undefined
 */
public record ParameterSummary(
        String name,
        double mean,
        double variance,
        double ciLow,
        double ciHigh,
        double mle,
        double map) {

    /** Requires a name. */
    public ParameterSummary {
        Objects.requireNonNull(name, "name");
    }
}
