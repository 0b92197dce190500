package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.bayes.NormalInverseGammaPosterior;
import dev.quiver.cli.QuiverCli;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.Topics;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.StepPosterior;
import dev.quiver.walk.WalkModel;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The walk job on files with parallelism 1 and 4, on a real KRaft broker, and stopped and restored
 * from a retained checkpoint: every run must give the same summaries bit for bit (the random
 * streams depend on seed, key and the key's observation number only), one per observation, with
 * dead letters for invalid records and excess work.
 */
class WalkJobEndToEndTest {

    private static final int EVENTS = 600;
    private static final int KEYS = 12;
    private static final String[] WALK_OPTIONS = {
        "--steps", "150", "--paths", "400", "--barrier", "6", "--seed", "9"
    };

    /** The posterior-driven walk, with a barrier and a non-default NIG prior on the steps. */
    private static final String[] POSTERIOR_OPTIONS = {
        "--model",
        "posterior",
        "--prior-mean",
        "0.5",
        "--prior-kappa",
        "2",
        "--prior-shape",
        "3",
        "--prior-scale",
        "40",
        "--steps",
        "60",
        "--paths",
        "300",
        "--barrier",
        "25",
        "--seed",
        "4"
    };

    /** The interval trigger: each key's latest observation per 50 ms of event time. */
    private static final String[] INTERVAL_OPTIONS = {
        "--model", "gaussian", "--steps", "40", "--paths", "200", "--seed", "5", "--trigger", "50ms"
    };

    private static EmbeddedKafkaBroker broker;
    private static List<Observation> observations;

    @BeforeAll
    static void startBrokerAndMakeData() {
        broker = EmbeddedKafkaBroker.builder().start();
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(),
                List.of(Topics.OBSERVATIONS, Topics.WALKS, Topics.DEAD_LETTER),
                3,
                Duration.ofSeconds(30));
        SplittableRandom random = new SplittableRandom(20_261_127L);
        observations = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            observations.add(
                    Observation.newBuilder()
                            .setId("o" + i)
                            .setKey("key-" + random.nextInt(KEYS))
                            .setTs(Instant.ofEpochMilli(1_700_000_000_000L + i))
                            .setValue(random.nextInt(-50, 50))
                            .build());
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void fileRunsWithParallelismOneAndFourAgreeBitForBit(@TempDir Path dir) throws IOException {
        Path input = writeInput(dir, true);
        List<WalkSummary> one = fileRun(dir, input, "1", "p1");
        List<WalkSummary> four = fileRun(dir, input, "4", "p4");
        assertThat(one).hasSize(EVENTS);
        assertSameSummaries(four, one);
        assertThat(one.get(0).getExact()).containsKeys("mean", "variance", "hitProbability");
        assertThat(one).allSatisfy(s -> assertThat(s.getHitProbability()).isBetween(0.0, 1.0));

        List<DeadLetter> dead = deadLetters(dir.resolve("p1.ndjson"));
        assertThat(dead)
                .extracting(DeadLetter::getReason)
                .anySatisfy(r -> assertThat(r).contains("empty key"));
        assertThat(dead).hasSize(2);
    }

    @Test
    void excessWorkMakesEveryObservationADeadLetter(@TempDir Path dir) throws IOException {
        Path input = writeInput(dir, false);
        Path output = dir.resolve("walks.ndjson");
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "walk",
                                "--input",
                                input.toString(),
                                "--output",
                                output.toString()));
        args.addAll(List.of(WALK_OPTIONS));
        args.addAll(List.of("--max-work", "59999"));
        assertThat(run(args.toArray(String[]::new))).isZero();
        assertThat(Files.readAllLines(output)).isEmpty();
        List<DeadLetter> dead = deadLetters(output);
        assertThat(dead).hasSize(EVENTS);
        assertThat(dead.get(0).getReason())
                .isEqualTo("simulation work steps * paths = 60000 exceeds --max-work 59999");
    }

    @Test
    void kafkaRunGivesTheSameSummariesAsTheFileRun(@TempDir Path dir) throws IOException {
        List<WalkSummary> fromFile = fileRun(dir, writeInput(dir, false), "2", "file");
        publish(observations, Topics.OBSERVATIONS);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "walk",
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--until-latest",
                                "--parallelism",
                                "2",
                                "--checkpoint-interval-ms",
                                "300",
                                "--group-id",
                                "walk-e2e"));
        args.addAll(List.of(WALK_OPTIONS));
        assertThat(run(args.toArray(String[]::new))).isZero();

        AvroSingleObjectCodec<WalkSummary> summaries = AvroSingleObjectCodec.of(WalkSummary.class);
        List<WalkSummary> fromKafka = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        Topics.WALKS,
                        EVENTS,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(60))) {
            try {
                fromKafka.add(summaries.decode(r.value()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        assertSameSummaries(normalised(fromKafka), fromFile);
    }

    /**
     * Cancelled after the first half, restored from its last checkpoint: the committed output still
     * holds each summary once, equal to an uninterrupted file run.
     */
    @Test
    void restoreFromACheckpointReplaysToTheSameSummaries(@TempDir Path dir) throws Exception {
        List<WalkSummary> expected = fileRun(dir, writeInput(dir, false), "1", "reference");
        assertSameSummaries(restoredRun(dir, ".restore", WALK_OPTIONS), expected);
    }

    /**
     * Cancelled after the first half, restored from its last checkpoint: the observations after
     * that checkpoint are read again, and the committed output (read here) should hold each summary
     * once.
     */
    private static List<WalkSummary> restoredRun(Path dir, String suffix, String[] walkOptions)
            throws Exception {
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(),
                List.of(
                        Topics.OBSERVATIONS + suffix,
                        Topics.WALKS + suffix,
                        Topics.DEAD_LETTER + suffix),
                3,
                Duration.ofSeconds(30));
        Path checkpoints = dir.resolve("checkpoints");
        List<String> common =
                new ArrayList<>(
                        List.of(
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--parallelism",
                                "2",
                                "--checkpoint-interval-ms",
                                "300",
                                "--checkpoint-dir",
                                checkpoints.toString(),
                                "--state-backend",
                                "rocksdb",
                                "--group-id",
                                "walk-restore" + suffix,
                                "--observations-topic",
                                Topics.OBSERVATIONS + suffix,
                                "--walks-topic",
                                Topics.WALKS + suffix,
                                "--deadletter-topic",
                                Topics.DEAD_LETTER + suffix));
        common.addAll(List.of(walkOptions));

        publish(observations.subList(0, EVENTS / 2), Topics.OBSERVATIONS + suffix);
        JobCommand<WalkStage> firstRun =
                JobRegistry.WALK.parse(common.toArray(String[]::new));
        JobClient job = firstRun.build().executeAsync("walk before restore");
        KafkaTestClients.readCommitted(
                broker.bootstrapServers(),
                Topics.WALKS + suffix,
                EVENTS / 3,
                Duration.ZERO,
                Duration.ofSeconds(90));
        JobClients.cancelAndAwait(job);

        List<String> restoreArgs = new ArrayList<>(common);
        // Unbounded again: splits restored from the first run keep its (absent) stopping offsets,
        // so --until-latest would not end this run either; read until every summary is in.
        restoreArgs.addAll(
                List.of("--from-checkpoint", CompletedCheckpoints.latest(checkpoints).toString()));
        publish(observations.subList(EVENTS / 2, EVENTS), Topics.OBSERVATIONS + suffix);
        JobCommand<WalkStage> secondRun =
                JobRegistry.WALK.parse(restoreArgs.toArray(String[]::new));
        JobClient restored = secondRun.build().executeAsync("walk after restore");
        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        Topics.WALKS + suffix,
                        EVENTS,
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(120));
        JobClients.cancelAndAwait(restored);
        JobClients.deleteCheckpoints(checkpoints);

        AvroSingleObjectCodec<WalkSummary> codec = AvroSingleObjectCodec.of(WalkSummary.class);
        List<WalkSummary> committed = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            committed.add(codec.decode(r.value()));
        }
        return normalised(committed);
    }

    /**
     * Micro-batches change no summary and no order: at batch sizes 1 (each observation on its
     * own, as before batching), 7 and 1000 the walks file holds the same records, byte for byte
     * (latency, a wall-clock field, aside), in the same order with one walk subtask, and each key's
     * in the same order with three; for the job's model, learned laws (posterior) and the interval
     * trigger, whose summaries a watermark releases.
     */
    @Test
    void batchSizesOneSevenAndAThousandWriteTheSameSummariesInTheSameOrder(@TempDir Path dir)
            throws IOException {
        Path input = writeInput(dir, true);
        String[][] walks = {WALK_OPTIONS, POSTERIOR_OPTIONS, INTERVAL_OPTIONS};
        for (int w = 0; w < walks.length; w++) {
            List<String> unbatched = orderedRun(dir, input, "1", "w" + w + "-b1", walks[w], "1");
            assertThat(unbatched).hasSizeGreaterThan(EVENTS / 10);
            for (String size : new String[] {"7", "1000"}) {
                assertThat(orderedRun(dir, input, "1", "w" + w + "-b" + size, walks[w], size))
                        .as("walk %d, batch size %s", w, size)
                        .isEqualTo(unbatched);
            }
        }
        List<String> unbatched = orderedRun(dir, input, "3", "p3-b1", WALK_OPTIONS, "1");
        assertThat(byKey(orderedRun(dir, input, "3", "p3-b7", WALK_OPTIONS, "7")))
                .isEqualTo(byKey(unbatched));
    }

    /**
     * Batches of up to 1000 flushed only by checkpoint barriers (the timeout is ten minutes), so
     * observations are waiting in a batch when the job is cancelled: restored from the last
     * checkpoint, the committed output holds every summary once, equal to an uninterrupted run.
     */
    @Test
    void restoreWithObservationsWaitingInABatchWritesEverySummaryOnce(@TempDir Path dir)
            throws Exception {
        List<WalkSummary> expected = fileRun(dir, writeInput(dir, false), "1", "reference");
        List<String> batched = new ArrayList<>(List.of(WALK_OPTIONS));
        batched.addAll(List.of("--batch-size", "1000", "--batch-timeout-ms", "600000"));
        assertSameSummaries(
                restoredRun(dir, ".batched-restore", batched.toArray(String[]::new)), expected);
    }

    /** A file run at {@code --batch-size size}: its summary lines in file order, latency zeroed. */
    private static List<String> orderedRun(
            Path dir,
            Path input,
            String parallelism,
            String name,
            String[] walkOptions,
            String size)
            throws IOException {
        Path output = dir.resolve(name + ".ndjson");
        List<String> args = fileRunArguments(input, output, parallelism, walkOptions);
        args.addAll(List.of("--batch-size", size, "--batch-timeout-ms", "600000"));
        assertThat(run(args.toArray(String[]::new))).isZero();
        NdjsonCodec<WalkSummary> codec = NdjsonCodec.of(WalkSummary.class);
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            try {
                WalkSummary summary = codec.decode(line);
                summary.setLatencyMs(0L);
                lines.add(codec.encode(summary));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return lines;
    }

    /** The lines of each key ("key":"..." as the line holds it), in their order. */
    private static Map<String, List<String>> byKey(List<String> lines) {
        Map<String, List<String>> byKey = new TreeMap<>();
        for (String line : lines) {
            int start = line.indexOf("\"key\":");
            String key = line.substring(start, line.indexOf(',', start));
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(line);
        }
        return byKey;
    }

    /**
     * Posterior-driven walks: the same summaries with parallelism 1 and 4, and each one walked with
     * the predictive of a Normal-Inverse-Gamma posterior fed its key's increments up to and
     * including that observation (the first observation of a key: the prior predictive).
     */
    @Test
    void posteriorWalksAgreeAcrossParallelismAndUseTheirKeysIncrementPosterior(@TempDir Path dir)
            throws IOException {
        Path input = writeInput(dir, false);
        List<WalkSummary> one = fileRun(dir, input, "1", "posterior-p1", POSTERIOR_OPTIONS);
        List<WalkSummary> four = fileRun(dir, input, "4", "posterior-p4", POSTERIOR_OPTIONS);
        assertThat(one).hasSize(EVENTS);
        assertSameSummaries(four, one);

        Map<String, WalkSummary> byId = new HashMap<>();
        one.forEach(summary -> byId.put(summary.getId(), summary));
        Map<String, StepPosterior> oracle = new HashMap<>();
        for (Observation o : observations) {
            StepPosterior steps =
                    oracle.computeIfAbsent(
                            o.getKey(),
                            k ->
                                    StepPosterior.withPrior(
                                            NormalInverseGammaPosterior.withPrior(0.5, 2, 3, 40)));
            steps.observe(o.getValue());
            WalkModel law = steps.predictive();
            WalkSummary summary = byId.get(o.getId());
            assertThat(summary.getSeed()).as(o.getId()).contains(" model=" + law + " ");
            assertThat(summary.getExact())
                    .containsEntry("mean", o.getValue() + 60 * law.stepMean())
                    .containsEntry("variance", 60 * law.stepVariance());
        }
    }

    /** Posterior-driven walks on a real broker, stopped and restored: the file run's summaries. */
    @Test
    void posteriorWalksRestoredFromACheckpointEqualTheFileRun(@TempDir Path dir) throws Exception {
        List<WalkSummary> expected =
                fileRun(dir, writeInput(dir, false), "2", "posterior", POSTERIOR_OPTIONS);
        assertSameSummaries(restoredRun(dir, ".posterior", POSTERIOR_OPTIONS), expected);
    }

    /**
     * The interval trigger simulates, per key and 50 ms interval of event time, the interval's
     * latest observation, once the watermark closes it; the end of the file closes the last
     * intervals, so each key's last observation has its summary. Parallelism 1 and 4 agree.
     */
    @Test
    void intervalTriggerSummarisesEachKeysLatestObservationOfEachInterval(@TempDir Path dir)
            throws IOException {
        Path input = writeInput(dir, false);
        List<WalkSummary> one = fileRun(dir, input, "1", "interval-p1", INTERVAL_OPTIONS);
        List<WalkSummary> four = fileRun(dir, input, "4", "interval-p4", INTERVAL_OPTIONS);
        assertSameSummaries(four, one);

        Map<String, Observation> latest = new TreeMap<>();
        Map<String, Observation> lastOfKey = new HashMap<>();
        for (Observation o : observations) {
            long ts = o.getTs().toEpochMilli();
            latest.merge(
                    o.getKey() + "@" + Math.floorDiv(ts, 50),
                    o,
                    (a, b) -> b.getTs().isBefore(a.getTs()) ? a : b);
            lastOfKey.put(o.getKey(), o);
        }
        List<String> expectedIds =
                latest.values().stream().map(Observation::getId).sorted().toList();
        assertThat(one).extracting(WalkSummary::getId).containsExactlyElementsOf(expectedIds);
        assertThat(expectedIds.size()).isBetween(EVENTS / 10, EVENTS / 2);
        assertThat(expectedIds)
                .containsAll(lastOfKey.values().stream().map(Observation::getId).toList());
        assertThat(deadLetters(dir.resolve("interval-p1.ndjson"))).isEmpty();
    }

    @Test
    void priorOptionsBelongToThePosteriorModelAndModelsAreNamed() {
        assertThatThrownBy(
                        () ->
                                JobRegistry.WALK
                                        .parse("--prior-mean", "1", "--prior-scale", "2")
                                        .stage()
                                        .check())
                .hasMessage("--prior-mean, --prior-scale apply only to --model posterior");
        assertThatThrownBy(
                        () ->
                                JobRegistry.WALK
                                        .parse("--model", "posterior", "--prior-kappa", "0")
                                        .stage()
                                        .check())
                .hasMessageContaining("--prior-kappa must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> JobRegistry.WALK.parse("--model", "brownian").stage().check())
                .hasMessage("unknown model 'brownian'; known: simple, lazy, gaussian, posterior");
    }

    private static void publish(List<Observation> records, String topic) {
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (Observation o : records) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                o.getKey().getBytes(StandardCharsets.UTF_8),
                                codec.encode(o)));
            }
            producer.flush();
        }
    }

    private static void assertSameSummaries(List<WalkSummary> actual, List<WalkSummary> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i))
                    .as("summary of %s", expected.get(i).getId())
                    .isEqualTo(expected.get(i));
        }
    }

    private static Path writeInput(Path dir, boolean withInvalid) throws IOException {
        NdjsonCodec<Observation> ndjson = NdjsonCodec.of(Observation.class);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            lines.add(ndjson.encode(observations.get(i)));
            if (withInvalid && i == 10) {
                lines.add("{\"key\":\"\",\"ts\":1,\"value\":1}");
                lines.add("not json");
            }
        }
        return Files.write(
                dir.resolve(withInvalid ? "with-invalid.ndjson" : "observations.ndjson"), lines);
    }

    private static List<WalkSummary> fileRun(Path dir, Path input, String parallelism, String name)
            throws IOException {
        return fileRun(dir, input, parallelism, name, WALK_OPTIONS);
    }

    private static List<WalkSummary> fileRun(
            Path dir, Path input, String parallelism, String name, String[] walkOptions)
            throws IOException {
        Path output = dir.resolve(name + ".ndjson");
        List<String> args = fileRunArguments(input, output, parallelism, walkOptions);
        assertThat(run(args.toArray(String[]::new))).isZero();
        NdjsonCodec<WalkSummary> codec = NdjsonCodec.of(WalkSummary.class);
        List<WalkSummary> out = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            try {
                out.add(codec.decode(line));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return normalised(out);
    }

    /** The CLI arguments of a walk job from {@code input} to {@code output}, files both. */
    static List<String> fileRunArguments(
            Path input, Path output, String parallelism, String... walkOptions) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "walk",
                                "--input",
                                input.toString(),
                                "--output",
                                output.toString(),
                                "--parallelism",
                                parallelism));
        args.addAll(List.of(walkOptions));
        return args;
    }

    /** Sorted by observation id and with latency zeroed: latency is the only wall-clock field. */
    private static List<WalkSummary> normalised(List<WalkSummary> summaries) {
        List<WalkSummary> out = new ArrayList<>();
        for (WalkSummary s : summaries) {
            WalkSummary copy = WalkSummary.newBuilder(s).build();
            copy.setLatencyMs(0L);
            out.add(copy);
        }
        out.sort(Comparator.comparing(WalkSummary::getId));
        return out;
    }

    private static List<DeadLetter> deadLetters(Path output) throws IOException {
        NdjsonCodec<DeadLetter> codec = NdjsonCodec.of(DeadLetter.class);
        List<DeadLetter> dead = new ArrayList<>();
        for (String line :
                Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString())))) {
            try {
                dead.add(codec.decode(line));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return dead;
    }

    private static int run(String... args) {
        CommandLine cli = QuiverCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        assertThat(err.toString())
                .as("stderr of %s", Arrays.toString(args))
                .doesNotContain("quiver:");
        return exit;
    }
}
