package dev.quiver.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;

import dev.quiver.cluster.LocalCluster;
import dev.quiver.ensemble.flink.ScoreFunction;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.DecodeException;
import dev.quiver.io.Topics;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.QueryMode;
import dev.quiver.schema.Score;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.WalkSummary;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Savepoint upgrade of the whole pipeline: stop with a savepoint, restart
 * from it with another parallelism (2 to 3) and an upgraded job jar whose {@code Score} schema has
 * a new optional field; the state carries over, so every answer equals that of an uninterrupted
 * run.
 *
 * <p>Run A: one cluster, the pipeline at parallelism 2 over the whole input. Run B: a fresh
 * cluster, the same input's first half, stop-with-savepoint, the second half published while the
 * job is down, the {@link UpgradedJobJar upgraded jar} restarted from the savepoint at parallelism
 * 3. Per input id, every posterior, match answer, walk summary and score of B equals A's, field for
 * field (doubles by bits), except the run-dependent {@link #RUN_DEPENDENT} fields. That holds only
 * if the restore kept the posteriors (bayes), the kd-trees' points (the vectors are published
 * before the savepoint only), each key's walk sequence number (the RNG position: a summary's random
 * stream is that number), the model in use (published before the savepoint only; the models source
 * resumes past it) and the sources' offsets (no id lost or repeated).
 *
 * <p>The determinism this needs: the model and every vector have reached the operators before the
 * first observation or query is published (waited for on the vertices' {@code numRecordsIn}), and
 * each key's observations keep their order (one partition per key, decode chained to the source).
 *
 * <p>The schema change: every score the upgraded job writes carries the new schema's fingerprint
 * and every score before it the old one; a reader built with the old {@code Score} class reads the
 * new records by Avro schema resolution once it has the new writer schema (single-object encoding
 * names the writer by fingerprint only, so without it Quiver's codec refuses them), and a reader of
 * the new schema reads old and new records alike, the new field null.
 *
 * <p>Takes about ten minutes on a loaded two-core machine; run with {@code flock
 * /tmp/quiver-cluster.lock ./mvnw -B -o -Pfaults verify -pl jobs -am -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SavepointUpgradeFaultIT}.
 */
class SavepointUpgradeFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(SavepointUpgradeFaultIT.class);

    /** Fields whose value depends on the run (timing), left out of every comparison. */
    static final List<String> RUN_DEPENDENT = List.of("latencyMs");

    private static final long SEED = 20270307L;
    private static final int KEYS = 4;
    private static final int OBSERVATIONS = 2000;
    private static final int QUERIES = 120;
    private static final List<String> NAMESPACES = List.of("ns-a", "ns-b");
    private static final int VECTORS_PER_NAMESPACE = 150;
    private static final int DIMENSION = 3;

    /**
     * Event time of the first record, the same in both runs. Near now: the broker refuses
     * timestamps more than a day ahead, and its retention check deletes records whose timestamps
     * are older than 7 days, maybe before the job has read them.
     */
    private static final long START_TS =
            Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

    private static final String MODEL_ID = "upgrade";

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Duration GRACE = Duration.ofSeconds(3);

    private static final List<String> TOPICS =
            List.of(
                    Topics.OBSERVATIONS,
                    Topics.VECTORS,
                    Topics.QUERIES,
                    Topics.MODELS,
                    Topics.POSTERIORS,
                    Topics.MATCHES,
                    Topics.WALKS,
                    Topics.SCORES,
                    Topics.DEAD_LETTER);

    @Test
    void upgradeFromASavepointWithNewParallelismAndSchemaAnswersAsAnUninterruptedRun(
            @TempDir Path dir) throws Exception {
        Outputs uninterrupted = runUninterrupted(dir.resolve("a"));
        Upgraded upgraded = runWithUpgrade(dir.resolve("b"));
        Outputs b = upgraded.outputs;

        compare("posteriors", uninterrupted.posteriors, b.posteriors);
        compare("matches", uninterrupted.matches, b.matches);
        compare("walks", uninterrupted.walks, b.walks);
        compare("scores", uninterrupted.scores, b.scores);
        assertThat(b.scores.values())
                .as("every score from the model published before the savepoint")
                .allSatisfy(s -> assertThat(s.getModelVersion()).isEqualTo(1L));
        checkScoreSchemas(upgraded);
    }

    /** Run A: the pipeline at parallelism 2 over the whole input, never stopped. */
    private Outputs runUninterrupted(Path dir) throws Exception {
        try (LocalCluster cluster = LocalCluster.create(Files.createDirectories(dir))) {
            long start = System.nanoTime();
            String jobId = startPipeline(cluster);
            publishHalf(cluster.bootstrap(), 0);
            publishHalf(cluster.bootstrap(), 1);
            Outputs outputs = readOutputs(cluster, null);
            LOG.info("run A (uninterrupted, parallelism 2): {} in {} s", outputs, seconds(start));
            cluster.run("cancel", jobId).assertSuccess();
            return outputs;
        }
    }

    /**
     * Run B: first half at parallelism 2, stop-with-savepoint, second half published while stopped,
     * the upgraded jar restarted from the savepoint at parallelism 3.
     */
    private Upgraded runWithUpgrade(Path dir) throws Exception {
        try (LocalCluster cluster = LocalCluster.create(Files.createDirectories(dir))) {
            long start = System.nanoTime();
            String jobId = startPipeline(cluster);
            publishHalf(cluster.bootstrap(), 0);
            // The first half's results all out before the stop: so each score's schema says on
            // which side of the upgrade it was written.
            awaitCounts(cluster.bootstrap(), OBSERVATIONS / 2, QUERIES / 2, firstHalfWalks());
            LOG.info("run B: first half done in {} s", seconds(start));

            long stop = System.nanoTime();
            String savepoint = cluster.stopWithSavepoint(jobId);
            LOG.info(
                    "run B: stop-with-savepoint in {} s, {} ({} KiB)",
                    seconds(stop),
                    savepoint,
                    sizeKiB(Path.of(savepoint)));
            assertThat(cluster.rest("/jobs/" + jobId).path("state").asText()).isEqualTo("FINISHED");
            long build = System.nanoTime();
            UpgradedJobJar upgrade =
                    UpgradedJobJar.build(
                            Path.of(System.getProperty("quiver.jobJar")),
                            Files.createDirectories(dir.resolve("upgrade")));
            LOG.info("run B: upgraded job jar built in {} s", seconds(build));
            publishHalf(cluster.bootstrap(), 1);

            long restart = System.nanoTime();
            String upgradedId =
                    cluster.submit(
                            upgrade.jar(),
                            savepoint,
                            "pipeline",
                            "--parallelism",
                            "3",
                            "--score-model-id",
                            MODEL_ID);
            cluster.awaitJobRunning(upgradedId, TIMEOUT);
            LOG.info("run B: upgraded job running {} s after its submission", seconds(restart));
            checkParallelism(cluster.rest("/jobs/" + upgradedId), 3);

            Outputs outputs = readOutputs(cluster, upgrade.newScore());
            LOG.info(
                    "run B (savepoint, parallelism 2 -> 3, upgraded Score): {}; all read {} s"
                            + " after the restart (with a 3 s grace per topic), {} s in all",
                    outputs,
                    seconds(restart),
                    seconds(start));
            List<ConsumerRecord<byte[], byte[]>> scoreRecords =
                    KafkaTestClients.readCommitted(
                            cluster.bootstrap(), Topics.SCORES, OBSERVATIONS, GRACE, TIMEOUT);
            cluster.run("cancel", upgradedId).assertSuccess();
            return new Upgraded(outputs, upgrade, scoreRecords);
        }
    }

    /** Brings a cluster up and starts the pipeline once its model and vectors are in. */
    private static String startPipeline(LocalCluster cluster) throws Exception {
        long start = System.nanoTime();
        cluster.up(2);
        LOG.info("cluster up in {} s", seconds(start));
        KafkaTopics.ensureTopics(cluster.bootstrap(), TOPICS, 4, Duration.ofSeconds(60));
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(cluster.bootstrap())) {
            ModelUpdate model =
                    ScoreFunction.update(
                            MODEL_ID,
                            1,
                            PipelineWorkload.TREE_MODEL.getBytes(StandardCharsets.UTF_8),
                            Instant.ofEpochMilli(START_TS));
            producer.send(
                    new ProducerRecord<>(
                            Topics.MODELS,
                            utf8(MODEL_ID),
                            AvroSingleObjectCodec.of(ModelUpdate.class).encode(model)));
            AvroSingleObjectCodec<VectorEvent> codec = AvroSingleObjectCodec.of(VectorEvent.class);
            for (VectorEvent v : vectors()) {
                producer.send(
                        new ProducerRecord<>(
                                Topics.VECTORS, utf8(v.getNamespace()), codec.encode(v)));
            }
            producer.flush();
        }
        long submit = System.nanoTime();
        String jobId =
                cluster.submit("pipeline", "--parallelism", "2", "--score-model-id", MODEL_ID);
        cluster.awaitJobRunning(jobId, TIMEOUT);
        JsonNode job = cluster.rest("/jobs/" + jobId);
        checkParallelism(job, 2);
        // Queries before the last vector, or observations before the model, would make the
        // answers depend on timing: wait until the match operators have read every vector and
        // each score operator the model.
        awaitVertexMetric(cluster, job, "match", "sum", NAMESPACES.size() * VECTORS_PER_NAMESPACE);
        awaitVertexMetric(cluster, job, "score ", "min", 1);
        LOG.info("pipeline {} running with model and vectors in {} s", jobId, seconds(submit));
        return jobId;
    }

    /** Every vertex of the pipeline's stages runs with {@code parallelism}. */
    private static void checkParallelism(JsonNode job, int parallelism) {
        List<String> vertices = new ArrayList<>();
        for (JsonNode vertex : job.path("vertices")) {
            String name = vertex.path("name").asText();
            vertices.add(
                    name
                            + " p="
                            + vertex.path("parallelism").asInt()
                            + " maxP="
                            + vertex.path("maxParallelism").asText("?"));
            if (Stream.of("bayes", "match", "walk", "score ").anyMatch(name::startsWith)) {
                assertThat(vertex.path("parallelism").asInt()).as(name).isEqualTo(parallelism);
            }
        }
        LOG.info("job vertices: {}", vertices);
    }

    /**
     * Waits until the {@code agg} (sum or min over subtasks) of {@code numRecordsIn} of the vertex
     * whose name starts with {@code prefix} reaches {@code atLeast}.
     */
    private static void awaitVertexMetric(
            LocalCluster cluster, JsonNode job, String prefix, String agg, long atLeast) {
        String vertexId = null;
        for (JsonNode vertex : job.path("vertices")) {
            if (vertex.path("name").asText().startsWith(prefix)) {
                vertexId = vertex.path("id").asText();
            }
        }
        assertThat(vertexId).as("a vertex named '" + prefix + "...'").isNotNull();
        String path =
                "/jobs/"
                        + job.path("jid").asText()
                        + "/vertices/"
                        + vertexId
                        + "/subtasks/metrics?get=numRecordsIn&agg="
                        + agg;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        double value = -1;
        while (System.nanoTime() < deadline) {
            JsonNode metrics = cluster.rest(path);
            value = metrics.path(0).path(agg).asDouble(-1);
            if (value >= atLeast) {
                return;
            }
            sleep(Duration.ofSeconds(1));
        }
        throw new AssertionError(
                "vertex '"
                        + prefix
                        + "': "
                        + agg
                        + " numRecordsIn "
                        + value
                        + " < "
                        + atLeast
                        + " after "
                        + TIMEOUT
                        + cluster.logTail("taskmanager-1"));
    }

    /** Publishes half {@code half} (0 or 1) of the observations and queries. */
    private static void publishHalf(String bootstrap, int half) throws Exception {
        AvroSingleObjectCodec<Observation> observations =
                AvroSingleObjectCodec.of(Observation.class);
        AvroSingleObjectCodec<QueryEvent> queries = AvroSingleObjectCodec.of(QueryEvent.class);
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.bytesProducer(bootstrap)) {
            List<Observation> all = observations();
            for (int i = half * OBSERVATIONS / 2; i < (half + 1) * OBSERVATIONS / 2; i++) {
                Observation o = all.get(i);
                producer.send(
                        new ProducerRecord<>(
                                Topics.OBSERVATIONS, utf8(o.getKey()), observations.encode(o)));
            }
            List<QueryEvent> allQueries = queries();
            for (int i = half * QUERIES / 2; i < (half + 1) * QUERIES / 2; i++) {
                QueryEvent q = allQueries.get(i);
                producer.send(
                        new ProducerRecord<>(
                                Topics.QUERIES, utf8(q.getNamespace()), queries.encode(q)));
            }
            producer.flush();
        }
    }

    /** Observations: keys round robin (500 each), values 0/1, three features in [0, 1). */
    private static List<Observation> observations() {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < OBSERVATIONS; i++) {
            int k = i % KEYS;
            out.add(
                    Observation.newBuilder()
                            .setId("o-" + i)
                            .setKey("key-" + k)
                            .setTs(Instant.ofEpochMilli(START_TS + i))
                            .setValue(random.nextDouble() < (k + 1.0) / (KEYS + 1.0) ? 1 : 0)
                            .setFeatures(
                                    List.of(
                                            random.nextDouble(),
                                            random.nextDouble(),
                                            random.nextDouble()))
                            .build());
        }
        return out;
    }

    /** Upserts of uniform points in [0, 1)^3, one set per namespace. */
    private static List<VectorEvent> vectors() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        List<VectorEvent> out = new ArrayList<>();
        for (String namespace : NAMESPACES) {
            for (int i = 0; i < VECTORS_PER_NAMESPACE; i++) {
                out.add(
                        VectorEvent.newBuilder()
                                .setId(namespace + "-v" + i)
                                .setNamespace(namespace)
                                .setTs(Instant.ofEpochMilli(START_TS + i))
                                .setVector(point(random))
                                .build());
            }
        }
        return out;
    }

    /** Queries over both namespaces, KNN (k 5), RADIUS (0.2) and MATCH in turn. */
    private static List<QueryEvent> queries() {
        SplittableRandom random = new SplittableRandom(SEED + 2);
        QueryMode[] modes = QueryMode.values();
        List<QueryEvent> out = new ArrayList<>();
        for (int i = 0; i < QUERIES; i++) {
            QueryMode mode = modes[i % modes.length];
            out.add(
                    QueryEvent.newBuilder()
                            .setId("q-" + i)
                            .setNamespace(NAMESPACES.get(i % NAMESPACES.size()))
                            .setTs(Instant.ofEpochMilli(START_TS + OBSERVATIONS + i))
                            .setVector(point(random))
                            .setK(5)
                            .setMode(mode)
                            .setRadius(mode == QueryMode.RADIUS ? 0.2f : null)
                            .build());
        }
        return out;
    }

    private static List<Float> point(SplittableRandom random) {
        List<Float> point = new ArrayList<>();
        for (int d = 0; d < DIMENSION; d++) {
            point.add((float) random.nextDouble());
        }
        return point;
    }

    /** Walks of the first half: sequences 0, 100 and 200 of each key's first 250. */
    private static int firstHalfWalks() {
        return KEYS * ((OBSERVATIONS / 2 / KEYS + 99) / 100);
    }

    /** Waits until the result topics hold at least these many committed records; fails if not. */
    private static void awaitCounts(String bootstrap, int observations, int queries, int walks) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put(Topics.POSTERIORS, observations);
        counts.put(Topics.SCORES, observations);
        counts.put(Topics.MATCHES, queries);
        counts.put(Topics.WALKS, walks);
        counts.forEach(
                (topic, count) ->
                        assertThat(
                                        KafkaTestClients.readCommitted(
                                                bootstrap, topic, count, Duration.ZERO, TIMEOUT))
                                .as(
                                        topic
                                                + " before the savepoint; dead letters: "
                                                + first10(
                                                        deadLetterReasons(
                                                                bootstrap, Duration.ZERO)))
                                .hasSizeGreaterThanOrEqualTo(count));
    }

    /**
     * Every result of a run, read committed, decoded with the old classes, by input id; scores
     * written with {@code newerScore} (null: none) resolved to the old class.
     */
    private static Outputs readOutputs(LocalCluster cluster, Schema newerScore) throws IOException {
        String bootstrap = cluster.bootstrap();
        Outputs outputs =
                new Outputs(
                        read(
                                cluster,
                                Topics.POSTERIORS,
                                oldClassDecoder(PosteriorUpdate.class, null),
                                observationIds(),
                                PosteriorUpdate::getId),
                        read(
                                cluster,
                                Topics.MATCHES,
                                oldClassDecoder(MatchResult.class, null),
                                queryIds(),
                                MatchResult::getQueryId),
                        read(
                                cluster,
                                Topics.WALKS,
                                oldClassDecoder(WalkSummary.class, null),
                                walkIds(),
                                WalkSummary::getId),
                        read(
                                cluster,
                                Topics.SCORES,
                                oldClassDecoder(Score.class, newerScore),
                                observationIds(),
                                Score::getId));
        assertThat(deadLetterReasons(bootstrap, GRACE)).as("dead letters").isEmpty();
        return outputs;
    }

    /**
     * The committed records of {@code topic} by id, once every expected id is there (or after
     * {@link #TIMEOUT}); fails listing the first 10 missing, unexpected and duplicated ids.
     */
    private static <T extends SpecificRecordBase> Map<String, T> read(
            LocalCluster cluster,
            String topic,
            BinaryMessageDecoder<T> decoder,
            List<String> expectedIds,
            Function<T, String> idOf)
            throws IOException {
        Map<String, T> byId = new TreeMap<>();
        List<String> duplicated = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(
                        cluster.bootstrap(), topic, expectedIds.size(), GRACE, TIMEOUT)) {
            T record = decoder.decode(r.value(), null);
            if (byId.put(idOf.apply(record), record) != null) {
                duplicated.add(idOf.apply(record));
            }
        }
        List<String> missing = expectedIds.stream().filter(id -> !byId.containsKey(id)).toList();
        List<String> unexpected =
                byId.keySet().stream().filter(id -> !expectedIds.contains(id)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty() || !duplicated.isEmpty()) {
            throw new AssertionError(
                    topic
                            + ": "
                            + missing.size()
                            + " ids missing, first 10: "
                            + first10(missing)
                            + "; "
                            + unexpected.size()
                            + " unexpected: "
                            + first10(unexpected)
                            + "; "
                            + duplicated.size()
                            + " duplicated: "
                            + first10(duplicated)
                            + "; dead letters: "
                            + first10(deadLetterReasons(cluster.bootstrap(), Duration.ZERO))
                            + cluster.logTail("taskmanager-1"));
        }
        return byId;
    }

    /** The reasons of the committed dead letters, polled for {@code wait}. */
    private static List<String> deadLetterReasons(String bootstrap, Duration wait) {
        AvroSingleObjectCodec<DeadLetter> codec = AvroSingleObjectCodec.of(DeadLetter.class);
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(bootstrap, Topics.DEAD_LETTER, 0, wait, TIMEOUT)) {
            DeadLetter d = decode(codec, r.value());
            reasons.add(d.getSource() + ": " + d.getReason());
        }
        return reasons;
    }

    /** Ids of every observation: one posterior and one score each. */
    private static List<String> observationIds() {
        return IntStream.range(0, OBSERVATIONS).mapToObj(i -> "o-" + i).toList();
    }

    /** Ids of every query: one match result each. */
    private static List<String> queryIds() {
        return IntStream.range(0, QUERIES).mapToObj(i -> "q-" + i).toList();
    }

    /**
     * Ids of the walked observations: with keys round robin, observation i is number i / KEYS of
     * its key, walked when that is a multiple of 100.
     */
    private static List<String> walkIds() {
        return IntStream.range(0, OBSERVATIONS)
                .filter(i -> (i / KEYS) % 100 == 0)
                .mapToObj(i -> "o-" + i)
                .toList();
    }

    /**
     * Avro's single-object decoder for the class built into this test (the old schema), which also
     * resolves records written with {@code newerWriter} when given (null: only the class's schema).
     */
    private static <T extends SpecificRecord> BinaryMessageDecoder<T> oldClassDecoder(
            Class<T> type, Schema newerWriter) {
        SpecificData model = SpecificData.getForClass(type);
        BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(model, model.getSchema(type));
        if (newerWriter != null) {
            decoder.addSchema(newerWriter);
        }
        return decoder;
    }

    /**
     * Every id in both runs, each once, and every record of B equal to A's but for {@link
     * #RUN_DEPENDENT}.
     */
    private static <T extends SpecificRecordBase> void compare(
            String what, Map<String, T> expected, Map<String, T> actual) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        List<String> different = new ArrayList<>();
        for (Map.Entry<String, T> e : expected.entrySet()) {
            T b = actual.get(e.getKey());
            if (b == null) {
                missing.add(e.getKey());
            } else if (!withoutRunDependent(b).equals(withoutRunDependent(e.getValue()))) {
                different.add(e.getKey() + ": A " + e.getValue() + " B " + b);
            }
        }
        actual.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(extra::add);
        LOG.info(
                "{}: {} ids compared, {} missing, {} extra, {} different",
                what,
                expected.size(),
                missing.size(),
                extra.size(),
                different.size());
        assertThat(missing)
                .as(what + " missing after the upgrade, first 10: " + first10(missing))
                .isEmpty();
        assertThat(extra).as(what + " not in run A, first 10: " + first10(extra)).isEmpty();
        assertThat(different)
                .as(what + " different from run A, first 10: " + first10(different))
                .isEmpty();
    }

    /**
     * A copy with the run-dependent fields zeroed; Avro's equals then compares doubles by bits
     * (Double.compare) and everything else by value.
     */
    private static <T extends SpecificRecordBase> T withoutRunDependent(T record) {
        T copy = SpecificData.getForClass(record.getClass()).deepCopy(record.getSchema(), record);
        for (String field : RUN_DEPENDENT) {
            copy.put(field, 0L);
        }
        return copy;
    }

    /**
     * The scores' schemas: the first half's written with the old schema, the second half's with the
     * upgraded one; old readers need the new writer schema and then read every record; a reader of
     * the new schema reads every record with the new field null.
     */
    private static void checkScoreSchemas(Upgraded upgraded) throws IOException {
        Schema oldSchema = upgraded.upgrade.oldScore();
        Schema newSchema = upgraded.upgrade.newScore();
        long oldFingerprint = SchemaNormalization.parsingFingerprint64(oldSchema);
        long newFingerprint = SchemaNormalization.parsingFingerprint64(newSchema);
        assertThat(oldFingerprint)
                .as("the jar's Score.avsc is this test's Score class's schema")
                .isEqualTo(SchemaNormalization.parsingFingerprint64(Score.getClassSchema()));
        assertThat(newFingerprint).isNotEqualTo(oldFingerprint);

        BinaryMessageDecoder<Score> oldReader = oldClassDecoder(Score.class, newSchema);
        AvroSingleObjectCodec<Score> quiverOldReader = AvroSingleObjectCodec.of(Score.class);
        GenericDatumReader<GenericRecord> newFromOld =
                new GenericDatumReader<>(oldSchema, newSchema);
        GenericDatumReader<GenericRecord> newFromNew = new GenericDatumReader<>(newSchema);
        Map<String, Long> fingerprintById = new LinkedHashMap<>();
        int newRecords = 0;
        for (ConsumerRecord<byte[], byte[]> r : upgraded.scoreRecords) {
            byte[] bytes = r.value();
            long fingerprint =
                    ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            Score old = oldReader.decode(bytes, null);
            fingerprintById.put(old.getId(), fingerprint);
            GenericRecord asNew =
                    (fingerprint == newFingerprint ? newFromNew : newFromOld)
                            .read(
                                    null,
                                    DecoderFactory.get()
                                            .binaryDecoder(bytes, 10, bytes.length - 10, null));
            assertThat(asNew.getSchema().getField(UpgradedJobJar.NEW_FIELD)).isNotNull();
            assertThat(asNew.get(UpgradedJobJar.NEW_FIELD)).as(old.getId()).isNull();
            assertThat(asNew.get("prediction")).as(old.getId()).isEqualTo(old.getPrediction());
            if (fingerprint == newFingerprint) {
                newRecords++;
                assertThatThrownBy(() -> quiverOldReader.decode(bytes))
                        .as("Quiver's reader without the new writer schema")
                        .isInstanceOf(DecodeException.class)
                        .hasMessageContaining("unknown schema fingerprint");
            }
        }
        List<String> wrongSchema = new ArrayList<>();
        fingerprintById.forEach(
                (id, fingerprint) -> {
                    int n = Integer.parseInt(id.substring(2));
                    long want = n < OBSERVATIONS / 2 ? oldFingerprint : newFingerprint;
                    if (fingerprint != want) {
                        wrongSchema.add(id);
                    }
                });
        LOG.info(
                "scores: {} written with the old Score schema, {} with the upgraded one (field"
                        + " '{}'), all read by the old class and by the new schema",
                fingerprintById.size() - newRecords,
                newRecords,
                UpgradedJobJar.NEW_FIELD);
        assertThat(wrongSchema)
                .as(
                        "scores written with the other side's schema, first 10: "
                                + first10(wrongSchema))
                .isEmpty();
        assertThat(newRecords).isEqualTo(OBSERVATIONS / 2);
    }

    private static <T extends SpecificRecord> T decode(AvroSingleObjectCodec<T> codec, byte[] b) {
        try {
            return codec.decode(b);
        } catch (DecodeException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static List<String> first10(List<String> ids) {
        return ids.subList(0, Math.min(10, ids.size()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
    }

    private static long sizeKiB(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                            .mapToLong(
                                    f -> {
                                        try {
                                            return Files.size(f);
                                        } catch (IOException e) {
                                            return 0;
                                        }
                                    })
                            .sum()
                    / 1024;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A run's results by input id. */
    private record Outputs(
            Map<String, PosteriorUpdate> posteriors,
            Map<String, MatchResult> matches,
            Map<String, WalkSummary> walks,
            Map<String, Score> scores) {
        @Override
        public String toString() {
            return posteriors.size()
                    + " posteriors, "
                    + matches.size()
                    + " matches, "
                    + walks.size()
                    + " walks, "
                    + scores.size()
                    + " scores";
        }
    }

    /** Run B's results, its upgrade, and its raw score records (for their schemas). */
    private record Upgraded(
            Outputs outputs,
            UpgradedJobJar upgrade,
            List<ConsumerRecord<byte[], byte[]>> scoreRecords) {}
}
