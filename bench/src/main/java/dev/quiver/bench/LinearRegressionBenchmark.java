package dev.quiver.bench;

import dev.quiver.bayes.BayesObservation;
import dev.quiver.bayes.BayesianLinearRegression;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Bayesian linear regression updates per second on one core (target for d = 16: at least one
 * million), alone and as the prequential path the operator runs per event (predictive score, then
 * the update), plus the O(d³) summary.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar LinearRegressionBenchmark -p dimension=16
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LinearRegressionBenchmark {

    private static final int BATCH = 1024;

    @Param({"16", "128"})
    public int dimension;

    private double[][] features;
    private double[] values;
    private BayesianLinearRegression posterior;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        features = new double[BATCH][dimension];
        values = new double[BATCH];
        for (int i = 0; i < BATCH; i++) {
            double y = random.nextDouble(-0.1, 0.1);
            for (int k = 0; k < dimension; k++) {
                features[i][k] = random.nextDouble(-1, 1);
                y += (k % 3 - 1) * features[i][k];
            }
            values[i] = y;
        }
        posterior = BayesianLinearRegression.withPrior(dimension, 1.0, 2.0, 1.0);
    }

    /** One rotation sweep per observation. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double update() {
        for (int i = 0; i < BATCH; i++) {
            posterior.update(features[i], values[i]);
        }
        return posterior.getN();
    }

    /** The prequential path: log predictive density of the event before adding it. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double scoreThenUpdate() {
        double score = 0.0;
        for (int i = 0; i < BATCH; i++) {
            score += posterior.logPredictive(BayesObservation.withFeatures(values[i], features[i]));
            posterior.update(features[i], values[i]);
        }
        return score;
    }

    /** The O(d³) summary with Student-t and Gamma quantiles and the OLS estimate. */
    @Benchmark
    public double summarize() {
        return posterior.summarize().ciHigh();
    }
}
