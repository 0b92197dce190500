package dev.quiver.jobs;

import dev.quiver.kafka.KafkaClientConfig;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's Kafka client settings as options, a picocli mixin shared by every job and every CLI
 * command that talks to a broker: {@code --kafka-config FILE}, a standard Kafka client properties
 * file, and repeatable {@code --kafka-property KEY=VALUE}, later ones winning. {@link
 * KafkaClientConfig} merges them and refuses what Quiver sets itself.
 *
 * <p>The file is read where the job's main runs (on a cluster, the JobManager or the submitting
 * client), when the options are checked; only its path is a job argument. Secrets belong in the
 * file or behind a config provider ({@code ${env:NAME}}, {@code ${file:PATH:KEY}}): a secret given
 * as {@code --kafka-property} with a literal value is refused.
 *
 * <pre>{@code
 * quiver run bayes --bootstrap kafka:9093 --kafka-config client.properties \
 *     --kafka-property client.id=quiver-bayes
 * }</pre>
 */
public final class KafkaClientOptions {

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description =
                    "Kafka client properties file (as kafka-console-consumer --consumer.config"
                            + " takes): security, SASL, TLS, timeouts; may give bootstrap.servers."
                            + " Use ${env:NAME} or ${file:PATH:KEY} with config.providers for"
                            + " secrets.")
    Path configFile;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            converter = PairConverter.class,
            description =
                    "A Kafka client property, repeatable; wins over --kafka-config and earlier"
                            + " ones. Not for secrets.")
    List<String> properties = new ArrayList<>();

    private KafkaClientConfig config;

    /**
     * The merged settings, read once.
     *
     * @throws IllegalArgumentException naming the file or key at fault
     */
    public KafkaClientConfig config() {
        if (config == null) {
            config = KafkaClientConfig.of(configFile, properties);
        }
        return config;
    }

    /**
     * The options as arguments for a job started elsewhere, the file's path made absolute: {@code
     * quiver cluster submit} hands them to the job.
     */
    public List<String> asArguments() {
        List<String> arguments = new ArrayList<>();
        if (configFile != null) {
            arguments.add("--kafka-config");
            arguments.add(configFile.toAbsolutePath().normalize().toString());
        }
        for (String pair : properties) {
            arguments.add("--kafka-property");
            arguments.add(pair);
        }
        return arguments;
    }

    /**
     * Refuses a {@code --kafka-property} without {@code KEY=}; the message never repeats the value,
     * which may be a secret.
     */
    static final class PairConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            int equals = value.indexOf('=');
            if (equals < 0) {
                throw new TypeConversionException("expected KEY=VALUE, got no '='");
            }
            if (value.substring(0, equals).isBlank()) {
                throw new TypeConversionException("expected KEY=VALUE, got no key");
            }
            return value;
        }
    }
}
