package dev.quiver.knn.flink;

import static dev.quiver.knn.flink.MatchFunctionTest.delete;
import static dev.quiver.knn.flink.MatchFunctionTest.query;
import static dev.quiver.knn.flink.MatchFunctionTest.randomVector;
import static dev.quiver.knn.flink.MatchFunctionTest.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.knn.MatchOptions;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.QueryMode;
import dev.quiver.schema.VectorEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Queries in arrival order, micro-batched per namespace on every search path (the kd-tree exact and
 * best-bin-first, and the brute force): at batch sizes 7 and 1000 every answer, and every dead
 * letter, is that of queries answered one at a time (batch size 1), with upserts and deletes of a
 * namespace cutting its batch, TTL expiry by watermarks in between, and the end of the input
 * answering what still waits; a snapshot taken while queries wait restores exactly once.
 */
class MatchBatchingTest {

    /** Batches flushed by size, vectors, timers of event time and the end, never by timeout. */
    private static final long NEVER_DUE_MS = 3_600_000;

    private static final int EVENTS = 700;

    /** Where the restore test takes its snapshot: not just after a watermark, which flushes. */
    private static final int SNAPSHOT_AT = 420;

    /** A job variant: its options, fed the same events. */
    record Variant(String name, MatchOptions.Builder options) {
        @Override
        public String toString() {
            return name;
        }

        MatchOptions at(int batchSize) {
            return options.batchSize(batchSize).batchTimeoutMs(NEVER_DUE_MS).build();
        }
    }

