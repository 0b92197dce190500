package dev.quiver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * TaskManager kill: the whole pipeline at parallelism 4 over two TaskManagers, exactly-once
 * with checkpoints every 2 s, 1,000,000 observations and 200,000 vectors and queries at a steady
 * rate; halfway through one TaskManager is killed with SIGKILL and a replacement started. The
 * result topics, read committed, must hold exactly one result per input, the closed-form posteriors
 * and brute-force kNN answers ({@link PipelineChecks}). Takes several minutes.
 */
class TaskManagerKillFaultIT {

    @Test
    void killedTaskManagerLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        FaultRun.run(
                dir,
                "taskmanager kill",
                (cluster, jobId) -> {
                    cluster.run("taskmanager", "kill", "taskmanager-1").assertSuccess();
                    assertThat(cluster.run("taskmanager", "add").assertSuccess().lastLine())
                            .isEqualTo("taskmanager-3");
                    // The job notices the lost slots (a failover in its history) before it can
                    // be RUNNING again on the replacement.
                    cluster.awaitJob(
                            jobId,
                            job ->
                                    !cluster.rest("/jobs/" + jobId + "/exceptions")
                                            .path("exceptionHistory")
                                            .path("entries")
                                            .isEmpty(),
                            "failed over",
                            java.time.Duration.ofMinutes(2));
                });
    }
}
