package dev.quiver.faults;

import com.fasterxml.jackson.databind.JsonNode;

import dev.quiver.cluster.LocalCluster;
import dev.quiver.io.Topics;
import dev.quiver.kafka.KafkaTopics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The shape every pipeline fault test shares: a local cluster of two TaskManagers, the whole
 * pipeline at parallelism 4 (exactly-once, checkpoints every 2 s), the {@link PipelineWorkload}
 * published at a steady rate, a fault injected once half the observations are out, then the {@link
 * PipelineChecks} on the result topics. Logs the figures: publication rates, recovery time,
 * checkpoints, time for the results to be complete.
 *
 * <pre>{@code
 * FaultRun.run(dir, "taskmanager kill", (cluster, jobId) -> cluster.run("taskmanager", "kill", "taskmanager-1"));
 * }</pre>
 */
public final class FaultRun {

    private static final Logger LOG = LoggerFactory.getLogger(FaultRun.class);

    /**
     * Observations published: 1,000,000 (about 500 s at 2,000 a second, long enough for a kill,
     * a restart and a recovery in the middle of the run) unless {@code -Dquiver.faults.observations}.
     */
    public static final int OBSERVATIONS =
            Integer.getInteger("quiver.faults.observations", 1_000_000);

    /**
     * Vectors and queries published together: 200,000 unless {@code
     * -Dquiver.faults.vectorsQueries}; a tenth are vectors, published first, then the queries.
     */
    public static final int VECTORS_QUERIES =
            Integer.getInteger("quiver.faults.vectorsQueries", 200_000);

    /**
     * Observations per second ({@code -Dquiver.faults.rate}); vectors and queries go at a fifth of
     * it, so both streams end together. The default is below what the pipeline sustained on the
     * loaded 2-core development machine (see README); a quiet machine sustains more.
     */
    public static final double RATE =
            Double.parseDouble(System.getProperty("quiver.faults.rate", "400"));

    private static final long SEED = 20261127L;

    /** A fault injected into a running cluster. */
    @FunctionalInterface
    public interface Fault {
        /** Injects the fault and returns once the cluster has what it needs to recover. */
        void inject(LocalCluster cluster, String jobId) throws Exception;
    }

    private FaultRun() {}

    /** Runs the scenario with {@code fault} in a cluster under {@code dir}. */
    public static void run(Path dir, String faultName, Fault fault) throws Exception {
        PipelineWorkload workload =
                new PipelineWorkload(
                        OBSERVATIONS,
                        VECTORS_QUERIES / 10,
                        VECTORS_QUERIES - VECTORS_QUERIES / 10,
                        SEED);
        try (LocalCluster cluster = LocalCluster.create(dir)) {
            String jobId = startPipeline(cluster);
            long start = System.nanoTime();
            SteadyPublisher observations =
                    SteadyPublisher.start(
                            "observations",
                            cluster.bootstrap(),
                            RATE,
                            workload.observations(),
                            Map.of());
            SteadyPublisher vectorsQueries =
                    SteadyPublisher.start(
                            "vectors+queries",
                            cluster.bootstrap(),
                            RATE * VECTORS_QUERIES / OBSERVATIONS,
                            workload.vectorsThenQueries(),
                            Map.of());
            while (observations.published() < OBSERVATIONS / 2) {
                Thread.sleep(200);
            }
            LOG.info(
                    "{}: {} observations at {}/s, {} vectors then {} queries at {}/s; injecting at"
                            + " {} observations published",
                    faultName,
                    OBSERVATIONS,
                    RATE,
                    workload.vectorCount(),
                    workload.queryCount(),
                    RATE * VECTORS_QUERIES / OBSERVATIONS,
                    observations.published());
            long faultNs = System.nanoTime();
            fault.inject(cluster, jobId);
            cluster.awaitJobRunning(jobId, Duration.ofMinutes(5));
            LOG.info(
                    "{}: job RUNNING again {} s after the fault began",
                    faultName,
                    String.format("%.1f", (System.nanoTime() - faultNs) / 1e9));
            Duration publishTimeout = Duration.ofSeconds((long) (2 * OBSERVATIONS / RATE) + 600);
            observations.await(publishTimeout);
            vectorsQueries.await(publishTimeout);
            long publishedNs = System.nanoTime();
            PipelineChecks.verify(cluster.bootstrap(), workload, publishTimeout);
            LOG.info(
                    "{}: results complete and checked {} s after the last record was published;"
                            + " whole run {} s",
                    faultName,
                    (System.nanoTime() - publishedNs) / 1_000_000_000,
                    (System.nanoTime() - start) / 1_000_000_000);
            logFailoversAndCheckpoints(cluster, jobId, faultName);
        }
    }

    /** Up with two TaskManagers, every topic with 4 partitions, the pipeline at parallelism 4. */
    static String startPipeline(LocalCluster cluster, String... extraArgs) {
        cluster.up(2);
        KafkaTopics.ensureTopics(cluster.bootstrap(), Topics.ALL, 4, Duration.ofSeconds(60));
        String[] args = new String[2 + extraArgs.length];
        args[0] = "--parallelism";
        args[1] = "4";
        System.arraycopy(extraArgs, 0, args, 2, extraArgs.length);
        String jobId = cluster.submit("pipeline", args);
        cluster.awaitJobRunning(jobId, Duration.ofMinutes(5));
        return jobId;
    }

    /** Logs the job's failovers and checkpoint statistics; returns the number of failovers. */
    static int logFailoversAndCheckpoints(LocalCluster cluster, String jobId, String what) {
        JsonNode exceptions =
                cluster.rest("/jobs/" + jobId + "/exceptions")
                        .path("exceptionHistory")
                        .path("entries");
        StringBuilder names = new StringBuilder();
        exceptions.forEach(e -> names.append("; ").append(e.path("exceptionName").asText()));
        LOG.info("{}: {} failovers{}", what, exceptions.size(), names);
        JsonNode checkpoints = cluster.rest("/jobs/" + jobId + "/checkpoints");
        JsonNode duration = checkpoints.path("summary").path("end_to_end_duration");
        LOG.info(
                "{}: checkpoints completed {}, failed {}, restored {}; end-to-end duration ms"
                        + " p50 {} p99 {} max {}",
                what,
                checkpoints.path("counts").path("completed").asLong(),
                checkpoints.path("counts").path("failed").asLong(),
                checkpoints.path("counts").path("restored").asLong(),
                duration.path("p50").asText(),
                duration.path("p99").asText(),
                duration.path("max").asText());
        return exceptions.size();
    }
}
