package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.cli.QuiverCli;
import dev.quiver.ensemble.EnsembleModel;
import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.LoadLimits;
import dev.quiver.ensemble.ScoreBuffer;
import dev.quiver.ensemble.flink.ScoreFunction;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.Topics;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.Score;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The score job on files and on a real broker: every observation scored once, as the kernel scores
 * it, and a hot swap mid-stream in which every observation is scored by the version in use when it
 * was processed, an invalid update is a dead letter and the model in use stays.
 */
class ScoreJobEndToEndTest {

    private static EmbeddedKafkaBroker broker;
    private static double[][] rows;
    private static byte[] version0;

    /**
     * Version 2: the mean of version 0, read from a member file, and a stump on feature 7, so its
     * predictions differ from version 0's.
     */
    private static final String BAGGING =
            "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"bagging\","
                    + " \"combine\": \"mean\", \"members\": [{\"xgboost\": \"members/churn.json\"},"
                    + " {\"trees\": {\"objective\": \"binary:logistic\", \"features\": 30,"
                    + " \"trees\": [{\"feature\": 7, \"threshold\": 0.05, \"missing\": \"left\","
                    + " \"left\": {\"leaf\": 0.5}, \"right\": {\"leaf\": -0.5}}]}}]}";

    @BeforeAll
    static void setUp() throws IOException {
        broker = EmbeddedKafkaBroker.builder().start();
        rows = csv(oracles().resolve("breast_cancer_test_with_nan.csv"));
        version0 = Files.readAllBytes(oracles().resolve("xgb_bc_binary.json"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void fileRunScoresEveryObservationAsTheKernelDoes(@TempDir Path dir) throws IOException {
        Path model = Files.write(dir.resolve("churn.json"), version0);
        List<String> lines = observationLines(rows.length);
        lines.add("{\"id\":\"short\",\"key\":\"k\",\"ts\":1,\"value\":0,\"features\":[1,2]}");
        Path input = Files.write(dir.resolve("obs.ndjson"), lines);
        Path output = dir.resolve("scores.ndjson");

        int exit = runOnFiles(model, input, output);

        assertThat(exit).as(lastError).isZero();
        NdjsonCodec<Score> scores = NdjsonCodec.of(Score.class);
        Map<String, Score> byId = new HashMap<>();
        for (String line : Files.readAllLines(output)) {
            Score score = decode(scores, line);
            assertThat(byId.put(score.getId(), score)).as("duplicate " + score.getId()).isNull();
        }
        double[] expected = predictions(EnsembleModels.fromBytes(version0));
        assertThat(byId).hasSize(rows.length);
        for (int i = 0; i < rows.length; i++) {
            Score score = byId.get("o" + i);
            assertThat(score.getModelId()).isEqualTo("churn");
            assertThat(score.getModelVersion()).isZero();
            assertThat(score.getPrediction()).isEqualTo(expected[i]);
        }
        assertThat(Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString()))))
                .singleElement()
                .asString()
                .contains("takes 30 features, got 2");
    }

