package dev.quiver.jobs;

import org.apache.flink.core.execution.JobClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Stopping a job that a test started with {@code executeAsync}, so that nothing of it still runs
 * when the test's temporary folders are deleted.
 *
 * <pre>{@code
 * JobClient job = env.executeAsync("match");
 * // ... read its results
 * JobClients.cancelAndAwait(job);
 * JobClients.deleteCheckpoints(dir.resolve("checkpoints"));
 * }</pre>
 */
final class JobClients {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private JobClients() {}

    /**
     * Cancels {@code job} and waits until it has ended: {@code cancel()} alone returns once the
     * request is accepted, while tasks may still be writing a checkpoint.
     */
    static void cancelAndAwait(JobClient job) throws Exception {
        job.cancel().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        // A cancelled job's result is a JobCancellationException: that is the expected end.
        job.getJobExecutionResult()
                .handle((result, cancelled) -> null)
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Deletes a checkpoint folder of ended jobs, retrying for a few seconds: the per-job
     * MiniCluster of {@code executeAsync} shuts down after the job's result is known, and until
     * then its checkpoint threads may still create or remove files in the folder.
     */
    static void deleteCheckpoints(Path folder) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                deleteTree(folder);
                return;
            } catch (UncheckedIOException | IOException stillInUse) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "checkpoint folder " + folder + " still changing after 10 s", stillInUse);
                }
                Thread.sleep(200);
            }
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(folder)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path path : paths) {
            try {
                Files.delete(path);
            } catch (NoSuchFileException alreadyGone) {
                // removed by Flink's own cleanup meanwhile
            }
        }
    }
}
