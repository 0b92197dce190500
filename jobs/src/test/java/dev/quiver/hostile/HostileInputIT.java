package dev.quiver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.quiver.hostile.ChildCli.CliRun;
import dev.quiver.hostile.HostileJob.Format;
import dev.quiver.hostile.HostileModels.HostileModel;
import dev.quiver.kafka.EmbeddedKafkaBroker;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Hostile input, end to end, through the {@code quiver} CLI in child JVMs with a small heap and a
 * time bound: for every job and input type, in both formats (NDJSON files, Avro on a real broker),
 * generated hostile records interleaved with good ones, each checked for its exact outcome; a walk
 * whose paths would not fit the heap; hostile model files in every format {@code run score --model}
 * reads; bad option values.
 *
 * <ul>
 *   <li>Every hostile record is exactly one dead letter at its coordinates (topic, partition and
 *       offset, or file and line), with its original bytes (the first 512 KiB of a longer one) and
 *       a reason that names its kind; a blank line is skipped.
 *   <li>Every good record gets exactly one result with the exact value: the closed-form posterior
 *       (bayes), the kernel's walk at the record's coordinates (walk), XGBoost's own score (score),
 *       brute force (match); nothing else is written.
 *   <li>Every hostile model is refused with exit code 1 and one line, {@code quiver: ...}, naming
 *       the cause, and no stack trace; a bad option value likewise, with exit code 2.
 * </ul>
 *
 * <p>One child JVM per job and format takes all its records ({@link ChildCli#HEAP_MB} MiB of heap,
 * killed after {@link ChildCli#RUN_BOUND}); up to {@value #PARALLEL_RUNS} children run at a time.
 * Records and files from fixed seeds; every run's input, output, command line and log stay under
 * {@code target/hostile-input}.
 */
class HostileInputIT {

    private static final long SEED = 20261207L;

    /**
     * Children at a time: a MiniCluster spends much of its start waiting, so three overlap well on
     * two cores; more would only queue for them.
     */
    private static final int PARALLEL_RUNS = 3;

    private static final Path DIR = Path.of("target", "hostile-input").toAbsolutePath();

    /** The jobs by name; each run gets its own, since a job keeps what its oracle needs. */
    private static final Map<String, Supplier<HostileJob>> JOBS =
            Map.of(
                    "bayes", BayesUnderHostility::new,
                    "walk", WalkUnderHostility::new,
                    "score", ScoreUnderHostility::new,
                    "match", MatchUnderHostility::new);

    /**
     * Option values that no run can take, each after a valid file run's arguments, and what the one
     * line refusing it must say: values that are not of the option's type, and values a check
     * refuses.
     */
    private static final Map<String, String> BAD_OPTIONS =
            Map.of(
                    "bayes --max-record-bytes 99999999999", "'99999999999' is not an int",
                    "walk --paths ten", "'ten' is not an int",
                    "bayes --max-record-bytes 0", "--max-record-bytes must be positive, got 0",
                    "bayes --parallelism 0", "--parallelism must be at least 1, got 0",
                    "walk --paths 0", "paths must be at least 1, got 0");

    private static final Map<String, Future<HostileRun>> RUNS = new LinkedHashMap<>();
    private static final Map<String, Future<CliRun>> MODEL_RUNS = new LinkedHashMap<>();
    private static final Map<String, Future<CliRun>> OPTION_RUNS = new LinkedHashMap<>();
    private static Future<HostileRun> walkInPasses;

    private static EmbeddedKafkaBroker broker;
    private static ExecutorService children;

    /** Starts every child run at once, in a pool: each test waits for its own. */
    @BeforeAll
    static void startRuns() throws IOException {
        deleteRecursively(DIR);
        Files.createDirectories(DIR);
        broker = EmbeddedKafkaBroker.builder().start();
        children = Executors.newFixedThreadPool(PARALLEL_RUNS);
        for (String name : JOBS.keySet().stream().sorted().toList()) {
            for (Format format : Format.values()) {
                HostileJob job = JOBS.get(name).get();
                Path dir = DIR.resolve(name + "-" + format);
                long seed = SEED ^ (name + format).hashCode();
                RUNS.put(
                        key(name, format),
                        children.submit(
                                () ->
                                        format == Format.NDJSON
                                                ? HostileRun.inFiles(job, dir, seed)
                                                : HostileRun.onKafka(
                                                        job,
                                                        dir,
                                                        broker.bootstrapServers(),
                                                        seed)));
            }
        }
        walkInPasses =
                children.submit(
                        () ->
                                HostileRun.inFiles(
                                        new WalkInPassesUnderHostility(),
                                        DIR.resolve("walk-in-passes"),
                                        SEED));
        Path observations = validObservations();
        for (HostileModel model : HostileModels.ALL) {
            MODEL_RUNS.put(model.name(), children.submit(() -> score(model, observations)));
        }
        for (String jobAndOption : BAD_OPTIONS.keySet()) {
            OPTION_RUNS.put(
                    jobAndOption, children.submit(() -> runWithOption(jobAndOption, observations)));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (children != null) {
            children.shutdownNow();
            children.awaitTermination(1, TimeUnit.MINUTES);
        }
        if (broker != null) {
            broker.close();
        }
    }

    static Stream<Arguments> jobsAndFormats() {
        return JOBS.keySet().stream()
                .sorted()
                .flatMap(job -> Stream.of(Format.values()).map(f -> Arguments.of(job, f)));
    }

    static Stream<String> hostileModels() {
        return HostileModels.ALL.stream().map(HostileModel::name);
    }

    static Stream<String> badOptions() {
        return BAD_OPTIONS.keySet().stream().sorted();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("jobsAndFormats")
    void everyHostileRecordHasItsExactOutcomeAndEveryGoodOneItsExactResult(
            String job, Format format) throws Exception {
        assertExactOutcomes(await(RUNS.get(key(job, format))));
    }

    @Test
    void aWalkPastItsMemoryBudgetRunsInPassesWithinTheHeapAndGivesTheKernelsSummary()
            throws Exception {
        assertExactOutcomes(await(walkInPasses));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileModels")
    void hostileModelIsRefusedWithOneLineNamingTheCause(String name) throws Exception {
        HostileModel model =
                HostileModels.ALL.stream().filter(m -> m.name().equals(name)).findFirst().get();

        await(MODEL_RUNS.get(name)).assertRefused(1, model.cause());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void aBadOptionValueIsBadUsageOnOneLine(String jobAndOption) throws Exception {
        await(OPTION_RUNS.get(jobAndOption)).assertRefused(2, BAD_OPTIONS.get(jobAndOption));
    }

    /**
     * The run exited 0 quietly; every entry that expects a dead letter has exactly its own, no
     * other has one; every result is the oracle's and none is missing or extra.
     */
    private static void assertExactOutcomes(HostileRun run) {
        run.cli().assertSucceededQuietly();
        assertThat(DeadLetterCheck.problems(run.sent(), run.deadLetters()))
                .as(
                        "dead letters of %s over %s (%s)",
                        run.job().name(), run.format(), run.cli().logFile())
                .isEmpty();
        run.job().checkResults(run.entries(), run.results());
    }

    /** A valid observations file of two rows of 30 features, the runs' input beside a bad part. */
    private static Path validObservations() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            lines.append("{\"id\":\"v")
                    .append(i)
                    .append("\",\"key\":\"k\",\"ts\":1,\"value\":1,\"features\":[")
                    .append(String.join(",", Collections.nCopies(30, "0.5")))
                    .append("]}\n");
        }
        return Files.writeString(DIR.resolve("observations.ndjson"), lines, UTF_8);
    }

    private static CliRun score(HostileModel model, Path observations) throws Exception {
        Path file = model.write(DIR.resolve("models"));
        return ChildCli.run(
                file.getParent(),
                "run",
                "score",
                "--model",
                file.toString(),
                "--input",
                observations.toString(),
                "--output",
                file.resolveSibling("scores.ndjson").toString());
    }

    /** {@code quiver run JOB --input ... --output ... OPTION VALUE}. */
    private static CliRun runWithOption(String jobAndOption, Path observations) throws Exception {
        String[] words = jobAndOption.split(" ");
        Path dir = DIR.resolve("options").resolve(words[0] + words[1] + words[2]);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                words[0],
                                "--input",
                                observations.toString(),
                                "--output",
                                dir.resolve("out.ndjson").toString()));
        args.addAll(List.of(words).subList(1, words.length));
        return ChildCli.run(dir, args.toArray(String[]::new));
    }

    private static String key(String job, Format format) {
        return job + " " + format;
    }

    /** The run's value; its assertion error or exception as thrown, not wrapped. */
    private static <T> T await(Future<T> run) throws Exception {
        try {
            return run.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
