package dev.quiver.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.Topics;
import dev.quiver.jobs.BruteForceMatches;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.Neighbor;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code quiver run} with Kafka and no {@code --checkpoint-dir}, whose state is larger than the 5 MB
 * a state handle may have in Flink's default checkpoint storage, the JobManager's memory: there
 * every checkpoint would fail and the job would restart without end. Its checkpoints go to a
 * temporary directory instead, and a bounded backfill ends with every answer, checkpointed along
 * the way.
 */
class LargeStateEndToEndTest {

    /** 64 floats a vector: 32,000 of them hold over 8 MB in one subtask's keyed state. */
    private static final int DIM = 64;

    private static final int VECTORS = 32_000;
    private static final int QUERIES = 100;
    private static final String SUFFIX = "-large-state";

    /** The most a state handle may hold in Flink's default checkpoint storage. */
    private static final long MEMORY_STORAGE_LIMIT = 5L * 1024 * 1024;

    /** Flink's CheckpointCoordinator: "Completed checkpoint 3 for job ... (8431234 bytes, ...". */
    private static final Pattern COMPLETED_CHECKPOINT =
            Pattern.compile("Completed checkpoint \\d+ for job \\w+ \\((\\d+) bytes");

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
    @Timeout(180) // the bug it guards against is a run that restarts for ever
    void aMatchRunWithoutACheckpointDirHoldingOver5MbCheckpointsAndAnswersEveryQuery()
            throws Exception {
        List<Object> events = events(new SplittableRandom(41));
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(),
                List.of(topic(Topics.VECTORS), topic(Topics.QUERIES), topic(Topics.MATCHES),
                        topic(Topics.DEAD_LETTER)),
                1,
                Duration.ofSeconds(30));
        publish(events);

        int exit;
        String err;
        String logs;
        try (CapturedLogs captured = CapturedLogs.start()) {
            CommandLine cli = QuiverCli.commandLine();
            StringWriter errors = new StringWriter();
            cli.setErr(new PrintWriter(errors, true));
            exit =
                    cli.execute(
                            "run",
                            "match",
                            "--bootstrap",
                            broker.bootstrapServers(),
                            "--until-latest",
                            "--parallelism",
                            "1",
                            "--backend",
                            "java",
                            "--checkpoint-interval-ms",
                            "100",
                            "--order",
                            "event-time",
                            "--max-out-of-orderness-ms",
                            "0",
                            "--group-id",
                            "match-large-state",
                            "--vectors-topic",
                            topic(Topics.VECTORS),
                            "--queries-topic",
                            topic(Topics.QUERIES),
                            "--matches-topic",
                            topic(Topics.MATCHES),
                            "--deadletter-topic",
                            topic(Topics.DEAD_LETTER));
            err = errors.toString();
            logs = captured.text();
        }

        assertThat(exit).as(err).isZero();
        assertThat(logs)
                .contains("Checkpoints of match go to ")
                .doesNotContain("larger than the maximum permitted memory-backed state");
        // The premise: a checkpoint completed with more than the JobManager's memory would take.
        assertThat(largestCompletedCheckpointBytes(logs)).isGreaterThan(MEMORY_STORAGE_LIMIT);
        Map<String, List<Neighbor>> expected = BruteForceMatches.answers(events);
        AvroSingleObjectCodec<MatchResult> codec = AvroSingleObjectCodec.of(MatchResult.class);
        Map<String, List<Neighbor>> answers = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        topic(Topics.MATCHES),
                        QUERIES,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30))) {
            MatchResult result = codec.decode(r.value());
            assertThat(answers.put(result.getQueryId(), result.getNeighbors()))
                    .as("duplicate answer to " + result.getQueryId())
                    .isNull();
        }
        assertThat(answers).hasSize(QUERIES).isEqualTo(expected);
    }

    /** Every vector first (distinct ids, one namespace), then the queries, in event time. */
    private static List<Object> events(SplittableRandom random) {
        List<Object> events = new ArrayList<>();
        for (int i = 0; i < VECTORS; i++) {
            events.add(
                    VectorEvent.newBuilder()
                            .setId("v" + i)
                            .setNamespace("big")
                            .setTs(Instant.ofEpochMilli(i))
                            .setVector(randomVector(random))
                            .build());
        }
        for (int i = 0; i < QUERIES; i++) {
            events.add(
                    QueryEvent.newBuilder()
                            .setId("q" + i)
                            .setNamespace("big")
                            .setTs(Instant.ofEpochMilli(VECTORS + i))
                            .setVector(randomVector(random))
                            .setK(3)
                            .build());
        }
        return events;
    }

    private static List<Float> randomVector(SplittableRandom random) {
        List<Float> vector = new ArrayList<>(DIM);
        for (int d = 0; d < DIM; d++) {
            // Multiples of 1/8: every squared distance is exact in float, whatever the summation order.
            vector.add(random.nextInt(16) / 8f);
        }
        return vector;
    }

    private static void publish(List<Object> events) {
        AvroSingleObjectCodec<VectorEvent> vectors = AvroSingleObjectCodec.of(VectorEvent.class);
        AvroSingleObjectCodec<QueryEvent> queries = AvroSingleObjectCodec.of(QueryEvent.class);
        byte[] key = "big".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (Object e : events) {
                producer.send(
                        e instanceof VectorEvent v
                                ? new ProducerRecord<>(
                                        topic(Topics.VECTORS), key, vectors.encode(v))
                                : new ProducerRecord<>(
                                        topic(Topics.QUERIES),
                                        key,
                                        queries.encode((QueryEvent) e)));
            }
            producer.flush();
        }
    }

    /** The size of the largest checkpoint Flink's coordinator logged as completed, 0 if none. */
    private static long largestCompletedCheckpointBytes(String logs) {
        Matcher completed = COMPLETED_CHECKPOINT.matcher(logs);
        long largest = 0;
        while (completed.find()) {
            largest = Math.max(largest, Long.parseLong(completed.group(1)));
        }
        return largest;
    }

    private static String topic(String name) {
        return name + SUFFIX;
    }
}
