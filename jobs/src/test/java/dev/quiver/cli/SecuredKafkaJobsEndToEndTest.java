package dev.quiver.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.jobs.JobRegistry;
import dev.quiver.kafka.BrokerTls;
import dev.quiver.kafka.SecuredBrokerFixture;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Jobs and CLI commands on a real secured broker (SASL_SSL with SCRAM-SHA-512, mutual TLS, ACLs),
 * one for the class, through {@code --kafka-config}: a job whose principal has exactly the ACLs an
 * exactly-once job needs writes one result per input, equal to the closed form; a wrong password,
 * a missing ACL (READ on a topic the job both reads and writes included) and a plaintext client
 * each fail within a bound with one line naming the cause; a client certificate works; and no
 * user's password shows in a log line or an output, the broker's own and its PLAIN logins' included.
 */
class SecuredKafkaJobsEndToEndTest {

    /** Each failure must come well inside this: a failure is never a hang. */
    private static final Duration FAILURE_BOUND = Duration.ofSeconds(30);

    private static final String RUNNER_PASSWORD = "Runner-Scram-Secret-8e1f";
    private static final String FEEDER_PASSWORD = "Feeder-Scram-Secret-0b7d";
    private static final String GUARDED_PASSWORD = "Guarded-Scram-Secret-3a96";
    private static final String LOOPER_PASSWORD = "Looper-Scram-Secret-9d21";
    private static final String WRONG_PASSWORD = "Wrong-Scram-Secret-55c0";
    private static final List<String> SECRETS =
            List.of(
                    RUNNER_PASSWORD,
                    FEEDER_PASSWORD,
                    GUARDED_PASSWORD,
                    LOOPER_PASSWORD,
                    WRONG_PASSWORD);

    private static final String INPUT = "sec.obs";
    private static final String RESULTS = "sec.post";
    private static final String DEAD_LETTERS = "sec.dl";
    private static final String GUARDED = "sec.guarded";
    private static final String HIDDEN = "sec.hidden";
    private static final String BY_CERT = "sec.cert";
    private static final String LOOP = "sec.loop";
    private static final String GROUP = "sec-run";
    private static final String GUARDED_GROUP = "sec-guarded";
    private static final String LOOPER_GROUP = "sec-looper";

    private static final int EVENTS = 120;
    private static final int KEYS = 5;
    private static final long SEED = 20261207L;

    @TempDir static Path dir;

    private static SecuredBrokerFixture kafka;
    private static List<String> observationLines;
    private static Result publish;
    private static String publishLogs;
    private static String brokerStartLogs;

    /** Each observation's id and value 0 or 1, in the order published (one partition). */
    private static List<String[]> observations;

