package dev.quiver.jobs;

import dev.quiver.kafka.KafkaClientConfig;

import org.apache.kafka.common.utils.Utils;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The Kafka side of a job's options, a picocli mixin: the broker, the client settings ({@link
 * KafkaClientOptions}), the consumer group, whether a run stops at the offsets seen at start, and
 * whether missing topics are created ({@link TopicCreationOptions}). A job reads and writes Kafka
 * when it knows a broker: {@code --bootstrap}, else {@code bootstrap.servers} from the client
 * settings; without either it reads and writes files.
 *
 * <pre>{@code
 * quiver run bayes --bootstrap localhost:9092 --group-id backfill --until-latest
 * quiver run bayes --kafka-config client.properties --create-topics
 * }</pre>
 */
public final class KafkaOptions {

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            converter = BootstrapConverter.class,
            description =
                    "Kafka bootstrap servers: read the input topics and write the result topics"
                            + " (default: bootstrap.servers of --kafka-config; without either the"
                            + " job reads files).")
    String bootstrap;

    @Mixin KafkaClientOptions client;

    @Mixin TopicCreationOptions topicCreation;

    @Option(
            names = "--group-id",
            paramLabel = "ID",
            description = "Kafka consumer group of the job's sources (default: quiver-JOB).")
    String groupId;

    @Option(
            names = "--until-latest",
            description =
                    "With Kafka: stop at the input topics' latest offsets at start (a bounded"
                            + " backfill).")
    boolean untilLatest;

    /**
     * True when the job reads and writes Kafka; false for files.
     *
     * @throws IllegalArgumentException if the client settings cannot be read or are refused
     */
    public boolean usesKafka() {
        return bootstrap() != null;
    }

    /**
     * Kafka bootstrap servers: {@code --bootstrap}, else the client settings' {@code
     * bootstrap.servers}; null in file mode.
     *
     * @throws IllegalArgumentException if the client settings cannot be read or are refused
     */
    public String bootstrap() {
        return client.config().bootstrap(bootstrap);
    }

    /**
     * The user's Kafka client settings.
     *
     * @throws IllegalArgumentException if they cannot be read or are refused
     */
    public KafkaClientConfig clientConfig() {
        return client.config();
    }

    /** Whether and how missing topics are created. */
    public TopicCreationOptions topicCreation() {
        return topicCreation;
    }

    /** The consumer group, defaulting to {@code quiver-<job>}. */
    public String groupId(String job) {
        return groupId != null ? groupId : "quiver-" + job;
    }

    /** True to stop at the latest offsets seen at start. */
    public boolean untilLatest() {
        return untilLatest;
    }

    /**
     * Reads a list of bootstrap servers, {@code HOST:PORT[,HOST:PORT...]}, refusing a malformed
     * one before anything connects: a missing port is bad usage (exit 2), while a broker that
     * does not answer is a failure of the command (exit 1). Entries are parsed as Kafka's clients
     * parse them.
     *
     * <pre>{@code
     * @Option(names = "--bootstrap", converter = KafkaOptions.BootstrapConverter.class)
     * String bootstrap;
     * }</pre>
     */
    public static final class BootstrapConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            for (String server : value.split(",", -1)) {
                String entry = server.strip();
                if (!isHostAndPort(entry)) {
                    throw new TypeConversionException("'" + entry + "' is not HOST:PORT");
                }
            }
            return value;
        }

        private static boolean isHostAndPort(String entry) {
            String host = Utils.getHost(entry);
            try {
                Integer port = Utils.getPort(entry);
                return host != null && !host.isEmpty() && port != null && port > 0 && port < 65_536;
            } catch (NumberFormatException e) {
                return false; // more digits than a port has
            }
        }
    }
}
