package dev.quiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * How the user's client settings merge: Quiver's defaults, then the file, then the pairs in order,
 * then what Quiver relies on, which no one may set; secrets only behind config providers on a
 * command line; no value ever in a message.
 */
class KafkaClientConfigTest {

    @TempDir Path dir;

    private Path file(String... lines) throws IOException {
        return Files.write(dir.resolve("client-" + System.nanoTime() + ".properties"), List.of(lines));
    }

    @Test
    void laterPairsWinOverEarlierOnesAndOverTheFile() throws IOException {
        Path file = file("client.id=from-file", "linger.ms=7", "security.protocol=SASL_SSL");
        KafkaClientConfig config =
                KafkaClientConfig.of(
                        file, List.of("client.id=first", "client.id=second", "max.poll.records=3"));

        Properties props = config.clientProperties("broker:9092", Map.of(), Map.of());

        assertThat(props)
                .containsEntry("client.id", "second")
                .containsEntry("linger.ms", "7")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("max.poll.records", "3")
                .containsEntry("bootstrap.servers", "broker:9092");
    }

    @Test
    void userSettingsWinOverQuiverDefaultsAndQuiverRequirementsWinOverAll() throws IOException {
        KafkaClientConfig config = KafkaClientConfig.of(null, List.of("request.timeout.ms=99"));

        Properties props =
                config.clientProperties(
                        "b:1",
                        Map.of("request.timeout.ms", "10000", "client.id", "quiver-admin"),
                        Map.of("isolation.level", "read_committed"));

        assertThat(props)
                .containsEntry("request.timeout.ms", "99")
                .containsEntry("client.id", "quiver-admin")
                .containsEntry("isolation.level", "read_committed");
    }

    @Test
    void anExplicitBootstrapWinsOverTheFilesAndTheFilesIsUsedWithoutOne() throws IOException {
        KafkaClientConfig config = KafkaClientConfig.of(file("bootstrap.servers=file:9093"), List.of());

        assertThat(config.bootstrap("cli:9092")).isEqualTo("cli:9092");
        assertThat(config.bootstrap(null)).isEqualTo("file:9093");
        assertThat(KafkaClientConfig.none().bootstrap(null)).isNull();
        assertThat(config.clientProperties("cli:9092", Map.of(), Map.of()))
                .containsEntry("bootstrap.servers", "cli:9092");
    }

    static Set<String> quiverOwnedKeys() {
        return KafkaClientConfig.quiverOwned().keySet();
    }

    @ParameterizedTest
    @MethodSource("quiverOwnedKeys")
    void aSettingQuiverReliesOnIsRefusedFromTheFileAndTheCommandLineNamingTheKey(String key)
            throws IOException {
        Path file = file(key + "=x");
        assertThatThrownBy(() -> KafkaClientConfig.of(file, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--kafka-config " + file + " sets " + key + ", which Quiver")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> KafkaClientConfig.of(null, List.of(key + "=x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--kafka-property " + key + ", which Quiver sets itself: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void theRequiredSettingsAreTheOnesTheExactlyOnceDesignNeeds() {
        assertThat(KafkaClientConfig.quiverOwned().keySet())
                .containsExactlyInAnyOrder(
                        "isolation.level",
                        "enable.auto.commit",
                        "group.id",
                        "key.deserializer",
                        "value.deserializer",
                        "key.serializer",
                        "value.serializer",
                        "enable.idempotence",
                        "acks",
                        "transactional.id",
                        "transaction.timeout.ms");
    }

    @Test
    void aLiteralSecretOnTheCommandLineIsRefusedWithoutRepeatingIt() {
        for (String key :
                List.of(
                        "ssl.keystore.password",
                        "ssl.truststore.password",
                        "sasl.jaas.config",
                        "sasl.oauthbearer.client.credentials.client.secret",
                        "my.custom.Password")) {
            assertThatThrownBy(() -> KafkaClientConfig.of(null, List.of(key + "=hunter2")))
                    .as(key)
                    .hasMessageStartingWith("--kafka-property " + key + " is a secret")
                    .hasMessageNotContaining("hunter2");
        }
    }

    @Test
    void aSecretBehindAConfigProviderIsAcceptedOnTheCommandLine() {
        KafkaClientConfig config =
                KafkaClientConfig.of(
                        null,
                        List.of(
                                "ssl.keystore.password=${env:KEYSTORE_PASSWORD}",
                                "sasl.jaas.config=${file:/etc/quiver/secrets.properties:jaas}"));

        assertThat(config.clientProperties("b:1", Map.of(), Map.of()))
                .containsEntry("ssl.keystore.password", "${env:KEYSTORE_PASSWORD}")
                .containsEntry("sasl.jaas.config", "${file:/etc/quiver/secrets.properties:jaas}");
    }

    @Test
    void aSecretInTheFileIsAcceptedAndNeverShownAsText() throws IOException {
        KafkaClientConfig config =
                KafkaClientConfig.of(file("ssl.keystore.password=hunter2"), List.of("linger.ms=1"));

        assertThat(config.toString())
                .contains("ssl.keystore.password", "linger.ms")
                .doesNotContain("hunter2");
        assertThat(config.keys()).containsExactly("ssl.keystore.password", "linger.ms");
    }

    @Test
    void aMalformedPairOrUnreadableFileIsOneLineNamingIt() {
        assertThatThrownBy(() -> KafkaClientConfig.of(null, List.of("no-equals")))
                .hasMessage("--kafka-property takes KEY=VALUE, got one without '='");
        assertThatThrownBy(() -> KafkaClientConfig.of(null, List.of("=value")))
                .hasMessage("--kafka-property takes KEY=VALUE, got one without a key");
        Path gone = dir.resolve("gone.properties");
        assertThatThrownBy(() -> KafkaClientConfig.of(gone, List.of()))
                .hasMessageStartingWith("cannot read --kafka-config " + gone + ": ");
    }

    @Test
    void aValueMayHoldEqualsSigns() {
        KafkaClientConfig config =
                KafkaClientConfig.of(null, List.of("sasl.kerberos.service.name=a=b"));
        assertThat(config.clientProperties("b:1", Map.of(), Map.of()))
                .containsEntry("sasl.kerberos.service.name", "a=b");
    }
}
