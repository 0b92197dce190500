package dev.quiver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.cluster.LocalCluster;
import dev.quiver.faults.SteadyPublisher.Outgoing;
import dev.quiver.faults.SteadyPublisher.RecordSource;
import dev.quiver.faults.SteadyPublisher.Sent;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.Topics;
import dev.quiver.io.flink.DeadLetters;
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
import java.util.function.ToDoubleFunction;
import java.util.zip.CRC32;

/**
 * Bad input storm: a storm of bad input. The pipeline (parallelism 4, two TaskManagers)
 * alternates clean phases A (GOOD good observations alone) and storm phases B (GOOD good ones with
 * 10% of all records garbage: random bytes, truncated Avro, a wrong schema fingerprint, NaN values
 * and vectors, vectors and queries of the wrong dimension, and one observation with 10^7 features,
 * ~80 MB), {@value #PAIRS} storms between {@value #PAIRS} + 1 clean phases: A1 B1 A2 B2 ... An
 * unmeasured warm-up comes first: good observations, then a whole storm phase W, so that the JIT
 * has compiled the dead-letter paths too (without it, B1 ran 20% below the other storms). Each
 * phase is built first, then published as fast as the producer goes, so the job works off a
 * backlog, and timed from its first record published until its last posterior is visible (read
 * committed). A storm's oversize record goes first, through a producer of its own; the clock starts
 * when the broker has acknowledged it, so the job reads it inside the phase, but the broker's time
 * to take 80 MB (2 s alone, 20 to 45 s beside a phase's publishing on two cores, which had made
 * each storm exactly as long as that one request) is not counted.
 *
 * <p>Checks: the job never fails over; every bad record is exactly once in the dead-letter topic,
 * with a reason and its original bytes (the first {@link DeadLetters#MAX_PAYLOAD_BYTES} of an
 * oversize one), and nothing else is; every good observation has exactly one posterior update and
 * each key's last equals the closed form; the storms' good throughput (all their good observations
 * over all their time) is at least (1 - 0.10) times the clean phases' (likewise pooled). Clean
 * phases come before, between and after the storms, so that a drift of the machine's load, which on
 * a shared two-core machine moved one clean phase's rate by 40% against the next, weighs on both
 * sides alike. Throughput is good observations per CPU second of the TaskManagers, the job's own
 * cost: the publisher and the broker share the two cores with the job here, and a storm's
 * publishing (three topics) takes them longer than a clean phase's, which a deployment, with
 * producers and brokers on machines of their own, does not charge to the job. Good observations per
 * second of wall time are logged beside it.
 *
 * <p>The oversize records must reach the job for its own {@code --max-record-bytes} check (1 MiB)
 * to reject them: Kafka's default 1 MiB limit would otherwise refuse them at the producer. So the
 * observations topic gets {@code max.message.bytes} {@value #TOPIC_MAX_BYTES} (and segments twice
 * that: the local broker's are 16 MiB) and the storm's producer {@code max.request.size} as much.
 */
class BadInputStormFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(BadInputStormFaultIT.class);

    /** Good observations per phase ({@code -Dquiver.faults.stormGood}). */
    private static final int GOOD = Integer.getInteger("quiver.faults.stormGood", 450_000);

    /** Measured storm phases, each between two clean ones. */
    private static final int PAIRS = 3;

    /** Storm phases with the warm-up's. */
    private static final int STORMS = PAIRS + 1;

    private static final double BAD_FRACTION = 0.10;

    /** Bad records in each storm phase: 10% of the phase's records, one of them oversize. */
    private static final int BAD = (int) Math.round(GOOD * BAD_FRACTION / (1 - BAD_FRACTION));

    /** Good observations of the warm-up before its storm phase. */
    private static final int WARM_UP = 150_000;

    /** Every good observation of the test: warm-up, W, then A1 B1 ... A(PAIRS + 1). */
    private static final int ALL_GOOD = WARM_UP + (2 * PAIRS + 2) * GOOD;

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

    /** Bad records built so far, over all storms. */
    private int badSoFar;

    /** The oversize records, encoded before the storms so that encoding them is not timed. */
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

            for (int j = 0; j < STORMS; j++) {
                List<Double> features = new ArrayList<>(OVERSIZE_FEATURES);
                for (int f = 0; f < OVERSIZE_FEATURES; f++) {
                    features.add((double) f);
                }
                Observation o = observation("oversize" + j, j, 1.0);
                o.setFeatures(features);
                oversize.add(OBSERVATIONS.encode(o));
            }
            LOG.info("oversize records: {} of {} bytes", STORMS, oversize.get(0).length);
            List<Sent> stormSent = new ArrayList<>();
            List<PhaseTime> clean = new ArrayList<>();
            List<PhaseTime> storms = new ArrayList<>();
            int end = WARM_UP + GOOD;
            phase(cluster, posteriors, "W (warm-up, not measured)", end, true, stormSent);
            for (int p = 0; p <= PAIRS; p++) {
                end += GOOD;
                clean.add(phase(cluster, posteriors, "A" + (p + 1), end, false, null));
                if (p < PAIRS) {
                    end += GOOD;
                    storms.add(phase(cluster, posteriors, "B" + (p + 1), end, true, stormSent));
                }
            }
            double cleanWall = goodPer(clean, PhaseTime::seconds);
            double stormWall = goodPer(storms, PhaseTime::seconds);
            double cleanCpu = goodPer(clean, PhaseTime::cpuSeconds);
            double stormCpu = goodPer(storms, PhaseTime::cpuSeconds);
            LOG.info(
                    "storms: {} bad of {} records ({}%). Good observations per TaskManager CPU"
                            + " second: clean {} (each {}), storms {} (each {}), storm / clean ="
                            + " {} (must be >= {}). Per second of wall time: clean {} (each {}),"
                            + " storms {} (each {}), storm / clean = {}",
                    BAD,
                    BAD + GOOD,
                    100 * BAD_FRACTION,
                    Math.round(cleanCpu),
                    each(clean, PhaseTime::cpuSeconds),
                    Math.round(stormCpu),
                    each(storms, PhaseTime::cpuSeconds),
                    String.format("%.3f", stormCpu / cleanCpu),
                    1 - BAD_FRACTION,
                    Math.round(cleanWall),
                    each(clean, PhaseTime::seconds),
                    Math.round(stormWall),
                    each(storms, PhaseTime::seconds),
                    String.format("%.3f", stormWall / cleanWall));

            checkDeadLetters(cluster.bootstrap(), stormSent);
            posteriors.close();
            posteriors.assertExactlyOnceAndClosedForm(ALL_GOOD, closedForm);
            assertThat(FaultRun.logFailoversAndCheckpoints(cluster, jobId, "bad input storm"))
                    .as("failovers during the storm")
                    .isZero();
            assertThat(cluster.rest("/jobs/" + jobId).path("state").asText()).isEqualTo("RUNNING");
            assertThat(stormCpu)
                    .as("good observations per TaskManager CPU second, storms against clean")
                    .isGreaterThanOrEqualTo((1 - BAD_FRACTION) * cleanCpu);
        }
    }

    /**
     * A phase's time from its first record published until its last result was visible: wall
     * seconds, and CPU seconds the TaskManagers spent.
     */
    private record PhaseTime(double seconds, double cpuSeconds) {}

    /** Good observations per unit of {@code time}, pooled over {@code phases}. */
    private static double goodPer(List<PhaseTime> phases, ToDoubleFunction<PhaseTime> time) {
        return phases.size() * (double) GOOD / phases.stream().mapToDouble(time).sum();
    }

    private static List<Long> each(List<PhaseTime> phases, ToDoubleFunction<PhaseTime> time) {
        return phases.stream().map(t -> Math.round(GOOD / time.applyAsDouble(t))).toList();
    }

    /** CPU seconds all TaskManager processes have used so far. */
    private static double taskManagerCpuSeconds(LocalCluster cluster) {
        double seconds = 0;
        for (Map.Entry<String, Long> process : cluster.pids().entrySet()) {
            if (process.getKey().startsWith("taskmanager-")) {
                Duration cpu =
                        ProcessHandle.of(process.getValue())
                                .flatMap(handle -> handle.info().totalCpuDuration())
                                .orElseThrow(
                                        () ->
                                                new AssertionError(
                                                        "no CPU time for " + process.getKey()));
                seconds += cpu.toNanos() / 1e9;
            }
        }
        return seconds;
    }

    /**
     * Publishes good observations {@code [end - GOOD, end)} (with a storm's bad records interleaved
     * when {@code storm}) as fast as possible, and times the job until the last of their results is
     * visible.
     */
    private PhaseTime phase(
            LocalCluster cluster,
            PosteriorWatcher posteriors,
            String name,
            int end,
            boolean storm,
            List<Sent> sentOut)
            throws Exception {
        int first = end - GOOD;
        // Every record is built before the clock starts: the job, not the publisher, must be what
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
        List<Sent> sent = new ArrayList<>();
        if (!huge.isEmpty()) {
            sent.addAll(
                    SteadyPublisher.start(
                                    name + " oversize",
                                    cluster.bootstrap(),
                                    0,
                                    listed(huge),
                                    Map.of(
                                            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                                            TOPIC_MAX_BYTES,
                                            ProducerConfig.BUFFER_MEMORY_CONFIG,
                                            2L * TOPIC_MAX_BYTES))
                            .await(Duration.ofMinutes(10)));
        }
        double startCpu = taskManagerCpuSeconds(cluster);
        long start = System.nanoTime();
        sent.addAll(
                SteadyPublisher.start(name, cluster.bootstrap(), 0, listed(records), FAST)
                        .await(Duration.ofMinutes(10)));
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        long doneNs = posteriors.awaitDistinct(end, Duration.ofMinutes(10));
        double cpuSeconds = taskManagerCpuSeconds(cluster) - startCpu;
        double seconds = (doneNs - start) / 1e9;
        LOG.info(
                "phase {}: {} records published in {} s; {} good results complete after {} s"
                        + " and {} TaskManager CPU seconds: {} good/s, {} good/CPU s",
                name,
                sent.size(),
                String.format("%.1f", publishSeconds),
                GOOD,
                String.format("%.1f", seconds),
                String.format("%.1f", cpuSeconds),
                Math.round(GOOD / seconds),
                Math.round(GOOD / cpuSeconds));
        if (sentOut != null) {
            sentOut.addAll(sent);
        }
        return new PhaseTime(seconds, cpuSeconds);
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
     * GOOD good observations from {@code first} on with BAD - 1 bad records spread evenly among
     * them into {@code records}, and one oversize record into {@code huge}. Bad records are
     * numbered across storms, so their ids and kinds rotate on.
     */
    private void storm(int first, List<Outgoing> records, List<Outgoing> huge) {
        int firstBad = badSoFar;
        badSoFar += BAD;
        huge.add(bad("oversize-array", firstBad));
        int spread = BAD - 1;
        int total = GOOD + spread;
        int goods = 0;
        int b = 0;
        for (int i = 0; i < total; i++) {
            // Bad record b goes at position floor((b + 1) * total / spread) - 1.
            if (b < spread && i == (long) (b + 1) * total / spread - 1) {
                int number = firstBad + 1 + b;
                records.add(bad(KINDS.get(number % KINDS.size()), number));
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
        assertThat(bad).hasSize(STORMS * BAD);
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
                STORMS * BAD);
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
