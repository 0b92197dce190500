package dev.quiver.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Broker restart: as {@link TaskManagerKillFaultIT}, but halfway through the Kafka broker is
 * stopped, left down for {@value #DOWN_SECONDS} s and started again; the job must recover by itself
 * (its restart strategy, no intervention) and the same checks hold. Takes several minutes.
 */
class BrokerRestartFaultIT {

    private static final int DOWN_SECONDS = 15;

    @Test
    void restartedBrokerLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        FaultRun.run(
                dir,
                "broker restart",
                (cluster, jobId) -> {
                    cluster.run("kafka", "stop").assertSuccess();
                    Thread.sleep(DOWN_SECONDS * 1000L);
                    cluster.run("kafka", "start").assertSuccess();
                });
    }
}
