package dev.quiver.knn;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.PlainJavaProvider;

/**
 * Answers a {@link QueryBatch} against one namespace's {@link LivePoints} by the path the options
 * choose: the kd-tree query by query (exact, or best-bin-first when {@code maxChecks > 0}), or the
 * batched brute force over the namespace's point block, one fused top-k call for all kNN and match
 * queries of the batch. Results carry distances in the metric's reported unit, sorted by
 * (distance, id), and slots of the {@link PointSet} that {@link #answer} returns.
 *
 * <p>Unless the options always use the tree, the engine chooses the options' compute backend when
 * it is made ({@code auto} resolved then), so {@link #backend()} names the backend that runs, and
 * opens it when a namespace first needs the brute force: a job whose namespaces are all answered
 * by the tree never loads a native backend (ND4J alone takes about 200 MB of native memory).
 *
 * <pre>{@code
 * try (KnnQueryEngine engine = new KnnQueryEngine(options)) {
 *     LivePoints live = engine.newLivePoints(dimension); // with a block if brute force answers
 *     live.upsert("a", vector, ts);
 *     PointSet answered = engine.answer(live, batch, out, matched, exact);
 *     String nearest = answered.id(out[0].slot(0));
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one engine per operator subtask. Scratch space grows to the largest batch and
 * is reused.
 */
public final class KnnQueryEngine implements AutoCloseable {

    private final MatchOptions options;
    private final String chosenBackend;
    private final int deviceIndex;
    private ComputeBackend backend;
    private BruteForceKnn bruteForce;
    private float[] scratch = new float[0];
    private NeighborBuffer[] subOut = new NeighborBuffer[0];
    private int[] subIndex = new int[0];
    // Radius queries go one at a time through these, so they allocate nothing either.
    private float[] oneQuery = new float[0];
    private final NeighborBuffer[] oneOut = new NeighborBuffer[1];

    /**
     * @param options metric, search path, approximate budget, ratio and backend
     */
    public KnnQueryEngine(MatchOptions options) {
        this(options, 0);
    }

    /**
     * @param options metric, search path, approximate budget, ratio and backend
     * @param deviceIndex the device a backend on a device opens (0 for the first)
     */
    public KnnQueryEngine(MatchOptions options, int deviceIndex) {
        this.options = options;
        this.deviceIndex = deviceIndex;
        if (options.search() == MatchOptions.Search.TREE) {
            chosenBackend = null;
        } else {
            String name = ComputeBackends.requireKnown(options.backend());
            chosenBackend =
                    ComputeBackends.AUTO.equals(name) ? ComputeBackends.autoChoice() : name;
        }
    }

    /** The brute force over the chosen backend, opened on first use. */
    private BruteForceKnn bruteForce() {
        if (bruteForce == null) {
            backend = ComputeBackends.byName(chosenBackend, deviceIndex);
            bruteForce = new BruteForceKnn(backend);
        }
        return bruteForce;
    }

    /** The compute backend of the brute force; null until a namespace first needs it. */
    public ComputeBackend computeBackend() {
        return backend;
    }

    /**
     * The backend that answers: the distances capability's for the brute force, {@code java} when
     * the options always use the kd-tree, which is plain Java.
     */
    public String backend() {
        if (chosenBackend == null) {
            return PlainJavaProvider.NAME;
        }
        return backend == null ? chosenBackend : backend.distances().backend();
    }

    /**
     * Empty live points for a namespace of {@code dimension}, with a point block of the backend
     * when the brute force answers that dimension.
     */
    public LivePoints newLivePoints(int dimension) {
        boolean blocks = chosenBackend != null && options.usesBruteForce(dimension);
        return new LivePoints(
                dimension, options.metric(), blocks ? bruteForce().backend().distances() : null);
    }

