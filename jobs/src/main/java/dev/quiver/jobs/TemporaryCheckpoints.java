package dev.quiver.jobs;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The checkpoint directory of a Kafka run in this JVM without {@code --checkpoint-dir}: a fresh
 * directory under {@code java.io.tmpdir}, named after the time the job was built and the process
 * that runs it ({@code quiver-checkpoints-20261207-233100-pid4242-<random>}), deleted once the job
 * has ended, whether it finished, failed or was cancelled, and at the latest when the JVM exits. Flink's default, the
 * JobManager's memory, refuses any state handle over 5 MB, so a job with a realistic state would
 * fail every checkpoint and restart without end.
 *
 * <p>Registered as the environment's {@link JobListener}, it follows the job through {@code
 * execute} and {@code executeAsync} alike. Deleting is best effort: what cannot be deleted is
 * logged, never a failure of the job.
 *
 * <pre>{@code
 * TemporaryCheckpoints checkpoints = TemporaryCheckpoints.create("match");
 * // INFO Checkpoints of match go to /tmp/quiver-checkpoints-20261207-233100-pid4242-81..., ...
 * config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.uri());
 * env.registerJobListener(checkpoints);
 * }</pre>
 */
final class TemporaryCheckpoints implements JobListener {

    private static final Logger LOG = LoggerFactory.getLogger(TemporaryCheckpoints.class);

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /**
     * How long a deletion retries: the per-job MiniCluster shuts down after the job's result is
     * known, and until then its checkpoint threads may still create or remove files.
     */
    private static final Duration RETRY_FOR = Duration.ofSeconds(10);

    private final Path directory;

    private TemporaryCheckpoints(Path directory) {
        this.directory = directory;
    }

    /**
     * A new directory for the checkpoints of {@code job} (the name in the log line), readable by
     * this user only, deleted at the latest when the JVM exits; logs where it is.
     *
     * @throws UncheckedIOException if the directory cannot be created
     */
    static TemporaryCheckpoints create(String job) {
        Path directory;
        try {
            directory =
                    Files.createTempDirectory(
                            "quiver-checkpoints-"
                                    + LocalDateTime.now().format(STAMP)
                                    + "-pid"
                                    + ProcessHandle.current().pid()
                                    + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create a temporary checkpoint directory in "
                            + System.getProperty("java.io.tmpdir")
                            + " (give one with --checkpoint-dir)",
                    e);
        }
        TemporaryCheckpoints checkpoints = new TemporaryCheckpoints(directory);
        // A run stopped with Ctrl-C ends without a job result: the JVM's exit deletes them then.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(checkpoints::deleteOnce, "quiver-checkpoints-cleanup"));
        LOG.info(
                "Checkpoints of {} go to {}, deleted when the job ends; --checkpoint-dir keeps"
                        + " them (to restore with --from-checkpoint)",
                job,
                directory);
        return checkpoints;
    }

    /** The directory. */
    Path directory() {
        return directory;
    }

    /** The directory as Flink takes it, a {@code file:} URI. */
    String uri() {
        return directory.toUri().toString();
    }

    /** Deletes the directory once the submitted job ends, or at once if it was not submitted. */
    @Override
    public void onJobSubmitted(JobClient client, Throwable failure) {
        if (client == null) {
            deleteOnce();
            return;
        }
        // Off Flink's threads: a deletion may retry for seconds.
        client.getJobExecutionResult()
                .whenComplete(
                        (result, ended) ->
                                new Thread(this::delete, "quiver-checkpoints-cleanup").start());
    }

    /**
     * Deletes the directory before {@code execute} returns, so a finished {@code quiver run}
     * leaves nothing behind.
     */
    @Override
    public void onJobExecuted(JobExecutionResult result, Throwable failure) {
        delete();
    }

    /** Deletes the directory, retrying while Flink's threads still change it; logs a failure. */
    void delete() {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        while (true) {
            try {
                deleteTree(directory);
                return;
            } catch (IOException | UncheckedIOException e) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("Could not delete the temporary checkpoints in {}", directory, e);
                    return;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("Interrupted deleting the temporary checkpoints in {}", directory);
                return;
            }
        }
    }

    /** One try, for the JVM's exit, which must not wait. */
    private void deleteOnce() {
        try {
            deleteTree(directory);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete the temporary checkpoints in {}", directory, e);
        }
    }

    /** Deletes {@code root} and everything in it; what Flink removed meanwhile is no error. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                            throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e)
                            throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e)
                            throws IOException {
                        if (e != null && !(e instanceof NoSuchFileException)) {
                            throw e;
                        }
                        Files.deleteIfExists(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
    }
}
