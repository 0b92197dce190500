package dev.quiver.jobs;

import dev.quiver.kafka.TopicLayout;

import picocli.CommandLine.Option;

import java.util.Optional;

/**
 * Whether a job creates the topics it reads and writes when they are missing, and how: a picocli
 * mixin of the jobs' Kafka options. Without {@code --create-topics} a job whose topics are missing
 * stops before it runs, naming them all.
 *
 * <pre>{@code
 * quiver run bayes --bootstrap kafka:9092 --create-topics --partitions 6 --replication-factor 3
 * }</pre>
 */
public final class TopicCreationOptions {

    @Option(
            names = "--create-topics",
            description =
                    "Create missing input, result, dead-letter and models topics (default: stop,"
                            + " naming the missing ones).")
    boolean createTopics;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "With --create-topics: partitions per topic (default: the broker's).")
    Integer partitions;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            description =
                    "With --create-topics: replication factor (default: the broker's).")
    Short replicationFactor;

    /** True to create missing topics rather than stop. */
    public boolean createTopics() {
        return createTopics;
    }

    /**
     * The layout of created topics.
     *
     * @throws IllegalArgumentException naming the option at fault
     */
    public TopicLayout layout() {
        if (!createTopics && (partitions != null || replicationFactor != null)) {
            throw new IllegalArgumentException(
                    (partitions != null ? "--partitions" : "--replication-factor")
                            + " goes with --create-topics");
        }
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException(
                    "--partitions must be at least 1, got " + partitions);
        }
        if (replicationFactor != null && replicationFactor < 1) {
            throw new IllegalArgumentException(
                    "--replication-factor must be at least 1, got " + replicationFactor);
        }
        return new TopicLayout(Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor));
    }
}
