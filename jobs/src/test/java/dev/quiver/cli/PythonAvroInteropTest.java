package dev.quiver.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.QuiverSchemas;
import dev.quiver.schema.ChangePoint;
import dev.quiver.schema.Observation;
import dev.quiver.schema.ParameterEstimate;
import dev.quiver.schema.PosteriorUpdate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Python codec of docs/python.md, run by python3-avro against Quiver's own encoder and decoder
 * at the level of the Avro bytes: it reads a PosteriorUpdate Quiver wrote, and writes an
 * Observation byte for byte as Quiver writes it, with the schemas and fingerprints {@code quiver
 * schemas} exports. Skipped, with the reason printed, where /usr/bin/python3 has no {@code avro}
 * module (Debian: {@code apt-get install python3-avro}).
 */
class PythonAvroInteropTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** What docs/python.md says python3-avro 1.11's own canonical form gives for Observation. */
    private static final String PYTHON_AVRO_1_11_OBSERVATION_FINGERPRINT = "9eb905d95e9b738b";

    @TempDir Path dir;

    @Test
    void pythonReadsQuiversPosteriorAndWritesTheObservationQuiverWrites() throws Exception {
        assumePythonAvro();
        Path schemas = SchemasCommandTest.export(dir.resolve("schemas"));
        Path module = writeDocumentedCodec(dir.resolve("py"));
        PosteriorUpdate posterior = posterior();
        Path posteriorIn =
                Files.write(
                        dir.resolve("posterior.bin"),
                        AvroSingleObjectCodec.of(PosteriorUpdate.class).encode(posterior));
        Path observationOut = dir.resolve("observation.bin");

        JsonNode report =
                runPython(
                        module,
                        repositoryRoot().resolve("jobs/src/test/python/roundtrip.py").toString(),
                        schemas.toString(),
                        posteriorIn.toString(),
                        observationOut.toString());

        assertThat(report.get("name").asText()).isEqualTo("PosteriorUpdate");
        assertSamePosterior(report.get("record"), posterior);

        byte[] written = Files.readAllBytes(observationOut);
        Observation expected =
                Observation.newBuilder()
                        .setId("py-1")
                        .setKey("ad-\u00e9")
                        .setTs(Instant.parse("2023-11-14T22:13:20.123Z"))
                        .setValue(1.0)
                        .setFeatures(List.of(0.5, -2.25, 1e300))
                        .setLabel(null)
                        .setCategory("caf\u00e9")
                        .build();
        assertThat(AvroSingleObjectCodec.of(Observation.class).decode(written))
                .isEqualTo(expected);
        assertThat(QuiverSchemas.decodeAny(written)).isEqualTo(expected);
        assertThat(HexFormat.of().formatHex(written))
                .isEqualTo(
                        HexFormat.of()
                                .formatHex(
                                        AvroSingleObjectCodec.of(Observation.class)
                                                .encode(expected)));

        // The trap the docs warn of: python3-avro 1.11's own canonical form keeps logical types.
        if (report.get("avroVersion").asText().startsWith("1.11.")) {
            assertThat(report.get("ownObservationFingerprint").asText())
                    .isEqualTo(PYTHON_AVRO_1_11_OBSERVATION_FINGERPRINT);
        }
    }

    private static void assertSamePosterior(JsonNode read, PosteriorUpdate posterior) {
        assertThat(read.get("key").asText()).isEqualTo(posterior.getKey());
        assertThat(read.get("id").asText()).isEqualTo(posterior.getId());
        assertThat(read.get("ts").asLong()).isEqualTo(posterior.getTs().toEpochMilli());
        assertThat(read.get("model").asText()).isEqualTo(posterior.getModel());
        assertThat(read.get("n").asDouble()).isEqualTo(posterior.getN());
        assertThat(read.get("params").get("alpha").asDouble()).isEqualTo(1.0 / 3);
        assertThat(read.get("params").get("beta").asDouble()).isEqualTo(2.5);
        assertThat(read.get("mean").asDouble()).isEqualTo(posterior.getMean());
        assertThat(read.get("ciLow").asDouble()).isEqualTo(posterior.getCiLow());
        assertThat(read.get("ciHigh").asDouble()).isEqualTo(posterior.getCiHigh());
        assertThat(read.get("mle").asDouble()).isEqualTo(posterior.getMle());
        assertThat(read.get("map").isNull()).isTrue();
        assertThat(read.get("latencyMs").asLong()).isEqualTo(posterior.getLatencyMs());
        JsonNode parameter = read.get("parameters").get(0);
        assertThat(parameter.get("name").asText()).isEqualTo("p");
        assertThat(parameter.get("variance").asDouble()).isEqualTo(0.04);
        assertThat(read.get("logScore").asDouble()).isEqualTo(posterior.getLogScore());
        assertThat(read.get("changepoint").get("mapRunLength").asLong()).isEqualTo(12);
        assertThat(read.get("changepoint").get("shortRunWindow").asInt()).isEqualTo(5);
        assertThat(read.get("scope").asText()).isEqualTo("key");
    }

    private static PosteriorUpdate posterior() {
        return PosteriorUpdate.newBuilder()
                .setKey("ad-7")
                .setId("o-9")
                .setTs(Instant.ofEpochMilli(1_700_000_000_123L))
                .setModel("beta-bernoulli")
                .setN(3.0)
                .setParams(Map.of("alpha", 1.0 / 3, "beta", 2.5))
                .setMean(0.6)
                .setVariance(0.04)
                .setCiLow(0.2)
                .setCiHigh(0.9)
                .setMle(2.0 / 3)
                .setMap(null)
                .setLatencyMs(4L)
                .setParameters(
                        List.of(
                                new ParameterEstimate(
                                        "p", 0.6, 0.04, 0.2, 0.9, 2.0 / 3, null)))
                .setLogPredictive(-0.5)
                .setLogScore(-1.25)
                .setChangepoint(new ChangePoint(12L, 0.125, 5, 1e-9))
                .setScope("key")
                .build();
    }

    /** Skips the test, saying why, unless /usr/bin/python3 can import python3-avro. */
    private static void assumePythonAvro() throws IOException, InterruptedException {
        String reason = null;
        if (!Files.isExecutable(PYTHON)) {
            reason = PYTHON + " is not there";
        } else {
            Process probe =
                    new ProcessBuilder(PYTHON.toString(), "-c", "import avro.io, avro.schema")
                            .redirectErrorStream(true)
                            .start();
            List<String> output =
                    new String(probe.getInputStream().readAllBytes()).strip().lines().toList();
            if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                // The last line of a traceback names the error: "No module named 'avro'".
                String why = output.isEmpty() ? "no output" : output.get(output.size() - 1);
                reason = PYTHON + " cannot import avro (apt-get install python3-avro): " + why;
            }
        }
        if (reason != null) {
            System.err.println("PythonAvroInteropTest skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    /** The {@code quiver_avro.py} block of docs/python.md, as a module in {@code into}. */
    private static Path writeDocumentedCodec(Path into) throws IOException {
        String doc = Files.readString(repositoryRoot().resolve("docs/python.md"));
        String start = "```python\n# quiver_avro.py\n";
        int from = doc.indexOf(start);
        assertThat(from).as("docs/python.md has a block starting %s", start).isNotNegative();
        int to = doc.indexOf("\n```", from + start.length());
        Files.createDirectories(into);
        Files.writeString(
                into.resolve("quiver_avro.py"), doc.substring(from + "```python\n".length(), to));
        return into;
    }

    /** Runs python with {@code module} on its path; its stdout's one line as JSON. */
    private static JsonNode runPython(Path module, String... args)
            throws IOException, InterruptedException {
        Path stdout = module.resolve("stdout.txt");
        Path stderr = module.resolve("stderr.txt");
        List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile());
        builder.environment().put("PYTHONPATH", module.toString());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process python = builder.start();
        boolean exited = python.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            python.destroyForcibly();
        }
        assertThat(exited).as("python finished within 60 s").isTrue();
        assertThat(python.exitValue()).as(Files.readString(stderr)).isZero();
        return new ObjectMapper().readTree(Files.readString(stdout));
    }

    private static Path repositoryRoot() {
        return Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."));
    }
}
