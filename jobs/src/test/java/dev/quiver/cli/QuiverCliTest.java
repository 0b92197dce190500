package dev.quiver.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.DecodeException;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.Topics;
import dev.quiver.jobs.JobRegistry;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The {@code quiver} commands' happy paths and their bad usage, against a real broker. */
class QuiverCliTest {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** What one command printed and returned. */
    record Result(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    static Result quiver(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = QuiverCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "demo",
                "broker",
                "publish",
                "publish-model",
                "consume",
                "run",
                "run bayes",
                "run match",
                "run walk",
                "run score"
            })
    void everyCommandHasHelp(String command) {
        List<String> args =
                new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        Result result = quiver(args.toArray(String[]::new));
        assertThat(result.exit()).isZero();
        assertThat(result.out()).startsWith("Usage: quiver");
    }

    @Test
    void unknownFlagIsBadUsage() {
        Result result = quiver("consume", "--bootstrap", "localhost:1", "--topic", "t", "--colour");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option: '--colour'");
    }

    @Test
    void everyJobAndOnlyTheCommandsThatStartFlinkOrKafkaAreToldWhereTheLogFileIs() {
        for (String job : JobRegistry.names()) {
            assertThat(QuiverCli.startsFlinkOrKafka(QuiverCli.commandLine().parseArgs("run", job)))
                    .as(job)
                    .isTrue();
            assertThat(
                            QuiverCli.startsFlinkOrKafka(
                                    QuiverCli.commandLine().parseArgs("run", job, "--help")))
                    .as(job + " --help")
                    .isFalse();
        }
        assertThat(QuiverCli.startsFlinkOrKafka(QuiverCli.commandLine().parseArgs("demo")))
                .isTrue();
        assertThat(
                        QuiverCli.startsFlinkOrKafka(
                                QuiverCli.commandLine()
                                        .parseArgs(
                                                "consume",
                                                "--bootstrap",
                                                "localhost:9092",
                                                "--topic",
                                                "t")))
                .isFalse();
    }

    @Test
    void runWithoutJobIsBadUsage() {
        Result result = quiver("run");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Missing job").contains("bayes");
    }

