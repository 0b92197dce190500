package dev.quiver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.jobs.BruteForceMatches;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.Neighbor;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.VectorOp;

import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The match job under hostile vectors and queries, in event-time order so that every query sees
 * every good vector: vectors carry times from 1000 on, queries from 2,000,000 on, and a watermark
 * delay of ten days keeps anything from being late (the end of the input releases everything). A
 * vector or query the index cannot take is a dead letter; every good query's neighbours equal brute
 * force over the good vectors of its namespace.
 */
final class MatchUnderHostility extends HostileJob {

    static final Input VECTORS =
            new Input("vectors", "--vectors", "--vectors-topic", RecordShape.VECTOR);
    static final Input QUERIES =
            new Input("queries", "--queries", "--queries-topic", RecordShape.QUERY);

    private static final int DIMENSION = 6;
    private static final int GOOD_VECTORS = 60;
    private static final int GOOD_QUERIES = 30;
    private static final String NAMESPACE = "ns";
    private static final long FIRST_VECTOR_TS = 1_000;
    private static final long FIRST_QUERY_TS = 2_000_000;

    /** After the good records of each input, still before any query: the dimension is set. */
    private static final long SEMANTIC_OFFSET = 100_000;

    MatchUnderHostility() {
        super("match", "--matches-topic", MatchResult.class, "queryId");
    }

    @Override
    List<Input> inputs() {
        return List.of(VECTORS, QUERIES);
    }

    @Override
    List<String> options() {
        return List.of(
                "--order",
                "event-time",
                "--max-out-of-orderness-ms",
                "864000000",
                "--idle-timeout-ms",
                "0");
    }

    @Override
    List<Entry> entries(Input input, Format format, SplittableRandom random) {
        return input.equals(VECTORS) ? vectors(format, random) : queries(format, random);
    }

    private List<Entry> vectors(Format format, SplittableRandom random) {
        AtomicLong nextTs = new AtomicLong(FIRST_VECTOR_TS + SEMANTIC_OFFSET);
        EntryMix<VectorEvent> cases =
                new EntryMix<>(
                        RecordShape.VECTOR,
                        format,
                        id ->
                                vector(
                                        id,
                                        nextTs.getAndIncrement(),
                                        randomVector(random, DIMENSION)));
        for (int i = 0; i < GOOD_VECTORS; i++) {
            cases.good(
                    "v" + i, vector("v" + i, FIRST_VECTOR_TS + i, randomVector(random, DIMENSION)));
        }
        cases.semantic(
                "empty key", Map.of("namespace", "\"\""), "vector event has an empty namespace");
        cases.semantic("empty id", Map.of("id", "\"\""), "vector event has an empty id");
        cases.semantic("NaN", Map.of("vector", "[1,NaN,0,0,0,0]"), "component 1 is NaN");
        cases.semantic("null number", Map.of("vector", "[null,1,0,0,0,0]"), "component 0 is NaN");
        cases.semantic(
                "Infinity", Map.of("vector", "[1,0,-Infinity,0,0,0]"), "component 2 is infinite");
        cases.semantic(
                "wrong dimension",
                Map.of("vector", "[1,2,3]"),
                "namespace '" + NAMESPACE + "' has dimension 6, vector has 3");
        cases.semantic("empty vector", Map.of("vector", "[]"), "empty vector");
        cases.semantic(
                "too many components",
                Map.of("vector", numbers(5000)),
                "vector of 5000 components exceeds the limit of 4096");
        cases.semantic("delete of an unknown id", Map.of("op", "\"DELETE\"", "vector", "[]"), null);
        cases.undecodable(random);
        return cases.interleaved(random);
    }

    private List<Entry> queries(Format format, SplittableRandom random) {
        AtomicLong nextTs = new AtomicLong(FIRST_QUERY_TS + SEMANTIC_OFFSET);
        EntryMix<QueryEvent> cases =
                new EntryMix<>(
                        RecordShape.QUERY,
                        format,
                        id -> query(id, nextTs.getAndIncrement(), 3, random));
        for (int i = 0; i < GOOD_QUERIES; i++) {
            cases.good("q" + i, query("q" + i, FIRST_QUERY_TS + i, 1 + random.nextInt(8), random));
        }
        cases.semantic("empty key", Map.of("namespace", "\"\""), "query has an empty namespace");
        cases.semantic("empty id", Map.of("id", "\"\""), "query has an empty id");
        cases.semantic("NaN", Map.of("vector", "[NaN,0,0,0,0,0]"), "component 0 is NaN");
        cases.semantic(
                "wrong dimension",
                Map.of("vector", "[1,2,3,4]"),
                "namespace '" + NAMESPACE + "' has dimension 6, query has 4");
        for (String k : List.of("0", "-3", "10001")) {
            cases.semantic("k out of range", Map.of("k", k), "k must be in 1..10000, got " + k);
        }
        cases.semantic(
                "radius missing", Map.of("mode", "\"RADIUS\""), "a RADIUS query needs a radius");
        cases.semantic(
                "radius out of range",
                Map.of("mode", "\"RADIUS\"", "radius", "-1"),
                "radius must be finite and >= 0, got -1.0");
        cases.semantic(
                "NaN",
                Map.of("mode", "\"RADIUS\"", "radius", "NaN"),
                "radius must be finite and >= 0, got NaN");
        cases.semantic("namespace without vectors", Map.of("namespace", "\"elsewhere\""), null);
        cases.undecodable(random);
        return cases.interleaved(random);
    }

    @Override
    void checkResults(List<List<Entry>> sent, List<SpecificRecord> results) {
        Map<String, MatchResult> byId = uniqueById(results);
        List<SpecificRecord> events = new ArrayList<>();
        for (List<Entry> input : sent) {
            input.stream().map(Entry::record).filter(r -> r != null).forEach(events::add);
        }
        events.sort(Comparator.comparing(MatchUnderHostility::eventTime));
        Map<String, List<Neighbor>> expected = BruteForceMatches.answers(events);
        assertThat(byId.keySet()).as("queries answered").isEqualTo(expected.keySet());
        expected.forEach(
                (id, neighbors) -> {
                    MatchResult answer = byId.get(id);
                    assertThat(answer.getNeighbors())
                            .as("neighbours of %s", id)
                            .isEqualTo(neighbors);
                    assertThat(answer.getExact()).as("exact answer to %s", id).isTrue();
                });
    }

    private static Instant eventTime(SpecificRecord event) {
        return event instanceof VectorEvent v ? v.getTs() : ((QueryEvent) event).getTs();
    }

    private static VectorEvent vector(String id, long ts, List<Float> vector) {
        return VectorEvent.newBuilder()
                .setId(id)
                .setNamespace(NAMESPACE)
                .setTs(Instant.ofEpochMilli(ts))
                .setOp(VectorOp.UPSERT)
                .setVector(vector)
                .build();
    }

    private static QueryEvent query(String id, long ts, int k, SplittableRandom random) {
        return QueryEvent.newBuilder()
                .setId(id)
                .setNamespace(NAMESPACE)
                .setTs(Instant.ofEpochMilli(ts))
                .setVector(randomVector(random, DIMENSION))
                .setK(k)
                .build();
    }

    /** Multiples of 1/8: squared distances are exact in float, so ties are real ties. */
    private static List<Float> randomVector(SplittableRandom random, int dimension) {
        List<Float> v = new ArrayList<>(dimension);
        for (int d = 0; d < dimension; d++) {
            v.add(random.nextInt(16) / 8f);
        }
        return v;
    }

    private static String numbers(int count) {
        return "[" + String.join(",", Collections.nCopies(count, "1")) + "]";
    }
}
