package dev.quiver.jobs;

import picocli.CommandLine.Option;

/**
 * The Kafka side of a job's options, a picocli mixin: the broker, the consumer group and whether a
 * run stops at the offsets seen at start. Without {@code --bootstrap} a job reads and writes files.
 *
 * <pre>{@code
 * quiver run bayes --bootstrap localhost:9092 --group-id backfill --until-latest
 * }</pre>
 */
public final class KafkaOptions {

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description =
                    "Kafka bootstrap servers: read the input topics and write the result topics.")
    String bootstrap;

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

    /** True when the job reads and writes Kafka; false for files. */
    public boolean usesKafka() {
        return bootstrap != null;
    }

    /** Kafka bootstrap servers, or null in file mode. */
    public String bootstrap() {
        return bootstrap;
    }

    /** The consumer group, defaulting to {@code quiver-<job>}. */
    public String groupId(String job) {
        return groupId != null ? groupId : "quiver-" + job;
    }

    /** True to stop at the latest offsets seen at start. */
    public boolean untilLatest() {
        return untilLatest;
    }
}
