package dev.quiver.knn.flink;

import dev.quiver.io.Traced;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.GpuIndex;
import dev.quiver.io.flink.KernelState;
import dev.quiver.io.flink.OperatorMetrics;
import dev.quiver.knn.KnnQueryEngine;
import dev.quiver.knn.LivePoints;
import dev.quiver.knn.MatchOptions;
import dev.quiver.knn.NeighborBuffer;
import dev.quiver.knn.PointSet;
import dev.quiver.knn.PointStateFormat;
import dev.quiver.knn.QueryBatch;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.Neighbor;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.QueryMode;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.VectorOp;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The match operator: per namespace, keeps the points as keyed state (id to event time and vector)
 * and answers queries against a kd-tree rebuilt from that state, never checkpointed itself.
 *
 * <p>Arrival order answers a query against every vector of its namespace processed before it: the
 * namespace's queries wait in a micro-batch in keyed state ({@code --batch-size}, {@code
 * --batch-timeout-ms}), answered together by one {@link KnnQueryEngine#answer} call, kd-tree or
 * brute force. A batch is flushed when full, on a processing-time timeout, before the namespace's
 * next vector (upsert or delete: a batch never sees later vectors), before an event-time timer of
 * the namespace (a TTL expiry never removes points a waiting query should see) and, through an
 * event-time timer at the end of time, when a bounded input ends. So the answers are those of
 * queries answered one at a time, at any batch size; a wrong dimension is a dead letter on arrival.
 * Event-time order buffers vectors and queries
 * in state until the watermark passes their time, then applies the vectors of that time in arrival
 * order and answers the queries of that time against exactly the vectors up to it; records behind
 * the watermark are dead letters. TTL expiry (event time) and max-points eviction (oldest first)
 * keep each namespace bounded.
 *
 * <pre>{@code
 * vectors.connect(queries)
 *     .keyBy(v -> v.record.getNamespace(), q -> q.record.getNamespace())
 *     .process(new MatchFunction(options));
 * }</pre>
 */
public final class MatchFunction
        extends KeyedCoProcessFunction<
                String, Traced<VectorEvent>, Traced<QueryEvent>, MatchResult> {

    /** The event time of the timer the final watermark of a bounded input fires. */
    private static final long END_OF_INPUT = Long.MAX_VALUE;

    /** State types of the batched and time-ordered inputs; golden files pin their formats. */
    static final TypeInformation<Traced<VectorEvent>> VECTOR_TYPE =
            new TypeHint<Traced<VectorEvent>>() {}.getTypeInfo();
    static final TypeInformation<Traced<QueryEvent>> QUERY_TYPE =
            new TypeHint<Traced<QueryEvent>>() {}.getTypeInfo();

    private final MatchOptions options;

    private transient MapState<String, byte[]> points;
    private transient ListState<Traced<QueryEvent>> batchedQueries;
    private transient MapState<Long, List<Traced<VectorEvent>>> vectorsByTime;
    private transient MapState<Long, List<Traced<QueryEvent>>> queriesByTime;

    private transient Map<String, LivePoints> namespaces;
    private transient KnnQueryEngine engine;
    // Scratch reused by every batch, so answering allocates only the results it emits.
    private transient QueryBatch scratchBatch;
    private transient NeighborBuffer[] neighbors;
    private transient int[] matched;
    private transient boolean[] exact;
    private transient OperatorMetrics metrics;
    private transient Counter unknownDeletes;
    private transient Counter evictions;
    private transient Counter expirations;
    private transient Counter answered;

    /**
     * @param options metric, ordering, bounds, batching and search path
     */
    public MatchFunction(MatchOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext openContext) {
        points = getRuntimeContext().getMapState(KernelState.map("points", Types.STRING));
        batchedQueries =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("batched-queries", QUERY_TYPE));
        vectorsByTime =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "vectors-by-time", Types.LONG, Types.LIST(VECTOR_TYPE)));
        queriesByTime =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "queries-by-time", Types.LONG, Types.LIST(QUERY_TYPE)));
        namespaces = new HashMap<>();
        engine = new KnnQueryEngine(options, GpuIndex.of(getRuntimeContext()));
        neighbors = new NeighborBuffer[0];
        matched = new int[0];
        exact = new boolean[0];
        var group = getRuntimeContext().getMetricGroup();
        // The kd-tree is plain Java; only the brute-force path runs on the chosen backend, and the
        // engine names the one that really does (auto resolved, a missing capability's fallback).
        metrics =
                OperatorMetrics.register(group, engine.backend())
                        .withIndexSize()
                        .withBackendCounters(engine::computeBackend);
        unknownDeletes = group.counter("unknownDeletes");
        evictions = group.counter("evictions");
        expirations = group.counter("expirations");
        answered = group.counter("queriesAnswered");
    }

    @Override
    public void close() throws Exception {
        if (namespaces != null) {
            for (LivePoints live : namespaces.values()) {
                live.close();
            }
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Override
    public void processElement1(Traced<VectorEvent> vector, Context ctx, Collector<MatchResult> out)
            throws Exception {
        if (arrivesHeld(vectorsByTime, vector, vector.record.getTs().toEpochMilli(), ctx)) {
            return;
        }
        flushBatch(ctx, out);
        apply(vector, ctx);
    }

    @Override
    public void processElement2(Traced<QueryEvent> query, Context ctx, Collector<MatchResult> out)
            throws Exception {
        if (arrivesHeld(queriesByTime, query, query.record.getTs().toEpochMilli(), ctx)) {
            return;
        }
        LivePoints live = livePoints(ctx.getCurrentKey());
        if (options.batchSize() == 1 || live == null) {
            answer(List.of(query), ctx, out);
            return;
        }
        int dimension = query.record.getVector().size();
        if (dimension != live.dimension()) {
            deadLetter(
                    ctx,
                    query.origin,
                    dimensionMismatch(ctx.getCurrentKey(), live, "query", dimension));
            return;
        }
        batchedQueries.add(query);
        int pending = 0;
        for (Traced<QueryEvent> ignored : batchedQueries.get()) {
            pending++;
        }
        if (pending >= options.batchSize()) {
            flushBatch(ctx, out);
        } else if (pending == 1) {
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            ctx.timerService().currentProcessingTime() + options.batchTimeoutMs());
            // Processing-time timers do not fire once a bounded input has ended; its final
            // watermark fires this one, and the batch goes out.
            ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MatchResult> out)
            throws Exception {
        // Waiting queries came before whatever this timer changes (an expiry, the end of input).
        flushBatch(ctx, out);
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            return;
        }
        List<Traced<VectorEvent>> vectors = vectorsByTime.get(timestamp);
        if (vectors != null) {
            for (Traced<VectorEvent> vector : vectors) {
                apply(vector, ctx);
            }
            vectorsByTime.remove(timestamp);
        }
        expire(timestamp, ctx);
        List<Traced<QueryEvent>> queries = queriesByTime.get(timestamp);
        if (queries != null) {
            answer(queries, ctx, out);
            queriesByTime.remove(timestamp);
        }
    }

    private void apply(Traced<VectorEvent> traced, Context ctx) throws Exception {
        VectorEvent event = traced.record;
        String namespace = ctx.getCurrentKey();
        LivePoints live = livePoints(namespace);
        if (event.getOp() == VectorOp.DELETE) {
            if (live != null && live.delete(event.getId())) {
                points.remove(event.getId());
                metrics.addToIndexSize(-1);
            } else {
                unknownDeletes.inc();
            }
            return;
        }
        float[] vector = toArray(event.getVector());
        if (live == null) {
            live = engine.newLivePoints(vector.length);
            namespaces.put(namespace, live);
        } else if (vector.length != live.dimension()) {
            deadLetter(
                    ctx, traced.origin, dimensionMismatch(namespace, live, "vector", vector.length));
            return;
        }
        long ts = event.getTs().toEpochMilli();
        int before = live.size();
        live.upsert(event.getId(), vector, ts);
        metrics.addToIndexSize(live.size() - before);
        points.put(event.getId(), PointStateFormat.write(ts, vector));
        if (options.ttlMs() > 0) {
            ctx.timerService().registerEventTimeTimer(ts + options.ttlMs());
        }
        while (options.maxPoints() > 0 && live.size() > options.maxPoints()) {
            removeOldest(live);
            evictions.inc();
        }
    }

    /** Removes every point whose time to live has run out at event time {@code now}. */
    private void expire(long now, Context ctx) throws Exception {
        if (options.ttlMs() == 0) {
            return;
        }
        LivePoints live = livePoints(ctx.getCurrentKey());
        while (live != null && live.size() > 0 && live.oldestTs() + options.ttlMs() <= now) {
            removeOldest(live);
            expirations.inc();
        }
    }

    /** Removes a namespace's oldest point from its index and from state. */
    private void removeOldest(LivePoints live) throws Exception {
        points.remove(live.oldestId());
        live.delete(live.oldestId());
        metrics.addToIndexSize(-1);
    }

    private static String dimensionMismatch(
            String namespace, LivePoints live, String what, int dimension) {
        return "namespace '"
                + namespace
                + "' has dimension "
                + live.dimension()
                + ", "
                + what
                + " has "
                + dimension;
    }

    private void flushBatch(Context ctx, Collector<MatchResult> out) throws Exception {
        List<Traced<QueryEvent>> pending = new ArrayList<>();
        for (Traced<QueryEvent> query : batchedQueries.get()) {
            pending.add(query);
        }
        if (!pending.isEmpty()) {
            batchedQueries.clear();
            answer(pending, ctx, out);
        }
    }

    /** Answers queries of one namespace together; a wrong dimension is a dead letter. */
    private void answer(List<Traced<QueryEvent>> queries, Context ctx, Collector<MatchResult> out)
            throws Exception {
        long startNanos = System.nanoTime();
        String namespace = ctx.getCurrentKey();
        LivePoints live = livePoints(namespace);
        List<Traced<QueryEvent>> accepted = new ArrayList<>(queries.size());
        QueryBatch batch = live == null ? null : batchOf(live.dimension());
        for (Traced<QueryEvent> traced : queries) {
            QueryEvent query = traced.record;
            if (live == null) {
                out.collect(result(query, List.of(), null, true, 0, startNanos));
                metrics.eventOut(System.nanoTime() - startNanos);
                answered.inc();
                continue;
            }
            if (query.getVector().size() != live.dimension()) {
                deadLetter(
                        ctx,
                        traced.origin,
                        dimensionMismatch(namespace, live, "query", query.getVector().size()));
                continue;
            }
            float[] vector = toArray(query.getVector());
            switch (query.getMode()) {
                case KNN -> batch.addKnn(vector, query.getK());
                case RADIUS -> batch.addRadius(vector, query.getRadius());
                case MATCH -> batch.addMatch(vector);
            }
            accepted.add(traced);
        }
        if (batch == null || batch.count() == 0) {
            return;
        }
        int count = batch.count();
        ensureResultSpace(count);
        PointSet index = engine.answer(live, batch, neighbors, matched, exact);
        for (int i = 0; i < count; i++) {
            List<Neighbor> found = new ArrayList<>(neighbors[i].size());
            for (int j = 0; j < neighbors[i].size(); j++) {
                found.add(
                        new Neighbor(
                                index.id(neighbors[i].slot(j)), (double) neighbors[i].distance(j)));
            }
            String matchedId = matched[i] >= 0 ? index.id(matched[i]) : null;
            out.collect(
                    result(
                            accepted.get(i).record,
                            found,
                            matchedId,
                            exact[i],
                            live.size(),
                            startNanos));
            metrics.eventOut(System.nanoTime() - startNanos);
            answered.inc();
        }
    }

    /** The reusable query batch, emptied, for queries of {@code dimension} components. */
    private QueryBatch batchOf(int dimension) {
        if (scratchBatch == null || scratchBatch.dimension() != dimension) {
            scratchBatch = new QueryBatch(dimension);
        }
        scratchBatch.clear();
        return scratchBatch;
    }

    /** Grows the reusable result arrays to hold {@code count} answers; they never shrink. */
    private void ensureResultSpace(int count) {
        if (neighbors.length >= count) {
            return;
        }
        int old = neighbors.length;
        neighbors = java.util.Arrays.copyOf(neighbors, count);
        for (int i = old; i < count; i++) {
            neighbors[i] = new NeighborBuffer(16);
        }
        matched = new int[count];
        exact = new boolean[count];
    }

    /** The namespace's live points, rebuilt from keyed state the first time after a restore. */
    private LivePoints livePoints(String namespace) throws Exception {
        LivePoints live = namespaces.get(namespace);
        if (live != null) {
            return live;
        }
        for (Map.Entry<String, byte[]> point : points.entries()) {
            float[] vector = PointStateFormat.readVector(point.getValue());
            if (live == null) {
                live = engine.newLivePoints(vector.length);
            }
            live.upsert(point.getKey(), vector, PointStateFormat.readTimestamp(point.getValue()));
        }
        if (live != null) {
            namespaces.put(namespace, live);
            metrics.addToIndexSize(live.size());
        }
        return live;
    }

    private static MatchResult result(
            QueryEvent query,
            List<Neighbor> neighbors,
            String matched,
            boolean exact,
            long indexSize,
            long startNanos) {
        return MatchResult.newBuilder()
                .setQueryId(query.getId())
                .setNamespace(query.getNamespace())
                .setTs(query.getTs())
                .setMode(query.getMode())
                .setNeighbors(neighbors)
                .setMatched(query.getMode() == QueryMode.MATCH ? matched : null)
                .setExact(exact)
                .setIndexSize(indexSize)
                .setLatencyMs((System.nanoTime() - startNanos) / 1_000_000)
                .build();
    }

    /**
     * The first steps for every arriving vector or query: counts it in, then, in event-time order,
     * keeps it in state until the watermark passes its time (a timer at that time applies or
     * answers it), or dead-letters it when it is already behind the watermark. Returns false in
     * arrival order, where the caller handles the record at once.
     */
    private <T> boolean arrivesHeld(
            MapState<Long, List<Traced<T>>> byTime, Traced<T> traced, long ts, Context ctx)
            throws Exception {
        metrics.eventIn();
        if (options.order() != MatchOptions.Order.EVENT_TIME) {
            return false;
        }
        if (ts <= ctx.timerService().currentWatermark()) {
            deadLetter(ctx, traced.origin, late(ts, ctx));
        } else {
            append(byTime, ts, traced);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        return true;
    }

    private static String late(long ts, Context ctx) {
        return "late record: event time "
                + Instant.ofEpochMilli(ts)
                + " is not after the watermark "
                + Instant.ofEpochMilli(ctx.timerService().currentWatermark());
    }

    private void deadLetter(Context ctx, dev.quiver.io.RawRecord origin, String reason) {
        metrics.deadLetter();
        ctx.output(DeadLetters.TAG, DeadLetters.of(origin, reason));
    }

    private static <T> void append(MapState<Long, List<T>> byTime, long ts, T value)
            throws Exception {
        List<T> list = byTime.get(ts);
        if (list == null) {
            list = new ArrayList<>(1);
        }
        list.add(value);
        byTime.put(ts, list);
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
