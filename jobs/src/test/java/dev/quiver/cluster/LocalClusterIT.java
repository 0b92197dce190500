package dev.quiver.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.cli.SyntheticStreams;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.Topics;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code deploy/local} end to end: a real broker, JobManager and two TaskManagers as separate
 * processes, the bayes job submitted through the REST API, posteriors read back with read_committed
 * and checked against the closed form, a savepoint, and a teardown that leaves no process behind.
 * Takes one to two minutes.
 */
class LocalClusterIT {

    private static final int OBSERVATIONS = 300;
    private static final int KEYS = 7;
    private static final long SEED = 20261127L;

    @Test
    void upSubmitSavepointDownRunsTheBayesJobAndLeavesNoProcess(@TempDir Path dir)
            throws Exception {
        try (LocalCluster cluster = LocalCluster.create(dir)) {
            cluster.up(2);
            assertThat(cluster.registeredTaskManagers())
                    .containsExactlyInAnyOrder("taskmanager-1", "taskmanager-2");
            Map<String, Long> pids = cluster.pids();
            assertThat(pids)
                    .containsOnlyKeys("kafka", "jobmanager", "taskmanager-1", "taskmanager-2");
            // up is idempotent: a second call finds everything running and starts nothing.
            cluster.up(2);
            assertThat(cluster.pids()).isEqualTo(pids);

            KafkaTopics.ensureTopics(
                    cluster.bootstrap(),
                    List.of(Topics.OBSERVATIONS, Topics.POSTERIORS, Topics.DEAD_LETTER),
                    2,
                    Duration.ofSeconds(60));
            String jobId = cluster.submit("bayes", "--parallelism", "2");
            assertThat(jobId).matches("[0-9a-f]{32}");
            cluster.awaitJobRunning(jobId, Duration.ofMinutes(3));
            assertThat(cluster.run("jobs").assertSuccess().stdout())
                    .contains(jobId + "\tquiver bayes\tRUNNING");

            Map<String, double[]> closedForm = publishObservations(cluster.bootstrap());
            AvroSingleObjectCodec<PosteriorUpdate> codec =
                    AvroSingleObjectCodec.of(PosteriorUpdate.class);
            List<ConsumerRecord<byte[], byte[]>> records =
                    KafkaTestClients.readCommitted(
                            cluster.bootstrap(),
                            Topics.POSTERIORS,
                            OBSERVATIONS,
                            Duration.ofSeconds(3),
                            Duration.ofMinutes(3));
            assertThat(records)
                    .as("posterior updates read_committed" + cluster.logTail("taskmanager-1"))
                    .hasSize(OBSERVATIONS);
            Map<String, PosteriorUpdate> last = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                PosteriorUpdate u = codec.decode(r.value());
                last.merge(u.getKey(), u, (a, b) -> a.getN() >= b.getN() ? a : b);
            }
            assertThat(last.keySet()).isEqualTo(closedForm.keySet());
            last.forEach(
                    (key, u) ->
                            assertThat(u.getParams())
                                    .as(key)
                                    .containsEntry("alpha", closedForm.get(key)[0])
                                    .containsEntry("beta", closedForm.get(key)[1]));

            Path savepoint = Path.of(cluster.savepoint(jobId));
            assertThat(savepoint).startsWith(cluster.runDir().resolve("savepoints"));
            assertThat(savepoint.resolve("_metadata")).isRegularFile();
            // An empty savepoint path, as a failed `savepoint` leaves in a shell variable, must
            // not start the job without its state.
            LocalCluster.ScriptResult empty =
                    cluster.run("submit", "bayes", "--from-savepoint", "");
            assertThat(empty.exitCode()).isNotZero();
            assertThat(empty.stderr()).contains("--from-savepoint needs a savepoint path");
            assertThat(cluster.run("jobs").assertSuccess().stdout().lines()).hasSize(1);

            assertThat(cluster.run("status").assertSuccess().stdout())
                    .contains("taskmanager-2 running")
                    .contains(jobId);
            cluster.down();
            pids.forEach(
                    (name, pid) ->
                            assertThat(LocalCluster.hasExited(pid))
                                    .as(name + " (pid " + pid + ") exited after down")
                                    .isTrue());
            assertThat(cluster.pids()).isEmpty();
            assertThat(KafkaTestClients.isFree(Integer.parseInt(cluster.bootstrap().split(":")[1])))
                    .as("broker port free after down")
                    .isTrue();
            assertThat(cluster.run("status").exitCode())
                    .as("status with nothing running")
                    .isEqualTo(3);
        }
    }

    /** Publishes the observations; returns each key's closed-form Beta(1, 1) posterior. */
    private static Map<String, double[]> publishObservations(String bootstrap) throws Exception {
        SyntheticStreams streams =
                new SyntheticStreams(SEED, KEYS, 8, "default", 1_700_000_000_000L);
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        Map<String, double[]> closedForm = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.bytesProducer(bootstrap)) {
            for (int i = 0; i < OBSERVATIONS; i++) {
                Observation o = streams.observation(i);
                producer.send(
                        new ProducerRecord<>(
                                Topics.OBSERVATIONS,
                                o.getKey().getBytes(StandardCharsets.UTF_8),
                                codec.encode(o)));
                double[] alphaBeta =
                        closedForm.computeIfAbsent(o.getKey(), k -> new double[] {1, 1});
                alphaBeta[o.getValue() == 1.0 ? 0 : 1]++;
            }
            producer.flush();
        }
        return closedForm;
    }
}
