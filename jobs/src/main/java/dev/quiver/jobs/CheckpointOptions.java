package dev.quiver.jobs;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a job checkpoints and restores, a picocli mixin: where checkpoints go, how often, which state
 * backend holds the state between them, and the checkpoint or savepoint to start from.
 *
 * <pre>{@code
 * quiver run walk --bootstrap localhost:9092 --checkpoint-dir /data/ckpt --state-backend rocksdb
 * }</pre>
 */
public final class CheckpointOptions {

    /** A URI scheme, two characters at least so that a Windows drive letter is not one. */
    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:");

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "URI",
            converter = DirectoryConverter.class,
            description =
                    "Where checkpoints are kept (a path or file:// URI); retained on cancellation."
                            + " Without it, quiver run with Kafka checkpoints to a temporary"
                            + " directory deleted when the job ends; a cluster, where its"
                            + " configuration says.")
    String checkpointDir;

    @Option(
            names = "--checkpoint-interval-ms",
            paramLabel = "MS",
            defaultValue = "2000",
            description =
                    "Checkpoint interval with Kafka; results become visible to read_committed"
                            + " consumers at each checkpoint (default: ${DEFAULT-VALUE}).")
    long checkpointIntervalMs;

    @Option(
            names = "--state-backend",
            paramLabel = "NAME",
            defaultValue = "hashmap",
            description =
                    "hashmap (state on the heap) or rocksdb (on disk, incremental checkpoints);"
                            + " default: ${DEFAULT-VALUE}.")
    String stateBackend;

    @Option(
            names = "--from-checkpoint",
            paramLabel = "PATH",
            converter = RestoreConverter.class,
            description = "Restore state from this retained checkpoint or savepoint.")
    String fromCheckpoint;

    /**
     * Checkpoint directory, or null for none given: then a run in this JVM checkpoints to a
     * temporary one ({@link TemporaryCheckpoints}), a cluster where its configuration says.
     */
    public String checkpointDir() {
        return checkpointDir;
    }

    /** Checkpoint interval. */
    public Duration checkpointInterval() {
        return Duration.ofMillis(checkpointIntervalMs);
    }

    /** The state backend: {@code hashmap} or {@code rocksdb}. */
    public String stateBackend() {
        return stateBackend;
    }

    /** Checkpoint or savepoint to restore, or null. */
    public String fromCheckpoint() {
        return fromCheckpoint;
    }

    /** Throws naming {@code --state-backend} unless it is one Flink is configured with here. */
    void checkStateBackend() {
        if (!List.of("hashmap", "rocksdb").contains(stateBackend)) {
            throw new IllegalArgumentException(
                    "--state-backend must be hashmap or rocksdb, got '" + stateBackend + "'");
        }
    }

    /** Throws naming {@code --checkpoint-interval-ms} when it would checkpoint continuously. */
    void checkInterval() {
        if (checkpointIntervalMs < 10) {
            throw new IllegalArgumentException(
                    "--checkpoint-interval-ms must be at least 10, got " + checkpointIntervalMs);
        }
    }

    /**
     * The local path that {@code pathOrUri} names, a plain path or a {@code file:} URI; null for a
     * URI of another file system ({@code s3://}, {@code hdfs://}), which only Flink can reach.
     *
     * @throws IllegalArgumentException if it is neither a path nor a URI
     */
    static Path localPath(String pathOrUri) {
        if (!URI_SCHEME.matcher(pathOrUri).find()) {
            return Path.of(pathOrUri);
        }
        URI uri = URI.create(pathOrUri);
        return "file".equalsIgnoreCase(uri.getScheme()) ? Path.of(uri) : null;
    }

    /**
     * The local path of a checkpoint option's value, or null for another file system's URI.
     *
     * @throws TypeConversionException if the value is neither a path nor a URI
     */
    private static Path localPathOption(String value) {
        try {
            return localPath(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is neither a path nor a URI");
        }
    }

    /**
     * Refuses a local checkpoint directory that is not a directory this process can write to or
     * create, before the job starts: Flink would fail the job only once it runs. Another file
     * system's URI is left to Flink.
     */
    static final class DirectoryConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            Path local = localPathOption(value);
            if (local != null) {
                PathChecks.refuse(PathChecks.whyNotWritable("checkpoint directory", local, true));
            }
            return value;
        }
    }

    /**
     * Refuses a local checkpoint or savepoint to restore that is not there, before the job
     * starts. Whether what is there is a checkpoint is Flink's to say, when the job starts.
     */
    static final class RestoreConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isBlank()) {
                // An empty path (a savepoint that failed to print one) would restore nothing.
                throw new TypeConversionException("an empty path names no checkpoint or savepoint");
            }
            Path local = localPathOption(value);
            if (local != null && !Files.exists(local)) {
                throw new TypeConversionException("no checkpoint or savepoint at " + value);
            }
            return value;
        }
    }
}
