package dev.quiver.bench;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.knn.BruteForceKnn;
import dev.quiver.knn.NeighborBuffer;
import dev.quiver.knn.PointSet;

import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Exact batched brute-force kNN: batches of 256 queries, k = 10, over n points of dimension d, on
 * each compute backend. The score is batches/s; the {@code queries} and {@code gigaflops} counters
 * are the same rate as queries/s and GFLOP/s, counting {@code 2 * 256 * n * d} flops per batch (the
 * distance matrix; the exact re-ranking and top-k come on top, uncounted).
 *
 * <p>Points and queries are standard normal, like centred features or embeddings: the GEMM error
 * bound then screens out all but about {@code k ln(n / k)} points per query.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar BruteForceKnnBenchmark -p dimension=128 -p points=100000
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class BruteForceKnnBenchmark {

    private static final int BATCH = 256;
    private static final int K = 10;

    @Param({"16", "128"})
    public int dimension;

    @Param({"10000", "100000"})
    public int points;

    @Param({"nd4j-cpu", "java"})
    public String backend;

    private ComputeBackend compute;
    private BruteForceKnn knn;
    private PointSet pointSet;
    private float[] queries;
    private NeighborBuffer[] out;

    /** Rates JMH reports next to the score: queries/s and GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public long queries;
        public double gigaflops;
    }

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        pointSet = new DensePoints(dimension, normalRows(random, points, dimension));
        queries = normalRows(random, BATCH, dimension);
        out = new NeighborBuffer[BATCH];
        for (int i = 0; i < BATCH; i++) {
            out[i] = new NeighborBuffer(K);
        }
        compute = ComputeBackends.byName(backend);
        knn = new BruteForceKnn(compute);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compute.close();
    }

    /** One batch of 256 exact kNN queries. */
    @Benchmark
    public int knnBatch(Rates rates) {
        knn.knn(queries, BATCH, K, pointSet, out);
        rates.queries += BATCH;
        rates.gigaflops += 2.0 * BATCH * points * dimension * 1e-9;
        return out[BATCH - 1].slot(0);
    }

    private static float[] normalRows(SplittableRandom random, int count, int dimension) {
        float[] rows = new float[count * dimension];
        for (int i = 0; i < rows.length; i++) {
            // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
            double radius = Math.sqrt(-2 * Math.log(1 - random.nextDouble()));
            rows[i] = (float) (radius * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return rows;
    }

    /** Every slot live, ids {@code "p<slot>"}. */
    private static final class DensePoints implements PointSet {
        private final int dimension;
        private final float[] coordinates;
        private final String[] ids;

        DensePoints(int dimension, float[] coordinates) {
            this.dimension = dimension;
            this.coordinates = coordinates;
            this.ids = new String[coordinates.length / dimension];
            for (int slot = 0; slot < ids.length; slot++) {
                ids[slot] = "p" + slot;
            }
        }

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public int slotCount() {
            return ids.length;
        }

        @Override
        public int size() {
            return ids.length;
        }

        @Override
        public float[] coordinates() {
            return coordinates;
        }

        @Override
        public boolean isLive(int slot) {
            return true;
        }

        @Override
        public String id(int slot) {
            return ids[slot];
        }
    }
}
