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
import dev.quiver.schema.Score;

import org.apache.avro.specific.SpecificRecord;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Jobs with {@code --value-format json} on a real KRaft broker: the bayes and score jobs read JSON
 * values and write JSON results that equal, field for field but the latency, those of the same job
 * reading and writing Avro on the same records; hostile JSON values (bad UTF-8, truncated JSON,
 * wrong types, an Avro record, too large) are dead letters, themselves JSON, that keep the original
 * bytes; {@code --input-format json} alone reads JSON and writes Avro; the score job's models topic
 * stays Avro; {@code quiver publish} writes JSON and {@code quiver consume} prints JSON results as
 * they are.
 */
class JsonValuesEndToEndTest {

    private static final int OBSERVATIONS = 1_500;
    private static final String MAX_RECORD_BYTES = "4096";

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
    void bayesJsonRunEqualsTheAvroRunAndDeadLettersHostileValuesWithTheirBytes(@TempDir Path dir)
            throws IOException {
        BayesTopics avro = BayesTopics.created("-avro");
        BayesTopics json = BayesTopics.created("-json");
        NdjsonCodec<Observation> ndjson = NdjsonCodec.of(Observation.class);
        SyntheticStreams streams =
                new SyntheticStreams(20261207L, 20, 8, "default", 1_700_000_000_000L);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < OBSERVATIONS; i++) {
            lines.add(ndjson.encode(streams.observation(i)));
        }
        Path file = Files.write(dir.resolve("observations.ndjson"), lines);
        assertThat(publish(file, avro.observations)).isZero();
        assertThat(publish(file, json.observations, "--value-format", "json")).isZero();
        // What publish wrote to the JSON topic is each line as it is in the file.
        assertThat(values(json.observations, OBSERVATIONS))
                .extracting(v -> new String(v, StandardCharsets.UTF_8))
                .containsExactlyInAnyOrderElementsOf(lines);
        Map<String, String> hostile = hostileJsonValues();
        send(json.observations, hostile.keySet());

        // JSON in, Avro out: the JSON topic read again, into topics of its own.
        BayesTopics mixed = BayesTopics.created("-mixed").reading(json.observations);

        assertThat(runBayes(avro, "bayes-avro")).as(lastError).isZero();
        assertThat(runBayes(json, "bayes-json", "--value-format", "json")).as(lastError).isZero();
        assertThat(runBayes(mixed, "bayes-mixed", "--input-format", "json")).as(lastError).isZero();

        Map<String, PosteriorUpdate> fromAvro =
                byId(
                        avroValues(PosteriorUpdate.class, avro.posteriors, OBSERVATIONS),
                        u -> u.getId(),
                        u -> u.setLatencyMs(0));
        List<byte[]> jsonValues = values(json.posteriors, OBSERVATIONS);
        assertPlainJson(jsonValues);
        Map<String, PosteriorUpdate> fromJson =
                byId(
                        decodeJson(PosteriorUpdate.class, jsonValues),
                        u -> u.getId(),
                        u -> u.setLatencyMs(0));
        assertThat(fromJson).hasSize(OBSERVATIONS).isEqualTo(fromAvro);

        List<byte[]> deadValues = values(json.dead, hostile.size());
        assertPlainJson(deadValues);
        Map<String, String> reasonByPayload = new TreeMap<>();
        for (DeadLetter dead : decodeJson(DeadLetter.class, deadValues)) {
            assertThat(dead.getSource()).isEqualTo(json.observations);
            reasonByPayload.put(hex(bytes(dead.getPayload())), dead.getReason());
        }
        assertThat(reasonByPayload).hasSize(hostile.size());
        hostile.forEach(
                (value, reason) ->
                        assertThat(reasonByPayload.get(hex(utf8OrRaw(value))))
                                .as("reason for %s", value)
                                .contains(reason));
        assertThat(values(avro.dead, 0)).isEmpty();

