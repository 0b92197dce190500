package dev.quiver.knn.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.knn.MatchOptions;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.Neighbor;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.QueryMode;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.VectorOp;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The match operator under Flink's test harness, against a brute-force oracle written here: every
 * answer equals the sorted list of live points at the time the query is answered.
 */
class MatchFunctionTest {

    private static final int DIM = 3;

    /** What the oracle knows: the live points of each namespace. */
    private final Map<String, Map<String, float[]>> live = new HashMap<>();

    @ParameterizedTest
    @EnumSource(MatchOptions.Search.class)
    void arrivalOrderAnswersEqualBruteForceOnEverySearchPath(MatchOptions.Search search)
            throws Exception {
        MatchOptions options =
                MatchOptions.builder()
                        .search(search)
                        .backend("java")
                        .batchSize(4)
                        .batchTimeoutMs(5)
                        .build();
        SplittableRandom random = new SplittableRandom(31);
        Map<String, List<Neighbor>> expected = new LinkedHashMap<>();
        try (var harness = harness(options)) {
            harness.open();
            for (int i = 0; i < 600; i++) {
                String namespace = random.nextBoolean() ? "a" : "b";
                int op = random.nextInt(10);
                if (op < 5) {
                    String id = "v" + random.nextInt(120);
                    float[] v = randomVector(random);
                    harness.processElement1(traced(upsert(id, namespace, i, v)), i);
                    live.computeIfAbsent(namespace, n -> new HashMap<>()).put(id, v);
                } else if (op < 6) {
                    String id = "v" + random.nextInt(120);
                    harness.processElement1(traced(delete(id, namespace, i)), i);
                    live.getOrDefault(namespace, new HashMap<>()).remove(id);
                } else {
                    float[] q = randomVector(random);
                    int k = 1 + random.nextInt(12);
                    harness.processElement2(traced(query("q" + i, namespace, i, q, k)), i);
                    expected.put("q" + i, oracle(namespace, q, k));
                }
            }
            harness.setProcessingTime(Long.MAX_VALUE / 2);
            Map<String, List<Neighbor>> actual = byQueryId(harness.extractOutputValues());
            assertThat(actual).isEqualTo(expected);
            assertThat(deadLetters(harness)).isEmpty();
        }
    }

    @Test
    void eventTimeAnswersDependOnlyOnTimestampsNotOnArrival() throws Exception {
        MatchOptions options = MatchOptions.builder().order(MatchOptions.Order.EVENT_TIME).build();
        SplittableRandom random = new SplittableRandom(7);
        List<Object> events = new ArrayList<>();
        for (int t = 0; t < 300; t++) {
            if (random.nextInt(3) == 0) {
                events.add(query("q" + t, "a", t, randomVector(random), 5));
            } else if (random.nextInt(5) == 0) {
                events.add(delete("v" + random.nextInt(60), "a", t));
            } else {
                events.add(upsert("v" + random.nextInt(60), "a", t, randomVector(random)));
            }
        }
        // The oracle applies everything in time order: at each time, vectors first, then queries.
        Map<String, List<Neighbor>> expected = new LinkedHashMap<>();
        for (Object event : events) {
            if (event instanceof VectorEvent v) {
                applyToOracle(v);
            } else {
                QueryEvent q = (QueryEvent) event;
                expected.put(q.getId(), oracle("a", toArray(q.getVector()), q.getK()));
            }
        }
        for (long seed : new long[] {1, 2}) {
            List<Object> shuffled = new ArrayList<>(events);
            shuffleWithinWindow(shuffled, 20, new SplittableRandom(seed));
            try (var harness = harness(options)) {
                harness.open();
                for (Object event : shuffled) {
                    if (event instanceof VectorEvent v) {
                        harness.processElement1(traced(v), v.getTs().toEpochMilli());
                    } else {
                        QueryEvent q = (QueryEvent) event;
                        harness.processElement2(traced(q), q.getTs().toEpochMilli());
                    }
                }
                harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
                assertThat(byQueryId(harness.extractOutputValues())).isEqualTo(expected);
            }
        }
    }