    @BeforeAll
    static void startSecuredBrokerWithExactAcls() throws Exception {
        try (CapturedLogs captured = CapturedLogs.start()) {
            kafka = brokerWithExactAcls();
            brokerStartLogs = captured.text();
        }
        kafka.createTopics(INPUT, RESULTS, DEAD_LETTERS, GUARDED, HIDDEN, BY_CERT, LOOP);

        SplittableRandom random = new SplittableRandom(SEED);
        observationLines = new ArrayList<>();
        observations = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String key = "k" + random.nextInt(KEYS);
            // Each key its own success rate, so the posteriors differ.
            int value = random.nextDouble() < 0.2 + 0.15 * (key.charAt(1) - '0') ? 1 : 0;
            observations.add(new String[] {"o" + i, key, Integer.toString(value)});
            observationLines.add(
                    String.format(
                            "{\"id\":\"o%d\",\"key\":\"%s\",\"ts\":%d,\"value\":%d}",
                            i, key, 1_700_000_000_000L + i, value));
        }
        // One the job must dead-letter: a Bernoulli value must be 0 or 1.
        observationLines.add(
                "{\"id\":\"bad\",\"key\":\"k0\",\"ts\":1700000001000,\"value\":2}");
        publishTheInputAsTheFeeder();
    }

    /** The broker, its users and the ACLs each one needs, and no more. */
    private static SecuredBrokerFixture brokerWithExactAcls() {
        return SecuredBrokerFixture.builder()
                .user("runner", RUNNER_PASSWORD)
                .user("feeder", FEEDER_PASSWORD)
                .user("guarded", GUARDED_PASSWORD)
                .user("looper", LOOPER_PASSWORD)
                // Exactly what the bayes job needs, and nothing more.
                .acl("User:runner READ TOPIC " + INPUT)
                .acl("User:runner READ GROUP " + GROUP)
                .acl("User:runner WRITE TOPIC " + RESULTS)
                .acl("User:runner WRITE TOPIC " + DEAD_LETTERS)
                .acl("User:runner WRITE TRANSACTIONAL_ID " + GROUP + "- PREFIXED")
                .acl("User:runner IDEMPOTENT_WRITE CLUSTER kafka-cluster")
                // Publishes the input through the CLI.
                .acl("User:feeder WRITE TOPIC " + INPUT)
                .acl("User:feeder IDEMPOTENT_WRITE CLUSTER kafka-cluster")
                // Everything but WRITE on its result topic, which it may see, and no
                // access at all to the one it cannot even see.
                .acl("User:guarded READ TOPIC " + INPUT)
                .acl("User:guarded READ GROUP " + GUARDED_GROUP)
                .acl("User:guarded DESCRIBE TOPIC " + GUARDED)
                .acl("User:guarded WRITE TOPIC " + DEAD_LETTERS)
                .acl("User:guarded WRITE TRANSACTIONAL_ID " + GUARDED_GROUP + "- PREFIXED")
                .acl("User:guarded IDEMPOTENT_WRITE CLUSTER kafka-cluster")
                // All a job reading and writing one topic needs, but READ on it.
                .acl("User:looper WRITE TOPIC " + LOOP)
                .acl("User:looper READ GROUP " + LOOPER_GROUP)
                .acl("User:looper WRITE TOPIC " + DEAD_LETTERS)
                .acl("User:looper WRITE TRANSACTIONAL_ID " + LOOPER_GROUP + "- PREFIXED")
                .acl("User:looper IDEMPOTENT_WRITE CLUSTER kafka-cluster")
                // carol comes with a client certificate, no password.
                .acl("User:carol WRITE TOPIC " + BY_CERT)
                .acl("User:carol READ TOPIC " + BY_CERT)
                .start();
    }

    /** Every job of the class reads the same input, published once through the CLI. */
    private static void publishTheInputAsTheFeeder() throws Exception {
        Path observationsFile = Files.write(dir.resolve("obs.ndjson"), observationLines);
        try (CapturedLogs captured = CapturedLogs.start()) {
            publish =
                    quiver(
                            List.of(
                                    "publish",
                                    "--kafka-config",
                                    clientFile("feeder", FEEDER_PASSWORD).toString(),
                                    "--type",
                                    "observation",
                                    "--topic",
                                    INPUT,
                                    "--file",
                                    observationsFile.toString()));
            publishLogs = captured.text();
        }
        assertThat(publish.exit()).as(publish.err()).isZero();
    }

    @AfterAll
    static void stopSecuredBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    record Result(int exit, String out, String err, Duration took) {}

    private static Result quiver(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = QuiverCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        long startNs = System.nanoTime();
        int exit = cli.execute(args.toArray(String[]::new));
        return new Result(
                exit, out.toString(), err.toString(), Duration.ofNanos(System.nanoTime() - startNs));
    }

    /**
     * A client properties file for {@code user} whose SCRAM password comes through the file config
     * provider from a second, owner-only file: the first holds only the reference.
     */
    private static Path clientFile(String user, String password) throws Exception {
        Path secrets = dir.resolve(user + "-secrets.properties");
        Files.write(secrets, List.of("scram.password=" + password));
        Path client =
                kafka.saslClientFile(
                        user,
                        "${file:" + secrets + ":scram.password}",
                        dir.resolve(user + "-" + Integer.toHexString(password.hashCode())
                                + ".properties"));
        Files.write(
                client,
                List.of(
                        "config.providers=file",
                        "config.providers.file.class="
                                + "org.apache.kafka.common.config.provider.FileConfigProvider"),
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(Files.readString(client)).doesNotContain(password);
        return client;
    }

    /** {@code quiver run bayes} with {@link #jobOptions}. */
    private static List<String> job(Path clientFile, String group, String results) {
        return job(clientFile, group, INPUT, results);
    }

    /** {@code quiver run bayes} reading {@code input}, bounded, as the file's principal. */
    private static List<String> job(Path clientFile, String group, String input, String results) {
        List<String> args = new ArrayList<>(List.of("run", "bayes"));
        args.addAll(jobOptions(clientFile, group, input, results));
        return args;
    }

    /** The bayes job's options: bounded, reading {@link #INPUT}, as the file's principal. */
    private static List<String> jobOptions(Path clientFile, String group, String results) {
        return jobOptions(clientFile, group, INPUT, results);
    }

    private static List<String> jobOptions(
            Path clientFile, String group, String input, String results) {
        return List.of(
                "--kafka-config",
                clientFile.toString(),
                "--until-latest",
                "--group-id",
                group,
                "--observations-topic",
                input,
                "--posteriors-topic",
                results,
                "--deadletter-topic",
                DEAD_LETTERS);
    }

    @Test
    void aJobWithExactlyItsAclsWritesOneResultPerInputEqualToTheClosedForm() throws Exception {
        Result run;
        String logs;
        try (CapturedLogs captured = CapturedLogs.start()) {
            run = quiver(job(clientFile("runner", RUNNER_PASSWORD), GROUP, RESULTS));
            logs = captured.text();
        }
        assertThat(publish.out()).contains("published " + observationLines.size());
        assertThat(run.exit()).as(run.err()).isZero();

        List<PosteriorUpdate> updates = readCommitted(PosteriorUpdate.class, RESULTS, EVENTS);
        assertThat(updates).hasSize(EVENTS);
        // Each update against the Beta(1, 1) posterior of its key's observations so far.
        Map<String, double[]> posterior = new HashMap<>();
        Map<String, PosteriorUpdate> byId = new HashMap<>();
        updates.forEach(u -> assertThat(byId.put(u.getId(), u)).as(u.getId()).isNull());
        for (String[] o : observations) {
            double[] ab = posterior.computeIfAbsent(o[1], k -> new double[] {1, 1});
            ab[o[2].equals("1") ? 0 : 1]++;
            PosteriorUpdate u = byId.get(o[0]);
            assertThat(u).as("update of %s", o[0]).isNotNull();
            assertThat(u.getKey()).isEqualTo(o[1]);
            assertThat(u.getParams()).containsEntry("alpha", ab[0]).containsEntry("beta", ab[1]);
            assertThat(u.getN()).isEqualTo(ab[0] + ab[1] - 2);
            assertThat(u.getMean()).isCloseTo(ab[0] / (ab[0] + ab[1]), within(1e-15));
        }
        List<DeadLetter> deadLetters = readCommitted(DeadLetter.class, DEAD_LETTERS, 1);
        assertThat(deadLetters)
                .singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("0 or 1"));

        assertThat(logs).contains("ProducerConfig values", "ConsumerConfig values");
        assertNoSecretIn(publishLogs + logs, publish, run);
    }

    @Test
    void aWrongPasswordFailsTheCliAndTheJobWithinTheBoundNamingAuthentication() throws Exception {
        Path wrong = clientFile("runner", WRONG_PASSWORD);
        List<Result> results = new ArrayList<>();
        String logs;
        try (CapturedLogs captured = CapturedLogs.start()) {
            results.add(
                    quiver(
                            List.of(
                                    "publish",
                                    "--kafka-config",
                                    wrong.toString(),
                                    "--type",
                                    "observation",
                                    "--topic",
                                    INPUT,
                                    "--generate",
                                    "3")));
            results.add(
                    quiver(
                            List.of(
                                    "consume",
                                    "--kafka-config",
                                    wrong.toString(),
                                    "--topic",
                                    RESULTS,
                                    "--timeout",
                                    "5")));
            results.add(quiver(job(wrong, GROUP, RESULTS)));
            long startNs = System.nanoTime();
            assertThatThrownBy(
                            () ->
                                    JobRegistry.BAYES
                                            .parse(
                                                    jobOptions(wrong, GROUP, RESULTS)
                                                            .toArray(String[]::new))
                                            .build())
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("Authentication failed");
            assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(FAILURE_BOUND);
            logs = captured.text();
        }
        for (Result result : results) {
            assertThat(result.exit()).as(result.err()).isEqualTo(1);
            assertThat(result.err().lines()).singleElement().asString()
                    .startsWith("quiver: Kafka at " + kafka.broker().bootstrapServers()
                            + " refused the login: Authentication failed");
            assertThat(result.took()).isLessThan(FAILURE_BOUND);
        }
        assertNoSecretIn(logs, results.toArray(Result[]::new));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // once running, Flink would restart it forever
    void aJobWithoutWriteOnItsResultTopicFailsNamingItAndCommitsNothing() throws Exception {
        Path guarded = clientFile("guarded", GUARDED_PASSWORD);
        Result visible;
        Result hidden;
        String logs;
        try (CapturedLogs captured = CapturedLogs.start()) {
            visible = quiver(job(guarded, GUARDED_GROUP, GUARDED));
            hidden = quiver(job(guarded, GUARDED_GROUP, HIDDEN));
            logs = captured.text();
        }
        assertThat(visible.exit()).as(visible.err()).isEqualTo(1);
        assertThat(visible.err().lines()).singleElement().asString()
                .contains("not authorized")
                .contains("WRITE")
                .contains(GUARDED);
        assertThat(visible.took()).isLessThan(FAILURE_BOUND);
        // A topic it may not even see is not called missing.
        assertThat(hidden.exit()).as(hidden.err()).isEqualTo(1);
        assertThat(hidden.err().lines()).singleElement().asString()
                .contains("not authorized")
                .contains(HIDDEN)
                .doesNotContain("missing");
        assertThat(hidden.took()).isLessThan(FAILURE_BOUND);

        assertThat(readCommitted(PosteriorUpdate.class, GUARDED, 0)).isEmpty();
        assertThat(readCommitted(PosteriorUpdate.class, HIDDEN, 0)).isEmpty();
        assertNoSecretIn(logs, visible, hidden);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // once running, Flink would restart it forever
    void aJobThatReadsAndWritesOneTopicWithoutReadOnItFailsAtStartNamingIt() throws Exception {
        Result run;
        String logs;
        try (CapturedLogs captured = CapturedLogs.start()) {
            run = quiver(job(clientFile("looper", LOOPER_PASSWORD), LOOPER_GROUP, LOOP, LOOP));
            logs = captured.text();
        }
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err().lines()).singleElement().asString()
                .contains("not authorized")
                .contains("to READ topic " + LOOP + ":")
                .doesNotContain("WRITE topic " + LOOP);
        assertThat(run.took()).isLessThan(FAILURE_BOUND);
        assertNoSecretIn(logs, run);
    }

    @Test
    void theUsersPasswordsShowInNoLogLineOfTheBrokerNorOfPlainLogins() throws Exception {
        // The broker printed its settings as it started, those of its PLAIN logins included.
        assertThat(brokerStartLogs)
                .contains("KafkaConfig values")
                .contains("sasl.enabled.mechanisms = [SCRAM-SHA-512, PLAIN]");
        String logs;
        try (CapturedLogs captured = CapturedLogs.start()) {
            try (Admin runner = Admin.create(kafka.plainClient("runner", RUNNER_PASSWORD))) {
                assertThat(runner.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
            try (Admin wrong = Admin.create(kafka.plainClient("runner", WRONG_PASSWORD))) {
                assertThatThrownBy(() -> wrong.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                        .hasMessageContaining("Invalid username or password");
            }
            logs = captured.text();
        }
        assertThat(logs).contains("Invalid username or password");
        assertNoSecretIn(brokerStartLogs + logs);
    }

    @Test
    void aPlaintextClientOnTheTlsPortFailsWithOneLineWithinTheBound() {
        Result result =
                quiver(
                        List.of(
                                "consume",
                                "--bootstrap",
                                kafka.broker().bootstrapServers(),
                                "--topic",
                                RESULTS));
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err())
                .isEqualTo(
                        "quiver: cannot reach Kafka at "
                                + kafka.broker().bootstrapServers()
                                + " within 10 s"
                                + System.lineSeparator());
        assertThat(result.took()).isLessThan(FAILURE_BOUND);
    }

    @Test
    void aClientCertificatePublishesAndConsumesThroughTheCli() throws Exception {
        BrokerTls.ClientCertificate carol = kafka.broker().tls().issueClientCertificate("carol");
        List<String> settings =
                List.of(
                        "--bootstrap",
                        kafka.broker().mtlsBootstrapServers(),
                        "--kafka-config",
                        carol.properties().toString());
        Path input = Files.write(dir.resolve("cert.ndjson"), observationLines.subList(0, 3));
        List<String> publish =
                new ArrayList<>(
                        List.of("publish", "--type", "observation", "--topic", BY_CERT, "--file",
                                input.toString()));
        publish.addAll(settings);
        List<String> consume =
                new ArrayList<>(
                        List.of("consume", "--topic", BY_CERT, "--from-beginning", "--max", "3",
                                "--timeout", "30"));
        consume.addAll(settings);

        Result published = quiver(publish);
        Result consumed = quiver(consume);

        assertThat(published.exit()).as(published.err()).isZero();
        assertThat(published.out()).contains("published 3 observation records to " + BY_CERT);
        assertThat(consumed.exit()).as(consumed.err()).isZero();
        assertThat(consumed.out().lines())
                .hasSize(3)
                .allSatisfy(line -> assertThat(line).contains("\"key\""))
                .anySatisfy(line -> assertThat(line).contains("\"o0\""));
    }

    private static void assertNoSecretIn(String logs, Result... results) {
        for (String secret : SECRETS) {
            assertThat(logs).as("logs").doesNotContain(secret);
            for (Result result : results) {
                assertThat(result.out() + result.err()).doesNotContain(secret);
            }
        }
    }

    private static org.assertj.core.data.Offset<Double> within(double tolerance) {
        return org.assertj.core.data.Offset.offset(tolerance);
    }

    /**
     * The records of {@code type} committed to {@code topic}, read as the super user: once {@code
     * expected} arrived, and two seconds more for any extra one.
     */
    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readCommitted(
            Class<T> type, String topic, int expected) {
        AvroSingleObjectCodec<T> codec = AvroSingleObjectCodec.of(type);
        Map<String, Object> config = new HashMap<>(kafka.superUser());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadlineNs = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long graceEndNs = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadlineNs, graceEndNs)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        out.add(codec.decode(r.value()));
                    } catch (Exception e) {
                        throw new AssertionError("undecodable record in " + topic, e);
                    }
                }
                if (out.size() >= expected && graceEndNs == Long.MAX_VALUE) {
                    graceEndNs = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return out;
    }
}
