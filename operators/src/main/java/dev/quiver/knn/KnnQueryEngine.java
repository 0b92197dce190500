package dev.quiver.knn;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;

/**
 * Answers a {@link QueryBatch} against one namespace's index by the path the options choose: the
 * kd-tree query by query (exact, or best-bin-first when {@code maxChecks > 0}), or the batched
 * brute force, one matrix product for all kNN and match queries of the batch. Results carry
 * distances in the metric's reported unit, sorted by (distance, id).
 *
 * <pre>{@code
 * try (KnnQueryEngine engine = new KnnQueryEngine(options)) {
 *     engine.answer(index, batch, out, matched, exact);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one engine per operator subtask. Scratch space grows to the largest batch and
 * is reused.
 */
public final class KnnQueryEngine implements AutoCloseable {

    private final MatchOptions options;
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
        this.options = options;
    }

    /**
     * Answers every query of {@code batch} against {@code index}.
     *
     * @param out per query, its neighbours (reported distances, ascending, ties by id)
     * @param matched per query, the matched slot of a MATCH query, else -1
     * @param exact per query, false when the answer came from a bounded approximate search
     */
    public void answer(
            KdTreeIndex index,
            QueryBatch batch,
            NeighborBuffer[] out,
            int[] matched,
            boolean[] exact) {
        if (options.usesBruteForce(index.dimension())) {
            answerByBruteForce(index, batch, out, matched, exact);
        } else {
            answerByTree(index, batch, out, matched, exact);
        }
        KnnMetric metric = options.metric();
        for (int i = 0; i < batch.count(); i++) {
            NeighborBuffer neighbors = out[i];
            for (int j = 0; j < neighbors.size(); j++) {
                neighbors.set(j, neighbors.slot(j), metric.fromSquaredL2(neighbors.distance(j)));
            }
        }
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
            KdTreeIndex index,
            QueryBatch batch,
            NeighborBuffer[] out,
            int[] matched,
            boolean[] exact) {
        if (bruteForce == null) {
            backend = ComputeBackends.byName(options.backend());
            bruteForce = new BruteForceKnn(backend);
        }
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
                bruteForce.radius(
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
        bruteForce.knn(scratch, nearest, maxK, index, subOut);
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
    public void close() throws Exception {
        if (backend != null) {
            backend.close();
        }
    }
}
