package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Where a job's checkpoints go and how it restarts: a Kafka run in this JVM without {@code
 * --checkpoint-dir} checkpoints to a temporary directory of its own, deleted when the job ends
 * however it ends, and gives up after a bounded number of restarts; a given {@code
 * --checkpoint-dir} is used as it is; on a cluster Flink's own configuration decides both. The
 * jobs run here are trivial ones on the environment the options configure: what is checked is the
 * environment, not a stage.
 */
class CheckpointStorageTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aKafkaRunHereWithoutADirectoryCheckpointsToATemporaryOneDeletedWhenTheJobEnds()
            throws Exception {
        StreamExecutionEnvironment env = kafkaRun().pipelineIo().environment();
        Path directory = checkpointDirectory(env.getConfiguration());

        assertThat(directory).isDirectory().hasParent(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(directory.getFileName().toString())
                .startsWith("quiver-checkpoints-")
                .contains("-pid" + ProcessHandle.current().pid() + "-");
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINT_STORAGE))
                .isEqualTo("filesystem");
        assertThat(env.getConfiguration().get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS);

        env.fromSequence(1, 1000).sinkTo(new DiscardingSink<>());
        env.execute("finishes");

        assertThat(directory).doesNotExist();
    }

    @Test
    void aCancelledRunsTemporaryCheckpointsAreWrittenThereThenDeleted() throws Exception {
        StreamExecutionEnvironment env =
                JobRegistry.BAYES
                        .parse("--bootstrap", "localhost:9092", "--checkpoint-interval-ms", "50")
                        .pipelineIo()
                        .environment();
        Path directory = checkpointDirectory(env.getConfiguration());
        env.fromSequence(0, Long.MAX_VALUE).sinkTo(new DiscardingSink<>());

        JobClient job = env.executeAsync("runs until cancelled");
        await(() -> hasCompletedCheckpoint(directory), "a completed checkpoint in " + directory);
        JobClients.cancelAndAwait(job);

        await(() -> !Files.exists(directory), directory + " deleted");
    }

    @Test
    void aGivenCheckpointDirIsUsedAndKeptOnCancellation(@TempDir Path dir) {
        Path checkpoints = dir.resolve("checkpoints");
        ReadableConfig config =
                JobRegistry.BAYES
                        .parse(
                                "--bootstrap",
                                "localhost:9092",
                                "--checkpoint-dir",
                                checkpoints.toString())
                        .pipelineIo()
                        .environment()
                        .getConfiguration();

        assertThat(config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(checkpoints.toUri().toString());
        assertThat(config.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // Flink's rule, a directory means the file system, picks the storage.
        assertThat(config.getOptional(CheckpointingOptions.CHECKPOINT_STORAGE)).isEmpty();
        assertBoundedRestarts(config);
    }

    @Test
    void onAClusterItsOwnConfigurationDecidesWhereCheckpointsGoAndHowJobsRestart() {
        ReadableConfig config =
                OnACluster.call(() -> kafkaRun().pipelineIo().environment().getConfiguration());

        assertThat(config.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEmpty();
        assertThat(config.getOptional(CheckpointingOptions.CHECKPOINT_STORAGE)).isEmpty();
        assertThat(config.getOptional(RestartStrategyOptions.RESTART_STRATEGY)).isEmpty();
        assertThat(config.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void aFileRunHasNeitherCheckpointsNorRestarts(@TempDir Path dir) throws IOException {
        Path input = Files.writeString(dir.resolve("observations.ndjson"), "");
        ReadableConfig config =
                JobRegistry.BAYES
                        .parse("--input", input.toString(), "--output", dir.resolve("out").toString())
                        .pipelineIo()
                        .environment()
                        .getConfiguration();

        assertThat(config.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEmpty();
        assertThat(config.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEmpty();
        assertThat(config.getOptional(RestartStrategyOptions.RESTART_STRATEGY)).isEmpty();
    }

    @Test
    void aKafkaRunHereGivesUpAfterTenRestartsInARow() {
        assertBoundedRestarts(kafkaRun().pipelineIo().environment().getConfiguration());
    }

    private static void assertBoundedRestarts(ReadableConfig config) {
        assertThat(config.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(config.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .isEqualTo(10);
        assertThat(
                        config.get(
                                RestartStrategyOptions
                                        .RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofSeconds(10));
    }

    private static JobCommand<BayesStage> kafkaRun() {
        return JobRegistry.BAYES.parse("--bootstrap", "localhost:9092");
    }

    private static Path checkpointDirectory(ReadableConfig config) {
        return Path.of(URI.create(config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)));
    }

    /** True once a checkpoint's metadata is in {@code directory} (Flink's chk-N/_metadata). */
    private static boolean hasCompletedCheckpoint(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.anyMatch(
                    f ->
                            f.getFileName().toString().equals("_metadata")
                                    && f.getParent().getFileName().toString().startsWith("chk-"));
        } catch (IOException | java.io.UncheckedIOException changing) {
            return false;
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
