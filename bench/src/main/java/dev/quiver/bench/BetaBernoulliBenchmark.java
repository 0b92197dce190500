package dev.quiver.bench;

import dev.quiver.bayes.BetaBernoulliPosterior;

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
 * Beta-Bernoulli updates per second on one core: one at a time, as a batch, and the cost of what
 * the operator does per event on top (state bytes round trip, summary with the credible interval).
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar BetaBernoulliBenchmark
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BetaBernoulliBenchmark {

    private static final int BATCH = 4096;

    private final double[] values = new double[BATCH];
    private BetaBernoulliPosterior posterior;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < BATCH; i++) {
            values[i] = random.nextDouble() < 0.3 ? 1.0 : 0.0;
        }
        posterior = BetaBernoulliPosterior.withPrior(1, 1);
    }

    /** Scalar updates, one call per observation. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double updateOneByOne() {
        for (int i = 0; i < BATCH; i++) {
            posterior.update(values[i]);
        }
        return posterior.alpha();
    }

    /** The batch entry point over the same observations. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double updateBatch() {
        posterior.update(values, 0, BATCH);
        return posterior.alpha();
    }

    /** What the Flink function does per event: read state bytes, update, write bytes, summarize. */
    @Benchmark
    public double operatorPathPerEvent() {
        BetaBernoulliPosterior restored = BetaBernoulliPosterior.fromBytes(posterior.toBytes());
        restored.update(values[(int) (restored.getN() % BATCH)]);
        posterior = BetaBernoulliPosterior.fromBytes(restored.toBytes());
        return restored.summarize().ciHigh();
    }
}
