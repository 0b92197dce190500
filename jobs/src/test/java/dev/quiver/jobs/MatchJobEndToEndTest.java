package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.cli.QuiverCli;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.Topics;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.Neighbor;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.VectorOp;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The match job on a real broker and on files, in event-time order so answers are deterministic,
 * against brute force ({@link BruteForceMatches}); and a stop and restore from a retained
 * incremental RocksDB checkpoint that answers every query exactly once, identically.
 */
class MatchJobEndToEndTest {

    private static final int DIM = 4;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void fileRunInEventTimeGivesExactlyTheBruteForceAnswers(@TempDir Path dir) throws IOException {
        List<Object> events = stream(new SplittableRandom(3), 0, 1500, 0);
        NdjsonCodec<VectorEvent> vectors = NdjsonCodec.of(VectorEvent.class);
        NdjsonCodec<QueryEvent> queries = NdjsonCodec.of(QueryEvent.class);
        List<String> vectorLines = new ArrayList<>();
        List<String> queryLines = new ArrayList<>();
        String badLine = null;
        for (Object e : events) {
            if (e instanceof VectorEvent v) {
                vectorLines.add(vectors.encode(v));
                if (badLine == null && v.getTs().toEpochMilli() >= 500) {
                    // In time order, so it is judged by its dimension, not for being late.
                    badLine =
                            "{\"id\":\"bad\",\"namespace\":\"a\",\"ts\":"
                                    + v.getTs().toEpochMilli()
                                    + ",\"vector\":[1,2]}";
                    vectorLines.add(badLine);
                }
            } else {
                queryLines.add(queries.encode((QueryEvent) e));
            }
        }
        Files.write(dir.resolve("vectors.ndjson"), vectorLines);
        Files.write(dir.resolve("queries.ndjson"), queryLines);
        Path output = dir.resolve("matches.ndjson");

        List<MatchResult> answers = runOnFiles(dir, output, "--order", "event-time");

        assertThat(byQuery(answers)).isEqualTo(BruteForceMatches.answers(events));
        List<String> dead =
                Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString())));
        assertThat(dead).singleElement().asString().contains("has dimension 4, vector has 2");
    }

    /**
     * File mode without {@code --order} answers in event time, so two runs give the same answers
     * whichever file is read faster: each query over exactly the vectors up to its time. Namespace
     * "b" is where order decides between an answer and a dead letter: a query before its
     * namespace's first vector is answered against the empty index, one of another dimension after
     * it is a dead letter.
     */
    @Test
    void fileRunsAnswerInEventTimeByDefaultSoTwoRunsGiveTheSameAnswers(@TempDir Path dir)
            throws IOException {
        List<Object> events = new ArrayList<>();
        events.add(query("b-early", "b", 0, List.of(1f, 2f, 3f)));
        events.add(vector("b1", "b", 1, List.of(0f, 0f, 0f, 0f)));
        events.addAll(stream(new SplittableRandom(5), 0, 3000, 2));
        events.add(query("b-late", "b", 7000, List.of(1f, 2f, 3f)));
        NdjsonCodec<VectorEvent> vectors = NdjsonCodec.of(VectorEvent.class);
        NdjsonCodec<QueryEvent> queries = NdjsonCodec.of(QueryEvent.class);
        List<String> vectorLines = new ArrayList<>();
        List<String> queryLines = new ArrayList<>();
        for (Object e : events) {
            if (e instanceof VectorEvent v) {
                vectorLines.add(vectors.encode(v));
            } else {
                queryLines.add(queries.encode((QueryEvent) e));
            }
        }
        Files.write(dir.resolve("vectors.ndjson"), vectorLines);
        Files.write(dir.resolve("queries.ndjson"), queryLines);
        Map<String, List<Neighbor>> expected =
                BruteForceMatches.answers(
                        events.stream().filter(e -> !isQuery(e, "b-late")).toList());

        for (int runNumber = 1; runNumber <= 2; runNumber++) {
            Path output = dir.resolve("matches-" + runNumber + ".ndjson");
            List<MatchResult> answers = runOnFiles(dir, output);

            assertThat(byQuery(answers)).as("run %d", runNumber).isEqualTo(expected);
            assertThat(answers)
                    .filteredOn(r -> r.getQueryId().equals("b-early"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.getIndexSize()).isZero());
            assertThat(Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString()))))
                    .as("run %d", runNumber)
                    .singleElement()
                    .asString()
                    .contains("has dimension 4, query has 3");
        }
    }

    @Test
    void fileRunsRefuseArrivalOrderInOneLine(@TempDir Path dir) throws IOException {
        Path vectorFile = Files.writeString(dir.resolve("vectors.ndjson"), "");
        Path queryFile = Files.writeString(dir.resolve("queries.ndjson"), "");
        CommandLine cli = QuiverCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));

        int exit =
                cli.execute(
                        "run",
                        "match",
                        "--vectors",
                        vectorFile.toString(),
                        "--queries",
                        queryFile.toString(),
                        "--output",
                        dir.resolve("matches.ndjson").toString(),
                        "--order",
                        "arrival");

        assertThat(exit).isNotZero();
        assertThat(err.toString().strip())
                .doesNotContain("\n")
                .startsWith("quiver: --order arrival needs Kafka");
    }

    @Test
    void kafkaRunRestoredFromAnIncrementalRocksDbCheckpointAnswersEveryQueryOnceAndIdentically(
            @TempDir Path dir) throws Exception {
        String suffix = "-restore";
        String vectorsTopic = Topics.VECTORS + suffix;
        String queriesTopic = Topics.QUERIES + suffix;
        String matchesTopic = Topics.MATCHES + suffix;
        String deadTopic = Topics.DEAD_LETTER + suffix;
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(),
                List.of(vectorsTopic, queriesTopic, matchesTopic, deadTopic),
                2,
                Duration.ofSeconds(30));
        List<Object> first = stream(new SplittableRandom(11), 0, 1000, 0);
        List<Object> second = stream(new SplittableRandom(12), 1000, 2000, 2000);
        Path checkpoints = dir.resolve("checkpoints");
        String[] common = {
            "--bootstrap",
            broker.bootstrapServers(),
            "--order",
            "event-time",
            "--parallelism",
            "2",
            "--checkpoint-interval-ms",
            "300",
            "--checkpoint-dir",
            checkpoints.toString(),
            "--group-id",
            "match-restore",
            "--vectors-topic",
            vectorsTopic,
            "--queries-topic",
            queriesTopic,
            "--matches-topic",
            matchesTopic,
            "--deadletter-topic",
            deadTopic,
            // Long enough that a reader starved of CPU on a loaded machine is not taken for an
            // idle one, which would let the other topic's watermark turn its records late.
            "--idle-timeout-ms",
            "10000",
            "--max-out-of-orderness-ms",
            "0",
            "--state-backend",
            "rocksdb"
        };

        publish(first, vectorsTopic, queriesTopic);
        JobCommand<MatchStage> firstRun = JobRegistry.MATCH.parse(common);
        JobClient job = firstRun.build().executeAsync("match before restore");
        long firstQueries = first.stream().filter(e -> e instanceof QueryEvent).count();
        // Queries are answered once the watermark passes them: wait for most of them, then stop.
        KafkaTestClients.readCommitted(
                broker.bootstrapServers(),
                matchesTopic,
                (int) (firstQueries * 0.9),
                Duration.ZERO,
                Duration.ofSeconds(90));
        Thread.sleep(1000);
        JobClients.cancelAndAwait(job);
        Path checkpoint = CompletedCheckpoints.latest(checkpoints);

        List<String> restoreArgs = new ArrayList<>(List.of(common));
        restoreArgs.addAll(List.of("--from-checkpoint", checkpoint.toString()));
        JobCommand<MatchStage> secondRun =
                JobRegistry.MATCH.parse(restoreArgs.toArray(String[]::new));
        // Far-future records in another namespace move both watermarks past every real query.
        // Everything is published before the restored job starts, so neither topic's reader can
        // fall idle while the other runs ahead and turns its records late.
        List<Object> withSentinels = new ArrayList<>(second);
        Instant future = Instant.ofEpochMilli(1_000_000_000_000L);
        withSentinels.add(
                VectorEvent.newBuilder()
                        .setId("end")
                        .setNamespace("zz")
                        .setTs(future)
                        .setVector(List.of(0f, 0f, 0f, 0f))
                        .build());
        withSentinels.add(
                QueryEvent.newBuilder()
                        .setId("end")
                        .setNamespace("zz")
                        .setTs(future)
                        .setVector(List.of(0f, 0f, 0f, 0f))
                        .build());
        publish(withSentinels, vectorsTopic, queriesTopic);
        JobClient restored = secondRun.build().executeAsync("match after restore");

        List<Object> all = new ArrayList<>(first);
        all.addAll(second);
        Map<String, List<Neighbor>> expected = BruteForceMatches.answers(all);
        AvroSingleObjectCodec<MatchResult> codec = AvroSingleObjectCodec.of(MatchResult.class);
        List<MatchResult> answers = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        matchesTopic,
                        expected.size(),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(60))) {
            answers.add(codec.decode(r.value()));
        }
        JobClients.cancelAndAwait(restored);
        JobClients.deleteCheckpoints(checkpoints);
        assertThat(answers).hasSize(expected.size());
        assertThat(byQuery(answers)).isEqualTo(expected);
    }

    /** Vectors (upserts and deletes) and queries with increasing event times, namespace "a". */
    private static List<Object> stream(SplittableRandom random, int from, int to, long startTs) {
        List<Object> events = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Instant ts = Instant.ofEpochMilli(startTs + (i - from) * 2L);
            int op = random.nextInt(10);
            if (op < 6) {
                events.add(
                        VectorEvent.newBuilder()
                                .setId("v" + random.nextInt(300))
                                .setNamespace("a")
                                .setTs(ts)
                                .setVector(randomVector(random))
                                .build());
            } else if (op < 7) {
                events.add(
                        VectorEvent.newBuilder()
                                .setId("v" + random.nextInt(300))
                                .setNamespace("a")
                                .setTs(ts)
                                .setOp(VectorOp.DELETE)
                                .setVector(List.of())
                                .build());
            } else {
                events.add(
                        QueryEvent.newBuilder()
                                .setId("q" + i)
                                .setNamespace("a")
                                .setTs(ts)
                                .setVector(randomVector(random))
                                .setK(1 + random.nextInt(8))
                                .build());
            }
        }
        return events;
    }

    /**
     * The answers of a match run over {@code vectors.ndjson} and {@code queries.ndjson} in {@code
     * dir} into {@code output}, at parallelism 2 with {@code options}; the run must succeed.
     */
    private static List<MatchResult> runOnFiles(Path dir, Path output, String... options)
            throws IOException {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "match",
                                "--vectors",
                                dir.resolve("vectors.ndjson").toString(),
                                "--queries",
                                dir.resolve("queries.ndjson").toString(),
                                "--output",
                                output.toString(),
                                "--parallelism",
                                "2"));
        args.addAll(List.of(options));
        assertThat(run(args.toArray(String[]::new))).isZero();
        NdjsonCodec<MatchResult> results = NdjsonCodec.of(MatchResult.class);
        List<MatchResult> answers = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            answers.add(decode(results, line));
        }
        return answers;
    }

    private static VectorEvent vector(String id, String namespace, long ts, List<Float> vector) {
        return VectorEvent.newBuilder()
                .setId(id)
                .setNamespace(namespace)
                .setTs(Instant.ofEpochMilli(ts))
                .setVector(vector)
                .build();
    }

    private static QueryEvent query(String id, String namespace, long ts, List<Float> vector) {
        return QueryEvent.newBuilder()
                .setId(id)
                .setNamespace(namespace)
                .setTs(Instant.ofEpochMilli(ts))
                .setVector(vector)
                .build();
    }

    private static boolean isQuery(Object event, String id) {
        return event instanceof QueryEvent q && q.getId().equals(id);
    }

    private static void publish(List<Object> events, String vectorsTopic, String queriesTopic) {
        AvroSingleObjectCodec<VectorEvent> vectors = AvroSingleObjectCodec.of(VectorEvent.class);
        AvroSingleObjectCodec<QueryEvent> queries = AvroSingleObjectCodec.of(QueryEvent.class);
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (Object e : events) {
                if (e instanceof VectorEvent v) {
                    producer.send(
                            new ProducerRecord<>(
                                    vectorsTopic, key(v.getNamespace()), vectors.encode(v)));
                } else {
                    QueryEvent q = (QueryEvent) e;
                    producer.send(
                            new ProducerRecord<>(
                                    queriesTopic, key(q.getNamespace()), queries.encode(q)));
                }
            }
            producer.flush();
        }
    }

    private static byte[] key(String namespace) {
        return namespace.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, List<Neighbor>> byQuery(List<MatchResult> results) {
        Map<String, List<Neighbor>> map = new TreeMap<>();
        for (MatchResult r : results) {
            assertThat(map.put(r.getQueryId(), r.getNeighbors()))
                    .as("duplicate answer to " + r.getQueryId())
                    .isNull();
        }
        return map;
    }

    private static List<Float> randomVector(SplittableRandom random) {
        List<Float> v = new ArrayList<>(DIM);
        for (int d = 0; d < DIM; d++) {
            v.add(random.nextInt(16) / 8f);
        }
        return v;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decode(
            NdjsonCodec<T> codec, String line) {
        try {
            return codec.decode(line);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int run(String... args) {
        CommandLine cli = QuiverCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        assertThat(err.toString()).as("stderr").doesNotContain("quiver:");
        return exit;
    }
}
