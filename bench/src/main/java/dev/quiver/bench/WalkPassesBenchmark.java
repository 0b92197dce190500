package dev.quiver.bench;

import dev.quiver.compute.WalkBatch;
import dev.quiver.walk.JavaWalkSimulator;
import dev.quiver.walk.WalkMemory;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What running a real-valued walk in passes costs: one Gaussian simulation with a barrier of
 * {@value #PATHS} paths, in memory (its final positions and maxima kept and sorted) beside the
 * same in passes (a budget of {@link WalkMemory#inPassesBytes}), in the same run. Both give the
 * same result bit for bit; the score is simulations per second.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar WalkPassesBenchmark -f 1 -wi 2 -i 3 -w 2 -r 2
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class WalkPassesBenchmark {

    private static final int PATHS = 1_000_000;

    /** Steps per path: short walks spend their time sorting, long ones generating. */
    @Param({"1", "10", "100"})
    public int steps;

    private final WalkResult[] out = {new WalkResult()};
    private final long[] keyHash = {WalkStream.keyHash("bench")};
    private final long[] sequence = {0};
    private final double[] start = {0};
    private WalkSpec spec;
    private JavaWalkSimulator inMemory;
    private JavaWalkSimulator inPasses;

    @Setup(Level.Trial)
    public void setUp() {
        spec = new WalkSpec(WalkModel.gaussian(0, 1), steps, PATHS, 1, WalkSpec.Track.PATH);
        inMemory = new JavaWalkSimulator();
        inPasses = new JavaWalkSimulator(WalkMemory.inPassesBytes(spec));
    }

    private double simulate(JavaWalkSimulator simulator) {
        sequence[0]++;
        simulator.simulate(spec, new WalkBatch(42L, keyHash, sequence, start, 1), out);
        return out[0].mean();
    }

    /** Every path's final position and maximum kept, then sorted for the quantiles. */
    @Benchmark
    public double simulationInMemory() {
        return simulate(inMemory);
    }

    /** The paths generated again in each pass; sums and the quantiles' selection only. */
    @Benchmark
    public double simulationInPasses() {
        return simulate(inPasses);
    }
}
