package dev.quiver.jobs;

import dev.quiver.kafka.KafkaClientConfig;
import dev.quiver.kafka.KafkaTopics;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where a job reads and writes, and how it checkpoints: the options every job shares, as a picocli
 * mixin used both by {@code quiver run JOB} and by the job mains that {@code flink run} starts. The
 * Kafka, value-format and checkpoint options are mixins of their own ({@link KafkaOptions}, {@link
 * ValueFormatOptions}, {@link CheckpointOptions}); the output, parallelism and dead-letter options
 * are here.
 *
 * <p>Either {@code --bootstrap} (Kafka in, Kafka out, exactly-once) or {@code --input} with {@code
 * --output} (NDJSON files, bounded). {@link #check(Map)} enforces that.
 *
 * <pre>{@code
 * quiver run bayes --bootstrap localhost:9092 --checkpoint-interval-ms 2000
 * quiver run bayes --input obs.ndjson --output posteriors.ndjson
 * }</pre>
 */
public final class JobIoOptions {

    @Mixin KafkaOptions kafka;

    @Mixin ValueFormatOptions valueFormats;

    @Mixin CheckpointOptions checkpoints;

    @Option(
            names = "--output",
            paramLabel = "PATH",
            converter = OutputConverter.class,
            description =
                    "With --input: write results as NDJSON to this file, or to part files in it if"
                        + " it is a directory (ends with / or exists as one). Dead letters go to"
                        + " PATH.deadletter.")
    String output;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Operator parallelism (default: Flink's).")
    Integer parallelism;

    @Option(
            names = "--deadletter-topic",
            paramLabel = "TOPIC",
            defaultValue = "quiver.deadletter",
            description = "Topic for rejected input (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(
            names = "--max-record-bytes",
            paramLabel = "N",
            defaultValue = "1048576",
            description = "Larger input records are dead letters (default: ${DEFAULT-VALUE}).")
    int maxRecordBytes;

    /**
     * With Kafka, checks that the broker answers within 15 seconds, so a wrong address is a
     * one-line error rather than a hanging job; nothing in file mode.
     *
     * @throws dev.quiver.kafka.KafkaUnreachableException if it does not answer
     */
    public void checkBrokerReachable() {
        if (usesKafka()) {
            KafkaTopics.checkReachable(bootstrap(), clientConfig(), Duration.ofSeconds(15));
        }
    }

    /**
     * With Kafka, makes sure every topic in {@code topics} exists before the job starts, and that
     * the principal of the client settings may read each of {@code read} and write each of {@code
     * written} (a topic in both needs both): creates the missing ones with {@code
     * --create-topics}, else stops with one error naming them all; nothing in file mode. A refused
     * read or write stops the job here, on one line, rather than failing its tasks once they run,
     * which Flink would restart without end.
     *
     * @param topics every topic of {@code read} and {@code written}, in the order errors name them
     *
     * @throws IllegalStateException naming the missing topics
     * @throws org.apache.kafka.common.errors.TopicAuthorizationException naming the topics and
     *     operations refused
     * @throws dev.quiver.kafka.KafkaUnreachableException if the broker does not answer in time
     */
    public void prepareTopics(
            Collection<String> topics, Collection<String> read, Collection<String> written) {
        if (!usesKafka()) {
            return;
        }
        TopicCreationOptions creation = kafka.topicCreation();
        if (creation.createTopics()) {
            KafkaTopics.ensureTopics(
                    bootstrap(), clientConfig(), topics, creation.layout(), Duration.ofSeconds(60));
            KafkaTopics.checkAccess(
                    bootstrap(), clientConfig(), read, written, Duration.ofSeconds(15));
            return;
        }
        // First: to a principal that may not see a topic, it looks missing.
        KafkaTopics.checkAccess(bootstrap(), clientConfig(), read, written, Duration.ofSeconds(15));
        List<String> missing =
                KafkaTopics.missingTopics(
                        bootstrap(), clientConfig(), topics, Duration.ofSeconds(15));
        if (!missing.isEmpty()) {
            boolean one = missing.size() == 1;
            throw new IllegalStateException(
                    (one ? "missing topic " : "missing topics ")
                            + String.join(", ", missing)
                            + " at "
                            + bootstrap()
                            + (one ? ": create it" : ": create them")
                            + ", or run the job with --create-topics");
        }
    }

    /** How the job's Kafka record values are encoded (Avro unless given). */
    public ValueFormatOptions valueFormats() {
        return valueFormats;
    }

    /** The user's Kafka client settings (none in file mode). */
    public KafkaClientConfig clientConfig() {
        return kafka.clientConfig();
    }

    /** True when the job reads and writes Kafka; false for files. */
    public boolean usesKafka() {
        return kafka.usesKafka();
    }

    /** Kafka bootstrap servers, or null in file mode. */
    public String bootstrap() {
        return kafka.bootstrap();
    }

    /** The NDJSON output path, or null in Kafka mode. */
    public String output() {
        return output;
    }

    /** Operator parallelism, or null for Flink's default. */
    public Integer parallelism() {
        return parallelism;
    }

    /** Where checkpoints go, how often, the state backend and what to restore. */
    public CheckpointOptions checkpoints() {
        return checkpoints;
    }

    /** True to stop at the latest offsets seen at start. */
    public boolean untilLatest() {
        return kafka.untilLatest();
    }

    /** The consumer group, defaulting to {@code quiver-<job>}. */
    public String groupId(String job) {
        return kafka.groupId(job);
    }

    /** The dead-letter topic. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** The largest accepted input record, in bytes. */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** True when {@code --output} names a directory of part files rather than one file. */
    public boolean outputIsDirectory() {
        return namesDirectory(output);
    }

    /** True when an output path names a directory: it ends with / or exists as one. */
    private static boolean namesDirectory(String output) {
        return output.endsWith("/") || Files.isDirectory(Path.of(output));
    }

    /**
     * Refuses an output this process cannot create or write, before the job starts rather than
     * when its sink opens: bad usage (exit 2) with one line naming the cause.
     */
    static final class OutputConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            boolean directory = namesDirectory(value);
            PathChecks.refuse(
                    PathChecks.whyNotWritable(
                            directory ? "output directory" : "output file",
                            Path.of(value),
                            directory));
            return value;
        }
    }

    /**
     * Checks the combination of options with the job's own file inputs ({@code --input}, or {@code
     * --vectors} and {@code --queries}), given by option name, null where not set. The message
     * names the options at fault.
     */
    public void check(Map<String, Path> fileInputs) {
        List<String> given =
                fileInputs.entrySet().stream()
                        .filter(e -> e.getValue() != null)
                        .map(Map.Entry::getKey)
                        .toList();
        String files = String.join(" and ", fileInputs.keySet());
        if (usesKafka()) {
            if (!given.isEmpty()) {
                throw new IllegalArgumentException(
                        String.join(", ", given)
                                + " reads files; with a broker (--bootstrap, or bootstrap.servers"
                                + " in --kafka-config) the job reads Kafka topics");
            }
            if (output != null) {
                throw new IllegalArgumentException(
                        "--output goes with "
                                + files
                                + "; with a broker (--bootstrap, or bootstrap.servers in"
                                + " --kafka-config) results go to Kafka topics");
            }
        } else {
            if (given.isEmpty()) {
                throw new IllegalArgumentException(
                        "give either --bootstrap (Kafka) or " + files + " with --output (files)");
            }
            // Each file given was checked by its converter as it was parsed: here, that each is.
            for (Map.Entry<String, Path> input : fileInputs.entrySet()) {
                if (input.getValue() == null) {
                    throw new IllegalArgumentException(
                            "file mode needs " + files + "; " + input.getKey() + " is missing");
                }
            }
            if (output == null) {
                throw new IllegalArgumentException(files + " needs --output");
            }
        }
        kafka.topicCreation().layout();
        valueFormats.check(usesKafka());
        checkpoints.checkStateBackend();
        if (parallelism != null && parallelism < 1) {
            throw new IllegalArgumentException(
                    "--parallelism must be at least 1, got " + parallelism);
        }
        checkpoints.checkInterval();
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException(
                    "--max-record-bytes must be positive, got " + maxRecordBytes);
        }
    }
}
