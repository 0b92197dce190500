package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.cli.QuiverCli;
import dev.quiver.cli.SyntheticStreams;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.Topics;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.VectorEvent;

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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bayes job end to end on a real KRaft broker and Flink's MiniCluster, and the same job on
 * NDJSON files; both checked against the closed-form Beta posterior computed here from the inputs.
 */
class BayesJobEndToEndTest {

    private static final int EVENTS = 10_000;
    private static final int KEYS = 50;
    private static final long SEED = 20261127L;

    private static EmbeddedKafkaBroker broker;
    private static List<Observation> observations;
    private static Map<String, double[]> closedForm;

    @BeforeAll
    static void startBrokerAndMakeData() {
        broker = EmbeddedKafkaBroker.builder().start();
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(),
                List.of(Topics.OBSERVATIONS, Topics.POSTERIORS, Topics.DEAD_LETTER),
                3,
                Duration.ofSeconds(30));
        SyntheticStreams streams =
                new SyntheticStreams(SEED, KEYS, 8, "default", 1_700_000_000_000L);
        observations = new ArrayList<>();
        closedForm = new HashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            Observation o = streams.observation(i);
            observations.add(o);
            // Beta(1, 1) prior: alpha = 1 + successes, beta = 1 + failures.
            double[] ab = closedForm.computeIfAbsent(o.getKey(), k -> new double[] {1, 1});
            ab[o.getValue() == 1.0 ? 0 : 1]++;
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void kafkaRunEmitsOneUpdatePerValidObservationAndDeadLettersTheRest() {
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        List<byte[]> invalid = invalidPayloads(codec);
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (int i = 0; i < EVENTS; i++) {
                Observation o = observations.get(i);
                producer.send(
                        new ProducerRecord<>(
                                Topics.OBSERVATIONS, key(o.getKey()), codec.encode(o)));
                if (i % 1000 == 0 && i / 1000 < invalid.size()) {
                    producer.send(
                            new ProducerRecord<>(
                                    Topics.OBSERVATIONS, key("bad"), invalid.get(i / 1000)));
                }
            }
            for (int j = EVENTS / 1000; j < invalid.size(); j++) {
                producer.send(
                        new ProducerRecord<>(Topics.OBSERVATIONS, key("bad"), invalid.get(j)));
            }
            producer.flush();
        }

        int exit =
                run(
                        "run",
                        "bayes",
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--until-latest",
                        "--parallelism",
                        "2",
                        "--checkpoint-interval-ms",
                        "300",
                        "--group-id",
                        "e2e-kafka");
        assertThat(exit).isZero();

