package dev.quiver.bench;

import dev.quiver.bayes.special.BetaQuantile;

import org.hipparchus.distribution.continuous.BetaDistribution;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/**
 * Time per Beta quantile, the ends of a 95% credible interval (p = 0.025 and 0.975), over a grid of
 * realistic posterior shapes, for {@link BetaQuantile} and, in the same run, the Hipparchus call
 * the summaries made before (its Brent solve on the inverse CDF, with the negligible absolute
 * accuracy they asked for). The median over the grid is the figure in docs/benchmarks.md.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar BetaQuantileBenchmark -rf csv -rff beta-quantiles.csv
 * }</pre>
 */
public class BetaQuantileBenchmark extends QuantileBenchmarkSettings {

    @Param({"1", "10", "100", "1000", "10000", "100000", "1000000"})
    public double alpha;

    @Param({"1", "10", "100", "1000", "10000", "100000", "1000000"})
    public double beta;

    /** Both ends of the interval from {@link BetaQuantile}. */
    @Benchmark
    @OperationsPerInvocation(2)
    public double quantile() {
        return BetaQuantile.quantile(alpha, beta, 0.025) + BetaQuantile.quantile(alpha, beta, 0.975);
    }

    /** Both ends of the interval from Hipparchus's {@code BetaDistribution}. */
    @Benchmark
    @OperationsPerInvocation(2)
    public double hipparchus() {
        final BetaDistribution distribution = new BetaDistribution(alpha, beta, 1e-300);
        return distribution.inverseCumulativeProbability(0.025)
                + distribution.inverseCumulativeProbability(0.975);
    }
}
