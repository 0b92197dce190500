package dev.quiver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.quiver.cluster.LocalCluster;
import dev.quiver.ensemble.flink.ScoreFunction;
import dev.quiver.faults.SteadyPublisher.Outgoing;
import dev.quiver.faults.SteadyPublisher.RecordSource;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.Topics;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.Score;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.WalkSummary;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

/**
 * Sustained load: the whole pipeline (bayes, walk, score and match stages) at parallelism 4
 * over two TaskManagers, fed for {@code quiver.faults.sustainedMinutes} (default 10) at the highest
 * steady rate this machine sustains. A calibration ramp of short steps on the same cluster finds
 * the rate (skipped with {@code -Dquiver.faults.sustainedRate}); a step fails at the first sign of
 * falling behind: the committed results' lag grows, a checkpoint takes 5 s or more, or most
 * backpressure samples are high. The sustained run must show none of those either, and exactly one
 * result per input. Logs, per stage, results per second and p50/p99 of (result's Kafka timestamp -
 * input's event time) and of (time a read_committed consumer first saw it - input's event time).
 *
 * <p>The mix, per second at rate r: r observations (each one posterior update and one score, every
 * 100th of a key also a walk summary) and r/5 vector or query records (vectors for the first tenth
 * of the run, then kNN queries, k = 5), as in {@link FaultRun}.
 */
class SustainedLoadFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(SustainedLoadFaultIT.class);

    private static final double MINUTES =
            Double.parseDouble(System.getProperty("quiver.faults.sustainedMinutes", "10"));

    /** Observations/s of the sustained run; not positive: calibrate. */
    private static final double FIXED_RATE =
            Double.parseDouble(System.getProperty("quiver.faults.sustainedRate", "0"));

    /** The calibration ramp, observations/s, rising. */
    private static final double[] RAMP =
            Arrays.stream(
                            System.getProperty(
                                            "quiver.faults.calibrationRates",
                                            "400,600,800,1000,1300,1600,2000")
                                    .split(","))
                    .mapToDouble(Double::parseDouble)
                    .toArray();

    private static final int STEP_SECONDS =
            Integer.getInteger("quiver.faults.calibrationStepSeconds", 30);

    /** A checkpoint must complete in less than this. */
    private static final long CHECKPOINT_LIMIT_MS = 5000;

    /**
     * Lag bound: the floor of the results' lag (observations published but without a visible
     * posterior or score; minimum over a 10 s window, which evens out the 2 s checkpoint sawtooth)
     * may grow by at most this many seconds' worth of input between the two windows compared.
     */
    private static final double LAG_GROWTH_SECONDS = 2;

    /** Flink's "high" backpressure: a subtask backpressured more than half of the time. */
    private static final double HIGH_BACKPRESSURE = 0.5;

    private static final String MODEL_ID = "load";
    private static final int FEATURES = 3;

    private static final long SEED = 20261127L;

    @Test
    void sustainsTheCalibratedRateWithShortCheckpointsAndExactlyOnce(@TempDir Path dir)
            throws Exception {
        try (LocalCluster cluster = LocalCluster.create(dir)) {
            String jobId = start(cluster);
            double rate = FIXED_RATE > 0 ? FIXED_RATE : calibrate(cluster, jobId);
            sustain(cluster, jobId, rate);
        }
    }

    /** Up, the model published, the pipeline submitted and its score stage holding the model. */
    private static String start(LocalCluster cluster) throws Exception {
        long t0 = System.nanoTime();
        cluster.up(2);
        KafkaTopics.ensureTopics(cluster.bootstrap(), Topics.ALL, 4, Duration.ofSeconds(60));
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(cluster.bootstrap())) {
            ModelUpdate model =
                    ScoreFunction.update(
                            MODEL_ID,
                            1,
                            PipelineWorkload.TREE_MODEL.getBytes(StandardCharsets.UTF_8),
                            Instant.now());
            producer.send(
                    new ProducerRecord<>(
                            Topics.MODELS,
                            PipelineWorkload.bytes(MODEL_ID),
                            AvroSingleObjectCodec.of(ModelUpdate.class).encode(model)));
            producer.flush();
        }
        String jobId =
                cluster.submit("pipeline", "--parallelism", "4", "--score-model-id", MODEL_ID);
        cluster.awaitJobRunning(jobId, Duration.ofMinutes(5));
        // An observation before the model would be a dead letter ("no model published yet").
        awaitScoreStageHasModel(cluster, jobId);
        LOG.info(
                "sustained load: cluster up, pipeline {} running with its model in {} s",
                jobId,
                (System.nanoTime() - t0) / 1_000_000_000);
        return jobId;
    }

    private static void awaitScoreStageHasModel(LocalCluster cluster, String jobId)
            throws InterruptedException {
        String vertex = vertexIds(cluster, jobId, "score ").get(0);
        String path =
                "/jobs/"
                        + jobId
                        + "/vertices/"
                        + vertex
                        + "/subtasks/metrics?get=numRecordsIn&agg=min";
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (cluster.rest(path).path(0).path("min").asDouble(-1) < 1) {
            assertThat(System.nanoTime()).as("score subtasks read the model").isLessThan(deadline);
            Thread.sleep(1000);
        }
    }

    // ---- calibration ------------------------------------------------------------------------

    /**
     * Runs a warm-up step, then the ramp, each step {@link #STEP_SECONDS} of calibration records
     * (ids {@code c...}, keys and namespaces of their own, so the sustained run's oracles stay
     * exact); returns the last rate no sign of falling behind was seen at.
     */
    private static double calibrate(LocalCluster cluster, String jobId) throws Exception {
        Results results = Results.start(cluster.bootstrap(), 0, 0);
        double good = 0;
        long offset = 0;
        try {
            // Step 0 warms the job up at half the first rate, unjudged: the first checkpoints
            // after a start are slower (transactional producers, JIT) than any steady state.
            for (int step = 0; step <= RAMP.length; step++) {
                boolean warmUp = step == 0;
                double rate = warmUp ? RAMP[0] / 2 : RAMP[step - 1];
                long stepStart = System.currentTimeMillis();
                SteadyPublisher obs =
                        SteadyPublisher.start(
                                "calibration observations",
                                cluster.bootstrap(),
                                rate,
                                calibrationObservations(offset, (long) (rate * STEP_SECONDS)),
                                Map.of());
                SteadyPublisher vq =
                        SteadyPublisher.start(
                                "calibration vectors+queries",
                                cluster.bootstrap(),
                                rate / 5,
                                calibrationVectorsQueries(offset, (long) (rate * STEP_SECONDS / 5)),
                                Map.of());
                long published0 = offset;
                Monitor monitor =
                        Monitor.run(
                                cluster,
                                jobId,
                                () -> published0 + obs.published() - results.calibrationVisible(),
                                () -> obs.published() < (long) (rate * STEP_SECONDS));
                obs.await(Duration.ofSeconds(STEP_SECONDS * 3L));
                vq.await(Duration.ofSeconds(STEP_SECONDS * 3L));
                offset += (long) (rate * STEP_SECONDS);
                String verdict = monitor.verdict(rate, stepStart, 5, 10, STEP_SECONDS - 10);
                LOG.info(
                        "calibration{}: {} observations/s + {} vectors/queries/s for {} s: {}; {}",
                        warmUp ? " (warm-up, not judged)" : "",
                        rate,
                        rate / 5,
                        STEP_SECONDS,
                        verdict == null ? "kept up" : verdict,
                        monitor.summary(stepStart));
                if (warmUp) {
                    continue;
                }
                if (verdict != null) {
                    break;
                }
                good = rate;
            }
            // The sustained run starts without a backlog: its latencies are its own.
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (results.calibrationVisible() < offset && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(results.calibrationVisible())
                    .as("calibration observations with their posterior and score")
                    .isEqualTo(offset);
        } finally {
            results.stop();
        }
        assertThat(good)
                .as("a rate of the ramp %s the pipeline keeps up with", Arrays.toString(RAMP))
                .isPositive();
        LOG.info("calibration: sustained run at {} observations/s", good);
        return good;
    }

    private static RecordSource calibrationObservations(long offset, long count) {
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        return i -> {
            if (i >= count) {
                return null;
            }
            long n = offset + i;
            return observation(
                    codec, "c" + n, "c" + (n % PipelineWorkload.KEYS), n % 3 == 0 ? 1.0 : 0.0, n);
        };
    }

    /** One vector then nine queries, round robin over four namespaces of their own. */
    private static RecordSource calibrationVectorsQueries(long offset, long count) {
        AvroSingleObjectCodec<VectorEvent> vectors = AvroSingleObjectCodec.of(VectorEvent.class);
        AvroSingleObjectCodec<QueryEvent> queries = AvroSingleObjectCodec.of(QueryEvent.class);
        return i -> {
            if (i >= count) {
                return null;
            }
            long n = offset + i;
            String ns = "c" + PipelineWorkload.namespace((int) (n / 10));
            List<Float> point = PipelineWorkload.boxed(point(n));
            if (n % 10 == 0) {
                VectorEvent v =
                        VectorEvent.newBuilder()
                                .setId("cv" + n)
                                .setNamespace(ns)
                                .setTs(Instant.now())
                                .setVector(point)
                                .build();
                return new Outgoing(
                        Topics.VECTORS, PipelineWorkload.bytes(ns), vectors.encode(v), v.getId());
            }
            QueryEvent q =
                    QueryEvent.newBuilder()
                            .setId("cq" + n)
                            .setNamespace(ns)
                            .setTs(Instant.now())
                            .setVector(point)
                            .setK(PipelineWorkload.K)
                            .build();
            return new Outgoing(
                    Topics.QUERIES, PipelineWorkload.bytes(ns), queries.encode(q), q.getId());
        };
    }

    private static float[] point(long n) {
        SplittableRandom random = new SplittableRandom(SEED ^ n);
        float[] p = new float[PipelineWorkload.DIMENSION];
        for (int d = 0; d < p.length; d++) {
            p[d] = (float) random.nextDouble();
        }
        return p;
    }

    /** Three features in [0, 1), a fixed function of the observation number. */
    private static List<Double> features(long n) {
        SplittableRandom random = new SplittableRandom(~SEED ^ n);
        List<Double> f = new ArrayList<>(FEATURES);
        for (int i = 0; i < FEATURES; i++) {
            f.add(random.nextDouble());
        }
        return f;
    }

    // ---- the sustained run ------------------------------------------------------------------

    private static void sustain(LocalCluster cluster, String jobId, double rate) throws Exception {
        int seconds = (int) Math.round(MINUTES * 60);
        int n = (int) (rate * seconds);
        int vq = n / 5;
        PipelineWorkload workload = new PipelineWorkload(n, vq / 10, vq - vq / 10, SEED);
        String uptimeBefore = uptime();
        Results results = Results.start(cluster.bootstrap(), n, workload.queryCount());
        long start = System.currentTimeMillis();
        SteadyPublisher obs =
                SteadyPublisher.start(
                        "observations",
                        cluster.bootstrap(),
                        rate,
                        withFeatures(workload),
                        Map.of());
        SteadyPublisher vectorsQueries =
                SteadyPublisher.start(
                        "vectors+queries",
                        cluster.bootstrap(),
                        rate / 5,
                        workload.vectorsThenQueries(),
                        Map.of());
        Monitor monitor =
                Monitor.run(
                        cluster,
                        jobId,
                        () -> obs.published() - results.observationsVisible(),
                        () -> obs.published() < n);
        Duration publishTimeout = Duration.ofSeconds(seconds * 2L + 120);
        obs.await(publishTimeout);
        vectorsQueries.await(publishTimeout);
        long published = System.currentTimeMillis();
        // Minute 1 against the last minute's floor (for runs under 2 minutes: the first and the
        // last 10 s of the second half).
        int from = seconds >= 120 ? 50 : seconds / 2;
        String verdict = monitor.verdict(rate, start, from, 10, seconds - 10);
        results.awaitComplete(workload, Duration.ofMinutes(5));
        long complete = System.currentTimeMillis();
        Thread.sleep(6000); // three checkpoints more, to catch late duplicates
        results.stop();
        String uptimeAfter = uptime();
        LOG.info(
                "sustained load: {} observations/s and {} vectors/queries/s for {} s ({} + {}"
                        + " records); last result visible {} s after the last input; {}",
                rate,
                rate / 5,
                seconds,
                n,
                vq,
                String.format("%.1f", (complete - published) / 1000.0),
                monitor.summary(start));
        LOG.info("sustained load: uptime before: {}; after: {}", uptimeBefore, uptimeAfter);
        results.logLatencies();
        assertThat(verdict).as("the sustained run at %s observations/s kept up", rate).isNull();
        results.assertExactlyOnce(workload);
        PipelineChecks.verifyNoDeadLetters(cluster.bootstrap());
        FaultRun.logFailoversAndCheckpoints(cluster, jobId, "sustained load");
        assertThat(
                        cluster.rest("/jobs/" + jobId + "/exceptions")
                                .path("exceptionHistory")
                                .path("entries"))
                .as("failovers during the run")
                .isEmpty();
    }

    /** The workload's observations with three features each, for the score stage. */
    private static RecordSource withFeatures(PipelineWorkload w) {
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        return i -> {
            if (i >= w.observationCount()) {
                return null;
            }
            int n = (int) i;
            return observation(
                    codec, "o" + n, "k" + (n % PipelineWorkload.KEYS), w.success(n) ? 1.0 : 0.0, n);
        };
    }

    /** Observation {@code id} of {@code key} with {@link #features}{@code (n)}, to publish. */
    private static Outgoing observation(
            AvroSingleObjectCodec<Observation> codec, String id, String key, double value, long n) {
        Observation o =
                Observation.newBuilder()
                        .setId(id)
                        .setKey(key)
                        .setTs(Instant.now())
                        .setValue(value)
                        .setFeatures(features(n))
                        .build();
        return new Outgoing(Topics.OBSERVATIONS, PipelineWorkload.bytes(key), codec.encode(o), id);
    }

    private static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.trim();
        } catch (Exception e) {
            return "uptime failed: " + e;
        }
    }

    static List<String> vertexIds(LocalCluster cluster, String jobId, String prefix) {
        List<String> ids = new ArrayList<>();
        for (JsonNode v : cluster.rest("/jobs/" + jobId).path("vertices")) {
            if (prefix.isEmpty() || v.path("name").asText().startsWith(prefix)) {
                ids.add(v.path("id").asText());
            }
        }
        assertThat(ids).as("vertices named '%s...'", prefix).isNotEmpty();
        return ids;
    }

    // ---- monitoring -------------------------------------------------------------------------

    /**
     * A thread sampling, while {@code running} holds, the results' lag every second, the job's
     * backpressure every 5 s (the highest subtask ratio of any vertex) and its checkpoint history
     * (every checkpoint seen, by id).
     */
    private static final class Monitor {
        private final List<long[]> lags = new ArrayList<>(); // time ms, lag
        private final List<double[]> backpressure = new ArrayList<>(); // time ms, max ratio
        private final Map<Long, JsonNode> checkpoints = new TreeMap<>();
        private long failedCheckpoints;

        static Monitor run(
                LocalCluster cluster, String jobId, LongSupplier lag, BooleanSupplier running)
                throws InterruptedException {
            Monitor m = new Monitor();
            List<String> vertices = vertexIds(cluster, jobId, "");
            long failedBefore =
                    cluster.rest("/jobs/" + jobId + "/checkpoints")
                            .path("counts")
                            .path("failed")
                            .asLong();
            for (int tick = 0; running.getAsBoolean(); tick++) {
                long now = System.currentTimeMillis();
                m.lags.add(new long[] {now, lag.getAsLong()});
                if (tick % 5 == 0) {
                    double max = 0;
                    for (String v : vertices) {
                        JsonNode bp =
                                cluster.rest("/jobs/" + jobId + "/vertices/" + v + "/backpressure");
                        for (JsonNode s : bp.path("subtasks")) {
                            max = Math.max(max, s.path("ratio").asDouble());
                        }
                    }
                    m.backpressure.add(new double[] {now, max});
                    JsonNode cps = cluster.rest("/jobs/" + jobId + "/checkpoints");
                    for (JsonNode cp : cps.path("history")) {
                        m.checkpoints.put(cp.path("id").asLong(), cp);
                    }
                    m.failedCheckpoints = cps.path("counts").path("failed").asLong() - failedBefore;
                }
                Thread.sleep(Math.max(0, now + 1000 - System.currentTimeMillis()));
            }
            return m;
        }

        /**
         * Null if the run kept up, else why not: a checkpoint triggered after {@code start} that
         * took 5 s or more or failed; the lag's floor over {@code [to, to + 10 s)} above that over
         * {@code [from, from + 10 s)} by more than {@link #LAG_GROWTH_SECONDS} of input; or high
         * backpressure in more than half of the samples of the last third.
         */
        String verdict(double rate, long start, int from, int window, int to) {
            List<String> why = new ArrayList<>();
            List<String> slow = new ArrayList<>();
            for (JsonNode cp : completedSince(start)) {
                if (cp.path("end_to_end_duration").asLong() >= CHECKPOINT_LIMIT_MS) {
                    slow.add(
                            cp.path("id").asText() + ": " + cp.path("end_to_end_duration") + " ms");
                }
            }
            if (!slow.isEmpty()) {
                why.add("checkpoints of 5 s or more " + slow);
            }
            if (failedCheckpoints > 0) {
                why.add(failedCheckpoints + " checkpoints failed");
            }
            long early = floor(start + from * 1000L, window);
            long late = floor(start + to * 1000L, window);
            if (late - early > rate * LAG_GROWTH_SECONDS) {
                why.add("lag grew from " + early + " to " + late + " observations");
            }
            List<double[]> tail =
                    backpressure.subList(backpressure.size() * 2 / 3, backpressure.size());
            long high = tail.stream().filter(s -> s[1] > HIGH_BACKPRESSURE).count();
            if (high * 2 > tail.size()) {
                why.add(high + " of the last " + tail.size() + " backpressure samples high");
            }
            return why.isEmpty() ? null : String.join("; ", why);
        }

        private List<JsonNode> completedSince(long start) {
            return checkpoints.values().stream()
                    .filter(cp -> cp.path("status").asText().equals("COMPLETED"))
                    .filter(cp -> cp.path("trigger_timestamp").asLong() >= start)
                    .toList();
        }

        /** The smallest lag sampled in {@code [from, from + window s)}. */
        private long floor(long from, int window) {
            return lags.stream()
                    .filter(l -> l[0] >= from && l[0] < from + window * 1000L)
                    .mapToLong(l -> l[1])
                    .min()
                    .orElseThrow(() -> new AssertionError("no lag sample after " + from));
        }

        /** The figures since {@code start} (ms since the epoch). */
        String summary(long start) {
            long[] durations =
                    completedSince(start).stream()
                            .mapToLong(cp -> cp.path("end_to_end_duration").asLong())
                            .sorted()
                            .toArray();
            double[] bp = backpressure.stream().mapToDouble(s -> s[1]).toArray();
            return String.format(
                    "%d checkpoints seen, end-to-end ms p50 %d max %d, %d failed; lag (observations"
                            + " without visible results) max %d; backpressure samples %d, max"
                            + " ratio mean %.2f max %.2f",
                    durations.length,
                    durations.length == 0 ? -1 : durations[durations.length / 2],
                    durations.length == 0 ? -1 : durations[durations.length - 1],
                    failedCheckpoints,
                    lags.stream().mapToLong(l -> l[1]).max().orElse(-1),
                    bp.length,
                    Arrays.stream(bp).average().orElse(-1),
                    Arrays.stream(bp).max().orElse(-1));
        }
    }

    // ---- results ----------------------------------------------------------------------------

    /** A result's input id and event time. */
    private record Result(String id, long tsMillis) {}

    /**
     * One reader thread per result topic (read_committed): counts each input's results, and for the
     * first one notes (Kafka timestamp - event time) and (wall clock at the poll - event time).
     * Calibration results (ids starting with c) are only counted, together.
     */
    private static final class Results {
        private final List<Stage> stages = new ArrayList<>();

        static Results start(String bootstrap, int observations, int queries) {
            Results r = new Results();
            r.stages.add(
                    new Stage(
                            "posteriors",
                            Topics.POSTERIORS,
                            'o',
                            observations,
                            codec(
                                    PosteriorUpdate.class,
                                    u -> new Result(u.getId(), u.getTs().toEpochMilli()))));
            r.stages.add(
                    new Stage(
                            "scores",
                            Topics.SCORES,
                            'o',
                            observations,
                            codec(
                                    Score.class,
                                    s -> new Result(s.getId(), s.getTs().toEpochMilli()))));
            r.stages.add(
                    new Stage(
                            "walks",
                            Topics.WALKS,
                            'o',
                            observations,
                            codec(
                                    WalkSummary.class,
                                    s -> new Result(s.getId(), s.getTs().toEpochMilli()))));
            r.stages.add(
                    new Stage(
                            "matches",
                            Topics.MATCHES,
                            'q',
                            queries,
                            codec(
                                    MatchResult.class,
                                    m -> new Result(m.getQueryId(), m.getTs().toEpochMilli()))));
            r.stages.forEach(s -> s.start(bootstrap));
            return r;
        }

        private static <T extends SpecificRecord>
                Function<ConsumerRecord<byte[], byte[]>, Result> codec(
                        Class<T> type, Function<T, Result> fields) {
            AvroSingleObjectCodec<T> codec = AvroSingleObjectCodec.of(type);
            return r -> fields.apply(PipelineChecks.decode(codec, r));
        }

        /** Calibration observations with both their posterior and score visible. */
        long calibrationVisible() {
            return Math.min(stages.get(0).calibration(), stages.get(1).calibration());
        }

        /** Run observations with both their posterior and score visible. */
        long observationsVisible() {
            return Math.min(stages.get(0).distinct(), stages.get(1).distinct());
        }

        void awaitComplete(PipelineWorkload w, Duration timeout) throws InterruptedException {
            long walks =
                    IntStream.range(0, w.observationCount())
                            .filter(PipelineWorkload::triggersWalk)
                            .count();
            long[] expected = {w.observationCount(), w.observationCount(), walks, w.queryCount()};
            long deadline = System.nanoTime() + timeout.toNanos();
            for (int i = 0; i < stages.size(); i++) {
                while (stages.get(i).distinct() < expected[i] && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
            }
        }

        void stop() throws InterruptedException {
            for (Stage s : stages) {
                s.stop();
            }
        }

        void logLatencies() {
            stages.forEach(Stage::logLatencies);
        }

        void assertExactlyOnce(PipelineWorkload w) {
            IntPredicate all = i -> true;
            IntPredicate[] expected = {all, all, PipelineWorkload::triggersWalk, all};
            for (int i = 0; i < stages.size(); i++) {
                stages.get(i).assertExactlyOnce(expected[i]);
            }
        }
    }

    /** The reader of one result topic. */
    private static final class Stage {
        private final String name;
        private final String topic;
        private final char prefix;
        private final Function<ConsumerRecord<byte[], byte[]>, Result> decode;
        private final int[] counts;
        private final int[] kafkaLatency;
        private final int[] seenLatency;
        private final List<String> unexpected = new ArrayList<>();
        private volatile long distinct;
        private volatile long calibration;
        private long firstKafkaTs = Long.MAX_VALUE;
        private long lastKafkaTs = Long.MIN_VALUE;
        private volatile boolean stop;
        private Thread thread;

        Stage(
                String name,
                String topic,
                char prefix,
                int capacity,
                Function<ConsumerRecord<byte[], byte[]>, Result> decode) {
            this.name = name;
            this.topic = topic;
            this.prefix = prefix;
            this.decode = decode;
            this.counts = new int[capacity];
            this.kafkaLatency = new int[capacity];
            this.seenLatency = new int[capacity];
        }

        void start(String bootstrap) {
            thread =
                    new Thread(
                            () ->
                                    CommittedReader.readUntil(
                                            bootstrap,
                                            topic,
                                            this::accept,
                                            () -> stop,
                                            Duration.ZERO,
                                            Duration.ofHours(2)),
                            "results-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        private void accept(ConsumerRecord<byte[], byte[]> r) {
            long seen = System.currentTimeMillis();
            Result result = decode.apply(r);
            String id = result.id();
            if (id != null && id.startsWith("c")) {
                calibration++; // only this thread writes it
                return;
            }
            int i = PipelineChecks.index(id, prefix, counts.length);
            if (i < 0) {
                synchronized (unexpected) {
                    unexpected.add(id);
                }
                return;
            }
            if (counts[i]++ == 0) {
                kafkaLatency[(int) distinct] = (int) (r.timestamp() - result.tsMillis());
                seenLatency[(int) distinct] = (int) (seen - result.tsMillis());
                firstKafkaTs = Math.min(firstKafkaTs, r.timestamp());
                lastKafkaTs = Math.max(lastKafkaTs, r.timestamp());
                distinct++;
            }
        }

        long distinct() {
            return distinct;
        }

        long calibration() {
            return calibration;
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join();
        }

        void logLatencies() {
            int n = (int) distinct;
            int[] kafka = Arrays.copyOf(kafkaLatency, n);
            int[] seen = Arrays.copyOf(seenLatency, n);
            Arrays.sort(kafka);
            Arrays.sort(seen);
            double span = Math.max(1, lastKafkaTs - firstKafkaTs) / 1000.0;
            LOG.info(
                    "sustained load, {}: {} results, {} results/s; latency event ts -> result"
                            + " Kafka ts p50 {} ms p99 {} ms; event ts -> seen by a"
                            + " read_committed consumer p50 {} ms p99 {} ms",
                    name,
                    n,
                    String.format("%.0f", n / span),
                    percentile(kafka, 0.5),
                    percentile(kafka, 0.99),
                    percentile(seen, 0.5),
                    percentile(seen, 0.99));
        }

        private static int percentile(int[] sorted, double p) {
            return sorted.length == 0
                    ? -1
                    : sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
        }

        void assertExactlyOnce(IntPredicate expected) {
            assertThat(unexpected).as("%s of unknown inputs", name).isEmpty();
            PipelineChecks.assertExactlyOnce(name, prefix, counts, expected);
        }
    }
}