    @Test
    void recordsBehindTheWatermarkAreDeadLetters() throws Exception {
        MatchOptions options = MatchOptions.builder().order(MatchOptions.Order.EVENT_TIME).build();
        try (var harness = harness(options)) {
            harness.open();
            harness.processBothWatermarks(new Watermark(100));
            harness.processElement1(traced(upsert("v", "a", 50, new float[] {1, 2, 3})), 50);
            assertThat(deadLetters(harness))
                    .singleElement()
                    .satisfies(d -> assertThat(d.getReason()).startsWith("late record"));
        }
    }

    @Test
    void wrongDimensionIsDeadLetteredWithItsOriginalBytes() throws Exception {
        try (var harness = harness(MatchOptions.builder().build())) {
            harness.open();
            harness.processElement1(traced(upsert("v1", "a", 1, new float[] {1, 2, 3})), 1);
            Traced<VectorEvent> wrong = traced(upsert("v2", "a", 2, new float[] {1, 2}));
            harness.processElement1(wrong, 2);
            Traced<QueryEvent> wrongQuery = traced(query("q", "a", 3, new float[] {1, 2, 3, 4}, 1));
            harness.processElement2(wrongQuery, 3);
            List<DeadLetter> dead = deadLetters(harness);
            assertThat(dead).hasSize(2);
            assertThat(dead.get(0).getReason())
                    .isEqualTo("namespace 'a' has dimension 3, vector has 2");
            assertThat(dead.get(0).getPayload().array()).isEqualTo(wrong.origin.payload);
            assertThat(dead.get(1).getReason())
                    .isEqualTo("namespace 'a' has dimension 3, query has 4");
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void deleteOfUnknownIdIsNotAnError() throws Exception {
        try (var harness = harness(MatchOptions.builder().build())) {
            harness.open();
            harness.processElement1(traced(delete("nobody", "a", 1)), 1);
            harness.processElement2(traced(query("q", "a", 2, new float[] {0, 0, 0}, 3)), 2);
            assertThat(deadLetters(harness)).isEmpty();
            assertThat(harness.extractOutputValues())
                    .singleElement()
                    .satisfies(r -> assertThat(r.getNeighbors()).isEmpty());
        }
    }

    @Test
    void pointsExpireByEventTimeAfterTheirTtl() throws Exception {
        MatchOptions options = MatchOptions.builder().ttlMs(100).build();
        try (var harness = harness(options)) {
            harness.open();
            harness.processElement1(traced(upsert("old", "a", 0, new float[] {0, 0, 0})), 0);
            harness.processElement1(traced(upsert("new", "a", 80, new float[] {1, 1, 1})), 80);
            harness.processBothWatermarks(new Watermark(100));
            harness.processElement2(traced(query("q", "a", 120, new float[] {0, 0, 0}, 5)), 120);
            assertThat(harness.extractOutputValues()).as("waiting in its batch").isEmpty();
            // The end of the input: "new" expires at 180, after the waiting query is answered.
            harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            assertThat(harness.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.getNeighbors())
                                        .extracting(Neighbor::getId)
                                        .containsExactly("new");
                                assertThat(r.getIndexSize()).isEqualTo(1);
                            });
        }
    }

    @Test
    void maxPointsEvictsTheOldestFirst() throws Exception {
        MatchOptions options = MatchOptions.builder().maxPoints(3).build();
        try (var harness = harness(options)) {
            harness.open();
            for (int i = 0; i < 5; i++) {
                harness.processElement1(
                        traced(upsert("v" + i, "a", 10 - i, new float[] {i, 0, 0})), i);
            }
            harness.processElement2(traced(query("q", "a", 20, new float[] {0, 0, 0}, 10)), 5);
            harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            // Event times 10, 9, 8, 7, 6: each newcomer beyond three is the oldest, so it goes.
            assertThat(harness.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            r ->
                                    assertThat(r.getNeighbors())
                                            .extracting(Neighbor::getId)
                                            .containsExactly("v0", "v1", "v2"));
        }
    }

