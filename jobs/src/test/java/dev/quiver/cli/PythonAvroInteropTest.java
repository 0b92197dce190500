package dev.quiver.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.interop.ExternalTools;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.QuiverSchemas;
import dev.quiver.schema.ChangePoint;
import dev.quiver.schema.Observation;
import dev.quiver.schema.ParameterEstimate;
import dev.quiver.schema.PosteriorUpdate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The Python codec of docs/python.md, run by python3-avro against Quiver's own encoder and decoder
 * at the level of the Avro bytes: it reads a PosteriorUpdate Quiver wrote, and writes an
 * Observation byte for byte as Quiver writes it, with the schemas and fingerprints {@code quiver
 * schemas} exports. Skipped, with the reason printed, where /usr/bin/python3 has no {@code avro}
 * module (Debian: {@code apt-get install python3-avro}).
 */
class PythonAvroInteropTest {

    /** What docs/python.md says python3-avro 1.11's own canonical form gives for Observation. */
    private static final String PYTHON_AVRO_1_11_OBSERVATION_FINGERPRINT = "9eb905d95e9b738b";

    @TempDir Path dir;

    @Test
    void pythonReadsQuiversPosteriorAndWritesTheObservationQuiverWrites() throws Exception {
        ExternalTools.assumePython("PythonAvroInteropTest", "avro.io", "avro.schema");
        Path schemas = SchemasCommandTest.export(dir.resolve("schemas"));
        Path module = ExternalTools.writeDocumentedModules(dir.resolve("py"));
        PosteriorUpdate posterior = posterior();
        Path posteriorIn =
                Files.write(
                        dir.resolve("posterior.bin"),
                        AvroSingleObjectCodec.of(PosteriorUpdate.class).encode(posterior));
        Path observationOut = dir.resolve("observation.bin");

        JsonNode report =
                new ObjectMapper()
                        .readTree(
                                ExternalTools.runPython(
                                        module,
                                        Duration.ofSeconds(60),
                                        ExternalTools.pythonScript("roundtrip.py").toString(),
                                        schemas.toString(),
                                        posteriorIn.toString(),
                                        observationOut.toString()));

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
}