    /**
     * Answers every query of {@code batch} against {@code live}.
     *
     * @param out per query, its neighbours (reported distances, ascending, ties by id)
     * @param matched per query, the matched slot of a MATCH query, else -1
     * @param exact per query, false when the answer came from a bounded approximate search
     * @return the points whose slots {@code out} and {@code matched} name
     */
    public PointSet answer(
            LivePoints live,
            QueryBatch batch,
            NeighborBuffer[] out,
            int[] matched,
            boolean[] exact) {
        PointSet answered;
        if (options.usesBruteForce(live.dimension())) {
            answered = live.bruteForcePoints();
            answerByBruteForce(answered, batch, out, matched, exact);
        } else {
            answered = live.index();
            answerByTree(live.index(), batch, out, matched, exact);
        }
        KnnMetric metric = options.metric();
        for (int i = 0; i < batch.count(); i++) {
            NeighborBuffer neighbors = out[i];
            for (int j = 0; j < neighbors.size(); j++) {
                neighbors.set(j, neighbors.slot(j), metric.fromSquaredL2(neighbors.distance(j)));
            }
        }
        return answered;
    }

    private void answerByTree(
            KdTreeIndex index,
            QueryBatch batch,
            NeighborBuffer[] out,
            int[] matched,
            boolean[] exact) {
        float[] vectors = batch.vectors();
        int d = batch.dimension();
        for (int i = 0; i < batch.count(); i++) {
            matched[i] = -1;
            exact[i] = true;
            switch (batch.kind(i)) {
                case KNN -> {
                    if (options.maxChecks() > 0 && options.maxChecks() < index.size()) {
                        index.approximateKnn(
                                vectors, i * d, batch.k(i), options.maxChecks(), out[i]);
                        exact[i] = false;
                    } else {
                        index.knn(vectors, i * d, batch.k(i), out[i]);
                    }
                }
                case RADIUS ->
                        index.radius(
                                vectors,
                                i * d,
                                options.metric().toSquaredL2(batch.radius(i)),
                                out[i]);
                case MATCH -> matched[i] = index.match(vectors, i * d, options.ratio(), out[i]);
            }
        }
    }

    private void answerByBruteForce(
            PointSet index,
            QueryBatch batch,
            NeighborBuffer[] out,
            int[] matched,
            boolean[] exact) {
        int d = batch.dimension();
        int count = batch.count();
        ensureScratch(count, d);
        System.arraycopy(batch.vectors(), 0, scratch, 0, count * d);
        if (options.metric().normalises()) {
            for (int i = 0; i < count; i++) {
                KnnMetric.normalise(scratch, i * d, d);
            }
        }
        // kNN and match queries share one matrix product at the largest k; radius queries go alone.
        int nearest = 0;
        int maxK = 1;
        for (int i = 0; i < count; i++) {
            matched[i] = -1;
            exact[i] = true;
            if (batch.kind(i) == QueryBatch.Kind.RADIUS) {
                if (oneQuery.length != d) {
                    oneQuery = new float[d];
                }
                System.arraycopy(scratch, i * d, oneQuery, 0, d);
                oneOut[0] = out[i];
                bruteForce().radius(
                        oneQuery, 1, options.metric().toSquaredL2(batch.radius(i)), index, oneOut);
            } else {
                if (nearest != i) {
                    System.arraycopy(scratch, i * d, scratch, nearest * d, d);
                }
                subIndex[nearest] = i;
                subOut[nearest] = out[i];
                maxK = Math.max(maxK, batch.k(i));
                nearest++;
            }
        }
        if (nearest == 0) {
            return;
        }
        bruteForce().knn(scratch, nearest, maxK, index, subOut);
        for (int j = 0; j < nearest; j++) {
            int i = subIndex[j];
            NeighborBuffer neighbors = out[i];
            if (neighbors.size() > batch.k(i)) {
                neighbors.truncate(batch.k(i));
            }
            if (batch.kind(i) == QueryBatch.Kind.MATCH
                    && neighbors.size() == 2
                    && RatioTest.passes(
                            neighbors.distance(0), neighbors.distance(1), options.ratio())) {
                matched[i] = neighbors.slot(0);
            }
        }
    }

    private void ensureScratch(int count, int d) {
        if (scratch.length < count * d) {
            scratch = new float[count * d];
        }
        if (subOut.length < count) {
            subOut = new NeighborBuffer[count];
            subIndex = new int[count];
        }
    }

    @Override
    public void close() {
        if (backend != null) {
            backend.close();
        }
    }
}
