package dev.quiver.bench;

import dev.quiver.bayes.special.GammaQuantile;
import dev.quiver.bayes.special.StudentTQuantile;

import org.hipparchus.distribution.continuous.GammaDistribution;
import org.hipparchus.distribution.continuous.TDistribution;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/**
 * Time per Gamma and Student-t quantile, the ends of a 95% credible interval (p = 0.025 and
 * 0.975), over realistic posterior shapes (degrees of freedom), for {@code bayes.special} and, in
 * the same run, the Hipparchus calls the summaries made before.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar GammaAndStudentTQuantileBenchmark -rf csv -rff gt.csv
 * }</pre>
 */
public class GammaAndStudentTQuantileBenchmark extends QuantileBenchmarkSettings {

    @Param({"1", "3", "10", "30", "100", "1000", "10000", "100000", "1000000"})
    public double shape;

    /** Both ends from {@link GammaQuantile}. */
    @Benchmark
    @OperationsPerInvocation(2)
    public double gammaQuantile() {
        return GammaQuantile.quantile(shape, 0.025) + GammaQuantile.quantile(shape, 0.975);
    }

    /** Both ends from Hipparchus's {@code GammaDistribution}. */
    @Benchmark
    @OperationsPerInvocation(2)
    public double gammaHipparchus() {
        final GammaDistribution distribution = new GammaDistribution(shape, 1.0, 1e-300);
        return distribution.inverseCumulativeProbability(0.025)
                + distribution.inverseCumulativeProbability(0.975);
    }

    /** Both ends from {@link StudentTQuantile}, with {@code shape} degrees of freedom. */
    @Benchmark
    @OperationsPerInvocation(2)
    public double studentTQuantile() {
        return StudentTQuantile.quantile(shape, 0.025) + StudentTQuantile.quantile(shape, 0.975);
    }

    /** Both ends from Hipparchus's {@code TDistribution}. */
    @Benchmark
    @OperationsPerInvocation(2)
    public double studentTHipparchus() {
        final TDistribution distribution = new TDistribution(shape, 1e-300);
        return distribution.inverseCumulativeProbability(0.025)
                + distribution.inverseCumulativeProbability(0.975);
    }
}
