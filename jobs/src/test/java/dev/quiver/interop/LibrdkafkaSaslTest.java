package dev.quiver.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SCRAM only where every librdkafka client has the nonce fix of 2.6.1; PLAIN otherwise; and the
 * settings docs/python.md gives for confluent_kafka agree.
 */
class LibrdkafkaSaslTest {

    @Test
    void theExampleChoosesPlainForDebian12sLibrdkafkaAndSaysWhy() {
        LibrdkafkaSasl sasl =
                LibrdkafkaSasl.choose(versions("confluent_kafka", "2.0.2", "kcat", "2.0.2"));

        assertThat(sasl.mechanism()).isEqualTo("PLAIN");
        assertThat(sasl.why())
                .startsWith("confluent_kafka has librdkafka 2.0.2, kcat has librdkafka 2.0.2: PLAIN")
                .contains("before 2.6.1");
    }

    @Test
    void scramOnlyWhereEveryClientIsAt261OrLater() {
        assertThat(LibrdkafkaSasl.choose(versions("confluent_kafka", "2.6.1", "kcat", "2.10.0")))
                .extracting(LibrdkafkaSasl::mechanism)
                .isEqualTo("SCRAM-SHA-512");
        assertThat(LibrdkafkaSasl.choose(versions("confluent_kafka", "2.6.1", "kcat", "2.6.0")))
                .extracting(LibrdkafkaSasl::mechanism)
                .isEqualTo("PLAIN");
    }

    @Test
    void versionsCompareByNumberNotByText() {
        assertThat(LibrdkafkaSasl.scramWorks("2.6.0")).isFalse();
        assertThat(LibrdkafkaSasl.scramWorks("1.9.9")).isFalse();
        assertThat(LibrdkafkaSasl.scramWorks("2.5.10")).isFalse();
        assertThat(LibrdkafkaSasl.scramWorks("2.6.1")).isTrue();
        assertThat(LibrdkafkaSasl.scramWorks("2.6.1-RC2")).isTrue();
        assertThat(LibrdkafkaSasl.scramWorks("2.10.0")).isTrue();
        assertThat(LibrdkafkaSasl.scramWorks("3.0.0")).isTrue();
        assertThatThrownBy(() -> LibrdkafkaSasl.scramWorks("unknown"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a librdkafka version: unknown");
    }

    /** docs/python.md's {@code sasl_ssl_settings}, run by the Python here, follows the same rule. */
    @Test
    void theDocumentedPythonSettingsPickTheSameMechanism(@TempDir Path dir) throws Exception {
        ExternalTools.assumePython("LibrdkafkaSaslTest", "confluent_kafka", "avro.io");
        Path modules = ExternalTools.writeDocumentedModules(dir.resolve("py"));
        String expected =
                LibrdkafkaSasl.choose(Map.of("confluent_kafka", ExternalTools.librdkafkaOfPython()))
                        .mechanism();

        String settings =
                ExternalTools.runPython(
                        modules,
                        Duration.ofSeconds(30),
                        "-c",
                        "import json, quiver_kafka; print(json.dumps(quiver_kafka.sasl_ssl_settings("
                                + "'localhost:9092', 'alice', 'alice-secret', '/ca.pem'),"
                                + " sort_keys=True))");

        assertThat(settings.strip())
                .isEqualTo(
                        "{\"bootstrap.servers\": \"localhost:9092\", \"sasl.mechanism\": \""
                                + expected
                                + "\", \"sasl.password\": \"alice-secret\", \"sasl.username\":"
                                + " \"alice\", \"security.protocol\": \"SASL_SSL\","
                                + " \"ssl.ca.location\": \"/ca.pem\"}");
    }

    private static Map<String, String> versions(String... nameThenVersion) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (int i = 0; i < nameThenVersion.length; i += 2) {
            versions.put(nameThenVersion[i], nameThenVersion[i + 1]);
        }
        return versions;
    }
}
