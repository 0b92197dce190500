package dev.quiver.cli;

import dev.quiver.ensemble.EnsembleModel;
import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.LoadLimits;
import dev.quiver.ensemble.flink.ScoreFunction;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.Topics;
import dev.quiver.jobs.ModelIdConverter;
import dev.quiver.jobs.PathOption;
import dev.quiver.jobs.TopicOption;
import dev.quiver.schema.ModelUpdate;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * {@code quiver publish-model}: checks a model file with the same loader the score job uses, then
 * publishes it as a {@link ModelUpdate} to the models topic, keyed by model id; a composition's
 * member files are read beside it and embedded ({@link EnsembleModels#selfContained}), so score
 * jobs never read files. A file that does not load is refused here with its reason and nothing is
 * sent.
 *
 * <pre>{@code
 * quiver publish-model --bootstrap localhost:9092 --file churn-v2.ubj --model-id churn
 * }</pre>
 */
// No standard help mixin: its --version (the program's) would clash with the model's --version and
// take -h and --help down with it, so help is declared here.
@Command(
        name = "publish-model",
        description =
                "Publish a model file (XGBoost JSON/UBJSON, or a quiver-ensemble composition with"
                        + " its member files embedded) to the models topic; running score jobs"
                        + " switch to it.")
final class PublishModelCommand extends BrokerClientCommand {

    /** Kafka's default record limit is 1 MiB; larger models need the topic's limit raised too. */
    static final int MAX_REQUEST_BYTES = 64 << 20;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    final PathOption file = PathOption.requiredFile("--file", "The model file.");

    @Option(
            names = "--model-id",
            required = true,
            paramLabel = "ID",
            converter = ModelIdConverter.class,
            description =
                    "Id under which score jobs use it: 1 to 128 characters, without control"
                            + " characters or whitespace at its ends.")
    String modelId;

    @Option(
            names = "--version",
            paramLabel = "N",
            description =
                    "Model version; must be newer than the one in use (default: the current time"
                            + " in milliseconds).")
    Long version;

    final TopicOption topic =
            TopicOption.optional(
                    "--topic", Topics.MODELS, "Models topic (default: ${DEFAULT-VALUE}).");

    @Override
    protected void addOptionsTo(CommandSpec command) {
        file.addTo(command);
        topic.addTo(command);
    }

    @Override
    public Integer call() throws Exception {
        // Bad client settings are bad usage, reported before the model is read.
        String bootstrap = broker.bootstrap();
        byte[] bytes = EnsembleModels.selfContained(file.path(), LoadLimits.DEFAULTS);
        EnsembleModel model = EnsembleModels.fromBytes(bytes);
        long v = version != null ? version : System.currentTimeMillis();
        ModelUpdate update = ScoreFunction.update(modelId, v, bytes, Instant.now());
        byte[] value = AvroSingleObjectCodec.of(ModelUpdate.class).encode(update);
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaClients.producer(
                        bootstrap, broker.clientConfig(), MAX_REQUEST_BYTES)) {
            producer.send(
                            new ProducerRecord<>(
                                    topic.topic(), modelId.getBytes(StandardCharsets.UTF_8), value))
                    .get(30, TimeUnit.SECONDS);
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "published %s version %d (%s, %d features) to %s%n",
                        modelId, v, update.getFormat(), model.featureCount(), topic.topic());
        return 0;
    }
}
