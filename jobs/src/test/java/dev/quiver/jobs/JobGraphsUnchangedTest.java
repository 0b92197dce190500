package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.kafka.EmbeddedKafkaBroker;

import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every job, in file mode and Kafka mode, builds the same graph as the recorded one in {@code
 * src/test/resources/job-graphs}: the same uids, names, parallelism, edges, job vertex and operator
 * ids, consumer groups and transactional-id prefixes. Savepoints map state back by these, so a
 * change here breaks restores of running jobs. The recordings were made from the jobs as they were
 * before the stages and the job registry replaced the per-job classes; to record anew (only for a
 * deliberate, documented change of a job's graph), run with {@code
 * -Dquiver.jobGraphs.record=src/test/resources/job-graphs}.
 *
 * <pre>{@code
 * ./mvnw -pl jobs -am test -Dtest=JobGraphsUnchangedTest -Dsurefire.failIfNoSpecifiedTests=false
 * }</pre>
 */
class JobGraphsUnchangedTest {

    private static final String RECORD_TO = System.getProperty("quiver.jobGraphs.record");

    @TempDir static Path dir;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().start();
        for (String input : List.of("obs.ndjson", "vectors.ndjson", "queries.ndjson", "models.ndjson")) {
            Files.writeString(dir.resolve(input), "");
        }
        Files.createDirectories(dir.resolve("out-dir"));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest
    @MethodSource("jobCases")
    void jobGraphIsTheRecordedOne(String jobCase) throws Exception {
        String job = jobCase.substring(0, jobCase.indexOf(' '));
        String name = jobCase.substring(job.length() + 1, jobCase.indexOf(':')).replace(' ', '-');
        List<String> lines = JobGraphFingerprint.of(build(job, arguments(jobCase)), dir.toString());
        String file = job + "-" + name + ".txt";
        if (RECORD_TO != null) {
            Files.write(Path.of(RECORD_TO, file), lines, StandardCharsets.UTF_8);
        }
        List<String> recorded =
                Files.readAllLines(
                        Path.of("src/test/resources/job-graphs", file), StandardCharsets.UTF_8);
        assertThat(lines).containsExactlyElementsOf(recorded);
    }

    /** Each job and mode, as "JOB MODE: ARGS" with BROKER for the broker's address. */
    static List<String> jobCases() {
        return List.of(
                "bayes file: --input obs.ndjson --output out.ndjson",
                "bayes file-directory: --input obs.ndjson --output out-dir/",
                "bayes kafka: --bootstrap BROKER",
                "bayes kafka-global: --bootstrap BROKER --global --group-id g --deadletter-topic dl",
                "match file: --vectors vectors.ndjson --queries queries.ndjson --output out.ndjson",
                "match kafka: --bootstrap BROKER --order event-time",
                "walk file: --input obs.ndjson --output out.ndjson",
                "walk kafka: --bootstrap BROKER",
                "walk kafka-posterior-interval: --bootstrap BROKER --model posterior --trigger 500ms",
                "score file: --model-id m --input obs.ndjson --output out.ndjson",
                "score file-models: --model-id m --input obs.ndjson --models models.ndjson"
                        + " --output out.ndjson",
                "score kafka: --bootstrap BROKER --model-id m --observations-topic o",
                "pipeline kafka: --bootstrap BROKER",
                "pipeline kafka-score: --bootstrap BROKER --score-model-id m --group-id g");
    }

    /**
     * No record type of any job falls back to Kryo: the jobs run with generic types disabled, so
     * such a type would fail at submission; this finds it when the graph is built, and names it.
     */
    @ParameterizedTest
    @MethodSource("jobCases")
    void everyRecordTypeHasASpecificSerializer(String jobCase) {
        String job = jobCase.substring(0, jobCase.indexOf(' '));
        StreamExecutionEnvironment env = build(job, arguments(jobCase));
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        Set<Transformation<?>> all = new LinkedHashSet<>();
        for (Transformation<?> transformation : env.getTransformations()) {
            all.addAll(transformation.getTransitivePredecessors());
        }
        for (Transformation<?> transformation : all) {
            assertThat(GenericTypes.kryoFallback(transformation.getOutputType()))
                    .as("a Kryo-serialized type in the output of '%s'", transformation.getName())
                    .isEmpty();
        }
    }

    private static String[] arguments(String jobCase) {
        List<String> args = new ArrayList<>(List.of("--parallelism", "3"));
        for (String arg : jobCase.substring(jobCase.indexOf(':') + 2).split(" ")) {
            args.add(arg.equals("BROKER")
                    ? broker.bootstrapServers()
                    : arg.contains(".ndjson") || arg.startsWith("out-dir")
                            ? dir.resolve(arg) + (arg.endsWith("/") ? "/" : "")
                            : arg);
            if (arg.equals("BROKER")) {
                // The broker starts empty; creating the topics changes nothing in the graph.
                args.add("--create-topics");
            }
        }
        return args.toArray(String[]::new);
    }

    private static StreamExecutionEnvironment build(String job, String[] args) {
        return job.equals("pipeline")
                ? PipelineJob.build(args)
                : JobRegistry.named(job).parse(args).build();
    }
}