    @Test
    void publishOfMissingFileIsBadUsage() {
        Result result =
                quiver(
                        "publish",
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--type",
                        "observation",
                        "--file",
                        "/no/such/file.ndjson");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().lines())
                .containsExactly(
                        "quiver: Invalid value for option '--file': no such file:"
                                + " /no/such/file.ndjson (see 'quiver publish --help')");
    }

    @Test
    void runWithMissingInputIsBadUsage(@TempDir Path dir) {
        Result result =
                quiver(
                        "run",
                        "bayes",
                        "--input",
                        dir.resolve("missing.ndjson").toString(),
                        "--output",
                        dir.resolve("out.ndjson").toString());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().lines())
                .singleElement()
                .asString()
                .contains("--input")
                .contains("no such file: " + dir.resolve("missing.ndjson"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"publish", "consume", "run"})
    void unreachableBrokerIsOneLineErrorWithin30Seconds(String command) {
        String bootstrap = "localhost:" + KafkaTestClients.freePort();
        String[] args =
                switch (command) {
                    case "publish" ->
                            new String[] {
                                "publish",
                                "--bootstrap",
                                bootstrap,
                                "--type",
                                "observation",
                                "--generate",
                                "5"
                            };
                    case "consume" ->
                            new String[] {
                                "consume", "--bootstrap", bootstrap, "--topic", Topics.POSTERIORS
                            };
                    default -> new String[] {"run", "bayes", "--bootstrap", bootstrap};
                };
        long start = System.nanoTime();
        Result result = quiver(args);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err().lines())
                .singleElement()
                .asString()
                .startsWith("quiver: ")
                .contains("cannot reach Kafka at " + bootstrap);
        assertThat(seconds).isLessThan(30);
    }

    @Test
    void publishedFileIsConsumedBackAsTheSameNdjson(@TempDir Path dir) throws Exception {
        String topic = "cli-roundtrip";
        List<String> lines =
                List.of(
                        "{\"key\":\"ad-7\",\"ts\":1700000000000,\"value\":1}",
                        "{\"id\":\"o2\",\"key\":\"ad-8\",\"ts\":1700000000001,\"value\":0,\"features\":[1.5,null,3]}",
                        "{\"key\":\"ad-7\",\"ts\":1700000000002,\"value\":1,\"category\":\"red\",\"label\":1}");
        Path file = Files.write(dir.resolve("obs.ndjson"), lines);

        Result published =
                quiver(
                        "publish",
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--type",
                        "observation",
                        "--topic",
                        topic,
                        "--file",
                        file.toString());
        assertThat(published.exit()).as(published.err()).isZero();
        assertThat(published.out()).contains("published 3 observation records to " + topic);

        Result consumed =
                quiver(
                        "consume",
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--topic",
                        topic,
                        "--from-beginning",
                        "--max",
                        "3",
                        "--timeout",
                        "20");
        assertThat(consumed.exit()).as(consumed.err()).isZero();
        NdjsonCodec<Observation> codec = NdjsonCodec.of(Observation.class);
        List<Observation> expected = new ArrayList<>();
        for (String line : lines) {
            expected.add(codec.decode(line));
        }
        List<Observation> actual = new ArrayList<>();
        for (String line : consumed.outLines()) {
            actual.add(codec.decode(line));
        }
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** A bad second line: its bytes, and what the one line on stderr must say of it. */
    static Stream<Arguments> badSecondLines() {
        return Stream.of(
                Arguments.of(
                        utf8("{\"key\":\"a\",\"ts\":2,\"value\":1,\"colour\":\"red\"}"),
                        "unknown field 'colour'"),
                // Not UTF-8: refused, not published with three U+FFFD as its key.
                Arguments.of(
                        new byte[] {'{', '"', 'k', 'e', 'y', '"', ':', '"', (byte) 0xFF, '"', '}'},
                        "field 'key': not valid UTF-8 at byte 8"),
                // Not published with "?" as its key.
                Arguments.of(
                        utf8("{\"key\":\"\\ud800\",\"ts\":1,\"value\":1}"),
                        "field 'key': not valid UTF-8: unpaired surrogate \\uD800 at character 0"));
    }

    @ParameterizedTest
    @MethodSource("badSecondLines")
    void publishOfFileWithBadLineSendsNothing(byte[] badLine, String reason, @TempDir Path dir)
            throws IOException {
        String topic = "cli-bad-file";
        Path file = dir.resolve("obs.ndjson");
        Files.write(file, utf8("{\"key\":\"ключ\",\"ts\":1,\"value\":1}\n"));
        Files.write(file, badLine, StandardOpenOption.APPEND);
        Result result =
                quiver(
                        "publish",
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--type",
                        "observation",
                        "--topic",
                        topic,
                        "--file",
                        file.toString());
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err().lines())
                .singleElement()
                .asString()
                .contains("line 2: " + reason + " (nothing was published)");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(UTF_8);
    }

    /** XGBoost 1.7.4's breast-cancer model, from the oracles Surefire points to. */
    private static Path xgboostModel() {
        Path model = Path.of(System.getProperty("quiver.oracles"), "xgb_bc_binary.json");
        assertThat(model).as("oracle file").isRegularFile();
        return model;
    }

    /** A bagging composition in {@code folder} whose one member is the file {@code member}. */
    private static Path bagging(Path folder, String member) throws IOException {
        return Files.writeString(
                folder.resolve("bag.json"),
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"bagging\","
                        + " \"combine\": \"mean\", \"members\": [{\"xgboost\": \""
                        + member
                        + "\"}]}");
    }

    private static Result publishModel(Path file, String modelId, String topic, int version) {
        return quiver(
                "publish-model",
                "--bootstrap",
                broker.bootstrapServers(),
                "--file",
                file.toString(),
                "--model-id",
                modelId,
                "--topic",
                topic,
                "--version",
                Integer.toString(version));
    }

    /** {@code run score} of {@code model} over an empty input in {@code dir}, writing nothing. */
    private static Result runScoreOnNoObservations(Path dir, String model, String... options)
            throws IOException {
        Path input = Files.writeString(dir.resolve("obs.ndjson"), "");
        Path output = dir.resolve("scores.ndjson");
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "score",
                                "--model",
                                model,
                                "--input",
                                input.toString(),
                                "--output",
                                output.toString()));
        args.addAll(List.of(options));
        Result result = quiver(args.toArray(String[]::new));
        assertThat(output).as("scores written").doesNotExist();
        return result;
    }

    private static List<ModelUpdate> published(String topic, int expected) {
        AvroSingleObjectCodec<ModelUpdate> codec = AvroSingleObjectCodec.of(ModelUpdate.class);
        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        topic,
                        expected,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30));
        List<ModelUpdate> updates = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                updates.add(codec.decode(record.value()));
            } catch (DecodeException e) {
                throw new AssertionError(e);
            }
        }
        return updates;
    }

    @Test
    void publishModelRefusesAMemberLinkedOutsideTheCompositionFolderAndSendsNothing(
            @TempDir Path root) throws IOException {
        Path folder = Files.createDirectories(root.resolve("models"));
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.copy(xgboostModel(), outside.resolve("secret.json"));
        Files.copy(xgboostModel(), folder.resolve("churn.json"));
        Files.createSymbolicLink(folder.resolve("link.json"), outside.resolve("secret.json"));
        String topic = "models-link-outside";
        Result accepted = publishModel(folder.resolve("churn.json"), "churn", topic, 1);
        assertThat(accepted.exit()).as(accepted.err()).isZero();

        Result refused = publishModel(bagging(folder, "link.json"), "churn", topic, 2);

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err().lines())
                .containsExactly(
                        "quiver: member 'link.json' resolves outside the composition folder");
        assertThat(published(topic, 2)).extracting(ModelUpdate::getVersion).containsExactly(1L);
    }

    @Test
    void runScoreRefusesAMemberInALinkedFolderThatLeadsOutside(@TempDir Path root)
            throws IOException {
        Path folder = Files.createDirectories(root.resolve("models"));
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.copy(xgboostModel(), outside.resolve("secret.json"));
        Files.createSymbolicLink(folder.resolve("shared"), outside);

        Result refused =
                runScoreOnNoObservations(root, bagging(folder, "shared/secret.json").toString());

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err().lines())
                .singleElement()
                .asString()
                .startsWith("quiver: ")
                .endsWith("member 'shared/secret.json' resolves outside the composition folder");
    }

    @Test
    void publishModelNamesACompositionWithEmbeddedMemberFilesQuiverEnsemble(@TempDir Path folder)
            throws IOException {
        Files.copy(xgboostModel(), folder.resolve("churn.json"));
        String topic = "models-composition-format";

        Result result = publishModel(bagging(folder, "churn.json"), "churn-bag", topic, 7);

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("published churn-bag version 7 (quiver-ensemble, 30 features)");
        ModelUpdate update = published(topic, 1).get(0);
        assertThat(update.getFormat()).isEqualTo(EnsembleModels.COMPOSITION_FORMAT);
        ByteBuffer payload = update.getPayload().duplicate();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        assertThat(EnsembleModels.fromBytes(bytes).featureCount()).isEqualTo(30);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", " churn", "churn\t", "churn\nv2", "churn\u0000"})
    void publishModelRefusesAModelIdThatNamesNoModelAsBadUsage(String modelId) {
        Result result = publishModel(xgboostModel(), modelId, "models-bad-id", 1);

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().lines())
                .singleElement()
                .asString()
                .startsWith("quiver: ")
                .contains("--model-id")
                .contains("a model id is 1 to 128 characters");
    }

    @Test
    void publishModelRefusesAModelIdLongerThanTheBound() {
        Result result = publishModel(xgboostModel(), "m".repeat(129), "models-long-id", 1);

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().lines())
                .singleElement()
                .asString()
                .contains("the model id has 129 characters");
        assertThat(publishModel(xgboostModel(), "m".repeat(128), "models-long-id", 1).exit())
                .isZero();
    }

    @Test
    void runScoreRefusesAnEmptyModelIdAsBadUsage(@TempDir Path dir) throws IOException {
        Result result =
                runScoreOnNoObservations(dir, xgboostModel().toString(), "--model-id", "");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().lines())
                .singleElement()
                .asString()
                .contains("--model-id")
                .contains("the model id is empty or blank");
    }

    @Test
    void generatedRecordsArePublished() {
        assertThat(publishGeneratedAndConsume("cli-generated", 100, "vector", "--dim", "4"))
                .hasSize(100)
                .allSatisfy(
                        line ->
                                assertThat(line)
                                        .contains("\"namespace\":\"default\"")
                                        .contains("\"op\":\"UPSERT\""));
    }

    @Test
    void generatedObservationsCarryTheFeaturesAsked() {
        assertThat(
                        publishGeneratedAndConsume(
                                "cli-generated-features", 20, "observation", "--features", "3"))
                .hasSize(20)
                .allSatisfy(
                        line ->
                                assertThat(line)
                                        .matches(".*\"features\":\\[[0-9.E-]+,[0-9.E-]+,[0-9.E-]+\\].*"));
    }

    /** Publishes {@code count} generated records of {@code type} and reads them back as NDJSON. */
    private static List<String> publishGeneratedAndConsume(
            String topic, int count, String type, String... options) {
        List<String> publish = new ArrayList<>(List.of("publish", "--bootstrap"));
        publish.addAll(List.of(broker.bootstrapServers(), "--type", type, "--topic", topic));
        publish.addAll(List.of("--generate", String.valueOf(count)));
        publish.addAll(List.of(options));
        Result published = quiver(publish.toArray(String[]::new));
        assertThat(published.exit()).as(published.err()).isZero();
        String max = String.valueOf(count);
        return quiver("consume", "--bootstrap", broker.bootstrapServers(), "--topic", topic,
                        "--from-beginning", "--max", max, "--timeout", "20")
                .outLines();
    }

    @Test
    void negativeFeaturesAreBadUsage() {
        Result result =
                quiver("publish", "--bootstrap", broker.bootstrapServers(), "--type", "observation",
                        "--generate", "1", "--features", "-1");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("--features must be at least 0, got -1");
    }

    @Test
    void runOnFilesWritesOneUpdatePerObservation(@TempDir Path dir) throws IOException {
        Path input =
                Files.write(
                        dir.resolve("obs.ndjson"),
                        List.of(
                                "{\"key\":\"a\",\"ts\":1,\"value\":1}",
                                "{\"key\":\"a\",\"ts\":2,\"value\":0}",
                                "{\"key\":\"b\",\"ts\":3,\"value\":1}"));
        Path output = dir.resolve("out.ndjson");
        Result result =
                quiver(
                        "run",
                        "bayes",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--prior-alpha",
                        "2",
                        "--prior-beta",
                        "3");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(Files.readAllLines(output))
                .hasSize(3)
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .contains("\"key\":\"a\"")
                                        .contains("\"n\":2.0")
                                        .contains("\"alpha\":3.0")
                                        .contains("\"beta\":4.0"));
    }

    @Test
    void runBayesWithOptionsThatCannotBeCombinedIsOneLineErrorNamingThem(@TempDir Path dir)
            throws IOException {
        Path input =
                Files.write(
                        dir.resolve("obs.ndjson"), List.of("{\"key\":\"a\",\"ts\":1,\"value\":1}"));
        String output = dir.resolve("out.ndjson").toString();

        Result windowAndDecay =
                quiver(
                        "run",
                        "bayes",
                        "--input",
                        input.toString(),
                        "--output",
                        output,
                        "--window",
                        "10",
                        "--decay",
                        "0.9");
        Result foreignPrior =
                quiver(
                        "run",
                        "bayes",
                        "--input",
                        input.toString(),
                        "--output",
                        output,
                        "--prior-rate",
                        "2");
        Result badEmit =
                quiver(
                        "run",
                        "bayes",
                        "--input",
                        input.toString(),
                        "--output",
                        output,
                        "--emit",
                        "sometimes");

        assertThat(List.of(windowAndDecay.exit(), foreignPrior.exit(), badEmit.exit()))
                .containsOnly(2);
        assertThat(windowAndDecay.err().lines())
                .singleElement()
                .asString()
                .startsWith("quiver: --window 10 and --decay 0.9 cannot be combined")
                .endsWith(" (see 'quiver run bayes --help')");
        assertThat(foreignPrior.err().lines())
                .singleElement()
                .asString()
                .contains("--prior-rate does not apply to --model beta-bernoulli");
        assertThat(badEmit.err().lines())
                .singleElement()
                .asString()
                .contains("--emit must be every");
    }

    @Test
    void demoRunsEndToEndAndChecksItsResults() {
        Result result = quiver("demo", "--events", "3000", "--seconds", "3", "--keys", "10");
        assertThat(result.exit()).as(result.out() + result.err()).isZero();
        assertThat(result.out())
                .contains("Kafka broker (KRaft) at localhost:")
                .contains("posterior updates out")
                .contains("dead letter: ")
                .contains("Checked: one update per valid event");
    }
}