        assertThat(
                        byId(
                                avroValues(PosteriorUpdate.class, mixed.posteriors, OBSERVATIONS),
                                u -> u.getId(),
                                u -> u.setLatencyMs(0)))
                .isEqualTo(fromAvro);
        assertThat(avroValues(DeadLetter.class, mixed.dead, hostile.size()))
                .extracting(d -> hex(bytes(d.getPayload())))
                .containsExactlyInAnyOrderElementsOf(reasonByPayload.keySet());

        // consume prints a JSON result as it is; told the values are Avro, it says they are not.
        assertThat(consume(json.posteriors, OBSERVATIONS).lines().toList())
                .containsExactlyInAnyOrderElementsOf(
                        jsonValues.stream()
                                .map(v -> new String(v, StandardCharsets.UTF_8))
                                .toList());
        assertThat(consume(json.posteriors, 2, "--value-format", "avro")).isEmpty();
        assertThat(lastError.lines())
                .hasSize(2)
                .allMatch(l -> l.contains("is not a Quiver record"));
    }

    @Test
    void scoreJsonRunEqualsTheAvroRunWhileItsModelsStayAvro(@TempDir Path dir) throws IOException {
        Path oracles = ScoreJobEndToEndTest.oracles();
        Path model = Files.copy(oracles.resolve("xgb_bc_binary.json"), dir.resolve("m.json"));
        double[][] rows =
                ScoreJobEndToEndTest.csv(oracles.resolve("breast_cancer_test_with_nan.csv"));
        ScoreTopics avro = ScoreTopics.created("-avro");
        ScoreTopics json = ScoreTopics.created("-json");
        // Version 1, published as publish-model publishes: Avro, whatever the jobs' values are.
        for (ScoreTopics topics : List.of(avro, json)) {
            assertThat(
                            run(
                                    ScoreJobEndToEndTest.publishModelArgs(
                                            broker.bootstrapServers(), model, 1, topics.models)))
                    .as(lastError)
                    .isZero();
        }
        AvroSingleObjectCodec<Observation> avroCodec = AvroSingleObjectCodec.of(Observation.class);
        NdjsonCodec<Observation> jsonCodec = NdjsonCodec.of(Observation.class);
        int count = rows.length;
        byte[] avroInJsonTopic = null;
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (int i = 0; i < count; i++) {
                Observation o = ScoreJobEndToEndTest.observation(i, rows[i]);
                byte[] key = o.getKey().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(avro.observations, key, avroCodec.encode(o)));
                producer.send(
                        new ProducerRecord<>(
                                json.observations,
                                key,
                                jsonCodec.encode(o).getBytes(StandardCharsets.UTF_8)));
            }
            avroInJsonTopic = avroCodec.encode(ScoreJobEndToEndTest.observation(count, rows[0]));
            producer.send(new ProducerRecord<>(json.observations, null, avroInJsonTopic));
            producer.flush();
        }

        assertThat(runScore(avro, model, "score-avro")).as(lastError).isZero();
        assertThat(runScore(json, model, "score-json", "--value-format", "json"))
                .as(lastError)
                .isZero();

        Map<String, Score> fromAvro =
                byId(
                        avroValues(Score.class, avro.scores, count),
                        Score::getId,
                        s -> s.setLatencyMs(0));
        List<byte[]> jsonValues = values(json.scores, count);
        assertPlainJson(jsonValues);
        Map<String, Score> fromJson =
                byId(decodeJson(Score.class, jsonValues), Score::getId, s -> s.setLatencyMs(0));
        assertThat(fromJson).hasSize(count).isEqualTo(fromAvro);
        assertThat(fromJson.values()).allSatisfy(s -> assertThat(s.getModelVersion()).isEqualTo(1));

        List<DeadLetter> dead = decodeJson(DeadLetter.class, values(json.dead, 1));
        assertThat(dead).hasSize(1);
        assertThat(bytes(dead.get(0).getPayload())).isEqualTo(avroInJsonTopic);
        assertThat(dead.get(0).getReason()).contains("Avro single-object record");
    }

    @Test
    void aValueFormatInFileModeIsBadUsage(@TempDir Path dir) throws IOException {
        Path input = Files.writeString(dir.resolve("in.ndjson"), "");
        for (String option : List.of("--value-format", "--input-format")) {
            int exit =
                    run(
                            "run",
                            "bayes",
                            "--input",
                            input.toString(),
                            "--output",
                            dir.resolve("out.ndjson").toString(),
                            option,
                            "json");
            assertThat(exit).isEqualTo(2);
            assertThat(lastError)
                    .contains(
                            option
                                    + " sets the format of Kafka record values; files are always"
                                    + " NDJSON");
        }
    }

    /**
     * Hostile values for a JSON observations topic, each with a part of its dead letter's reason.
     * Keys are the values as text, except the two that are not text: bad UTF-8 and an Avro record,
     * given as ISO-8859-1 text so that {@link #utf8OrRaw} returns their exact bytes.
     */
    private static Map<String, String> hostileJsonValues() {
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put(
                RAW + "{\"key\":\"k\u00ff\",\"ts\":1,\"value\":1}", "field 'key': not valid UTF-8");
        hostile.put("{\"key\":\"k\",\"ts\":1,\"val", "malformed JSON");
        hostile.put("{\"key\":\"k\",\"ts\":\"yesterday\",\"value\":1}", "ts");
        hostile.put("{\"key\":7,\"ts\":1,\"value\":1}", "key");
        hostile.put("not json at all", "malformed JSON");
        hostile.put("{\"key\":\"k\",\"ts\":1,\"value\":2}", "0 or 1");
        hostile.put(
                "{\"key\":\"k\",\"ts\":1,\"value\":1,\"features\":["
                        + "1.25,".repeat(1_000)
                        + "1]}",
                "exceeds the limit of " + MAX_RECORD_BYTES);
        Observation o =
                Observation.newBuilder()
                        .setKey("k")
                        .setTs(Instant.ofEpochMilli(1))
                        .setValue(1)
                        .build();
        hostile.put(
                RAW
                        + new String(
                                AvroSingleObjectCodec.of(Observation.class).encode(o),
                                StandardCharsets.ISO_8859_1),
                "an Avro single-object record (starts with C3 01), not a JSON object");
        return hostile;
    }

    /** Marks a value given as ISO-8859-1 text: its bytes are the characters' codes. */
    private static final String RAW = "\u0000raw:";

    private static byte[] utf8OrRaw(String value) {
        return value.startsWith(RAW)
                ? value.substring(RAW.length()).getBytes(StandardCharsets.ISO_8859_1)
                : value.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(String topic, Iterable<String> values) {
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (String value : values) {
                producer.send(
                        new ProducerRecord<>(
                                topic, "bad".getBytes(StandardCharsets.UTF_8), utf8OrRaw(value)));
            }
            producer.flush();
        }
    }

    /** Every value is one JSON object in well-formed UTF-8, on one line, nothing around it. */
    private static void assertPlainJson(List<byte[]> values) {
        assertThat(values)
                .allSatisfy(
                        v -> {
                            String text = new String(v, StandardCharsets.UTF_8);
                            assertThat(text.getBytes(StandardCharsets.UTF_8)).isEqualTo(v);
                            assertThat(text).startsWith("{").endsWith("}").doesNotContain("\n");
                            assertThat(NdjsonCodec.jsonLine(v)).isEqualTo(text);
                        });
    }

    private record BayesTopics(String observations, String posteriors, String dead) {
        static BayesTopics created(String suffix) {
            BayesTopics t =
                    new BayesTopics(
                            Topics.OBSERVATIONS + suffix,
                            Topics.POSTERIORS + suffix,
                            Topics.DEAD_LETTER + suffix);
            KafkaTopics.ensureTopics(
                    broker.bootstrapServers(),
                    List.of(t.observations, t.posteriors, t.dead),
                    3,
                    Duration.ofSeconds(30));
            return t;
        }

        /** These topics, but reading {@code input}. */
        BayesTopics reading(String input) {
            return new BayesTopics(input, posteriors, dead);
        }
    }

    private record ScoreTopics(String observations, String models, String scores, String dead) {
        static ScoreTopics created(String suffix) {
            ScoreTopics t =
                    new ScoreTopics(
                            Topics.OBSERVATIONS + "-score" + suffix,
                            Topics.MODELS + suffix,
                            Topics.SCORES + suffix,
                            Topics.DEAD_LETTER + "-score" + suffix);
            KafkaTopics.ensureTopics(
                    broker.bootstrapServers(),
                    List.of(t.observations, t.models, t.scores, t.dead),
                    2,
                    Duration.ofSeconds(30));
            return t;
        }
    }

    private static int runBayes(BayesTopics topics, String group, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "bayes",
                                "--observations-topic",
                                topics.observations,
                                "--posteriors-topic",
                                topics.posteriors,
                                "--deadletter-topic",
                                topics.dead));
        return runJob(args, group, more);
    }

    private static int runScore(ScoreTopics topics, Path model, String group, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "score",
                                "--model",
                                model.toString(),
                                "--model-id",
                                "churn",
                                "--observations-topic",
                                topics.observations,
                                "--models-topic",
                                topics.models,
                                "--scores-topic",
                                topics.scores,
                                "--deadletter-topic",
                                topics.dead));
        return runJob(args, group, more);
    }

    private static int runJob(List<String> args, String group, String... more) {
        args.addAll(
                List.of(
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--until-latest",
                        "--parallelism",
                        "2",
                        "--checkpoint-interval-ms",
                        "300",
                        "--max-record-bytes",
                        MAX_RECORD_BYTES,
                        "--group-id",
                        group));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /** What {@code quiver consume} prints of the first {@code max} records of {@code topic}. */
    private static String consume(String topic, int max, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "consume",
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--topic",
                                topic,
                                "--from-beginning",
                                "--max",
                                String.valueOf(max),
                                "--timeout",
                                "20"));
        args.addAll(List.of(more));
        return runForOutput(args.toArray(String[]::new));
    }

    private static int publish(Path file, String topic, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "publish",
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--type",
                                "observation",
                                "--file",
                                file.toString(),
                                "--topic",
                                topic));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /** The committed values of {@code topic}, once {@code expected} are in and 2 s more. */
    private static List<byte[]> values(String topic, int expected) {
        return KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        topic,
                        expected,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(expected == 0 ? 3 : 60))
                .stream()
                .map(ConsumerRecord::value)
                .toList();
    }

    private static <T extends SpecificRecord> List<T> avroValues(
            Class<T> type, String topic, int expected) {
        AvroSingleObjectCodec<T> codec = AvroSingleObjectCodec.of(type);
        List<T> records = new ArrayList<>();
        for (byte[] value : values(topic, expected)) {
            try {
                records.add(codec.decode(value));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return records;
    }

    private static <T extends SpecificRecord> List<T> decodeJson(
            Class<T> type, List<byte[]> values) {
        NdjsonCodec<T> codec = NdjsonCodec.of(type);
        List<T> records = new ArrayList<>();
        for (byte[] value : values) {
            try {
                records.add(codec.decodeUtf8(value));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return records;
    }

    /** Records by id, each changed by {@code clear} (the latency, which differs between runs). */
    private static <T> Map<String, T> byId(
            List<T> records, Function<T, CharSequence> id, java.util.function.Consumer<T> clear) {
        Map<String, T> byId = new TreeMap<>();
        for (T record : records) {
            clear.accept(record);
            assertThat(byId.put(id.apply(record).toString(), record)).as("duplicate").isNull();
        }
        return byId;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** What the last CLI run printed on stderr. */
    private static String lastError = "";

    private static int run(String... args) {
        runForOutput(args);
        return lastExit;
    }

    private static int lastExit;

    /** Runs the CLI and returns what it printed on stdout. */
    private static String runForOutput(String... args) {
        CommandLine cli = QuiverCli.commandLine();
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        lastExit = cli.execute(args);
        lastError = err.toString();
        return out.toString();
    }
}
