package dev.quiver.bench;

import dev.quiver.bayes.BayesObservation;
import dev.quiver.bayes.ChangePointDetector;
import dev.quiver.bayes.NormalInverseGammaPosterior;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Normal-Inverse-Gamma updates and Bayesian online change-point detection (maxRunLength 500) per
 * second on one core. The change-point stream is stationary, the worst case: every run length keeps
 * non-negligible mass, so every update touches all 501 bins.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar NormalAndChangePointBenchmark
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NormalAndChangePointBenchmark {

    private static final int BATCH = 4096;
    private static final int CHANGE_POINT_BATCH = 256;
    private static final int MAX_RUN_LENGTH = 500;

    private final double[] values = new double[BATCH];
    private final BayesObservation[] observations = new BayesObservation[BATCH];
    private NormalInverseGammaPosterior posterior;
    private ChangePointDetector detector;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < BATCH; i++) {
            values[i] = 3.0 + 2.0 * random.nextGaussian();
            observations[i] = BayesObservation.of(values[i]);
        }
        posterior = NormalInverseGammaPosterior.withPrior(0.0, 1.0, 1.0, 1.0);
        detector = ChangePointDetector.create(0.0, 0.01, 1.0, 1.0, 200.0, MAX_RUN_LENGTH, 10);
        // Fill every run-length bin before measuring.
        for (int i = 0; i < 2 * MAX_RUN_LENGTH; i++) {
            detector.update(observations[i % BATCH]);
        }
    }

    /** Welford updates, one call per observation. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double normalUpdateOneByOne() {
        for (int i = 0; i < BATCH; i++) {
            posterior.update(values[i]);
        }
        return posterior.sumOfSquaredDeviations();
    }

    /** The batch entry point: two passes over the batch, one combination. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double normalUpdateBatch() {
        posterior.update(values, 0, BATCH);
        return posterior.sumOfSquaredDeviations();
    }

    /** One change-point update per observation, summary included. */
    @Benchmark
    @OperationsPerInvocation(CHANGE_POINT_BATCH)
    public double changePointUpdate() {
        double signal = 0.0;
        final int start = (int) (detector.observations() % (BATCH - CHANGE_POINT_BATCH));
        for (int i = 0; i < CHANGE_POINT_BATCH; i++) {
            signal += detector.update(observations[start + i]).probRunLengthBelow();
        }
        return signal;
    }
}
