package dev.quiver.interop;

/**
 * The Beta-Bernoulli posterior in closed form, computed apart from Quiver's kernels: Beta(α0 +
 * successes, β0 + failures), its mean and variance, and, for whole-number parameters, its
 * distribution function as a binomial tail, exact up to rounding.
 *
 * <pre>{@code
 * BetaClosedForm posterior = new BetaClosedForm(2, 3).after(4, 1);   // Beta(6, 4)
 * posterior.cdf(posterior.mean());
 * }</pre>
 *
 * @param alpha α
 * @param beta β
 */
public record BetaClosedForm(double alpha, double beta) {

    /** The posterior after {@code successes} ones and {@code failures} zeros. */
    public BetaClosedForm after(int successes, int failures) {
        return new BetaClosedForm(alpha + successes, beta + failures);
    }

    /** α / (α + β). */
    public double mean() {
        return alpha / (alpha + beta);
    }

    /** αβ / ((α + β)² (α + β + 1)). */
    public double variance() {
        double sum = alpha + beta;
        return alpha * beta / (sum * sum * (sum + 1));
    }

    /**
     * P(p ≤ x) for whole-number α and β: the regularized incomplete beta function I_x(α, β) is the
     * chance of at least α successes in α + β - 1 Bernoulli(x) trials.
     */
    public double cdf(double x) {
        int a = whole(alpha);
        int trials = a + whole(beta) - 1;
        double sum = 0;
        for (int j = a; j <= trials; j++) {
            sum += binomial(trials, j) * Math.pow(x, j) * Math.pow(1 - x, trials - j);
        }
        return sum;
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    private static int whole(double parameter) {
        if (parameter != Math.rint(parameter) || parameter < 1) {
            throw new IllegalArgumentException("not a whole number ≥ 1: " + parameter);
        }
        return (int) parameter;
    }
}
