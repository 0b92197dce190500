package dev.quiver.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.quiver.cli.QuiverCli;
import dev.quiver.faults.CommittedReader;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.DecodeException;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.kafka.SecuredBrokerFixture;
import dev.quiver.schema.DeadLetter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Quiver's topics through clients nobody here wrote: Python's confluent_kafka with the modules of
 * docs/python.md, and kcat. Python sends Beta-Bernoulli observations, and a few bad records, to the
 * bayes job's input topic, and kcat sends one more observation that Python encoded; {@code quiver
 * run bayes --until-latest} runs on Flink's MiniCluster; Python and kcat then read the posterior
 * topic with read_committed isolation.
 *
 * <ul>
 *   <li>Every valid observation, Python's and kcat's, has exactly one posterior, read alike by
 *       Python, kcat and Java's client (same coordinates, same bytes), and it is the closed form
 *       Beta(α0 + successes, β0 + failures) of its key's observations up to it, computed here.
 *   <li>Every bad record (a fingerprint no schema has, bytes that are not Avro, a value the model
 *       cannot take) is exactly one dead letter at its coordinates with the bytes Python sent.
 * </ul>
 *
 * <p>The exchange runs twice: on a plaintext broker, and on a SASL_SSL broker with ACLs, where
 * librdkafka's clients log in with SCRAM-SHA-512 from librdkafka 2.6.1 on and with PLAIN before
 * (the mechanism and why are printed on stderr), and the job with SCRAM-SHA-512 as a principal
 * with exactly its ACLs. Each reaches the broker through a {@link BrokerConnection}.
 *
 * <p>Skipped, with the reason printed, where /usr/bin/python3 lacks confluent_kafka or avro, or
 * kcat is missing.
 */
class IndependentClientsIT {

    private static final long SEED = 20261207L;
    private static final int OBSERVATIONS = 60;
    private static final List<String> KEYS = List.of("ad-1", "ad-2", "ad-\u00e9");
    private static final double PRIOR_ALPHA = 2;
    private static final double PRIOR_BETA = 3;
    private static final long FIRST_TS = 1_700_000_000_000L;

    /** Probability error allowed at a credible bound: far below a wrong quantile's. */
    private static final double CDF_TOLERANCE = 1e-7;

    private static final Duration PYTHON_BOUND = Duration.ofSeconds(60);

    /**
     * How long Python's reader may wait for the posteriors: it starts before the job, which on a
     * loaded machine (two cores, a load average above 30 when this was set) took more than a
     * minute from start to its last commit. A reader that has them all stops two seconds later.
     */
    private static final Duration READER_BOUND = Duration.ofMinutes(4);

    /** Python's and kcat's user on the secured broker. */
    private static final BrokerConnection.Login FEEDER =
            new BrokerConnection.Login("feeder", "Feeder-Interop-Secret-41c2");

    /** The job's user on the secured broker. */
    private static final BrokerConnection.Login RUNNER =
            new BrokerConnection.Login("runner", "Runner-Interop-Secret-7e05");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path kcatProgram;
    @AutoClose private static EmbeddedKafkaBroker broker;

    @TempDir Path dir;

    /** Without the clients, skips before a broker starts. */
    @BeforeAll
    static void findClientsAndStartBroker() throws IOException, InterruptedException {
        ExternalTools.assumePython(
                "IndependentClientsIT", "confluent_kafka", "avro.io", "avro.schema");
        kcatProgram = ExternalTools.assumeKcat("IndependentClientsIT");
        broker = EmbeddedKafkaBroker.builder().start();
    }

