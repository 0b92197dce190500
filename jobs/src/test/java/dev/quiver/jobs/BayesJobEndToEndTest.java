package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.cli.QuiverCli;
import dev.quiver.cli.SyntheticStreams;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.Topics;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.ChangePoint;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.VectorEvent;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The bayes job end to end on a real KRaft broker and Flink's MiniCluster, and the same job on
 * NDJSON files: checked against the closed-form Beta posterior computed here from the inputs, every
 * registered model against its kernel replayed per key (and its closed-form mean), the global
 * posterior against the closed form over all keys, and a run stopped and restored from a retained
 * checkpoint against the uninterrupted computation.
 */
class BayesJobEndToEndTest {

    private static final int EVENTS = 10_000;
    private static final int KEYS = 50;
    private static final long SEED = 20261127L;

    /** Keys that are Unicode text, non-ASCII ones too, beside keys that are not. */
    private static final List<Observation> WELL_FORMED =
            List.of(
                    keyed("good-a", 1),
                    keyed("ключ-😀", 0),
                    keyed("good-a", 0),
                    keyed("ключ-😀", 1),
                    keyed("good-a", 1));

    private static EmbeddedKafkaBroker broker;
    private static List<Observation> observations;
    private static Map<String, double[]> closedForm;

    @BeforeAll
    static void startBrokerAndMakeData() {
        broker = EmbeddedKafkaBroker.builder().start();
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(),
                List.of(Topics.OBSERVATIONS, Topics.POSTERIORS, Topics.DEAD_LETTER),
                3,
                Duration.ofSeconds(30));
        SyntheticStreams streams =
                new SyntheticStreams(SEED, KEYS, 8, "default", 1_700_000_000_000L);
        observations = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            observations.add(streams.observation(i));
        }
        closedForm = closedFormOf(observations);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void kafkaRunEmitsOneUpdatePerValidObservationAndDeadLettersTheRest() {
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        List<byte[]> invalid = invalidPayloads(codec);
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (int i = 0; i < EVENTS; i++) {
                Observation o = observations.get(i);
                producer.send(
                        new ProducerRecord<>(
                                Topics.OBSERVATIONS, key(o.getKey()), codec.encode(o)));
                if (i % 1000 == 0 && i / 1000 < invalid.size()) {
                    producer.send(
                            new ProducerRecord<>(
                                    Topics.OBSERVATIONS, key("bad"), invalid.get(i / 1000)));
                }
            }
            for (int j = EVENTS / 1000; j < invalid.size(); j++) {
                producer.send(
                        new ProducerRecord<>(Topics.OBSERVATIONS, key("bad"), invalid.get(j)));
            }
            producer.flush();
        }

        assertThat(runUntilLatest("e2e-kafka")).isZero();

        AvroSingleObjectCodec<PosteriorUpdate> updates =
                AvroSingleObjectCodec.of(PosteriorUpdate.class);
        List<PosteriorUpdate> results = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        Topics.POSTERIORS,
                        EVENTS,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(60))) {
            results.add(decode(updates, r.value()));
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(results.get(results.size() - 1).getKey());
        }
        assertThat(results).hasSize(EVENTS);
        assertThat(results.stream().map(PosteriorUpdate::getId).distinct().count())
                .isEqualTo(EVENTS);
        assertFinalsEqualClosedForm(results, closedForm);

        List<DeadLetter> deadLetters =
                readCommitted(DeadLetter.class, Topics.DEAD_LETTER, invalid.size());
        assertThat(deadLetters).hasSize(invalid.size());
        assertThat(deadLetters)
                .allSatisfy(
                        d -> {
                            assertThat(d.getSource()).isEqualTo(Topics.OBSERVATIONS);
                            assertThat(d.getReason()).isNotBlank();
                            assertThat(d.getOffset()).isNotNegative();
                        });
        assertThat(hex(deadLetters.stream().map(d -> bytes(d.getPayload())).toList()))
                .isEqualTo(hex(invalid));
        assertThat(deadLetters)
                .anySatisfy(d -> assertThat(d.getReason()).contains("0 or 1").contains("2.0"));
        assertThat(deadLetters).anySatisfy(d -> assertThat(d.getReason()).contains("VectorEvent"));
    }

    @Test
    void fileRunGivesTheSameFinalPosteriors(@TempDir Path dir) throws IOException {
        NdjsonCodec<Observation> ndjson = NdjsonCodec.of(Observation.class);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            lines.add(ndjson.encode(observations.get(i)));
            if (i == 17) {
                lines.add("{\"key\":\"k\",\"ts\":1,\"value\":2}");
                lines.add("{\"key\":\"k\",\"ts\":1,\"value\":1,\"colour\":\"red\"}");
                lines.add("not json at all");
            }
        }
        Path input = Files.write(dir.resolve("observations.ndjson"), lines);
        Path output = dir.resolve("posteriors.ndjson");

        int exit =
                run(
                        "run",
                        "bayes",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--parallelism",
                        "2");
        assertThat(exit).isZero();

        NdjsonCodec<PosteriorUpdate> results = NdjsonCodec.of(PosteriorUpdate.class);
        List<PosteriorUpdate> updates = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            updates.add(decode(results, line));
        }
        assertThat(updates).hasSize(EVENTS);
        assertFinalsEqualClosedForm(updates, closedForm);

        NdjsonCodec<DeadLetter> deadCodec = NdjsonCodec.of(DeadLetter.class);
        List<DeadLetter> dead = new ArrayList<>();
        for (String line :
                Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString())))) {
            dead.add(decode(deadCodec, line));
        }
        assertThat(dead).extracting(DeadLetter::getOffset).containsExactlyInAnyOrder(19L, 20L, 21L);
        assertThat(dead)
                .extracting(d -> new String(bytes(d.getPayload()), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(lines.get(18), lines.get(19), lines.get(20));
        assertThat(dead)
                .extracting(DeadLetter::getReason)
                .anySatisfy(r -> assertThat(r).contains("colour"));
    }

    @Test
    void fileRunDeadLettersKeysThatAreNotUnicodeWithTheirBytesAndGivesThemNoPosterior(
            @TempDir Path dir) throws IOException {
        NdjsonCodec<Observation> ndjson = NdjsonCodec.of(Observation.class);
        // Each char below is one byte in ISO-8859-1: "\u00FF" is the byte FF. Decoded leniently,
        // the first two keys would both be three U+FFFD, and the two escapes both "?".
        List<byte[]> bad =
                List.of(
                        latin1("{\"key\":\"\u00FF\u00FE\u00FD\",\"ts\":1,\"value\":1}"),
                        latin1("{\"key\":\"\u00FD\u00FE\u00FF\",\"ts\":1,\"value\":1}"),
                        latin1("{\"key\":\"\u00ED\u00A0\u0080\",\"ts\":1,\"value\":1}"),
                        latin1("{\"key\":\"\\ud800\",\"ts\":1,\"value\":1}"),
                        latin1("{\"key\":\"\\udbff\",\"ts\":1,\"value\":1}"),
                        // The reason quotes this name: half a pair there must not break the sink.
                        latin1("{\"key\":\"good-a\",\"ts\":1,\"value\":1,\"\\udfff\":0}"));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<Long> badLineNumbers = new ArrayList<>();
        long lineNumber = 0;
        for (int i = 0; i < bad.size(); i++) {
            if (i < WELL_FORMED.size()) {
                file.writeBytes(key(ndjson.encode(WELL_FORMED.get(i)) + "\n"));
                lineNumber++;
            }
            file.writeBytes(bad.get(i));
            file.write('\n');
            badLineNumbers.add(++lineNumber);
        }
        Path input = Files.write(dir.resolve("observations.ndjson"), file.toByteArray());
        Path output = dir.resolve("posteriors.ndjson");

        int exit =
                run("run", "bayes", "--input", input.toString(), "--output", output.toString());
        assertThat(exit).isZero();

        NdjsonCodec<PosteriorUpdate> results = NdjsonCodec.of(PosteriorUpdate.class);
        List<PosteriorUpdate> updates = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            updates.add(decode(results, line));
        }
        assertThat(updates).hasSize(WELL_FORMED.size());
        assertFinalsEqualClosedForm(updates, closedFormOf(WELL_FORMED));
        NdjsonCodec<DeadLetter> deadCodec = NdjsonCodec.of(DeadLetter.class);
        Map<Long, DeadLetter> dead = new HashMap<>();
        for (String line :
                Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString())))) {
            DeadLetter d = decode(deadCodec, line);
            dead.put(d.getOffset(), d);
        }
        assertThat(dead).hasSize(bad.size());
        for (int i = 0; i < bad.size(); i++) {
            DeadLetter d = dead.get(badLineNumbers.get(i));
            assertThat(d).as("dead letter of line %d", badLineNumbers.get(i)).isNotNull();
            assertThat(bytes(d.getPayload())).isEqualTo(bad.get(i));
        }
        assertThat(dead.values().stream().map(DeadLetter::getReason).sorted())
                .containsExactly(
                        "field 'key': not valid UTF-8 at byte 8",
                        "field 'key': not valid UTF-8 at byte 8",
                        "field 'key': not valid UTF-8 at byte 8",
                        "field 'key': not valid UTF-8: unpaired surrogate \\uD800 at character 0",
                        "field 'key': not valid UTF-8: unpaired surrogate \\uDBFF at character 0",
                        "unknown field '\uFFFD'");
    }

    @Test
    void kafkaRunDeadLettersKeysThatAreNotUtf8WithTheirBytesAndGivesThemNoPosterior() {
        ensureTopics("utf8", 2);
        String observationsTopic = Topics.OBSERVATIONS + "-utf8";
        String posteriorsTopic = Topics.POSTERIORS + "-utf8";
        publish(WELL_FORMED, observationsTopic);
        // Three key bytes "@@@", replaced by three that are not UTF-8.
        byte[] template =
                AvroSingleObjectCodec.of(Observation.class).encode(keyed("@@@", 1.0));
        List<byte[]> bad =
                List.of(
                        replaceKey(template, "\u00FF\u00FE\u00FD"),
                        replaceKey(template, "\u00ED\u00A0\u0080"));
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (byte[] message : bad) {
                producer.send(new ProducerRecord<>(observationsTopic, key("bad"), message));
            }
            producer.flush();
        }

        assertThat(runOnTopics("utf8")).isZero();

        List<PosteriorUpdate> updates = readUpdates(posteriorsTopic, WELL_FORMED.size());
        assertThat(updates).hasSize(WELL_FORMED.size());
        assertFinalsEqualClosedForm(updates, closedFormOf(WELL_FORMED));
        List<DeadLetter> dead =
                readCommitted(DeadLetter.class, Topics.DEAD_LETTER + "-utf8", bad.size());
        assertThat(hex(dead.stream().map(d -> bytes(d.getPayload())).toList()))
                .isEqualTo(hex(bad));
        // After the 10-byte header, the id's union index and the key's length.
        assertThat(dead)
                .hasSize(bad.size())
                .extracting(DeadLetter::getReason)
                .containsOnly("field 'key': not valid UTF-8 at byte 12");
    }

    static Stream<String> registeredModels() {
        return ModelStreams.requireRegistered(ModelStreams.ALL).stream();
    }

    static Stream<String> kafkaModels() {
        return ModelStreams.requireRegistered(List.of("beta-bernoulli", "gamma-poisson", "normal"))
                .stream();
    }

    @ParameterizedTest
    @MethodSource("registeredModels")
    void fileRunOfEachModelEqualsTheKernelReplayedPerKey(String model, @TempDir Path dir)
            throws IOException {
        List<Observation> data = ModelStreams.observations(model, SEED, 3000, 20);
        NdjsonCodec<Observation> ndjson = NdjsonCodec.of(Observation.class);
        Path input =
                Files.write(
                        dir.resolve("observations.ndjson"),
                        data.stream().map(ndjson::encode).toList());
        Path output = dir.resolve("posteriors.ndjson");
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "bayes",
                                "--input",
                                input.toString(),
                                "--output",
                                output.toString(),
                                "--parallelism",
                                "2"));
        args.addAll(ModelStreams.args(model));

        assertThat(run(args.toArray(String[]::new))).isZero();

        NdjsonCodec<PosteriorUpdate> results = NdjsonCodec.of(PosteriorUpdate.class);
        List<PosteriorUpdate> updates = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            updates.add(decode(results, line));
        }
        assertEqualsReplay(model, data, updates, true);
    }

    @ParameterizedTest
    @MethodSource("kafkaModels")
    void kafkaRunOfEachModelEqualsTheKernelReplayedPerKey(String model) {
        ensureTopics(model, 3);
        String observationsTopic = Topics.OBSERVATIONS + "-" + model;
        String posteriorsTopic = Topics.POSTERIORS + "-" + model;
        List<Observation> data = ModelStreams.observations(model, SEED + 1, 3000, 20);
        publish(data, observationsTopic);
        assertThat(runOnTopics(model, ModelStreams.args(model).toArray(String[]::new))).isZero();

        assertEqualsReplay(model, data, readUpdates(posteriorsTopic, data.size()), false);
    }

    /**
     * The job variants whose results depend on the input alone (interval emission depends on the
     * wall clock): a model with its observations and options.
     */
    static Stream<List<String>> batchedVariants() {
        return Stream.of(
                List.of("beta-bernoulli"),
                List.of("normal", "--window", "20", "--changepoint"),
                List.of("normal", "--decay", "0.9"),
                List.of("dirichlet", "--emit", "5"),
                List.of("blr", "--window", "30"));
    }

    /**
     * Micro-batches change no update and no order: at batch sizes 1 (each result on its own), 7
     * and 1000 the posteriors file holds the same records, byte for byte ({@code latencyMs}, a
     * wall-clock field, aside), in the same order with one bayes subtask, and each key's in the
     * same order with three; dead letters alike.
     */
    @ParameterizedTest
    @MethodSource("batchedVariants")
    void batchSizesOneSevenAndAThousandWriteTheSameUpdatesInTheSameOrder(
            List<String> variant, @TempDir Path dir) throws IOException {
        String model = variant.get(0);
        List<Observation> data = ModelStreams.observations(model, SEED + 5, 1500, 12);
        NdjsonCodec<Observation> ndjson = NdjsonCodec.of(Observation.class);
        List<String> lines = new ArrayList<>(data.stream().map(ndjson::encode).toList());
        // A record the kernel rejects, and one that does not decode: dead letters either way.
        lines.add(700, "{\"key\":\"k1\",\"ts\":1,\"value\":\"NaN\"}");
        lines.add(300, "not json at all");
        Path input = Files.write(dir.resolve("observations.ndjson"), lines);
        List<String> options = new ArrayList<>(ModelStreams.args(model));
        options.addAll(variant.subList(1, variant.size()));

        List<String> unbatched = batchedRun(dir, input, options, "1", "1");
        assertThat(unbatched).hasSizeGreaterThan(data.size() / 10);
        for (String size : new String[] {"7", "1000"}) {
            assertThat(batchedRun(dir, input, options, "1", size))
                    .as("batch size %s", size)
                    .isEqualTo(unbatched);
        }
        assertThat(byKey(batchedRun(dir, input, options, "3", "7")))
                .isEqualTo(byKey(batchedRun(dir, input, options, "3", "1")));
    }

    /**
     * A file run at {@code --batch-size size} with batches flushed only when full and at the end:
     * its update lines in file order, latency zeroed, then its dead letters' reasons and offsets.
     */
    private static List<String> batchedRun(
            Path dir, Path input, List<String> options, String parallelism, String size)
            throws IOException {
        Path output = dir.resolve("p" + parallelism + "-b" + size + ".ndjson");
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "bayes",
                                "--input",
                                input.toString(),
                                "--output",
                                output.toString(),
                                "--parallelism",
                                parallelism,
                                "--batch-size",
                                size,
                                "--batch-timeout-ms",
                                "600000"));
        args.addAll(options);
        assertThat(run(args.toArray(String[]::new))).isZero();
        NdjsonCodec<PosteriorUpdate> codec = NdjsonCodec.of(PosteriorUpdate.class);
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            PosteriorUpdate update = decode(codec, line);
            update.setLatencyMs(0L);
            lines.add(codec.encode(update));
        }
        NdjsonCodec<DeadLetter> deadCodec = NdjsonCodec.of(DeadLetter.class);
        List<String> dead = new ArrayList<>();
        for (String line :
                Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString())))) {
            DeadLetter letter = decode(deadCodec, line);
            dead.add("dead letter " + letter.getOffset() + ": " + letter.getReason());
        }
        assertThat(dead).hasSize(2);
        lines.addAll(dead.stream().sorted().toList());
        return lines;
    }

    /** The lines of each key ("key":"..." as the line holds it), in their order. */
    private static Map<String, List<String>> byKey(List<String> lines) {
        Map<String, List<String>> byKey = new TreeMap<>();
        for (String line : lines) {
            int start = line.indexOf("\"key\":");
            String key = start < 0 ? "" : line.substring(start, line.indexOf(',', start));
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(line);
        }
        return byKey;
    }

    @Test
    void fileRunWithGlobalEndsWithTheClosedFormPosteriorOfAllKeys(@TempDir Path dir)
            throws IOException {
        List<Observation> data = ModelStreams.observations("beta-bernoulli", SEED + 2, 5000, 50);
        NdjsonCodec<Observation> ndjson = NdjsonCodec.of(Observation.class);
        Path input =
                Files.write(
                        dir.resolve("observations.ndjson"),
                        data.stream().map(ndjson::encode).toList());
        Path output = dir.resolve("posteriors.ndjson");

        int exit =
                run(
                        "run",
                        "bayes",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--parallelism",
                        "2",
                        "--prior-alpha",
                        "2",
                        "--prior-beta",
                        "3",
                        "--global",
                        "--global-interval-ms",
                        "20");
        assertThat(exit).isZero();

        NdjsonCodec<PosteriorUpdate> results = NdjsonCodec.of(PosteriorUpdate.class);
        List<PosteriorUpdate> keyUpdates = new ArrayList<>();
        List<PosteriorUpdate> globals = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            PosteriorUpdate u = decode(results, line);
            (u.getScope().equals("global") ? globals : keyUpdates).add(u);
        }
        assertThat(keyUpdates)
                .hasSize(data.size())
                .allSatisfy(u -> assertThat(u.getKey()).isNotEqualTo("*"));
        double successes = data.stream().mapToDouble(Observation::getValue).sum();
        assertThat(globals)
                .isNotEmpty()
                .allSatisfy(
                        u -> {
                            assertThat(u.getKey()).isEqualTo("*");
                            assertThat(u.getId()).isNull();
                            assertThat(u.getLogScore()).isNull();
                        });
        PosteriorUpdate global = globals.get(globals.size() - 1);
        assertThat(global.getParams())
                .containsEntry("alpha", 2 + successes)
                .containsEntry("beta", 3 + data.size() - successes);
        assertThat(global.getN()).isEqualTo(data.size());
        assertThat(global.getTs()).isEqualTo(data.get(data.size() - 1).getTs());
    }

    @Test
    // A result Kafka refuses fails the job at every restart: a hang, not an error, without this.
    @Timeout(240)
    void kafkaBackfillEmitsWhatIsPendingWhenItsInputEnds() {
        ensureTopics("backfill", 2);
        String observationsTopic = Topics.OBSERVATIONS + "-backfill";
        String posteriorsTopic = Topics.POSTERIORS + "-backfill";
        List<Observation> data = ModelStreams.observations("beta-bernoulli", SEED + 4, 3000, 20);
        publish(data, observationsTopic);

        // Intervals far longer than the run: every result comes from the end-of-input timers.
        int exit =
                runOnTopics(
                        "backfill",
                        "--emit",
                        "3600s",
                        "--global",
                        "--global-interval-ms",
                        "3600000");
        assertThat(exit).isZero();

        Map<String, double[]> counts = new HashMap<>();
        Map<String, String> lastId = new HashMap<>();
        for (Observation o : data) {
            counts.computeIfAbsent(o.getKey(), k -> new double[2])[o.getValue() == 1 ? 0 : 1]++;
            lastId.put(o.getKey(), o.getId());
        }
        List<PosteriorUpdate> results = readUpdates(posteriorsTopic, counts.size() + 1);
        List<PosteriorUpdate> keyUpdates =
                results.stream().filter(u -> u.getScope().equals("key")).toList();
        assertThat(keyUpdates).hasSize(counts.size());
        for (PosteriorUpdate u : keyUpdates) {
            double[] sf = counts.get(u.getKey());
            assertThat(u.getId()).isEqualTo(lastId.get(u.getKey()));
            assertThat(u.getParams())
                    .containsEntry("alpha", 1 + sf[0])
                    .containsEntry("beta", 1 + sf[1]);
        }
        PosteriorUpdate global =
                results.stream()
                        .filter(u -> u.getScope().equals("global"))
                        .reduce((a, b) -> b)
                        .orElseThrow();
        double successes = data.stream().mapToDouble(Observation::getValue).sum();
        assertThat(global.getParams())
                .containsEntry("alpha", 1 + successes)
                .containsEntry("beta", 1 + data.size() - successes);
    }

    @Test
    void fileRunWithChangepointSignalsAPlantedChangeWithinTenObservations(@TempDir Path dir)
            throws IOException {
        // One key: 300 draws of N(0, 1), then 300 of N(10, 1).
        SplittableRandom random = new SplittableRandom(SEED);
        List<Observation> data = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            data.add(
                    Observation.newBuilder()
                            .setId("c" + i)
                            .setKey("sensor")
                            .setTs(Instant.ofEpochMilli(i))
                            .setValue((i < 300 ? 0 : 10) + random.nextGaussian())
                            .build());
        }
        NdjsonCodec<Observation> ndjson = NdjsonCodec.of(Observation.class);
        Path input =
                Files.write(
                        dir.resolve("observations.ndjson"),
                        data.stream().map(ndjson::encode).toList());
        Path output = dir.resolve("posteriors.ndjson");

        int exit =
                run(
                        "run",
                        "bayes",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "normal",
                        "--changepoint");
        assertThat(exit).isZero();

        NdjsonCodec<PosteriorUpdate> results = NdjsonCodec.of(PosteriorUpdate.class);
        Map<String, ChangePoint> byId = new HashMap<>();
        for (String line : Files.readAllLines(output)) {
            PosteriorUpdate u = decode(results, line);
            byId.put(u.getId(), u.getChangepoint());
        }
        assertThat(byId).hasSize(data.size());
        // Nothing to explain before the change: the run has grown for a long time.
        assertThat(byId.get("c299").getMapRunLength()).isGreaterThan(100);
        assertThat(byId.get("c299").getShortRunWindow()).isEqualTo(5);
        // A jump of ten standard deviations: P(run length < 5) passes 1/2 within 10 observations.
        assertThat(IntStream.range(300, 310).mapToObj(i -> byId.get("c" + i).getProbShortRun()))
                .anySatisfy(p -> assertThat(p).isGreaterThan(0.5));
    }

    @Test
    void kafkaRunRestoredFromACheckpointContinuesExactlyLikeAnUninterruptedRun(@TempDir Path dir)
            throws Exception {
        String observationsTopic = Topics.OBSERVATIONS + "-restore";
        String posteriorsTopic = Topics.POSTERIORS + "-restore";
        String deadTopic = Topics.DEAD_LETTER + "-restore";
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(),
                List.of(observationsTopic, posteriorsTopic, deadTopic),
                2,
                Duration.ofSeconds(30));
        int window = 20;
        List<Observation> data = ModelStreams.observations("beta-bernoulli", SEED + 3, 4000, 30);
        Path checkpoints = dir.resolve("checkpoints");
        String[] common = {
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
            "bayes-restore",
            "--observations-topic",
            observationsTopic,
            "--posteriors-topic",
            posteriorsTopic,
            "--deadletter-topic",
            deadTopic,
            "--prior-alpha",
            "2",
            "--prior-beta",
            "3",
            "--window",
            String.valueOf(window),
            "--global",
            "--global-interval-ms",
            "100",
            // Results wait in batches until a checkpoint barrier flushes them: some are waiting
            // when the job is cancelled, and the restore must emit each exactly once.
            "--batch-size",
            "1000",
            "--batch-timeout-ms",
            "600000"
        };

        publish(data.subList(0, 2000), observationsTopic);
        JobClient job =
                JobRegistry.BAYES.parse(common)
                        .build()
                        .executeAsync("bayes before restore");
        KafkaTestClients.readCommitted(
                broker.bootstrapServers(),
                posteriorsTopic,
                1800,
                Duration.ZERO,
                Duration.ofSeconds(90));
        Thread.sleep(1000);
        JobClients.cancelAndAwait(job);
        Path checkpoint = CompletedCheckpoints.latest(checkpoints);

        List<String> restoreArgs = new ArrayList<>(List.of(common));
        restoreArgs.addAll(List.of("--from-checkpoint", checkpoint.toString()));
        JobClient restored =
                JobRegistry.BAYES.parse(restoreArgs.toArray(String[]::new))
                        .build()
                        .executeAsync("bayes after restore");
        publish(data.subList(2000, data.size()), observationsTopic);

        // The uninterrupted computation, in closed form: Beta(2 + successes, 3 + failures) over
        // each key's last 20 observations, and the log predictive of each before its update.
        Map<String, Deque<Double>> windows = new HashMap<>();
        Map<String, Double> logScores = new HashMap<>();
        Map<String, double[]> expected = new HashMap<>();
        for (Observation o : data) {
            Deque<Double> w = windows.computeIfAbsent(o.getKey(), k -> new ArrayDeque<>());
            double successes = w.stream().mapToDouble(Double::doubleValue).sum();
            double alpha = 2 + successes;
            double beta = 3 + w.size() - successes;
            double logPredictive = Math.log((o.getValue() == 1 ? alpha : beta) / (alpha + beta));
            double logScore = logScores.merge(o.getKey(), logPredictive, Double::sum);
            w.addLast(o.getValue());
            if (w.size() > window) {
                w.removeFirst();
            }
            double after = w.stream().mapToDouble(Double::doubleValue).sum();
            expected.put(
                    o.getId(),
                    new double[] {2 + after, 3 + w.size() - after, logPredictive, logScore});
        }
        double globalSuccesses = 0;
        double globalN = 0;
        for (Deque<Double> w : windows.values()) {
            globalSuccesses += w.stream().mapToDouble(Double::doubleValue).sum();
            globalN += w.size();
        }
        Results results = new Results();
        // The last observations' partials reach the global merge within the 100 ms interval, and
        // its result is committed with the next checkpoint: 3 s after the last key update is ample.
        KafkaTestClients.readCommittedUntil(
                broker.bootstrapServers(),
                posteriorsTopic,
                records -> results.addNew(records).completeFor(data.size(), Duration.ofSeconds(3)),
                Duration.ofSeconds(90));
        JobClients.cancelAndAwait(restored);
        JobClients.deleteCheckpoints(checkpoints);

        assertThat(results.keyUpdates).hasSize(data.size());
        Map<String, PosteriorUpdate> byId = new HashMap<>();
        for (PosteriorUpdate u : results.keyUpdates) {
            assertThat(byId.put(u.getId(), u)).as("duplicate update of %s", u.getId()).isNull();
        }
        for (Observation o : data) {
            PosteriorUpdate u = byId.get(o.getId());
            double[] e = expected.get(o.getId());
            assertThat(u).as(o.getId()).isNotNull();
            assertThat(u.getParams()).containsEntry("alpha", e[0]).containsEntry("beta", e[1]);
            assertThat(u.getLogPredictive()).isCloseTo(e[2], within(1e-14));
            assertThat(u.getLogScore()).isCloseTo(e[3], within(1e-11));
        }
        assertThat(results.lastGlobal).isNotNull();
        assertThat(results.lastGlobal.getN()).isEqualTo(globalN);
        assertThat(results.lastGlobal.getParams())
                .containsEntry("alpha", 2 + globalSuccesses)
                .containsEntry("beta", 3 + globalN - globalSuccesses);
    }

    /** Posterior updates decoded as they are read, key updates and the latest global apart. */
    private static final class Results {
        private final AvroSingleObjectCodec<PosteriorUpdate> codec =
                AvroSingleObjectCodec.of(PosteriorUpdate.class);
        final List<PosteriorUpdate> keyUpdates = new ArrayList<>();
        PosteriorUpdate lastGlobal;
        private int read;
        private Long allKeyUpdatesAtNanos;

        /** True once {@code keyUpdates} key updates were read at least {@code grace} ago. */
        boolean completeFor(int keyUpdateCount, Duration grace) {
            if (keyUpdates.size() >= keyUpdateCount && allKeyUpdatesAtNanos == null) {
                allKeyUpdatesAtNanos = System.nanoTime();
            }
            return allKeyUpdatesAtNanos != null
                    && System.nanoTime() - allKeyUpdatesAtNanos >= grace.toNanos();
        }

        Results addNew(List<ConsumerRecord<byte[], byte[]>> records) {
            for (; read < records.size(); read++) {
                PosteriorUpdate u = decode(codec, records.get(read).value());
                if (u.getScope().equals("global")) {
                    // The global key is one partition, read in order: the last is the newest.
                    lastGlobal = u;
                } else {
                    keyUpdates.add(u);
                }
            }
            return this;
        }
    }

    /**
     * Every observation got exactly one update, equal to the kernel replayed over its key's
     * observations up to it, and each key's last update has the closed-form mean. {@code
     * throughNdjson}: the updates were read from NDJSON, which has no infinity (see {@link
     * ModelStreams#assertMatches}).
     */
    private static void assertEqualsReplay(
            String model,
            List<Observation> data,
            List<PosteriorUpdate> updates,
            boolean throughNdjson) {
        assertThat(updates).hasSize(data.size());
        Map<String, PosteriorUpdate> byId = new HashMap<>();
        for (PosteriorUpdate u : updates) {
            assertThat(byId.put(u.getId(), u)).as("duplicate update of %s", u.getId()).isNull();
        }
        Map<String, ModelStreams.Expected> expected =
                ModelStreams.replay(ModelStreams.options(model), data);
        Map<String, List<Observation>> byKey = new LinkedHashMap<>();
        for (Observation o : data) {
            ModelStreams.assertMatches(byId.get(o.getId()), expected.get(o.getId()), throughNdjson);
            byKey.computeIfAbsent(o.getKey(), k -> new ArrayList<>()).add(o);
        }
        for (List<Observation> keyData : byKey.values()) {
            PosteriorUpdate last = byId.get(keyData.get(keyData.size() - 1).getId());
            ModelStreams.assertClosedFormMean(model, last, keyData);
        }
    }

    /** Publishes in order, keyed by the observation's key; fails if any record was not written. */
    private static void publish(List<Observation> data, String topic) {
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                KafkaTestClients.bytesProducer(broker.bootstrapServers())) {
            for (Observation o : data) {
                sent.add(
                        producer.send(
                                new ProducerRecord<>(topic, key(o.getKey()), codec.encode(o))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("publishing to " + topic + " failed", e);
        }
    }

    private static List<PosteriorUpdate> readUpdates(String topic, int expected) {
        return readCommitted(PosteriorUpdate.class, topic, expected);
    }

    /**
     * The records of {@code type} committed to {@code topic}: once {@code expected} arrived, and
     * 2 s more for any extra one.
     */
    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readCommitted(
            Class<T> type, String topic, int expected) {
        AvroSingleObjectCodec<T> codec = AvroSingleObjectCodec.of(type);
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(
                        broker.bootstrapServers(),
                        topic,
                        expected,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(60))) {
            out.add(decode(codec, r.value()));
        }
        return out;
    }

    /** Each key's Beta(1, 1) posterior after {@code data}: 1 + successes, 1 + failures. */
    private static Map<String, double[]> closedFormOf(List<Observation> data) {
        Map<String, double[]> out = new HashMap<>();
        for (Observation o : data) {
            double[] ab = out.computeIfAbsent(o.getKey(), k -> new double[] {1, 1});
            ab[o.getValue() == 1.0 ? 0 : 1]++;
        }
        return out;
    }

    /**
     * The last update of each key (the one with the most observations) equals the closed form, and
     * no other key has an update.
     */
    private static void assertFinalsEqualClosedForm(
            List<PosteriorUpdate> updates, Map<String, double[]> closedForm) {
        Map<String, PosteriorUpdate> last = new HashMap<>();
        for (PosteriorUpdate u : updates) {
            last.merge(u.getKey(), u, (a, b) -> a.getN() >= b.getN() ? a : b);
        }
        assertThat(last.keySet()).isEqualTo(closedForm.keySet());
        for (Map.Entry<String, PosteriorUpdate> e : last.entrySet()) {
            double[] ab = closedForm.get(e.getKey());
            PosteriorUpdate u = e.getValue();
            double alpha = ab[0];
            double beta = ab[1];
            assertThat(u.getParams()).containsEntry("alpha", alpha).containsEntry("beta", beta);
            assertThat(u.getN()).isEqualTo(alpha + beta - 2);
            assertThat(u.getMean())
                    .isCloseTo(alpha / (alpha + beta), org.assertj.core.data.Offset.offset(1e-15));
            assertThat(u.getMle())
                    .isCloseTo(
                            (alpha - 1) / (alpha + beta - 2),
                            org.assertj.core.data.Offset.offset(1e-15));
            assertThat(u.getCiLow()).isLessThan(u.getMean());
            assertThat(u.getCiHigh()).isGreaterThan(u.getMean());
        }
    }

    /** Records each job must reject, one of each kind of failure. */
    private static List<byte[]> invalidPayloads(AvroSingleObjectCodec<Observation> codec) {
        Observation two = observation("bad-2", 2.0);
        Observation nan = observation("bad-nan", Double.NaN);
        Observation negative = observation("bad-neg", -1.0);
        byte[] valid = codec.encode(observation("ok", 1.0));
        byte[] wrongFingerprint = valid.clone();
        wrongFingerprint[5] ^= 0x5A;
        VectorEvent vector =
                VectorEvent.newBuilder()
                        .setId("v")
                        .setTs(Instant.EPOCH)
                        .setVector(List.of(1f))
                        .build();
        return List.of(
                codec.encode(two),
                codec.encode(nan),
                codec.encode(negative),
                "garbage, not Avro".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(valid, valid.length - 3),
                wrongFingerprint,
                AvroSingleObjectCodec.of(VectorEvent.class).encode(vector),
                new byte[0]);
    }

    /** {@code message} with the bytes of its key {@code @@@} replaced by {@code latin1(key)}. */
    private static byte[] replaceKey(byte[] message, String key) {
        byte[] out = message.clone();
        int at = new String(out, StandardCharsets.ISO_8859_1).indexOf("@@@");
        System.arraycopy(latin1(key), 0, out, at, key.length());
        return out;
    }

    /** One byte per char ({@code "\u005Cu00FF"} is the byte FF), for bytes that are not UTF-8. */
    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Observation keyed(String key, double value) {
        return Observation.newBuilder()
                .setKey(key)
                .setTs(Instant.ofEpochMilli(1_700_000_000_000L))
                .setValue(value)
                .build();
    }

    private static Observation observation(String id, double value) {
        return Observation.newBuilder()
                .setId(id)
                .setKey("bad")
                .setTs(Instant.EPOCH)
                .setValue(value)
                .build();
    }

    /** {@code quiver run bayes} on the broker until the latest offsets, at parallelism 2. */
    private static int runUntilLatest(String groupId, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "bayes",
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--until-latest",
                                "--parallelism",
                                "2",
                                "--checkpoint-interval-ms",
                                "300",
                                "--group-id",
                                groupId));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /** Creates the topics that {@link #runOnTopics} names for {@code suffix}. */
    private static void ensureTopics(String suffix, int partitions) {
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(),
                List.of(
                        Topics.OBSERVATIONS + "-" + suffix,
                        Topics.POSTERIORS + "-" + suffix,
                        Topics.DEAD_LETTER + "-" + suffix),
                partitions,
                Duration.ofSeconds(30));
    }

    /**
     * {@link #runUntilLatest} as consumer group {@code e2e-SUFFIX} on the topics named {@code
     * quiver.observations-SUFFIX}, {@code quiver.posteriors-SUFFIX} and {@code
     * quiver.deadletter-SUFFIX}.
     */
    private static int runOnTopics(String suffix, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--observations-topic",
                                Topics.OBSERVATIONS + "-" + suffix,
                                "--posteriors-topic",
                                Topics.POSTERIORS + "-" + suffix,
                                "--deadletter-topic",
                                Topics.DEAD_LETTER + "-" + suffix));
        args.addAll(List.of(more));
        return runUntilLatest("e2e-" + suffix, args.toArray(String[]::new));
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

    private static <T extends org.apache.avro.specific.SpecificRecord> T decode(
            AvroSingleObjectCodec<T> codec, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decode(
            NdjsonCodec<T> codec, String line) {
        try {
            return codec.decode(line);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static Set<String> hex(List<byte[]> payloads) {
        Set<String> out = new HashSet<>();
        payloads.forEach(p -> out.add(HexFormat.of().formatHex(p)));
        return out;
    }
}