        AvroSingleObjectCodec<PosteriorUpdate> updates =
                AvroSingleObjectCodec.of(PosteriorUpdate.class);
        List<PosteriorUpdate> results = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        Topics.POSTERIORS,
                        EVENTS,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(60))) {
            results.add(decode(updates, r.value()));
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(results.get(results.size() - 1).getKey());
        }
        assertThat(results).hasSize(EVENTS);
        assertThat(results.stream().map(PosteriorUpdate::getId).distinct().count())
                .isEqualTo(EVENTS);
        assertFinalsEqualClosedForm(results);

        List<DeadLetter> deadLetters = new ArrayList<>();
        AvroSingleObjectCodec<DeadLetter> deadCodec = AvroSingleObjectCodec.of(DeadLetter.class);
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        Topics.DEAD_LETTER,
                        invalid.size(),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(60))) {
            deadLetters.add(decode(deadCodec, r.value()));
        }
        assertThat(deadLetters).hasSize(invalid.size());
        assertThat(deadLetters)
                .allSatisfy(
                        d -> {
                            assertThat(d.getSource()).isEqualTo(Topics.OBSERVATIONS);
                            assertThat(d.getReason()).isNotBlank();
                            assertThat(d.getOffset()).isNotNegative();
                        });
        assertThat(hex(deadLetters.stream().map(d -> bytes(d.getPayload())).toList()))
                .isEqualTo(hex(invalid));
        assertThat(deadLetters)
                .anySatisfy(d -> assertThat(d.getReason()).contains("0 or 1").contains("2.0"));
        assertThat(deadLetters).anySatisfy(d -> assertThat(d.getReason()).contains("VectorEvent"));
    }

    @Test
    void fileRunGivesTheSameFinalPosteriors(@TempDir Path dir) throws IOException {
        NdjsonCodec<Observation> ndjson = NdjsonCodec.of(Observation.class);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            lines.add(ndjson.encode(observations.get(i)));
            if (i == 17) {
                lines.add("{\"key\":\"k\",\"ts\":1,\"value\":2}");
                lines.add("{\"key\":\"k\",\"ts\":1,\"value\":1,\"colour\":\"red\"}");
                lines.add("not json at all");
            }
        }
        Path input = Files.write(dir.resolve("observations.ndjson"), lines);
        Path output = dir.resolve("posteriors.ndjson");

        int exit =
                run(
                        "run",
                        "bayes",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--parallelism",
                        "2");
        assertThat(exit).isZero();

        NdjsonCodec<PosteriorUpdate> results = NdjsonCodec.of(PosteriorUpdate.class);
        List<PosteriorUpdate> updates = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            updates.add(decode(results, line));
        }
        assertThat(updates).hasSize(EVENTS);
        assertFinalsEqualClosedForm(updates);

        NdjsonCodec<DeadLetter> deadCodec = NdjsonCodec.of(DeadLetter.class);
        List<DeadLetter> dead = new ArrayList<>();
        for (String line :
                Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString())))) {
            dead.add(decode(deadCodec, line));
        }
        assertThat(dead).extracting(DeadLetter::getOffset).containsExactlyInAnyOrder(19L, 20L, 21L);
        assertThat(dead)
                .extracting(d -> new String(bytes(d.getPayload()), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(lines.get(18), lines.get(19), lines.get(20));
        assertThat(dead)
                .extracting(DeadLetter::getReason)
                .anySatisfy(r -> assertThat(r).contains("colour"));
    }

    /** The last update of each key (the one with the most observations) equals the closed form. */
    private static void assertFinalsEqualClosedForm(List<PosteriorUpdate> updates) {
        Map<String, PosteriorUpdate> last = new HashMap<>();
        for (PosteriorUpdate u : updates) {
            last.merge(u.getKey(), u, (a, b) -> a.getN() >= b.getN() ? a : b);
        }
        assertThat(last.keySet()).isEqualTo(closedForm.keySet());
        for (Map.Entry<String, PosteriorUpdate> e : last.entrySet()) {
            double[] ab = closedForm.get(e.getKey());
            PosteriorUpdate u = e.getValue();
            double alpha = ab[0];
            double beta = ab[1];
            assertThat(u.getParams()).containsEntry("alpha", alpha).containsEntry("beta", beta);
            assertThat(u.getN()).isEqualTo(alpha + beta - 2);
            assertThat(u.getMean())
                    .isCloseTo(alpha / (alpha + beta), org.assertj.core.data.Offset.offset(1e-15));
            assertThat(u.getMle())
                    .isCloseTo(
                            (alpha - 1) / (alpha + beta - 2),
                            org.assertj.core.data.Offset.offset(1e-15));
            assertThat(u.getCiLow()).isLessThan(u.getMean());
            assertThat(u.getCiHigh()).isGreaterThan(u.getMean());
        }
    }

    /** Records each job must reject, one of each kind of failure. */
    private static List<byte[]> invalidPayloads(AvroSingleObjectCodec<Observation> codec) {
        Observation two = observation("bad-2", 2.0);
        Observation nan = observation("bad-nan", Double.NaN);
        Observation negative = observation("bad-neg", -1.0);
        byte[] valid = codec.encode(observation("ok", 1.0));
        byte[] wrongFingerprint = valid.clone();
        wrongFingerprint[5] ^= 0x5A;
        VectorEvent vector =
                VectorEvent.newBuilder()
                        .setId("v")
                        .setTs(Instant.EPOCH)
                        .setVector(List.of(1f))
                        .build();
        return List.of(
                codec.encode(two),
                codec.encode(nan),
                codec.encode(negative),
                "garbage, not Avro".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(valid, valid.length - 3),
                wrongFingerprint,
                AvroSingleObjectCodec.of(VectorEvent.class).encode(vector),
                new byte[0]);
    }

    private static Observation observation(String id, double value) {
        return Observation.newBuilder()
                .setId(id)
                .setKey("bad")
                .setTs(Instant.EPOCH)
                .setValue(value)
                .build();
    }

    private static int run(String... args) {
        CommandLine cli = QuiverCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        assertThat(err.toString())
                .as("stderr of %s", Arrays.toString(args))
                .doesNotContain("quiver:");
        return exit;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decode(
            AvroSingleObjectCodec<T> codec, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decode(
            NdjsonCodec<T> codec, String line) {
        try {
            return codec.decode(line);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static Set<String> hex(List<byte[]> payloads) {
        Set<String> out = new HashSet<>();
        payloads.forEach(p -> out.add(HexFormat.of().formatHex(p)));
        return out;
    }
}