    @Test
    void pythonAndKcatFeedTheBayesJobAndReadEveryPosteriorOnPlaintext() throws Exception {
        Topics topics = new Topics("interop-plaintext");
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(), List.of(topics.input), 2, Duration.ofSeconds(30));
        exchange(BrokerConnection.plaintext(broker), topics);
    }

    /**
     * The same exchange on a SASL_SSL broker with ACLs: Python and kcat log in as {@code feeder}
     * with the mechanism their librdkafka can do ({@link LibrdkafkaSasl}) and trust the broker's
     * CA; the job logs in as {@code runner} with SCRAM-SHA-512, a principal with exactly the ACLs
     * the job needs (creating its two result topics included), and no super user.
     */
    @Test
    void pythonAndKcatFeedTheBayesJobAndReadEveryPosteriorOverSaslSsl() throws Exception {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("confluent_kafka", ExternalTools.librdkafkaOfPython());
        versions.put("kcat", ExternalTools.librdkafkaOfKcat(kcatProgram));
        LibrdkafkaSasl sasl = LibrdkafkaSasl.choose(versions);
        System.err.println("IndependentClientsIT over SASL_SSL: " + sasl.why());
        Topics topics = new Topics("interop-sasl-ssl");
        String group = topics.input + "-job";
        try (SecuredBrokerFixture kafka =
                SecuredBrokerFixture.builder()
                        .partitions(2)
                        .user(FEEDER.user(), FEEDER.password())
                        .user(RUNNER.user(), RUNNER.password())
                        // Python and kcat: send the input, read the posteriors.
                        .acl("User:feeder WRITE TOPIC " + topics.input)
                        .acl("User:feeder IDEMPOTENT_WRITE CLUSTER kafka-cluster")
                        .acl("User:feeder READ TOPIC " + topics.posteriors)
                        .acl("User:feeder READ GROUP python-reader- PREFIXED")
                        // The job: exactly what it needs, creating its result topics included.
                        .acl("User:runner READ TOPIC " + topics.input)
                        .acl("User:runner READ GROUP " + group)
                        .acl("User:runner CREATE TOPIC " + topics.posteriors)
                        .acl("User:runner WRITE TOPIC " + topics.posteriors)
                        .acl("User:runner CREATE TOPIC " + topics.deadLetters)
                        .acl("User:runner WRITE TOPIC " + topics.deadLetters)
                        .acl("User:runner WRITE TRANSACTIONAL_ID " + group + "- PREFIXED")
                        .acl("User:runner IDEMPOTENT_WRITE CLUSTER kafka-cluster")
                        .start()) {
            kafka.createTopics(topics.input);
            exchange(
                    BrokerConnection.saslSsl(
                            kafka, sasl.mechanism(), FEEDER, RUNNER, dir.resolve("runner.properties")),
                    topics);
        }
    }

    /**
     * The whole exchange on {@code topics}, whose input exists, every client through {@code via}.
     * Python's reader starts before the job creates the result topic, as a reader started beside
     * the job may, and must wait for it.
     */
    private void exchange(BrokerConnection via, Topics topics) throws Exception {
        Path schemas = exportSchemas(dir.resolve("schemas"));
        Path modules = ExternalTools.writeDocumentedModules(dir.resolve("py"));
        Path properties = via.writeClientProperties(dir.resolve("client.properties"));
        Kcat kcat = new Kcat(kcatProgram, properties);
        Path kcatObservation = dir.resolve("kcat-observation.bin");
        List<Planned> plan = plan(kcatObservation);
        Path planFile =
                Files.writeString(
                        dir.resolve("plan.json"),
                        JSON.writeValueAsString(plan.stream().map(Planned::json).toList()));
        int valid = (int) plan.stream().filter(Planned::isValid).count();

        PythonKafkaClients python = new PythonKafkaClients(modules, properties, schemas);
        Map<Integer, JsonNode> sent = python.produce(topics.input, planFile);
        Planned last = plan.get(plan.size() - 1);
        kcat.produceFile(topics.input, last.key, kcatObservation);
        ExternalTools.Running pythonReader =
                python.startReading(topics.posteriors, valid, READER_BOUND.toSeconds() - 10);
        assertThat(
                        JSON.readTree(pythonReader.firstLine(PYTHON_BOUND))
                                .get("topicExists")
                                .asBoolean())
                .as("the posterior topic exists when Python's reader starts")
                .isFalse();
        runBayes(via, topics, topics.input + "-job");
        List<JsonNode> pythonLines =
                PythonKafkaClients.jsonLines(
                        pythonReader.await(READER_BOUND).assertSucceeded().stdoutText());
        List<JsonNode> pythonRead = pythonLines.subList(1, pythonLines.size());
        Map<String, byte[]> javaRead = readCommitted(via, topics.posteriors);
        List<Kcat.Message> kcatRead = kcat.consumeCommitted(topics.posteriors);

        assertThat(javaRead).as("posteriors Java read").hasSize(valid);
        assertPythonReadTheClosedForm(pythonRead, plan, javaRead);
        assertKcatReadWhatJavaRead(kcatRead, javaRead);
        assertThat(pythonRead)
                .as("the posterior of the observation kcat sent")
                .anySatisfy(p -> assertThat(p.get("record").get("id").asText()).isEqualTo(last.id));
        assertDeadLetters(via, topics, plan, sent);
    }

    /** The job's topics: its input and its two outputs. */
    private record Topics(String input, String posteriors, String deadLetters) {
        Topics(String prefix) {
            this(prefix + "-observations", prefix + "-posteriors", prefix + "-deadletter");
        }

        List<String> all() {
            return List.of(input, posteriors, deadLetters);
        }
    }

    /**
     * One record to send: an observation, or a bad record whose expected dead-letter reason is
     * {@code reason}. The last one goes to a file, for kcat.
     */
    private record Planned(
            String kind, String key, String id, long ts, double value, String reason, Path file) {

        boolean isValid() {
            return reason == null;
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("kind", kind);
            json.put("key", key);
            json.put("id", id);
            json.put("ts", ts);
            json.put("value", value);
            if (kind.equals("wrong-fingerprint")) {
                json.put("fingerprint", "0123456789abcdef");
            }
            if (kind.equals("raw")) {
                json.put("hex", HexFormat.of().formatHex("not avro at all".getBytes(UTF_8)));
            }
            if (file != null) {
                json.put("file", file.toString());
            }
            // Where a bad record went: its dead letter must name those coordinates.
            json.put("report", !isValid());
            return json;
        }
    }

    /**
     * {@value #OBSERVATIONS} observations of random 0/1 values over {@link #KEYS} with bad records
     * among them, and last an observation of the first key for kcat to send.
     */
    private static List<Planned> plan(Path kcatFile) {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < OBSERVATIONS; i++) {
            String key = KEYS.get(random.nextInt(KEYS.size()));
            plan.add(observation("py-" + i, key, i, random.nextInt(2), null));
            switch (i) {
                case 10 -> plan.add(bad("wrong-fingerprint", i, 1, "unknown schema fingerprint"));
                case 25 -> plan.add(bad("raw", i, 1, "not Avro single-object encoding"));
                case 40 -> plan.add(bad("observation", i, 0.5, "0 or 1"));
                default -> {}
            }
        }
        plan.add(observation("kcat-1", KEYS.get(0), OBSERVATIONS, 1, kcatFile));
        return plan;
    }

    private static Planned observation(String id, String key, int i, double value, Path file) {
        return new Planned("observation", key, id, FIRST_TS + 1000L * i, value, null, file);
    }

    private static Planned bad(String kind, int i, double value, String reason) {
        return new Planned(kind, "bad", "bad-" + i, FIRST_TS + 1000L * i, value, reason, null);
    }

    /**
     * Python's posteriors: one per valid observation, at the coordinates and with the bytes Java
     * read, each the closed form of its key's observations up to it.
     */
    private static void assertPythonReadTheClosedForm(
            List<JsonNode> read, List<Planned> plan, Map<String, byte[]> javaRead) {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode message : read) {
            String at = message.get("partition").asInt() + "@" + message.get("offset").asLong();
            assertThat(message.get("value").asText())
                    .as("bytes Python read at %s", at)
                    .isEqualTo(hex(javaRead.get(at)));
            assertThat(message.get("name").asText()).isEqualTo("PosteriorUpdate");
            JsonNode record = message.get("record");
            assertThat(message.get("key").asText()).isEqualTo(record.get("key").asText());
            assertThat(byId.put(record.get("id").asText(), record))
                    .as("a second posterior for %s", record.get("id"))
                    .isNull();
        }
        Map<String, int[]> successesAndFailures = new HashMap<>();
        for (Planned o : plan) {
            if (!o.isValid()) {
                continue;
            }
            int[] counts = successesAndFailures.computeIfAbsent(o.key, k -> new int[2]);
            counts[o.value == 1 ? 0 : 1]++;
            JsonNode posterior = byId.remove(o.id);
            assertThat(posterior).as("the posterior of %s", o.id).isNotNull();
            assertClosedForm(
                    posterior,
                    o,
                    new BetaClosedForm(PRIOR_ALPHA, PRIOR_BETA).after(counts[0], counts[1]));
        }
        assertThat(byId).as("posteriors of no observation sent").isEmpty();
    }

    private static void assertClosedForm(JsonNode posterior, Planned o, BetaClosedForm expected) {
        String as = "posterior of " + o.id;
        assertThat(posterior.get("key").asText()).as(as).isEqualTo(o.key);
        assertThat(posterior.get("ts").asLong()).as(as).isEqualTo(o.ts);
        assertThat(posterior.get("model").asText()).as(as).isEqualTo("beta-bernoulli");
        assertThat(posterior.get("n").asDouble())
                .as(as)
                .isEqualTo(expected.alpha() + expected.beta() - PRIOR_ALPHA - PRIOR_BETA);
        assertThat(posterior.get("params").get("alpha").asDouble())
                .as(as)
                .isEqualTo(expected.alpha());
        assertThat(posterior.get("params").get("beta").asDouble())
                .as(as)
                .isEqualTo(expected.beta());
        assertThat(posterior.get("mean").asDouble())
                .as(as)
                .isCloseTo(expected.mean(), within(1e-15));
        assertThat(posterior.get("variance").asDouble())
                .as(as)
                .isCloseTo(expected.variance(), within(1e-15));
        assertThat(expected.cdf(posterior.get("ciLow").asDouble()))
                .as("P(p ≤ ciLow), " + as)
                .isCloseTo(0.025, within(CDF_TOLERANCE));
        assertThat(expected.cdf(posterior.get("ciHigh").asDouble()))
                .as("P(p ≤ ciHigh), " + as)
                .isCloseTo(0.975, within(CDF_TOLERANCE));
    }

    /** kcat read every posterior Java read, no other, each key and value byte for byte. */
    private static void assertKcatReadWhatJavaRead(
            List<Kcat.Message> read, Map<String, byte[]> javaRead) throws DecodeException {
        Map<String, byte[]> byCoordinates = new HashMap<>();
        for (Kcat.Message m : read) {
            byCoordinates.put(m.partition() + "@" + m.offset(), m.value());
            assertThat(new String(m.key(), UTF_8))
                    .as("key kcat read at %s@%s", m.partition(), m.offset())
                    .isEqualTo(
                            AvroSingleObjectCodec.of(dev.quiver.schema.PosteriorUpdate.class)
                                    .decode(m.value())
                                    .getKey());
        }
        assertThat(read).as("messages kcat read").hasSize(javaRead.size());
        assertThat(hexValues(byCoordinates)).isEqualTo(hexValues(javaRead));
    }

    /** Exactly one dead letter per bad record, at its coordinates, with the bytes Python sent. */
    private static void assertDeadLetters(
            BrokerConnection via, Topics topics, List<Planned> plan, Map<Integer, JsonNode> sent)
            throws DecodeException {
        AvroSingleObjectCodec<DeadLetter> codec = AvroSingleObjectCodec.of(DeadLetter.class);
        Map<String, DeadLetter> byCoordinates = new HashMap<>();
        for (byte[] value : readCommitted(via, topics.deadLetters).values()) {
            DeadLetter d = codec.decode(value);
            assertThat(d.getSource()).isEqualTo(topics.input);
            byCoordinates.put(d.getPartition() + "@" + d.getOffset(), d);
        }
        int bad = 0;
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).isValid()) {
                continue;
            }
            bad++;
            JsonNode report = sent.get(i);
            String at = report.get("partition").asInt() + "@" + report.get("offset").asLong();
            DeadLetter d = byCoordinates.get(at);
            assertThat(d).as("dead letter of %s at %s", plan.get(i).id, at).isNotNull();
            assertThat(d.getReason()).as(plan.get(i).id).contains(plan.get(i).reason);
            byte[] payload = new byte[d.getPayload().remaining()];
            d.getPayload().duplicate().get(payload);
            assertThat(hex(payload)).isEqualTo(report.get("value").asText());
        }
        assertThat(byCoordinates).as("dead letters").hasSize(bad);
    }

    /**
     * Every committed value of {@code topic} by {@code partition@offset}, through Java's client.
     */
    private static Map<String, byte[]> readCommitted(BrokerConnection via, String topic) {
        Map<String, byte[]> values = new HashMap<>();
        CommittedReader.readToEnd(
                via.javaClient(),
                topic,
                r -> values.put(r.partition() + "@" + r.offset(), r.value()),
                Duration.ofSeconds(30));
        return values;
    }

    private void runBayes(BrokerConnection via, Topics topics, String group) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "bayes",
                                "--model",
                                "beta-bernoulli",
                                "--prior-alpha",
                                String.valueOf(PRIOR_ALPHA),
                                "--prior-beta",
                                String.valueOf(PRIOR_BETA),
                                "--until-latest",
                                "--create-topics",
                                "--parallelism",
                                "1",
                                "--checkpoint-interval-ms",
                                "300",
                                "--group-id",
                                group,
                                "--observations-topic",
                                topics.input,
                                "--posteriors-topic",
                                topics.posteriors,
                                "--deadletter-topic",
                                topics.deadLetters));
        args.addAll(via.quiverOptions());
        assertThat(quiver(args.toArray(String[]::new))).isZero();
    }

    /** {@code quiver schemas --out DIR}, in process. */
    private static Path exportSchemas(Path out) {
        assertThat(quiver("schemas", "--out", out.toString())).isZero();
        return out;
    }

    private static int quiver(String... args) {
        CommandLine cli = QuiverCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        assertThat(err.toString())
                .as("stderr of quiver %s", List.of(args))
                .doesNotContain("quiver:");
        return exit;
    }

    private static Map<String, String> hexValues(Map<String, byte[]> values) {
        Map<String, String> hex = new HashMap<>();
        values.forEach((at, value) -> hex.put(at, hex(value)));
        return hex;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
