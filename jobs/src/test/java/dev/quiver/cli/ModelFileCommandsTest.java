package dev.quiver.cli;

import static dev.quiver.cli.QuiverCliTest.quiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.cli.QuiverCliTest.Result;
import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.DecodeException;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.schema.ModelUpdate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code publish-model} and {@code run score} on model files, against a real broker: the files a
 * composition may read, the format name it is published under, and the model ids accepted.
 */
class ModelFileCommandsTest {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
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

    private static List<ModelUpdate> published(String topic, int expected) {
        AvroSingleObjectCodec<ModelUpdate> codec = AvroSingleObjectCodec.of(ModelUpdate.class);
        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        topic,
                        expected,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30));
        return records.stream()
                .map(
                        record -> {
                            try {
                                return codec.decode(record.value());
                            } catch (DecodeException e) {
                                throw new AssertionError(e);
                            }
                        })
                .toList();
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
        Path input = Files.writeString(root.resolve("obs.ndjson"), "");
        Path output = root.resolve("scores.ndjson");

        Result refused =
                quiver(
                        "run",
                        "score",
                        "--model",
                        bagging(folder, "shared/secret.json").toString(),
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString());

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err().lines())
                .singleElement()
                .asString()
                .startsWith("quiver: ")
                .endsWith("member 'shared/secret.json' resolves outside the composition folder");
        assertThat(output).doesNotExist();
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
    void runScoreRefusesAnEmptyModelIdAsBadUsage(@TempDir Path root) throws IOException {
        Path input = Files.writeString(root.resolve("obs.ndjson"), "");
        Path output = root.resolve("scores.ndjson");

        Result result =
                quiver(
                        "run",
                        "score",
                        "--model",
                        xgboostModel().toString(),
                        "--model-id",
                        "",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().lines())
                .singleElement()
                .asString()
                .contains("--model-id")
                .contains("the model id is empty or blank");
        assertThat(output).doesNotExist();
    }
}
