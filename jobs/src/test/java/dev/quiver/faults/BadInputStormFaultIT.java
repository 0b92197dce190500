package dev.quiver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.cluster.LocalCluster;
import dev.quiver.faults.SteadyPublisher.Outgoing;
import dev.quiver.faults.SteadyPublisher.RecordSource;
import dev.quiver.faults.SteadyPublisher.Sent;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.DeadLetters;
import dev.quiver.io.Topics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Issue 7, fault test 4: a storm of bad input. The pipeline (parallelism 4, two TaskManagers) first
 * processes GOOD good observations alone (phase A1), then GOOD good ones with 10% of all records
 * garbage (phase B: random bytes, truncated Avro, a wrong schema fingerprint, NaN values and
 * vectors, vectors and queries of the wrong dimension, and {@value #OVERSIZE} observations with
 * 10^7 features, ~80 MB each), then GOOD good ones alone again (phase A2). Each phase is built
 * first, then published as fast as the producer goes (the oversize records through a producer of
 * their own, 5 s apart), so the job works off a backlog and a phase's good throughput is GOOD /
 * (time from its first record published to its last posterior visible, read committed).
 *
 * <p>Checks: the job never fails over; every bad record is exactly once in the dead-letter topic,
 * with a reason and its original bytes (the first {@link DeadLetters#MAX_PAYLOAD_BYTES} of an
 * oversize one), and nothing else is; every good observation has exactly one posterior update and
 * each key's last equals the closed form; phase B's good throughput is at least (1 - 0.10) times
 * the mean of A1's and A2's (measured before and after, so a drift of the machine's load between
 * phases does not count against B).
 *
 * <p>The oversize records must reach the job for its own {@code --max-record-bytes} check (1 MiB)
 * to reject them: Kafka's default 1 MiB limit would otherwise refuse them at the producer. So the
 * observations topic gets {@code max.message.bytes} {@value #TOPIC_MAX_BYTES} (and segments twice
 * that: the local broker's are 16 MiB) and the storm's producer {@code max.request.size} as much.
 */
class BadInputStormFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(BadInputStormFaultIT.class);

    /** Good observations per phase ({@code -Dquiver.faults.stormGood}). */
    private static final int GOOD = Integer.getInteger("quiver.faults.stormGood", 100_000);

    private static final double BAD_FRACTION = 0.10;

    /** Bad records in phase B: 10% of the phase's records. */
    private static final int BAD = (int) Math.round(GOOD * BAD_FRACTION / (1 - BAD_FRACTION));

    /**
     * Warm-up observations, before anything is measured: as many as a phase, since a shorter
     * warm-up left A1 measurably slower than A2 (the JIT still at work).
     */
    private static final int WARM_UP = GOOD;

    /** Every good observation of the test. */
    private static final int ALL_GOOD = WARM_UP + 3 * GOOD;

    private static final int OVERSIZE = 3;
    private static final int OVERSIZE_FEATURES = 10_000_000;
    private static final int TOPIC_MAX_BYTES = 90_000_000;
    private static final int DIMENSION = 8;
    private static final long SEED = 20261128L;

    /** The kinds of bad record, all but the oversize one equally often. */
    private static final List<String> KINDS =
            List.of(
                    "random-bytes",
                    "truncated-avro",
                    "wrong-fingerprint",
                    "nan-value",
                    "nan-vector",
                    "wrong-dimension-vector",
                    "nan-query",
                    "wrong-dimension-query");

    private static final AvroSingleObjectCodec<Observation> OBSERVATIONS =
            AvroSingleObjectCodec.of(Observation.class).withMaxBytes(Integer.MAX_VALUE);
    private static final AvroSingleObjectCodec<VectorEvent> VECTORS =
            AvroSingleObjectCodec.of(VectorEvent.class);
    private static final AvroSingleObjectCodec<QueryEvent> QUERIES =
            AvroSingleObjectCodec.of(QueryEvent.class);

    /**
     * The phases' producer: five requests in flight (idempotence keeps each partition's order) and
     * large batches, so that it outpaces the job.
     */
    private static final Map<String, Object> FAST =
            Map.of(
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                    5,
                    ProducerConfig.BATCH_SIZE_CONFIG,
                    256 * 1024,
                    ProducerConfig.LINGER_MS_CONFIG,
                    10);

    private final SplittableRandom values = new SplittableRandom(SEED);

    /** Successes and failures of every good observation so far, by key. */
    private final double[][] closedForm = new double[PipelineWorkload.KEYS][];

    /** The oversize records, encoded before the storm so that encoding them is not timed. */
    private final List<byte[]> oversize = new ArrayList<>();

    @Test
    void badRecordsAreDeadLetteredAndGoodThroughputHolds(@TempDir Path dir) throws Exception {
        for (int key = 0; key < closedForm.length; key++) {
            closedForm[key] = new double[] {1, 1};
        }
        try (LocalCluster cluster = LocalCluster.create(dir)) {
            // Checkpoints every second: results become visible at checkpoints, and a phase's time
            // is
            // measured to its last visible result.
            String jobId = FaultRun.startPipeline(cluster, "--checkpoint-interval-ms", "1000");
            raiseTopicLimit(cluster.bootstrap());
            PosteriorWatcher posteriors = PosteriorWatcher.start(cluster.bootstrap(), ALL_GOOD);

            // The namespace's dimension comes from its first vector; warm-up observations let
            // the JIT settle before anything is measured.
            List<Sent> warmUp =
                    SteadyPublisher.start("warm-up", cluster.bootstrap(), 0, warmUp(), Map.of())
                            .await(Duration.ofMinutes(5));
            posteriors.awaitDistinct(WARM_UP, Duration.ofMinutes(10));
            LOG.info("warm-up: {} records, results complete", warmUp.size());

            for (int j = 0; j < OVERSIZE; j++) {
                List<Double> features = new ArrayList<>(OVERSIZE_FEATURES);
                for (int f = 0; f < OVERSIZE_FEATURES; f++) {
                    features.add((double) f);
                }
                Observation o = observation("oversize" + j, j, 1.0);
                o.setFeatures(features);
                oversize.add(OBSERVATIONS.encode(o));
            }
            LOG.info("oversize records: {} of {} bytes", OVERSIZE, oversize.get(0).length);
            double a1 = phase(cluster, posteriors, "A1 clean", WARM_UP + GOOD, false, null);
            List<Sent> stormSent = new ArrayList<>();
            double b = phase(cluster, posteriors, "B storm", WARM_UP + 2 * GOOD, true, stormSent);
            double a2 = phase(cluster, posteriors, "A2 clean", ALL_GOOD, false, null);

            double clean = (a1 + a2) / 2;
            LOG.info(
                    "good observations/s: A1 {}, B (with {} bad of {} records, {}%) {}, A2 {};"
                            + " B / mean(A1, A2) = {} (must be >= {})",
                    Math.round(a1),
                    BAD,
                    BAD + GOOD,
                    100 * BAD_FRACTION,
                    Math.round(b),
                    Math.round(a2),
                    String.format("%.3f", b / clean),
                    1 - BAD_FRACTION);

            checkDeadLetters(cluster.bootstrap(), stormSent);
            posteriors.close();
            posteriors.assertExactlyOnceAndClosedForm(ALL_GOOD, closedForm);
            assertThat(FaultRun.logFailoversAndCheckpoints(cluster, jobId, "bad input storm"))
                    .as("failovers during the storm")
                    .isZero();
            assertThat(cluster.rest("/jobs/" + jobId).path("state").asText()).isEqualTo("RUNNING");
            assertThat(b)
                    .as("good throughput with the storm against the clean mean")
                    .isGreaterThanOrEqualTo((1 - BAD_FRACTION) * clean);
        }
    }

    /**
     * Publishes good observations {@code [end - GOOD, end)} (with the storm's bad records
     * interleaved when {@code storm}) as fast as possible; returns good observations per second.
     */
    private double phase(
            LocalCluster cluster,
            PosteriorWatcher posteriors,
            String name,
            int end,
            boolean storm,
            List<Sent> sentOut)
            throws Exception {
        int first = end - GOOD;
        // Every record is built before the clock starts, and the oversize ones go through a
        // producer of their own, a few seconds apart: the job, not the publisher, must be what
        // takes the time.
        List<Outgoing> records = new ArrayList<>();
        List<Outgoing> huge = new ArrayList<>();
        if (storm) {
            storm(first, records, huge);
        } else {
            for (int n = first; n < end; n++) {
                records.add(goodObservation(n));
            }
        }
        long start = System.nanoTime();
        SteadyPublisher publisher =
                SteadyPublisher.start(name, cluster.bootstrap(), 0, listed(records), FAST);
        SteadyPublisher hugePublisher =
                SteadyPublisher.start(
                        name + " oversize",
                        cluster.bootstrap(),
                        0.2,
                        listed(huge),
                        Map.of(
                                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                                TOPIC_MAX_BYTES,
                                ProducerConfig.BUFFER_MEMORY_CONFIG,
                                4L * TOPIC_MAX_BYTES));
        List<Sent> sent = new ArrayList<>(publisher.await(Duration.ofMinutes(10)));
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        sent.addAll(hugePublisher.await(Duration.ofMinutes(10)));
        long doneNs = posteriors.awaitDistinct(end, Duration.ofMinutes(10));
        double seconds = (doneNs - start) / 1e9;
        double rate = GOOD / seconds;
        LOG.info(
                "phase {}: {} records published in {} s; {} good results complete after {} s: {}"
                        + " good/s",
                name,
                sent.size(),
                String.format("%.1f", publishSeconds),
                GOOD,
                String.format("%.1f", seconds),
                Math.round(rate));
        if (sentOut != null) {
            sentOut.addAll(sent);
        }
        return rate;
    }

    private static RecordSource listed(List<Outgoing> records) {
        return i -> i < records.size() ? records.get((int) i) : null;
    }

    private RecordSource warmUp() {
        RecordSource observations = good(0, WARM_UP);
        return i -> {
            if (i < 100) {
                VectorEvent v =
                        VectorEvent.newBuilder()
                                .setId("v" + i)
                                .setNamespace("ns0")
                                .setTs(Instant.now())
                                .setVector(PipelineWorkload.boxed(randomVector(DIMENSION)))
                                .build();
                return new Outgoing(
                        Topics.VECTORS,
                        PipelineWorkload.bytes("ns0"),
                        VECTORS.encode(v),
                        v.getId());
            }
            return observations.next(i - 100);
        };
    }

    /** {@code count} good observations from number {@code first} on. */
    private RecordSource good(int first, int count) {
        return i -> i < count ? goodObservation(first + (int) i) : null;
    }

    private Outgoing goodObservation(int n) {
        int key = n % PipelineWorkload.KEYS;
        boolean success = values.nextDouble() < 0.1 + 0.8 * key / PipelineWorkload.KEYS;
        closedForm[key][success ? 0 : 1]++;
        Observation o = observation("o" + n, key, success ? 1.0 : 0.0);
        return new Outgoing(
                Topics.OBSERVATIONS,
                PipelineWorkload.bytes(o.getKey()),
                OBSERVATIONS.encode(o),
                o.getId());
    }

    private static Observation observation(String id, int key, double value) {
        return Observation.newBuilder()
                .setId(id)
                .setKey("k" + key)
                .setTs(Instant.now())
                .setValue(value)
                .build();
    }

    /**
     * GOOD good observations from {@code first} on with BAD bad records spread evenly among them
     * into {@code records}, except the oversize ones (at a sixth, a half and five sixths of the bad
     * ones), which go to {@code huge}.
     */
    private void storm(int first, List<Outgoing> records, List<Outgoing> huge) {
        int total = GOOD + BAD;
        int goods = 0;
        int b = 0;
        for (int i = 0; i < total; i++) {
            // Bad record b goes at position floor((b + 1) * total / BAD) - 1.
            if (b < BAD && i == (long) (b + 1) * total / BAD - 1) {
                if (b % (BAD / OVERSIZE) == BAD / OVERSIZE / 2 && b / (BAD / OVERSIZE) < OVERSIZE) {
                    huge.add(bad("oversize-array", b));
                } else {
                    records.add(bad(KINDS.get(b % KINDS.size()), b));
                }
                b++;
            } else {
                records.add(goodObservation(first + goods++));
            }
        }
    }

    private Outgoing bad(String kind, int b) {
        String id = "bad" + b;
        int key = b % PipelineWorkload.KEYS;
        byte[] keyBytes = PipelineWorkload.bytes("k" + key);
        byte[] ns = PipelineWorkload.bytes("ns0");
        byte[] value;
        String topic = Topics.OBSERVATIONS;
        switch (kind) {
            case "random-bytes" -> {
                value = new byte[1 + values.nextInt(64)];
                for (int j = 0; j < value.length; j++) {
                    value[j] = (byte) values.nextInt(256);
                }
            }
            case "truncated-avro" -> {
                byte[] whole = OBSERVATIONS.encode(observation(id, key, 1.0));
                value = Arrays.copyOf(whole, 1 + values.nextInt(whole.length - 1));
            }
            case "wrong-fingerprint" -> {
                value = OBSERVATIONS.encode(observation(id, key, 1.0));
                for (int j = 2; j < 10; j++) {
                    value[j] = (byte) ~value[j];
                }
            }
            case "nan-value" -> value = OBSERVATIONS.encode(observation(id, key, Double.NaN));
            case "oversize-array" -> value = oversize.remove(0);
            case "nan-vector", "wrong-dimension-vector" -> {
                topic = Topics.VECTORS;
                keyBytes = ns;
                float[] v = randomVector(kind.equals("nan-vector") ? DIMENSION : DIMENSION - 3);
                if (kind.equals("nan-vector")) {
                    v[values.nextInt(DIMENSION)] = Float.NaN;
                }
                value =
                        VECTORS.encode(
                                VectorEvent.newBuilder()
                                        .setId(id)
                                        .setNamespace("ns0")
                                        .setTs(Instant.now())
                                        .setVector(PipelineWorkload.boxed(v))
                                        .build());
            }
            case "nan-query", "wrong-dimension-query" -> {
                topic = Topics.QUERIES;
                keyBytes = ns;
                float[] v = randomVector(kind.equals("nan-query") ? DIMENSION : DIMENSION + 5);
                if (kind.equals("nan-query")) {
                    v[values.nextInt(DIMENSION)] = Float.NaN;
                }
                value =
                        QUERIES.encode(
                                QueryEvent.newBuilder()
                                        .setId(id)
                                        .setNamespace("ns0")
                                        .setTs(Instant.now())
                                        .setVector(PipelineWorkload.boxed(v))
                                        .setK(3)
                                        .build());
            }
            default -> throw new IllegalArgumentException(kind);
        }
        byte[] kept =
                value.length > DeadLetters.MAX_PAYLOAD_BYTES
                        ? Arrays.copyOf(value, DeadLetters.MAX_PAYLOAD_BYTES)
                        : value;
        return new Outgoing(topic, keyBytes, value, kind + "#" + crc(kept));
    }

    private float[] randomVector(int dimension) {
        float[] v = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            v[d] = (float) values.nextDouble();
        }
        return v;
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    /**
     * Every bad record sent is exactly once in the dead-letter topic, with a reason and the bytes
     * it should keep; no good record is there.
     */
    private static void checkDeadLetters(String bootstrap, List<Sent> sent) {
        Map<String, String> bad = new HashMap<>();
        for (Sent s : sent) {
            if (s.label().contains("#")) {
                bad.put(s.topic() + "/" + s.partition() + "@" + s.offset(), s.label());
            }
        }
        assertThat(bad).hasSize(BAD);
        AvroSingleObjectCodec<DeadLetter> codec = AvroSingleObjectCodec.of(DeadLetter.class);
        Map<String, Integer> seen = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        Map<String, String> reasonByKind = new TreeMap<>();
        Map<String, Integer> countByKind = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        // The last dead letters commit with the checkpoint after the last good result at the
        // latest; read until all are there (then once more to the end, for duplicates).
        while (seen.size() < bad.size() && System.nanoTime() < deadline) {
            seen.clear();
            wrong.clear();
            CommittedReader.readToEnd(
                    bootstrap,
                    Topics.DEAD_LETTER,
                    r -> {
                        DeadLetter d = PipelineChecks.decode(codec, r);
                        String where = d.getSource() + "/" + d.getPartition() + "@" + d.getOffset();
                        String label = bad.get(where);
                        seen.merge(where, 1, Integer::sum);
                        if (label == null) {
                            wrong.add(where + " is no bad record: " + d.getReason());
                            return;
                        }
                        String kind = label.substring(0, label.indexOf('#'));
                        long crc = Long.parseLong(label.substring(label.indexOf('#') + 1));
                        byte[] payload = new byte[d.getPayload().remaining()];
                        d.getPayload().duplicate().get(payload);
                        if (d.getReason().isBlank() || crc(payload) != crc) {
                            wrong.add(
                                    where
                                            + " ("
                                            + kind
                                            + "): reason '"
                                            + d.getReason()
                                            + "', payload of "
                                            + payload.length
                                            + " bytes, crc "
                                            + crc(payload)
                                            + " != "
                                            + crc);
                        }
                        if (kind.equals("oversize-array")
                                && !(d.getReason().contains("exceeds")
                                        && d.getReason().contains("truncated"))) {
                            wrong.add(where + ": oversize reason '" + d.getReason() + "'");
                        }
                        reasonByKind.putIfAbsent(kind, d.getReason());
                        countByKind.merge(kind, 1, Integer::sum);
                    },
                    Duration.ofMinutes(2));
        }
        reasonByKind.forEach(
                (kind, reason) ->
                        LOG.info(
                                "dead letters {}: {}, e.g. '{}'",
                                kind,
                                countByKind.get(kind),
                                reason));
        List<String> missing =
                bad.keySet().stream().filter(k -> !seen.containsKey(k)).sorted().limit(10).toList();
        List<String> duplicated =
                seen.entrySet().stream()
                        .filter(e -> e.getValue() > 1)
                        .map(e -> e.getKey() + " x" + e.getValue())
                        .limit(10)
                        .toList();
        assertThat(wrong).as("wrong dead letters (first 10 of %d)", wrong.size()).isEmpty();
        assertThat(missing).as("bad records without a dead letter (first 10)").isEmpty();
        assertThat(duplicated).as("bad records dead-lettered more than once (first 10)").isEmpty();
        LOG.info(
                "dead letters: each of the {} bad records exactly once, with reason and bytes",
                BAD);
    }

    private static AlterConfigOp set(String name, int value) {
        return new AlterConfigOp(
                new ConfigEntry(name, Integer.toString(value)), AlterConfigOp.OpType.SET);
    }

    private static void raiseTopicLimit(String bootstrap) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.incrementalAlterConfigs(
                            Map.of(
                                    new ConfigResource(
                                            ConfigResource.Type.TOPIC, Topics.OBSERVATIONS),
                                    List.of(
                                            set(
                                                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                                    TOPIC_MAX_BYTES),
                                            // The broker's 16 MiB segments would refuse the
                                            // batch too.
                                            set(
                                                    TopicConfig.SEGMENT_BYTES_CONFIG,
                                                    2 * TOPIC_MAX_BYTES))))
                    .all()
                    .get();
        }
    }
}