    @ParameterizedTest
    @EnumSource(MatchOptions.Search.class)
    void matchAndRadiusModesFollowTheirRulesOnEverySearchPath(MatchOptions.Search search)
            throws Exception {
        MatchOptions options =
                MatchOptions.builder()
                        .ratio(0.8f)
                        .search(search)
                        .backend("java")
                        .batchSize(1)
                        .build();
        try (var harness = harness(options)) {
            harness.open();
            harness.processElement1(traced(upsert("near", "a", 1, new float[] {0, 0, 1})), 1);
            harness.processElement1(traced(upsert("far", "a", 2, new float[] {0, 0, 10})), 2);
            harness.processElement2(traced(matchQuery("m1", new float[] {0, 0, 0})), 3);
            harness.processElement1(traced(upsert("twin", "a", 4, new float[] {0, 1, 0})), 4);
            harness.processElement2(traced(matchQuery("m2", new float[] {0, 0, 0})), 5);
            QueryEvent radius = query("r", "a", 6, new float[] {0, 0, 0}, 10);
            radius.setMode(QueryMode.RADIUS);
            radius.setRadius(1.0f);
            harness.processElement2(traced(radius), 6);
            List<MatchResult> results = harness.extractOutputValues();
            assertThat(results.get(0).getMatched()).isEqualTo("near");
            assertThat(results.get(1).getMatched())
                    .as("two equally near points never match")
                    .isNull();
            assertThat(results.get(2).getNeighbors())
                    .extracting(Neighbor::getId)
                    .containsExactly("near", "twin");
            assertThat(results.get(2).getMatched()).isNull();
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"hashmap", "rocksdb-incremental"})
    void restoredOperatorRebuildsItsIndexFromStateAndAnswersIdentically(String backend)
            throws Exception {
        MatchOptions options = MatchOptions.builder().build();
        SplittableRandom random = new SplittableRandom(99);
        List<Object> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            events.add(
                    random.nextInt(4) == 0
                            ? query("q" + i, "a", i, randomVector(random), 4)
                            : upsert("v" + random.nextInt(80), "a", i, randomVector(random)));
        }
        List<MatchResult> uninterrupted;
        try (var harness = harness(options)) {
            harness.setStateBackend(stateBackend(backend));
            harness.open();
            feed(harness, events, 0, events.size());
            harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            uninterrupted = harness.extractOutputValues();
        }
        List<MatchResult> resumed = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var before = harness(options)) {
            before.setStateBackend(stateBackend(backend));
            before.open();
            feed(before, events, 0, 250);
            snapshot = before.snapshot(1, 250);
            resumed.addAll(before.extractOutputValues());
        }
        try (var after = harness(options)) {
            after.setStateBackend(stateBackend(backend));
            after.initializeState(snapshot);
            after.open();
            feed(after, events, 250, events.size());
            after.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            resumed.addAll(after.extractOutputValues());
        }
        assertThat(uninterrupted)
                .hasSize((int) events.stream().filter(QueryEvent.class::isInstance).count());
        assertThat(byQueryId(resumed)).isEqualTo(byQueryId(uninterrupted));
    }

    // ---- oracle and helpers ----

    private static org.apache.flink.runtime.state.StateBackend stateBackend(String name) {
        return name.equals("hashmap")
                ? new org.apache.flink.runtime.state.hashmap.HashMapStateBackend()
                : new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend(true);
    }

    private List<Neighbor> oracle(String namespace, float[] q, int k) {
        List<Map.Entry<String, float[]>> points =
                new ArrayList<>(live.getOrDefault(namespace, Map.of()).entrySet());
        List<Neighbor> all = new ArrayList<>();
        for (Map.Entry<String, float[]> p : points) {
            all.add(new Neighbor(p.getKey(), (double) squaredDistance(q, p.getValue())));
        }
        all.sort(Comparator.comparingDouble(Neighbor::getDistance).thenComparing(Neighbor::getId));
        return new ArrayList<>(all.subList(0, Math.min(k, all.size())));
    }

    private void applyToOracle(VectorEvent v) {
        Map<String, float[]> points = live.computeIfAbsent(v.getNamespace(), n -> new HashMap<>());
        if (v.getOp() == VectorOp.DELETE) {
            points.remove(v.getId());
        } else {
            points.put(v.getId(), toArray(v.getVector()));
        }
    }

    /** The same float arithmetic as the index: squares summed in dimension order. */
    private static float squaredDistance(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            float diff = a[i] - b[i];
            sum += diff * diff;
        }
        return sum;
    }

    private static void feed(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, Traced<VectorEvent>, Traced<QueryEvent>, MatchResult>
                    harness,
            List<Object> events,
            int from,
            int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            if (events.get(i) instanceof VectorEvent v) {
                harness.processElement1(traced(v), i);
            } else {
                harness.processElement2(traced((QueryEvent) events.get(i)), i);
            }
        }
    }

    private static void shuffleWithinWindow(
            List<Object> events, int window, SplittableRandom random) {
        for (int start = 0; start < events.size(); start += window) {
            List<Object> block = events.subList(start, Math.min(events.size(), start + window));
            for (int i = block.size() - 1; i > 0; i--) {
                Collections.swap(block, i, random.nextInt(i + 1));
            }
        }
    }

    private static Map<String, List<Neighbor>> byQueryId(List<MatchResult> results) {
        Map<String, List<Neighbor>> map = new LinkedHashMap<>();
        results.stream()
                .sorted(Comparator.comparing(MatchResult::getQueryId))
                .forEach(r -> map.put(r.getQueryId(), r.getNeighbors()));
        Map<String, List<Neighbor>> ordered = new LinkedHashMap<>();
        map.keySet().stream().sorted().forEach(id -> ordered.put(id, map.get(id)));
        return ordered;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, Traced<VectorEvent>, Traced<QueryEvent>, MatchResult>
            harness(MatchOptions options) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new MatchFunction(options)),
                v -> v.record.getNamespace(),
                q -> q.record.getNamespace(),
                Types.STRING);
    }

    private static List<DeadLetter> deadLetters(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, Traced<VectorEvent>, Traced<QueryEvent>, MatchResult>
                    harness) {
        var side = harness.getSideOutput(DeadLetters.TAG);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    static <T extends org.apache.avro.specific.SpecificRecord> Traced<T> traced(T record) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        return Traced.of(
                record, RawRecord.of("test", 0, 0, AvroSingleObjectCodec.of(type).encode(record)));
    }

    static VectorEvent upsert(String id, String namespace, long ts, float[] v) {
        return VectorEvent.newBuilder()
                .setId(id)
                .setNamespace(namespace)
                .setTs(Instant.ofEpochMilli(ts))
                .setVector(toList(v))
                .build();
    }

    static VectorEvent delete(String id, String namespace, long ts) {
        return VectorEvent.newBuilder()
                .setId(id)
                .setNamespace(namespace)
                .setTs(Instant.ofEpochMilli(ts))
                .setOp(VectorOp.DELETE)
                .setVector(List.of())
                .build();
    }

    static QueryEvent query(String id, String namespace, long ts, float[] v, int k) {
        return QueryEvent.newBuilder()
                .setId(id)
                .setNamespace(namespace)
                .setTs(Instant.ofEpochMilli(ts))
                .setVector(toList(v))
                .setK(k)
                .build();
    }

    private static QueryEvent matchQuery(String id, float[] v) {
        QueryEvent q = query(id, "a", 0, v, 2);
        q.setMode(QueryMode.MATCH);
        return q;
    }

    static float[] randomVector(SplittableRandom random) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            // A coarse grid makes exact ties in distance common, so tie-breaking by id is
            // exercised.
            v[d] = random.nextInt(8) / 4f;
        }
        return v;
    }

    private static List<Float> toList(float[] v) {
        List<Float> list = new ArrayList<>(v.length);
        for (float x : v) {
            list.add(x);
        }
        return list;
    }

    private static float[] toArray(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }
}
