package dev.quiver.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.jobs.PipelineJob;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaClientConfig;
import dev.quiver.kafka.KafkaTopics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The user's Kafka client settings and the topic checks, end to end through the CLI on a real
 * in-process broker that, like most production brokers, does not create topics on first use: a job
 * whose topics are missing stops before it runs naming them all, {@code --create-topics} creates
 * them with the layout asked for, and a client properties file with config-provider references
 * reaches every client (the job's sources and sinks, the CLI's producer and consumer) while no
 * secret it holds ever appears in a log line, an output or an error, in a run that works and in
 * runs that fail.
 */
class KafkaClientSettingsEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Resolved on the clients only, through ${file:...} references. */
    private static final String PROVIDED_TRUSTSTORE_PASSWORD = "S3cret-From-Provider-7f3a";

    private static final String PROVIDED_KEY_PASSWORD = "Key-Secret-Via-Reference-91c2";

    /** Written as it is into the properties file. */
    private static final String LITERAL_PASSWORD_IN_FILE = "Literal-Secret-In-File-5d0e";

    /** Refused on the command line. */
    private static final String INLINE_PASSWORD = "Inline-Literal-Secret-c4b8";

    private static final List<String> SECRETS =
            List.of(
                    PROVIDED_TRUSTSTORE_PASSWORD,
                    PROVIDED_KEY_PASSWORD,
                    LITERAL_PASSWORD_IN_FILE,
                    INLINE_PASSWORD);

    @TempDir static Path dir;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBrokerWithoutTopicAutoCreation() {
        broker = EmbeddedKafkaBroker.builder().autoCreateTopics(false).partitions(2).start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    record Result(int exit, String out, String err) {}

    static Result quiver(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = QuiverCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    private static Set<String> topics() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            return admin.listTopics().names().get();
        }
    }

    @Test
    void aJobWhoseTopicsAreMissingStopsBeforeRunningWithOneLineNamingThemAll() throws Exception {
        Result result =
                quiver(
                        List.of(
                                "run",
                                "bayes",
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--observations-topic",
                                "missing.obs",
                                "--posteriors-topic",
                                "missing.post",
                                "--deadletter-topic",
                                "missing.dl"));

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err())
                .isEqualTo(
                        "quiver: missing topics missing.obs, missing.post, missing.dl at "
                                + broker.bootstrapServers()
                                + ": create them, or run the job with --create-topics"
                                + System.lineSeparator());
        assertThat(topics()).doesNotContain("missing.obs", "missing.post", "missing.dl");
    }

    @Test
    void thePipelineChecksEveryStagesTopicsAtOnce() throws Exception {
        assertThatThrownBy(() -> PipelineJob.build("--bootstrap", broker.bootstrapServers()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "missing topics quiver.observations, quiver.posteriors, quiver.deadletter,"
                                + " quiver.vectors, quiver.queries, quiver.matches, quiver.walks"
                                + " at "
                                + broker.bootstrapServers()
                                + ": create them, or run the job with --create-topics");
        assertThatThrownBy(
                        () ->
                                PipelineJob.build(
                                        "--bootstrap",
                                        broker.bootstrapServers(),
                                        "--score-model-id",
                                        "m"))
                .hasMessageContaining("quiver.walks, quiver.models, quiver.scores at ");
    }

    @Test
    void createTopicsCreatesTheMissingOnesWithTheLayoutAskedFor() throws Exception {
        KafkaTopics.ensureTopics(broker.bootstrapServers(), List.of("layout.walks"), 1, TIMEOUT);

        Result result =
                quiver(
                        List.of(
                                "run",
                                "walk",
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--create-topics",
                                "--partitions",
                                "3",
                                "--replication-factor",
                                "1",
                                "--until-latest",
                                "--group-id",
                                "layout",
                                "--observations-topic",
                                "layout.obs",
                                "--walks-topic",
                                "layout.walks",
                                "--deadletter-topic",
                                "layout.dl"));

        assertThat(result.err()).isEmpty();
        assertThat(result.exit()).isZero();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(List.of("layout.obs", "layout.walks", "layout.dl"))
                            .allTopicNames()
                            .get();
            assertThat(described.get("layout.obs").partitions()).hasSize(3);
            assertThat(described.get("layout.dl").partitions()).hasSize(3);
            // An existing topic is left as it is.
            assertThat(described.get("layout.walks").partitions()).hasSize(1);
        }
    }

    @Test
    void aPropertiesFileReachesEveryClientAndNoSecretEverShows() throws Exception {
        Path secrets =
                Files.write(
                        dir.resolve("secrets.properties"),
                        List.of(
                                "truststore.password=" + PROVIDED_TRUSTSTORE_PASSWORD,
                                "key.password=" + PROVIDED_KEY_PASSWORD,
                                "marker=resolved-from-the-secrets-file"));
        Path client =
                Files.write(
                        dir.resolve("client.properties"),
                        List.of(
                                "bootstrap.servers=" + broker.bootstrapServers(),
                                "config.providers=file",
                                "config.providers.file.class="
                                        + "org.apache.kafka.common.config.provider"
                                        + ".FileConfigProvider",
                                "interceptor.classes=" + RecordingInterceptor.class.getName(),
                                // PLAINTEXT ignores the TLS settings: they only have to pass by.
                                "ssl.truststore.password=${file:" + secrets
                                        + ":truststore.password}",
                                "ssl.keystore.password=" + LITERAL_PASSWORD_IN_FILE,
                                "quiver.test.marker=${file:" + secrets + ":marker}",
                                "quiver.test.origin=file"));
        Path observations =
                Files.write(
                        dir.resolve("obs.ndjson"),
                        IntStream.range(0, 4)
                                .mapToObj(
                                        i ->
                                                String.format(
                                                        "{\"key\":\"k%d\",\"ts\":%d,"
                                                                + "\"value\":%d}",
                                                        i % 2,
                                                        i,
                                                        i / 2))
                                .toList());
        KafkaTopics.ensureTopics(broker.bootstrapServers(), List.of("secret.obs"), 2, TIMEOUT);
        List<String> settings =
                List.of(
                        "--kafka-config",
                        client.toString(),
                        "--kafka-property",
                        "quiver.test.origin=command-line",
                        "--kafka-property",
                        "ssl.key.password=${file:" + secrets + ":key.password}");
        String job =
                " --group-id secret --observations-topic secret.obs --posteriors-topic secret.post"
                        + " --deadletter-topic secret.dl";
        RecordingInterceptor.clear();
        List<Result> results = new ArrayList<>();
        String logs;
        try (CapturedLogs captured = CapturedLogs.start()) {
            // No --bootstrap anywhere: the file names the broker.
            Result publish =
                    quiver(
                            settings,
                            "publish --type observation --topic secret.obs --file " + observations);
            Result run = quiver(settings, "run bayes --create-topics --until-latest" + job);
            Result consume =
                    quiver(
                            settings,
                            "consume --topic secret.post --from-beginning --max 4 --timeout 30");
            // Runs that fail: a missing topic, and a secret given on the command line.
            Result missing = quiver(settings, "run bayes" + job.replace("secret.obs", "secret.no"));
            Result inline =
                    quiver(
                            settings,
                            "run bayes --kafka-property ssl.keystore.password="
                                    + INLINE_PASSWORD
                                    + job);
            logs = captured.text();
            results.addAll(List.of(publish, run, consume, missing, inline));

            assertThat(publish.exit()).as(publish.err()).isZero();
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(consume.exit()).as(consume.err()).isZero();
            assertThat(consume.out().lines()).hasSize(4);
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("missing topic secret.no at ");
            assertThat(inline.exit()).isEqualTo(2);
            assertThat(inline.err()).contains("ssl.keystore.password is a secret");
        }

        // The settings reached the job's sources (consumers) and exactly-once sinks (transactional
        // producers) and the CLI's producer and consumer, references resolved on the client.
        List<RecordingInterceptor.Client> clients = RecordingInterceptor.clients();
        assertThat(clients)
                .allSatisfy(
                        c ->
                                assertThat(c.config())
                                        .containsEntry(
                                                "quiver.test.marker",
                                                "resolved-from-the-secrets-file")
                                        .containsEntry("quiver.test.origin", "command-line")
                                        .containsEntry(
                                                "ssl.truststore.password",
                                                PROVIDED_TRUSTSTORE_PASSWORD)
                                        .containsEntry("ssl.key.password", PROVIDED_KEY_PASSWORD));
        assertThat(clients)
                .as("the job's sources: consumers of its group")
                .anySatisfy(
                        c -> {
                            assertThat(c.producer()).isFalse();
                            assertThat(c.config())
                                    .containsEntry("group.id", "secret")
                                    .containsEntry("isolation.level", "read_committed");
                        })
                .as("the job's exactly-once sinks: transactional producers")
                .anySatisfy(
                        c -> {
                            assertThat(c.producer()).isTrue();
                            assertThat(c.config().get("transactional.id"))
                                    .asString()
                                    .startsWith("secret-");
                        })
                .as("quiver publish: a producer without transactions")
                .anySatisfy(
                        c -> {
                            assertThat(c.producer()).isTrue();
                            assertThat(c.config()).doesNotContainKey("transactional.id");
                        })
                .as("quiver consume: a consumer without a group")
                .anySatisfy(
                        c -> {
                            assertThat(c.producer()).isFalse();
                            assertThat(c.config())
                                    .doesNotContainKey("group.id")
                                    .containsEntry("isolation.level", "read_committed");
                        });

        // The capture saw the clients' own logging of their settings, secrets hidden.
        assertThat(logs).contains("ConsumerConfig values", "ProducerConfig values", "[hidden]");
        for (String secret : SECRETS) {
            assertThat(logs).as("logs").doesNotContain(secret);
            for (Result result : results) {
                assertThat(result.out() + result.err()).doesNotContain(secret);
            }
        }
    }

    /** {@code quiver} with {@code commandLine}'s words (split at spaces) and then {@code settings}. */
    private static Result quiver(List<String> settings, String commandLine) {
        List<String> args = new ArrayList<>(List.of(commandLine.split(" ")));
        args.addAll(settings);
        return quiver(args);
    }

    @Test
    void aClientCommandWithoutABrokerAnywhereIsBadUsage() throws IOException {
        Path client = Files.write(dir.resolve("no-bootstrap.properties"), List.of("linger.ms=1"));
        Result result =
                quiver(List.of("consume", "--kafka-config", client.toString(), "--topic", "t"));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err())
                .startsWith(
                        "quiver: give --bootstrap HOST:PORT, or bootstrap.servers in"
                                + " --kafka-config");
        assertThat(KafkaClientConfig.none().bootstrap(null)).isNull();
    }
}
