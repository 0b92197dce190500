package dev.quiver.jobs;

import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/**
 * How a job checkpoints and restores, a picocli mixin: where checkpoints go, how often, which state
 * backend holds the state between them, and the checkpoint or savepoint to start from.
 *
 * <pre>{@code
 * quiver run walk --bootstrap localhost:9092 --checkpoint-dir /data/ckpt --state-backend rocksdb
 * }</pre>
 */
public final class CheckpointOptions {

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "URI",
            description =
                    "Where checkpoints are kept (a path or file:// URI); retained on cancellation.")
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
            description = "Restore state from this retained checkpoint or savepoint.")
    String fromCheckpoint;

    /** Checkpoint directory, or null for none. */
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
}
