package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

/**
 * The shaded job jar as a Flink cluster sees it: it runs a job in a fresh JVM whose classpath is
 * only the jar plus what a cluster provides (Flink and its logging), and it holds the connectors
 * but neither Flink's own classes nor the embedded broker.
 */
class JobJarIT {

    private static final Path JOB_JAR = Path.of(System.getProperty("quiver.jobJar"));
    private static final Path FLINK_CLASSPATH =
            Path.of(System.getProperty("quiver.flinkClasspath"));

    @Test
    void jobJarHoldsConnectorsAndKernelsButNotFlinkOrTheBroker() throws IOException {
        try (ZipFile jar = new ZipFile(JOB_JAR.toFile())) {
            for (String present :
                    List.of(
                            "dev/quiver/jobs/BayesJob.class",
                            "dev/quiver/bayes/BetaBernoulliPosterior.class",
                            "dev/quiver/schema/Observation.class",
                            "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                            "org/apache/flink/connector/base/DeliveryGuarantee.class",
                            "org/apache/kafka/clients/producer/KafkaProducer.class",
                            "org/apache/avro/Schema.class",
                            "org/hipparchus/distribution/continuous/BetaDistribution.class",
                            "picocli/CommandLine.class",
                            "dev/quiver/jobs/MatchJob.class",
                            "org/nd4j/linalg/factory/Nd4j.class",
                            "org/bytedeco/openblas/linux-x86_64/libopenblas.so.0",
                            "META-INF/quiver/schema-history.txt")) {
                assertThat(jar.getEntry(present)).as(present).isNotNull();
            }
            for (String absent :
                    List.of(
                            "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
                            "org/apache/flink/runtime/minicluster/MiniCluster.class",
                            "kafka/server/KafkaRaftServer.class",
                            "scala/Option.class",
                            "org/apache/logging/log4j/Logger.class",
                            "org/slf4j/Logger.class")) {
                assertThat(jar.getEntry(absent)).as(absent).isNull();
            }
        }
    }

    @Test
    void jobJarRunsTheBayesJobWithOnlyFlinkBesideIt(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            lines.add(
                    "{\"key\":\"k"
                            + (i % 7)
                            + "\",\"ts\":"
                            + (1_700_000_000_000L + i)
                            + ",\"value\":"
                            + (i % 3 == 0 ? 1 : 0)
                            + "}");
        }
        lines.add("{\"key\":\"k1\",\"ts\":1,\"value\":7}");
        Path input = Files.write(dir.resolve("observations.ndjson"), lines);
        Path output = dir.resolve("posteriors.ndjson");

        runFromJar(
                dir,
                "dev.quiver.jobs.BayesJob",
                "--input",
                input.toString(),
                "--output",
                output.toString());
        assertThat(Files.readAllLines(output)).hasSize(200);
        assertThat(Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString()))))
                .singleElement()
                .asString()
                .contains("needs value 0 or 1, got 7.0");
    }

    @Test
    void jobJarRunsTheMatchJobOnTheNd4jBruteForceBackend(@TempDir Path dir) throws Exception {
        List<String> vectors = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            vectors.add(
                    "{\"id\":\"v"
                            + i
                            + "\",\"ts\":"
                            + i
                            + ",\"vector\":["
                            + (i % 17)
                            + ","
                            + (i % 5)
                            + ",1]}");
        }
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            queries.add(
                    "{\"id\":\"q"
                            + i
                            + "\",\"ts\":"
                            + (400 + i)
                            + ",\"vector\":["
                            + i % 7
                            + ",2,1],\"k\":3}");
        }
        Path vectorFile = Files.write(dir.resolve("vectors.ndjson"), vectors);
        Path queryFile = Files.write(dir.resolve("queries.ndjson"), queries);
        Path output = dir.resolve("matches.ndjson");

        runFromJar(
                dir,
                "dev.quiver.jobs.MatchJob",
                "--vectors",
                vectorFile.toString(),
                "--queries",
                queryFile.toString(),
                "--output",
                output.toString(),
                "--order",
                "event-time",
                "--search",
                "brute",
                "--backend",
                "nd4j-cpu");

        assertThat(Files.readAllLines(output))
                .hasSize(50)
                .allSatisfy(
                        line ->
                                assertThat(line)
                                        .contains("\"exact\":true")
                                        .contains("\"indexSize\":300"));
    }

    /** Runs a job main in a fresh JVM whose classpath is the job jar plus the Flink runtime. */
    private static void runFromJar(Path dir, String mainClass, String... args) throws Exception {
        ChildJvm.runToSuccess(
                dir,
                List.of(),
                JOB_JAR + ":" + Files.readString(FLINK_CLASSPATH).strip(),
                mainClass,
                List.of(args));
    }
}
