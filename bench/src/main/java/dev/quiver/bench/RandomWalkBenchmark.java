package dev.quiver.bench;

import dev.quiver.compute.WalkBatch;
import dev.quiver.walk.JavaWalkSimulator;
import dev.quiver.walk.Philox4x32;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkResult;
import dev.quiver.walk.WalkSpec;
import dev.quiver.walk.WalkStream;

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
 * Random-walk steps per second on one core (and Philox bytes per second), each beside a naive loop
 * that draws one {@link SplittableRandom} number per step, measured in the same run. Every
 * benchmark's score is in steps/s (bytes/s for the generators): one "operation" is one step.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar RandomWalkBenchmark -f 1 -wi 2 -i 3 -w 1 -r 1
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RandomWalkBenchmark {

    private static final int STEPS = 4096;
    private static final int PATHS = 256;
    private static final int WORK = STEPS * PATHS;
    private static final int GAUSSIAN_STEPS = 1024;
    private static final int GAUSSIAN_PATHS = 64;
    private static final int GAUSSIAN_WORK = GAUSSIAN_STEPS * GAUSSIAN_PATHS;
    private static final int BARRIER = 60;
    private static final int PHILOX_BLOCKS = 1024;
    private static final int PHILOX_BYTES = 16 * PHILOX_BLOCKS;

    private final JavaWalkSimulator simulator = new JavaWalkSimulator();
    private final WalkResult[] out = {new WalkResult()};
    private final long[] keyHash = {WalkStream.keyHash("bench")};
    private final long[] sequence = {0};
    private final double[] start = {0};
    private final Philox4x32 philox = new Philox4x32();
    private final long[] philoxWords = new long[2 * PHILOX_BLOCKS];
    private final long[] naiveWords = new long[2 * PHILOX_BLOCKS];
    private WalkSpec fairFinal;
    private WalkSpec fairPath;
    private WalkSpec gaussian;
    private SplittableRandom random;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() {
        fairFinal = WalkSpec.finalPositions(WalkModel.simple(0.5), STEPS, PATHS);
        fairPath = new WalkSpec(WalkModel.simple(0.5), STEPS, PATHS, BARRIER, WalkSpec.Track.PATH);
        gaussian =
                WalkSpec.finalPositions(WalkModel.gaussian(0, 1), GAUSSIAN_STEPS, GAUSSIAN_PATHS);
        random = new SplittableRandom(7);
    }

    private double simulate(WalkSpec spec) {
        sequence[0]++;
        simulator.simulate(spec, new WalkBatch(42L, keyHash, sequence, start, 1), out);
        return out[0].mean();
    }

    /** Fast path, final position only: 128 steps per Philox block, a bit count per 64. */
    @Benchmark
    @OperationsPerInvocation(WORK)
    public double fairFinalPosition() {
        return simulate(fairFinal);
    }

    /** The same with running maximum, first passage, first return and steps above. */
    @Benchmark
    @OperationsPerInvocation(WORK)
    public double fairPathStatistics() {
        return simulate(fairPath);
    }

    /** Gaussian steps, final position only: a ziggurat normal per step. */
    @Benchmark
    @OperationsPerInvocation(GAUSSIAN_WORK)
    public double gaussianFinalPosition() {
        return simulate(gaussian);
    }

    /** Philox4x32-10 output: 16 bytes per block. */
    @Benchmark
    @OperationsPerInvocation(PHILOX_BYTES)
    public long philoxBytes() {
        philox.fill(counter++ * PHILOX_BLOCKS, 1, 2, 3, 4, 5, philoxWords, 0, PHILOX_BLOCKS);
        return philoxWords[PHILOX_BLOCKS];
    }

    /** Naive: one SplittableRandom draw per +-1 step, final position only. */
    @Benchmark
    @OperationsPerInvocation(WORK)
    public long naiveFairFinalPosition() {
        long sum = 0;
        for (int p = 0; p < PATHS; p++) {
            int position = 0;
            for (int t = 0; t < STEPS; t++) {
                position += random.nextLong() < 0 ? -1 : 1;
            }
            sum += position;
        }
        return sum;
    }

    /** Naive: one draw per step, tracking maximum and first passage as the fast path does. */
    @Benchmark
    @OperationsPerInvocation(WORK)
    public long naiveFairPathStatistics() {
        long sum = 0;
        for (int p = 0; p < PATHS; p++) {
            int position = 0;
            int maximum = 0;
            int passage = 0;
            int firstReturn = 0;
            int above = 0;
            for (int t = 1; t <= STEPS; t++) {
                int previous = position;
                position += random.nextLong() < 0 ? -1 : 1;
                maximum = Math.max(maximum, position);
                if (passage == 0 && position == BARRIER) {
                    passage = t;
                }
                if (firstReturn == 0 && position == 0) {
                    firstReturn = t;
                }
                if (previous + position > 0) {
                    above++;
                }
            }
            sum += position + maximum + passage + firstReturn + above;
        }
        return sum;
    }

    /** Naive: SplittableRandom.nextGaussian per step (Java 17's RandomSupport ziggurat). */
    @Benchmark
    @OperationsPerInvocation(GAUSSIAN_WORK)
    public double naiveGaussianFinalPosition() {
        double sum = 0;
        for (int p = 0; p < GAUSSIAN_PATHS; p++) {
            double position = 0;
            for (int t = 0; t < GAUSSIAN_STEPS; t++) {
                position += random.nextGaussian();
            }
            sum += position;
        }
        return sum;
    }

    /** Naive generator output: SplittableRandom.nextLong, 8 bytes per call. */
    @Benchmark
    @OperationsPerInvocation(PHILOX_BYTES)
    public long naiveBytes() {
        for (int i = 0; i < naiveWords.length; i++) {
            naiveWords[i] = random.nextLong();
        }
        return naiveWords[PHILOX_BLOCKS];
    }
}