    /**
     * With --models, every update in the file is applied before the first observation is scored,
     * whichever file is read faster: all observations are scored by the last version.
     */
    @Test
    void fileRunAppliesTheWholeModelsFileBeforeScoring(@TempDir Path dir) throws IOException {
        Path model = Files.write(dir.resolve("churn.json"), version0);
        Path modelsFile = updatesFile(dir);
        int count = rows.length * 20;
        Path input = Files.write(dir.resolve("obs.ndjson"), observationLines(count));
        Path output = dir.resolve("scores.ndjson");

        int exit = runOnFiles(model, input, output, "--models", modelsFile.toString());

        assertThat(exit).as(lastError).isZero();
        NdjsonCodec<Score> scores = NdjsonCodec.of(Score.class);
        List<Score> written = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            written.add(decode(scores, line));
        }
        assertScoredByTheBaggingVersion(dir, written, count);
        assertThat(Path.of(PipelineIo.deadLetterPath(output.toString()))).isEmptyFile();
    }

    @Test
    void fileRunShipsACompositionsMemberFilesAndScoresAsTheKernelDoes(@TempDir Path dir)
            throws IOException {
        Path bagging = bagging(dir);
        Path input = Files.write(dir.resolve("obs.ndjson"), observationLines(rows.length));
        Path output = dir.resolve("scores.ndjson");
        String[] args = {
            "run",
            "score",
            "--model",
            bagging.toString(),
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--parallelism",
            "1"
        };

        assertThat(run(args)).as(lastError).isZero();
        double[] expected = predictions(EnsembleModels.load(bagging));
        NdjsonCodec<Score> scores = NdjsonCodec.of(Score.class);
        List<String> written = Files.readAllLines(output);
        assertThat(written).hasSize(rows.length);
        for (String line : written) {
            Score score = decode(scores, line);
            assertThat(score.getModelId()).isEqualTo("bagging");
            int i = Integer.parseInt(score.getId().substring(1));
            assertThat(score.getPrediction()).as("o%d", i).isEqualTo(expected[i]);
        }

        Files.delete(dir.resolve("members/churn.json"));
        assertThat(run(args)).isNotZero();
        assertThat(lastError.strip())
                .doesNotContain("\n")
                .contains("cannot read member file 'members/churn.json'");
    }

    @Test
    void aRunWithNeitherModelNorModelIdIsBadUsageInOneLine(@TempDir Path dir) throws IOException {
        Path input = Files.writeString(dir.resolve("obs.ndjson"), "");
        String[] args = {
            "run",
            "score",
            "--input",
            input.toString(),
            "--output",
            dir.resolve("s.ndjson").toString()
        };

        assertThat(run(args)).isEqualTo(2);
        assertThat(lastError.lines())
                .containsExactly(
                        "quiver: give --model FILE, or --model-id ID to wait for that model on the"
                                + " models topic (see 'quiver run score --help')");
    }

    @Test
    void hotSwapMidStreamScoresEachObservationOnceWithTheVersionInUse(@TempDir Path dir)
            throws Exception {
        SuffixedTopics topics = SuffixedTopics.created("-swap");
        String observations = topics.observations();
        String models = topics.models();
        String scores = topics.scores();
        Path model = Files.write(dir.resolve("churn.json"), version0);
        Path bagging = bagging(dir);
        Path missingMember =
                Files.writeString(
                        dir.resolve("missing.json"),
                        BAGGING.replace("members/churn.json", "members/gone.json"));
        Path broken = Files.write(dir.resolve("broken.json"), Arrays.copyOf(version0, 999));
        JobCommand<ScoreStage> job =
                JobRegistry.SCORE.parse(
                        topics.withOptions(
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--model",
                                model.toString(),
                                "--parallelism",
                                "1",
                                "--checkpoint-interval-ms",
                                "300",
                                "--group-id",
                                "score-swap"));
        JobClient client = job.build().executeAsync("score with a hot swap");

        // Batch A, all scored by version 0 before any update is published.
        publish(observations, 0, 60);
        assertThat(readScores(scores, 60)).hasSize(60);
        // A file that does not load, or names a member file that is not there, is refused by the
        // CLI; the truncated bytes sent raw, and a composition naming member files without them,
        // are dead letters of the job; then version 2, its member file embedded by the CLI.
        assertThat(publishModel(broken, 1)).isNotZero();
        assertThat(publishModel(missingMember, 1)).isNotZero();
        assertThat(lastError).contains("cannot read member file 'members/gone.json'");
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (byte[] bytes :
                    List.of(Arrays.copyOf(version0, 999), Files.readAllBytes(bagging))) {
                byte[] value =
                        AvroSingleObjectCodec.of(ModelUpdate.class)
                                .encode(ScoreFunction.update("churn", 1, bytes, Instant.now()));
                producer.send(new ProducerRecord<>(models, key("churn"), value)).get();
            }
        }
        assertThat(publishModel(bagging, 2)).as(lastError).isZero();
        // Probes one at a time until one is scored by version 2; with one subtask, every
        // observation after it is scored by version 2 too.
        int probes = 0;
        while (probes < 40) {
            publish(observations, 60 + probes, 61 + probes);
            probes++;
            List<Score> seen = readScores(scores, 60 + probes);
            if (seen.stream().anyMatch(s -> s.getModelVersion() == 2)) {
                break;
            }
        }
        publish(observations, 100, rows.length);
        int total = 60 + probes + rows.length - 100;
        List<Score> all = readScores(scores, total);
        JobClients.cancelAndAwait(client);

        double[] v0 = predictions(EnsembleModels.fromBytes(version0));
        double[] v2 = predictions(EnsembleModels.load(bagging));
        Map<String, Score> byId = new HashMap<>();
        for (Score score : all) {
            assertThat(byId.put(score.getId(), score)).as("duplicate " + score.getId()).isNull();
        }
        assertThat(byId).hasSize(total);
        long lastVersion = 0;
        for (int i = 0; i < rows.length; i++) {
            if (i >= 60 + probes && i < 100) {
                continue; // never published
            }
            Score score = byId.get("o" + i);
            assertThat(score).as("score of o%d", i).isNotNull();
            long version = score.getModelVersion();
            assertThat(version).as("version of o%d", i).isIn(0L, 2L);
            if (i < 60) {
                assertThat(version).as("batch A").isZero();
            }
            if (i >= 100) {
                assertThat(version).as("batch B").isEqualTo(2);
            }
            assertThat(version).as("versions never go back").isGreaterThanOrEqualTo(lastVersion);
            lastVersion = version;
            assertThat(score.getPrediction()).isEqualTo(version == 0 ? v0[i] : v2[i]);
        }
        assertThat(lastVersion).isEqualTo(2);
        assertThat(deadLetterReasons(topics.dead(), 2))
                .hasSize(2)
                .allSatisfy(reason -> assertThat(reason).contains("version 1"))
                .anySatisfy(reason -> assertThat(reason).contains("truncated"))
                .anySatisfy(
                        reason -> assertThat(reason).contains("names file 'members/churn.json'"));
    }

    /**
     * The models topic is read up to its end at start before any observation is scored: with the
     * models published first, a backfill scores every observation with the newest version, none is
     * a dead letter. Many versions and observations make the race of the two topics likely, so the
     * test fails where observations overtake the models.
     */
    @Test
    void untilLatestScoresEveryObservationWithTheNewestVersionPublishedBeforeTheStart(
            @TempDir Path dir) throws Exception {
        SuffixedTopics topics = SuffixedTopics.created("-catch-up");
        String models = topics.models();
        AvroSingleObjectCodec<ModelUpdate> updates = AvroSingleObjectCodec.of(ModelUpdate.class);
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (ModelUpdate update : versionsUpToBagging(dir)) {
                producer.send(new ProducerRecord<>(models, key("churn"), updates.encode(update)))
                        .get();
            }
        }
        int count = rows.length * 20;
        publish(topics.observations(), 0, count);

        int exit =
                run(
                        topics.withOptions(
                                "run",
                                "score",
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--model-id",
                                "churn",
                                "--until-latest",
                                "--parallelism",
                                "2",
                                "--checkpoint-interval-ms",
                                "300",
                                "--group-id",
                                "score-catch-up"));

        assertThat(exit).as(lastError).isZero();
        List<String> reasons = deadLetterReasons(topics.dead(), 0);
        assertScoredByTheBaggingVersion(
                dir, readScores(topics.scores(), count - reasons.size()), count);
        assertThat(reasons).as("dead letters").isEmpty();
    }

    /**
     * Micro-batches change no score and no order: at batch sizes 1 (each row on its own, as before
     * batching), 7 and 1000 the scores file holds the same records, byte for byte (latency, a
     * wall-clock field, aside), in the same order; scored straight away with --model, and held
     * until the --models file is read and then released in batches.
     */
    @Test
    void batchSizesOneSevenAndAThousandWriteTheSameScoresInTheSameOrder(@TempDir Path dir)
            throws IOException {
        Path model = Files.write(dir.resolve("churn.json"), version0);
        List<String> lines = observationLines(rows.length * 2);
        lines.add(300, "{\"id\":\"short\",\"key\":\"k\",\"ts\":1,\"value\":0,\"features\":[1]}");
        Path input = Files.write(dir.resolve("obs.ndjson"), lines);
        Path modelsFile = updatesFile(dir);
        String[][] runs = {{}, {"--models", modelsFile.toString()}};
        for (int r = 0; r < runs.length; r++) {
            List<String> unbatched = orderedScores(dir, model, input, "r" + r + "-b1", "1", runs[r]);
            assertThat(unbatched).hasSize(rows.length * 2);
            for (String size : new String[] {"7", "1000"}) {
                assertThat(orderedScores(dir, model, input, "r" + r + "-b" + size, size, runs[r]))
                        .as("run %d, batch size %s", r, size)
                        .isEqualTo(unbatched);
            }
        }
    }

    /**
     * Batches of up to 1000 rows flushed only by checkpoint barriers (the timeout is ten minutes);
     * more observations are published just before the job is cancelled, so rows are waiting in a
     * batch then. Restored from the last checkpoint, the committed scores hold every observation
     * once, each the record an unbatched file run writes.
     */
    @Test
    void restoreWithRowsWaitingInABatchWritesEveryScoreOnce(@TempDir Path dir) throws Exception {
        SuffixedTopics topics = SuffixedTopics.created("-batched-restore");
        Path model = Files.write(dir.resolve("churn.json"), version0);
        int count = rows.length * 3;
        Map<String, Score> expected = new HashMap<>();
        NdjsonCodec<Score> ndjson = NdjsonCodec.of(Score.class);
        Path input = Files.write(dir.resolve("obs.ndjson"), observationLines(count));
        for (String line : orderedScores(dir, model, input, "reference", "1")) {
            Score score = decode(ndjson, line);
            expected.put(score.getId(), score);
        }
        Path checkpoints = dir.resolve("checkpoints");
        List<String> common =
                List.of(
                        topics.withOptions(
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--model",
                                model.toString(),
                                "--parallelism",
                                "2",
                                "--checkpoint-interval-ms",
                                "300",
                                "--checkpoint-dir",
                                checkpoints.toString(),
                                "--group-id",
                                "score-batched-restore",
                                "--batch-size",
                                "1000",
                                "--batch-timeout-ms",
                                "600000"));
        publish(topics.observations(), 0, count / 3);
        JobClient first =
                JobRegistry.SCORE.parse(common.toArray(String[]::new))
                        .build()
                        .executeAsync("score before restore");
        assertThat(readScores(topics.scores(), count / 6)).hasSizeGreaterThanOrEqualTo(count / 6);
        publish(topics.observations(), count / 3, 2 * count / 3);
        JobClients.cancelAndAwait(first);

        List<String> restoreArgs = new ArrayList<>(common);
        restoreArgs.addAll(
                List.of("--from-checkpoint", CompletedCheckpoints.latest(checkpoints).toString()));
        publish(topics.observations(), 2 * count / 3, count);
        JobClient restored =
                JobRegistry.SCORE.parse(restoreArgs.toArray(String[]::new))
                        .build()
                        .executeAsync("score after restore");
        List<Score> committed = readScores(topics.scores(), count);
        JobClients.cancelAndAwait(restored);
        JobClients.deleteCheckpoints(checkpoints);

        Map<String, Score> byId = new HashMap<>();
        for (Score score : committed) {
            score.setLatencyMs(0L);
            assertThat(byId.put(score.getId(), score)).as("duplicate " + score.getId()).isNull();
        }
        assertThat(byId).isEqualTo(expected);
    }

    /**
     * A file run at parallelism 1 and {@code --batch-size size}: its score lines in file order,
     * latency zeroed.
     */
    private static List<String> orderedScores(
            Path dir, Path model, Path input, String name, String size, String... options)
            throws IOException {
        Path output = dir.resolve(name + ".ndjson");
        List<String> batched =
                new ArrayList<>(List.of("--batch-size", size, "--batch-timeout-ms", "600000"));
        batched.addAll(List.of(options));
        String[] args = fileRunArguments(model, input, output, "1", batched.toArray(String[]::new));
        assertThat(run(args)).as(lastError).isZero();
        NdjsonCodec<Score> codec = NdjsonCodec.of(Score.class);
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            Score score = decode(codec, line);
            score.setLatencyMs(0L);
            lines.add(codec.encode(score));
        }
        return lines;
    }

    /** One test's topics, the default names with a suffix, each with two partitions. */
    private record SuffixedTopics(String observations, String models, String scores, String dead) {

        static SuffixedTopics created(String suffix) {
            SuffixedTopics topics =
                    new SuffixedTopics(
                            Topics.OBSERVATIONS + suffix,
                            Topics.MODELS + suffix,
                            Topics.SCORES + suffix,
                            Topics.DEAD_LETTER + suffix);
            KafkaTopics.ensureTopics(
                    broker.bootstrapServers(),
                    List.of(topics.observations, topics.models, topics.scores, topics.dead),
                    2,
                    Duration.ofSeconds(30));
            return topics;
        }

        /** {@code args} and the options naming these topics. */
        String[] withOptions(String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(
                    List.of(
                            "--observations-topic",
                            observations,
                            "--models-topic",
                            models,
                            "--scores-topic",
                            scores,
                            "--deadletter-topic",
                            dead));
            return all.toArray(String[]::new);
        }
    }

    /** The reasons of the dead letters on {@code topic}, once {@code expected} are in (or 30 s). */
    private static List<String> deadLetterReasons(String topic, int expected) {
        AvroSingleObjectCodec<DeadLetter> codec = AvroSingleObjectCodec.of(DeadLetter.class);
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        topic,
                        expected,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30))) {
            reasons.add(decodeAvro(codec, r.value()).getReason());
        }
        return reasons;
    }

    /** {@link #versionsUpToBagging} as a --models file, {@code updates.ndjson} in {@code dir}. */
    private static Path updatesFile(Path dir) throws IOException {
        NdjsonCodec<ModelUpdate> codec = NdjsonCodec.of(ModelUpdate.class);
        List<String> updateLines = new ArrayList<>();
        for (ModelUpdate update : versionsUpToBagging(dir)) {
            updateLines.add(codec.encode(update));
        }
        return Files.write(dir.resolve("updates.ndjson"), updateLines);
    }

    /** The last of the versions {@link #versionsUpToBagging} publishes. */
    private static final long BAGGING_VERSION = 12;

    /**
     * Versions 1 to {@value #BAGGING_VERSION} of churn: version 0's trees, and last {@link
     * #BAGGING}, its member file embedded. Many large updates, so that reading them all takes a
     * while.
     */
    private static List<ModelUpdate> versionsUpToBagging(Path dir) throws IOException {
        byte[] bagging = EnsembleModels.selfContained(bagging(dir), LoadLimits.DEFAULTS);
        List<ModelUpdate> updates = new ArrayList<>();
        for (long v = 1; v <= BAGGING_VERSION; v++) {
            byte[] bytes = v == BAGGING_VERSION ? bagging : version0;
            updates.add(ScoreFunction.update("churn", v, bytes, Instant.now()));
        }
        return updates;
    }

    /**
     * Each of observations o0 to o{@code count - 1} scored once, all by the bagging version, as
     * the kernel scores them ({@link #BAGGING} written in {@code dir}).
     */
    private static void assertScoredByTheBaggingVersion(Path dir, List<Score> written, int count)
            throws IOException {
        Map<Long, Integer> scoredByVersion = new TreeMap<>();
        for (Score score : written) {
            scoredByVersion.merge(score.getModelVersion(), 1, Integer::sum);
        }
        assertThat(scoredByVersion)
                .as("observations scored by version")
                .containsExactly(Map.entry(BAGGING_VERSION, count));
        double[] expected = predictions(EnsembleModels.load(bagging(dir)));
        Map<String, Score> byId = new HashMap<>();
        for (Score score : written) {
            assertThat(byId.put(score.getId(), score)).as("duplicate " + score.getId()).isNull();
            int i = Integer.parseInt(score.getId().substring(1));
            assertThat(score.getPrediction()).as("o%d", i).isEqualTo(expected[i % rows.length]);
        }
        assertThat(byId).hasSize(count);
    }

    @Test
    void pipelineScoreStageWaitsForAPublishedModelAndDeadLettersWhatCameBefore(@TempDir Path dir)
            throws Exception {
        KafkaTopics.ensureTopics(broker.bootstrapServers(), Topics.ALL, 2, Duration.ofSeconds(30));
        Path bagging = bagging(dir);
        JobClient client =
                PipelineJob.build(
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--parallelism",
                                "1",
                                "--checkpoint-interval-ms",
                                "300",
                                "--group-id",
                                "pipeline-score",
                                "--score-model-id",
                                "churn")
                        .executeAsync("pipeline with a score stage");

        publish(Topics.OBSERVATIONS, 0, 1);
        assertThat(noModelDeadLetters(1)).containsExactly("o0");
        assertThat(publishModel(bagging, 3, Topics.MODELS)).as(lastError).isZero();
        int probes = 0;
        while (probes < 40) {
            publish(Topics.OBSERVATIONS, 1 + probes, 2 + probes);
            probes++;
            if (!readScores(Topics.SCORES, 1).isEmpty()) {
                break;
            }
        }
        publish(Topics.OBSERVATIONS, 1 + probes, rows.length);
        // o0 and at most the probes before the first score are unscored.
        List<Score> scores = readScores(Topics.SCORES, rows.length - probes);
        List<String> unscored = noModelDeadLetters(rows.length - scores.size());
        JobClients.cancelAndAwait(client);

        double[] expected = predictions(EnsembleModels.load(bagging));
        Map<String, Score> byId = new HashMap<>();
        for (Score score : scores) {
            assertThat(byId.put(score.getId(), score)).as("duplicate " + score.getId()).isNull();
            assertThat(score.getModelVersion()).isEqualTo(3);
            int i = Integer.parseInt(score.getId().substring(1));
            assertThat(score.getPrediction()).as("o%d", i).isEqualTo(expected[i]);
        }
        assertThat(unscored).doesNotHaveDuplicates().noneMatch(byId::containsKey);
        assertThat(byId.size() + unscored.size()).isEqualTo(rows.length);
        assertThat(byId).containsKey("o" + (rows.length - 1));
    }

    /**
     * Ids of the observations on the dead-letter topic because no model was published yet, once
     * there are {@code atLeast} (or after 30 s).
     */
    private static List<String> noModelDeadLetters(int atLeast) {
        AvroSingleObjectCodec<DeadLetter> deadCodec = AvroSingleObjectCodec.of(DeadLetter.class);
        AvroSingleObjectCodec<Observation> observations =
                AvroSingleObjectCodec.of(Observation.class);
        List<String> ids = new ArrayList<>();
        Predicate<List<ConsumerRecord<byte[], byte[]>>> enough =
                records -> records.stream().filter(r -> isNoModel(deadCodec, r)).count() >= atLeast;
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommittedUntil(
                        broker.bootstrapServers(),
                        Topics.DEAD_LETTER,
                        enough,
                        Duration.ofSeconds(30))) {
            if (isNoModel(deadCodec, r)) {
                DeadLetter letter = decodeAvro(deadCodec, r.value());
                ids.add(decodeAvro(observations, letter.getPayload().array()).getId());
            }
        }
        return ids;
    }

    private static boolean isNoModel(
            AvroSingleObjectCodec<DeadLetter> codec, ConsumerRecord<byte[], byte[]> record) {
        return decodeAvro(codec, record.value())
                .getReason()
                .equals("no model 'churn' has been published yet");
    }

    /** Runs the score job on files at parallelism 2, with {@code options}; its exit code. */
    private static int runOnFiles(Path model, Path input, Path output, String... options) {
        return run(fileRunArguments(model, input, output, "2", options));
    }

    /** The CLI arguments of a score job at {@code parallelism} on files, with {@code options}. */
    private static String[] fileRunArguments(
            Path model, Path input, Path output, String parallelism, String... options) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "score",
                                "--model",
                                model.toString(),
                                "--input",
                                input.toString(),
                                "--output",
                                output.toString(),
                                "--parallelism",
                                parallelism));
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    /** Observations o0 to o{@code count - 1} as NDJSON lines, to add to. */
    private static List<String> observationLines(int count) {
        NdjsonCodec<Observation> codec = NdjsonCodec.of(Observation.class);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(codec.encode(observation(i)));
        }
        return lines;
    }

    /** Observation {@code o<i>}, the features of row {@code i} (cycling over the rows). */
    private static Observation observation(int i) {
        return observation(i, rows[i % rows.length]);
    }

    /** Observation {@code o<i>} of key {@code k<i mod 5>} with the features of {@code row}. */
    static Observation observation(int i, double[] row) {
        List<Double> features = new ArrayList<>();
        for (double f : row) {
            features.add(f);
        }
        return Observation.newBuilder()
                .setId("o" + i)
                .setKey("k" + (i % 5))
                .setTs(Instant.ofEpochMilli(1_000 + i))
                .setValue(0)
                .setFeatures(features)
                .build();
    }

    private static void publish(String topic, int from, int to) {
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (int i = from; i < to; i++) {
                Observation o = observation(i);
                producer.send(new ProducerRecord<>(topic, key(o.getKey()), codec.encode(o)));
            }
            producer.flush();
        }
    }

    private int publishModel(Path file, long version) {
        return publishModel(file, version, Topics.MODELS + "-swap");
    }

    private int publishModel(Path file, long version, String topic) {
        return run(publishModelArgs(broker.bootstrapServers(), file, version, topic));
    }

    /** The arguments of {@code quiver publish-model}: {@code file} as version of churn. */
    static String[] publishModelArgs(String bootstrap, Path file, long version, String topic) {
        return new String[] {
            "publish-model",
            "--bootstrap",
            bootstrap,
            "--file",
            file.toString(),
            "--model-id",
            "churn",
            "--version",
            String.valueOf(version),
            "--topic",
            topic
        };
    }

    private static List<Score> readScores(String topic, int expected) {
        AvroSingleObjectCodec<Score> codec = AvroSingleObjectCodec.of(Score.class);
        List<Score> scores = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        topic,
                        expected,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(60))) {
            scores.add(decodeAvro(codec, r.value()));
        }
        return scores;
    }

    /** {@link #BAGGING} as {@code bagging.json} in {@code dir}, its member file beside it. */
    private static Path bagging(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("members"));
        Files.write(dir.resolve("members/churn.json"), version0);
        return Files.writeString(dir.resolve("bagging.json"), BAGGING);
    }

    private static double[] predictions(EnsembleModel ensemble) {
        ScoreBuffer out = ensemble.newBuffer(rows.length);
        float[] x = new float[rows.length * 30];
        for (int r = 0; r < rows.length; r++) {
            for (int f = 0; f < 30; f++) {
                x[r * 30 + f] = (float) rows[r][f];
            }
        }
        ensemble.score(x, rows.length, 30, out);
        double[] predictions = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            predictions[r] = out.prediction(r);
        }
        return predictions;
    }

    static Path oracles() {
        String property = System.getProperty("quiver.oracles");
        if (property != null && !property.isBlank() && Files.isDirectory(Paths.get(property))) {
            return Paths.get(property);
        }
        return Paths.get("../../shared/oracles");
    }

    static double[][] csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        double[][] out = new double[lines.size() - 1][];
        for (int r = 1; r < lines.size(); r++) {
            out[r - 1] =
                    Arrays.stream(lines.get(r).split(","))
                            .mapToDouble(c -> c.equals("nan") ? Double.NaN : Double.parseDouble(c))
                            .toArray();
        }
        return out;
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decode(
            NdjsonCodec<T> codec, String line) {
        try {
            return codec.decode(line);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decodeAvro(
            AvroSingleObjectCodec<T> codec, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** What the last CLI run printed on stderr. */
    private static String lastError = "";

    private static int run(String... args) {
        CommandLine cli = QuiverCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cli.execute(args);
        lastError = err.toString();
        return exit;
    }
}