    static Stream<Variant> variants() {
        return Stream.of(
                new Variant("kd-tree", MatchOptions.builder().search(MatchOptions.Search.TREE)),
                new Variant(
                        "kd-tree best-bin-first, ratio 0.9",
                        MatchOptions.builder()
                                .search(MatchOptions.Search.TREE)
                                .maxChecks(12)
                                .ratio(0.9f)),
                new Variant(
                        "kd-tree with ttl and max points",
                        MatchOptions.builder()
                                .search(MatchOptions.Search.TREE)
                                .ttlMs(150)
                                .maxPoints(60)),
                new Variant(
                        "brute force",
                        MatchOptions.builder().search(MatchOptions.Search.BRUTE).backend("java")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void batchSizesSevenAndAThousandAnswerAsOneAtATime(Variant variant) throws Exception {
        List<Object> events = events();
        Run oneAtATime = run(variant.at(1), events);
        assertThat(oneAtATime.answers)
                .hasSize((int) events.stream().filter(QueryEvent.class::isInstance).count() - 5);
        assertThat(oneAtATime.deadLetters).hasSize(5);
        for (int size : new int[] {7, 1000}) {
            Run batched = run(variant.at(size), events);
            assertThat(batched.answers).as("batch size %d", size).isEqualTo(oneAtATime.answers);
            assertThat(batched.deadLetters)
                    .as("dead letters at batch size %d", size)
                    .isEqualTo(oneAtATime.deadLetters);
        }
    }

    /**
     * A snapshot taken with queries waiting (they are in keyed state), restored: every query is
     * answered once, exactly as an uninterrupted run answers it one at a time. A best-bin-first
     * answer depends on the tree, which a restore rebuilds from the points: there every query after
     * the restore is answered as the restored run answers it one at a time, except those that
     * waited at the snapshot, which the rebuilt tree answers instead of the old one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void aSnapshotWithQueriesWaitingRestoresExactlyOnce(Variant variant) throws Exception {
        List<Object> events = events();
        Run uninterrupted = run(variant.at(1), events);
        Run restored = restored(variant.at(1000), events);
        assertThat(restored.answers.keySet()).isEqualTo(uninterrupted.answers.keySet());
        assertThat(restored.deadLetters).isEqualTo(uninterrupted.deadLetters);
        Map<String, String> expected = new TreeMap<>(uninterrupted.answers);
        Map<String, String> actual = new TreeMap<>(restored.answers);
        if (variant.at(1).maxChecks() > 0) {
            // After the restore, one at a time too, answers come from the rebuilt tree.
            expected = new TreeMap<>(restored(variant.at(1), events).answers);
            expected.keySet().removeAll(restored.waitingAtSnapshot);
            actual.keySet().removeAll(restored.waitingAtSnapshot);
        }
        assertThat(actual).isEqualTo(expected);
    }

    /** A run stopped at {@link #SNAPSHOT_AT}, restored from its snapshot, replayed from there. */
    private static Run restored(MatchOptions options, List<Object> events) throws Exception {
        Run resumed = new Run();
        OperatorSubtaskState snapshot;
        try (var before = harness(options)) {
            before.open();
            feed(before, events, 0, SNAPSHOT_AT);
            snapshot = before.snapshot(1L, SNAPSHOT_AT);
            resumed.collect(before);
            for (Object event : events.subList(0, SNAPSHOT_AT)) {
                if (event instanceof QueryEvent q
                        && q.getId().startsWith("q")
                        && !resumed.answers.containsKey(q.getId())) {
                    resumed.waitingAtSnapshot.add(q.getId());
                }
            }
            if (options.batchSize() > 1) {
                assertThat(resumed.waitingAtSnapshot)
                        .as("queries waiting in their batches, in the snapshot")
                        .isNotEmpty();
            }
            // After the barrier, then lost in the failure: replayed below.
            feed(before, events, SNAPSHOT_AT, SNAPSHOT_AT + 20);
        }
        try (var after = harness(options)) {
            after.initializeState(snapshot);
            after.open();
            feed(after, events, SNAPSHOT_AT, events.size());
            after.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            resumed.collect(after);
        }
        return resumed;
    }

    // ---------------------------------------------------------------------------------------------

    /** What one run emitted: answers by query id (latency zeroed), dead letters in order. */
    private static final class Run {
        final Map<String, String> answers = new TreeMap<>();
        final List<String> deadLetters = new ArrayList<>();
        final List<String> waitingAtSnapshot = new ArrayList<>();

        void collect(Harness h) {
            for (MatchResult result : h.extractOutputValues()) {
                MatchResult copy = MatchResult.newBuilder(result).build();
                // Latency is wall-clock; everything else must be identical.
                copy.setLatencyMs(0L);
                assertThat(answers.put(copy.getQueryId(), copy.toString()))
                        .as("answered twice: %s", copy.getQueryId())
                        .isNull();
            }
            var dead = h.getSideOutput(DeadLetters.TAG);
            if (dead != null) {
                for (StreamRecord<DeadLetter> r : dead) {
                    deadLetters.add(r.getValue().getOffset() + " " + r.getValue().getReason());
                }
            }
        }
    }

    private static Run run(MatchOptions options, List<Object> events) throws Exception {
        Run run = new Run();
        try (var harness = harness(options)) {
            harness.open();
            feed(harness, events, 0, events.size());
            harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            run.collect(harness);
        }
        return run;
    }

    /**
     * Upserts, deletes and kNN, radius and match queries over three namespaces, a watermark every
     * 50 events (expiring points with a TTL), and five queries of the wrong dimension.
     */
    private static List<Object> events() {
        SplittableRandom random = new SplittableRandom(41);
        List<Object> events = new ArrayList<>();
        int wrong = 0;
        for (int i = 0; i < EVENTS; i++) {
            String namespace = "n" + random.nextInt(3);
            int op = random.nextInt(20);
            if (i % 50 == 49) {
                events.add(new Watermark(i - 20));
            } else if (op < 6) {
                events.add(upsert("v" + random.nextInt(90), namespace, i, randomVector(random)));
            } else if (op < 7) {
                events.add(delete("v" + random.nextInt(90), namespace, i));
            } else if (op == 7 && wrong < 5 && i > 100) {
                wrong++;
                events.add(query("bad" + i, namespace, i, new float[] {1, 2}, 3));
            } else {
                QueryEvent q = query("q" + i, namespace, i, randomVector(random), 1 + op % 9);
                if (op == 8) {
                    q.setMode(QueryMode.RADIUS);
                    q.setRadius(0.5f + random.nextInt(4) / 2f);
                } else if (op == 9) {
                    q.setMode(QueryMode.MATCH);
                    q.setK(2);
                }
                events.add(q);
            }
        }
        assertThat(wrong).isEqualTo(5);
        return events;
    }

    private static void feed(Harness h, List<Object> events, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            Object event = events.get(i);
            if (event instanceof VectorEvent v) {
                h.processElement1(traced(v, i), i);
            } else if (event instanceof QueryEvent q) {
                h.processElement2(traced(q, i), i);
            } else {
                h.processBothWatermarks((Watermark) event);
            }
        }
    }

    /** The record as the decode step emits it, its offset the event's position in the stream. */
    private static <T extends org.apache.avro.specific.SpecificRecord> Traced<T> traced(
            T record, long offset) {
        Traced<T> traced = MatchFunctionTest.traced(record);
        return Traced.of(record, RawRecord.of("test", 0, offset, traced.origin.payload));
    }

    private static Harness harness(MatchOptions options) throws Exception {
        return new Harness(options);
    }

    /** The match operator under Flink's keyed two-input test harness. */
    private static final class Harness
            extends KeyedTwoInputStreamOperatorTestHarness<
                    String, Traced<VectorEvent>, Traced<QueryEvent>, MatchResult> {
        Harness(MatchOptions options) throws Exception {
            super(
                    new KeyedCoProcessOperator<>(new MatchFunction(options)),
                    v -> v.record.getNamespace(),
                    q -> q.record.getNamespace(),
                    Types.STRING);
        }
    }
}
