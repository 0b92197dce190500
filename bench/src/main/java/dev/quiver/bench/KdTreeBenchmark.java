package dev.quiver.bench;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.knn.BruteForceKnn;
import dev.quiver.knn.KdTreeIndex;
import dev.quiver.knn.KnnMetric;
import dev.quiver.knn.NeighborBuffer;
import dev.quiver.knn.PointSet;

import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The kd-tree on one core, over the same points and queries as the peers in {@code bench/peers}
 * (scikit-learn's KDTree, nanoflann, numpy brute force): inserts, exact and approximate kNN, a
 * mixed 90/10 query/insert stream, and the batched brute-force path, for every {@code n}, {@code d}
 * and distribution of the grid, {@code k = 10}, squared L2.
 *
 * <p>Figures (all {@code Mode.Throughput}, per second):
 *
 * <ul>
 *   <li>{@code insert}: a fresh index per invocation, all {@code n} points upserted one by one from
 *       empty, so every partial rebuild is inside the timing. The primary score is whole builds per
 *       second; the secondary {@code insert:points} is points per second, amortised.
 *   <li>{@code knnExact}: exact kNN, one query per {@code knn} call ({@value #QUERIES_PER_CALL} per
 *       invocation), cycling through the 10,000 queries in file order; score in queries per second.
 *       {@code knnExactBatch} is the same through the batch entry point, {@value #QUERIES_PER_CALL}
 *       queries per call.
 *   <li>{@code approximateKnn}: best-bin-first with a fixed {@code maxChecks} budget (param, 256 by
 *       default); setup prints its recall@10 against the exact answer.
 *   <li>{@code mixed90to10}: per call 9 exact kNN queries then one upsert of a fresh point from the
 *       dataset's stream file, score in operations per second. The index starts with all {@code n}
 *       points; the stream holds {@code n / 10} points with their own ids, and once it is used up
 *       (after {@code n / 10} inserts over warmup and measurement) the ids cycle, so later inserts
 *       replace points instead of adding them.
 *   <li>{@code bruteForce}: {@link BruteForceKnn} over the loaded index, {@value
 *       #BRUTE_FORCE_QUERIES} queries per call (the first 39 x 256 of the 10,000, cycling); score
 *       in queries per second. Its GFLOP/s is {@code queries/s * 2 * n * d / 1e9}, the GEMM count
 *       numpy_bruteforce.py uses too.
 * </ul>
 *
 * <p>Indexes for the query benchmarks are built by upserting the points in file order ({@code
 * build=upserts}), as a stream would build them; {@code -p build=rebuilt} also calls {@link
 * KdTreeIndex#rebuild()} afterwards, for a bulk-built tree like the peers'. When sklearn_kdtree.py
 * has written its neighbours of the first 100 queries, setup checks that the exact kNN (and the
 * brute force) find the same distances and fails the trial otherwise.
 *
 * <p>Data come from {@code bench/peers/make_data.py} (see {@link KnnDataFiles}); setup fails with
 * the command to run when a file is missing. Point ids are created in setup, so their creation is
 * not measured. Single-threaded: run pinned to one core ({@code taskset -c 0}, with {@code
 * OMP_NUM_THREADS=1} for ND4J); {@code bench/run-knn.sh} does this and compares with the peers.
 *
 * <pre>{@code
 * /usr/bin/python3 bench/peers/make_data.py bench/target/knn-data --n 1000000 --d 3 --data uniform
 * taskset -c 0 java -jar bench/target/benchmarks.jar 'KdTreeBenchmark.knnExact$' \
 *     -p n=1000000 -p d=3 -p data=uniform -t 1 -f 1
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx8g"})
public class KdTreeBenchmark {

    /** Neighbours per query, as in the peers. */
    static final int K = 10;

    /** Queries per call of the query benchmarks; divides the 10,000 queries evenly. */
    static final int QUERIES_PER_CALL = 100;

    /** Operations per call of the mixed stream: 9 queries, then 1 insert. */
    static final int MIXED_OPS = 10;

    /** Queries per brute-force call: one full query block of {@link BruteForceKnn}. */
    static final int BRUTE_FORCE_QUERIES = 256;

    /**
     * Queries the approximate search's recall is measured on, in setup: 1,000 neighbours, enough to
     * read recall to about a percent, and cheap even at d = 128 where exact queries are slow.
     */
    static final int RECALL_QUERIES = 100;

    /** Points, queries and stream of one grid cell, read from the peers' files. */
    @State(Scope.Thread)
    public static class Dataset {

        @Param({"100000", "1000000"})
        public int n;

        @Param({"3", "16", "128"})
        public int d;

        @Param({"uniform", "clustered"})
        public String data;

        float[] points;
        float[] queries;
        float[] stream;
        String[] pointIds;
        String[] streamIds;

        @Setup(Level.Trial)
        public void load() {
            KnnDataFiles files = KnnDataFiles.fromSystemProperty();
            points = files.points(data, n, d);
            queries = files.queries(data, n, d);
            stream = files.stream(data, n, d);
            // Ids are point numbers, so a neighbour's id says which row of the file it is.
            pointIds = new String[n];
            for (int i = 0; i < n; i++) {
                pointIds[i] = Integer.toString(i);
            }
            streamIds = new String[stream.length / d];
            for (int i = 0; i < streamIds.length; i++) {
                streamIds[i] = Integer.toString(n + i);
            }
        }

        KdTreeIndex emptyIndex() {
            return KdTreeIndex.builder(d).metric(KnnMetric.SQUARED_L2).build();
        }
    }

    /** An index holding every point of the dataset, and the query cursors over it. */
    @State(Scope.Thread)
    public static class Loaded {

        /** {@code upserts}: points upserted in file order; {@code rebuilt}: then one rebuild. */
        @Param({"upserts"})
        public String build;

        KdTreeIndex index;
        final NeighborBuffer out = new NeighborBuffer(16);
        final NeighborBuffer[] outs = new NeighborBuffer[BRUTE_FORCE_QUERIES];
        float[][] queryBlocks;
        int queryCursor;
        int blockCursor;
        int streamCursor;

        @Setup(Level.Trial)
        public void fill(Dataset dataset) {
            index = dataset.emptyIndex();
            for (int i = 0; i < dataset.n; i++) {
                index.upsert(dataset.pointIds[i], dataset.points, i * dataset.d);
            }
            if ("rebuilt".equals(build)) {
                index.rebuild();
            } else if (!"upserts".equals(build)) {
                throw new IllegalArgumentException(
                        "build must be upserts or rebuilt, got " + build);
            }
            System.arraycopy(buffers(outs.length), 0, outs, 0, outs.length);
            queryBlocks = new float[KnnDataFiles.QUERY_COUNT / QUERIES_PER_CALL][];
            for (int b = 0; b < queryBlocks.length; b++) {
                int from = b * QUERIES_PER_CALL * dataset.d;
                queryBlocks[b] =
                        Arrays.copyOfRange(
                                dataset.queries, from, from + QUERIES_PER_CALL * dataset.d);
            }
            checkAgainstSklearn(dataset);
        }

        private void checkAgainstSklearn(Dataset dataset) {
            KdTreeBenchmark.checkAgainstSklearn(
                    dataset,
                    index,
                    answers -> {
                        for (int q = 0; q < answers.length; q++) {
                            index.knn(dataset.queries, q * dataset.d, K, answers[q]);
                        }
                    },
                    "the kd-tree's exact kNN");
        }
    }

    /** The approximate search's budget, and its recall, printed once per trial. */
    @State(Scope.Thread)
    public static class Approximate {

        /** Live points examined per query (best-bin-first budget). */
        @Param({"256"})
        public int maxChecks;

        @Setup(Level.Trial)
        public void measureRecall(Dataset dataset, Loaded loaded) {
            NeighborBuffer exact = new NeighborBuffer(16);
            NeighborBuffer approximate = new NeighborBuffer(16);
            long found = 0;
            for (int q = 0; q < RECALL_QUERIES; q++) {
                loaded.index.knn(dataset.queries, q * dataset.d, K, exact);
                loaded.index.approximateKnn(
                        dataset.queries, q * dataset.d, K, maxChecks, approximate);
                for (int i = 0; i < approximate.size(); i++) {
                    for (int j = 0; j < exact.size(); j++) {
                        if (approximate.slot(i) == exact.slot(j)) {
                            found++;
                            break;
                        }
                    }
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "approximateKnn maxChecks=%d: recall@%d %.4f over the first %d queries%n",
                    maxChecks,
                    K,
                    found / (double) (RECALL_QUERIES * K),
                    RECALL_QUERIES);
        }
    }

    /** The brute-force search and its backend. */
    @State(Scope.Thread)
    public static class BruteForce {

        /** A {@code dev.quiver.compute.ComputeBackends} name: nd4j-cpu (default) or java. */
        @Param({"nd4j-cpu"})
        public String backend;

        ComputeBackend computeBackend;
        BruteForceKnn knn;
        float[][] queryBlocks;
        int blockCursor;

        @Setup(Level.Trial)
        public void open(Dataset dataset, Loaded loaded) {
            computeBackend = ComputeBackends.byName(backend);
            knn = new BruteForceKnn(computeBackend);
            queryBlocks = new float[KnnDataFiles.QUERY_COUNT / BRUTE_FORCE_QUERIES][];
            for (int b = 0; b < queryBlocks.length; b++) {
                int from = b * BRUTE_FORCE_QUERIES * dataset.d;
                queryBlocks[b] =
                        Arrays.copyOfRange(
                                dataset.queries, from, from + BRUTE_FORCE_QUERIES * dataset.d);
            }
            checkAgainstSklearn(
                    dataset,
                    loaded.index,
                    answers -> knn.knn(dataset.queries, answers.length, K, loaded.index, answers),
                    "the brute force");
        }

        @TearDown(Level.Trial)
        public void close() {
            computeBackend.close();
        }
    }

    /** Points inserted, reported by JMH as {@code insert:points}, per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class InsertedPoints {

        public long points;

        @Setup(Level.Iteration)
        public void reset() {
            points = 0;
        }
    }

    private static NeighborBuffer[] buffers(int count) {
        NeighborBuffer[] buffers = new NeighborBuffer[count];
        for (int i = 0; i < count; i++) {
            buffers[i] = new NeighborBuffer(16);
        }
        return buffers;
    }

    /**
     * Fails the trial when the neighbours that {@code search} finds for the first 100 queries
     * disagree with scikit-learn's. Distances, not ids, are compared, both recomputed here in
     * double from the float coordinates, because points at equal distance may legitimately come in
     * either order. Each side ranked by its own evaluation, the float one good to {@code
     * gamma_{d+2}} relative, so two distances count as equal within {@code 2 (d + 2) 2^-24}
     * relative. Without the file (sklearn_kdtree.py not run for this cell) it only prints a note.
     */
    static void checkAgainstSklearn(
            Dataset dataset, PointSet points, Consumer<NeighborBuffer[]> search, String what) {
        int[] expected =
                KnnDataFiles.fromSystemProperty()
                        .sklearnNeighbors(dataset.data, dataset.n, dataset.d, K);
        String cell = dataset.data + " n=" + dataset.n + " d=" + dataset.d;
        if (expected == null) {
            System.out.println(
                    "note: no sklearn neighbours for "
                            + cell
                            + "; run bench/peers/sklearn_kdtree.py to cross-check "
                            + what);
            return;
        }
        NeighborBuffer[] answers = buffers(KnnDataFiles.CHECKED_QUERIES);
        search.accept(answers);
        double tolerance = 2.0 * (dataset.d + 2) * 0x1p-24;
        double[] ours = new double[K];
        double[] theirs = new double[K];
        for (int q = 0; q < answers.length; q++) {
            if (answers[q].size() != K) {
                throw new IllegalStateException(
                        what + " returned " + answers[q].size() + " neighbours for query " + q);
            }
            for (int j = 0; j < K; j++) {
                int ourRow = Integer.parseInt(points.id(answers[q].slot(j)));
                ours[j] = squaredDistance(dataset, q, ourRow);
                theirs[j] = squaredDistance(dataset, q, expected[q * K + j]);
            }
            Arrays.sort(ours);
            Arrays.sort(theirs);
            for (int j = 0; j < K; j++) {
                if (Math.abs(ours[j] - theirs[j])
                        > tolerance * Math.max(theirs[j], Double.MIN_NORMAL)) {
                    throw new IllegalStateException(
                            String.format(
                                    Locale.ROOT,
                                    "%s, %s, query %d, neighbour %d: sqDist %.9g here, %.9g by"
                                            + " sklearn; not the peers' answer",
                                    cell,
                                    what,
                                    q,
                                    j,
                                    ours[j],
                                    theirs[j]));
                }
            }
        }
        System.out.println(
                "checked: "
                        + what
                        + " matches sklearn on the first "
                        + answers.length
                        + " queries of "
                        + cell);
    }

    private static double squaredDistance(Dataset dataset, int query, int row) {
        int d = dataset.d;
        double sum = 0;
        for (int i = 0; i < d; i++) {
            double diff = (double) dataset.queries[query * d + i] - dataset.points[row * d + i];
            sum += diff * diff;
        }
        return sum;
    }

    /** Builds the whole index from empty, one upsert per point; see {@code insert:points}. */
    @Benchmark
    public int insert(Dataset dataset, InsertedPoints inserted) {
        KdTreeIndex index = dataset.emptyIndex();
        int d = dataset.d;
        for (int i = 0; i < dataset.n; i++) {
            index.upsert(dataset.pointIds[i], dataset.points, i * d);
        }
        inserted.points += dataset.n;
        return index.size();
    }

    /** Exact kNN, one query per {@code knn} call. */
    @Benchmark
    @OperationsPerInvocation(QUERIES_PER_CALL)
    public int knnExact(Dataset dataset, Loaded loaded) {
        int d = dataset.d;
        int q = loaded.queryCursor;
        int checksum = 0;
        for (int i = 0; i < QUERIES_PER_CALL; i++, q++) {
            loaded.index.knn(dataset.queries, q * d, K, loaded.out);
            checksum += loaded.out.slot(0);
        }
        loaded.queryCursor = q == KnnDataFiles.QUERY_COUNT ? 0 : q;
        return checksum;
    }

    /** Exact kNN through the batch entry point, {@value #QUERIES_PER_CALL} queries per call. */
    @Benchmark
    @OperationsPerInvocation(QUERIES_PER_CALL)
    public int knnExactBatch(Loaded loaded) {
        int b = loaded.blockCursor;
        loaded.index.knn(loaded.queryBlocks[b], QUERIES_PER_CALL, K, loaded.outs);
        loaded.blockCursor = b + 1 == loaded.queryBlocks.length ? 0 : b + 1;
        return loaded.outs[0].slot(0);
    }

    /** Best-bin-first approximate kNN at a fixed budget of examined points. */
    @Benchmark
    @OperationsPerInvocation(QUERIES_PER_CALL)
    public int approximateKnn(Dataset dataset, Loaded loaded, Approximate approximate) {
        int d = dataset.d;
        int q = loaded.queryCursor;
        int checksum = 0;
        for (int i = 0; i < QUERIES_PER_CALL; i++, q++) {
            loaded.index.approximateKnn(
                    dataset.queries, q * d, K, approximate.maxChecks, loaded.out);
            checksum += loaded.out.slot(0);
        }
        loaded.queryCursor = q == KnnDataFiles.QUERY_COUNT ? 0 : q;
        return checksum;
    }

    /** Nine exact kNN queries, then one upsert of the next stream point. */
    @Benchmark
    @OperationsPerInvocation(MIXED_OPS)
    public int mixed90to10(Dataset dataset, Loaded loaded) {
        int d = dataset.d;
        int q = loaded.queryCursor;
        int checksum = 0;
        for (int i = 0; i < MIXED_OPS - 1; i++) {
            loaded.index.knn(dataset.queries, q * d, K, loaded.out);
            checksum += loaded.out.slot(0);
            q = q + 1 == KnnDataFiles.QUERY_COUNT ? 0 : q + 1;
        }
        loaded.queryCursor = q;
        int s = loaded.streamCursor;
        loaded.index.upsert(dataset.streamIds[s], dataset.stream, s * d);
        loaded.streamCursor = s + 1 == dataset.streamIds.length ? 0 : s + 1;
        return checksum;
    }

    /**
     * Batched brute force over the loaded index, {@value #BRUTE_FORCE_QUERIES} queries per call.
     */
    @Benchmark
    @OperationsPerInvocation(BRUTE_FORCE_QUERIES)
    public int bruteForce(Loaded loaded, BruteForce bruteForce) {
        int b = bruteForce.blockCursor;
        bruteForce.knn.knn(
                bruteForce.queryBlocks[b], BRUTE_FORCE_QUERIES, K, loaded.index, loaded.outs);
        bruteForce.blockCursor = b + 1 == bruteForce.queryBlocks.length ? 0 : b + 1;
        return loaded.outs[0].slot(0);
    }
}
