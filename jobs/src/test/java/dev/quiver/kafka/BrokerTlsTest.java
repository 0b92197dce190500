package dev.quiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;

/** The TLS files of a secured broker, without a broker. */
class BrokerTlsTest {
    @TempDir Path dataDir;

    @Test
    void theCaIsMadeAtTheFirstStartAndReusedAtLaterOnes() throws Exception {
        BrokerTls.inDataDir(dataDir);
        byte[] ca = Files.readAllBytes(dataDir.resolve(BrokerTls.CA_FILE));
        String caPem = Files.readString(dataDir.resolve(BrokerTls.CA_PEM_FILE));
        byte[] broker = Files.readAllBytes(dataDir.resolve(BrokerTls.BROKER_FILE));
        Files.delete(dataDir.resolve(BrokerTls.CA_PEM_FILE)); // a lost public file comes back

        BrokerTls.inDataDir(dataDir);

        assertThat(Files.readAllBytes(dataDir.resolve(BrokerTls.CA_FILE))).isEqualTo(ca);
        assertThat(Files.readAllBytes(dataDir.resolve(BrokerTls.BROKER_FILE))).isEqualTo(broker);
        assertThat(Files.readString(dataDir.resolve(BrokerTls.CA_PEM_FILE))).isEqualTo(caPem);
        assertThat(caPem).startsWith("-----BEGIN CERTIFICATE-----\n");
    }

    @Test
    void anIncompleteSetIsMadeAnewAndOnlySecretFilesAreOwnerOnly() throws Exception {
        BrokerTls.inDataDir(dataDir);
        byte[] ca = Files.readAllBytes(dataDir.resolve(BrokerTls.CA_FILE));
        Files.delete(
                dataDir.resolve(BrokerTls.SECRETS_FILE)); // as if the first start was cut short

        BrokerTls.inDataDir(dataDir);

        assertThat(Files.readAllBytes(dataDir.resolve(BrokerTls.CA_FILE))).isNotEqualTo(ca);
        for (String secret :
                List.of(BrokerTls.SECRETS_FILE, BrokerTls.CA_FILE, BrokerTls.BROKER_FILE)) {
            assertThat(mode(dataDir.resolve(secret))).as(secret).isEqualTo("rw-------");
        }
        assertThat(mode(dataDir.resolve(BrokerTls.TRUSTSTORE_FILE))).isNotEqualTo("rw-------");
        try (var files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary file left, no directory Kafka would refuse")
                    .noneMatch(name -> name.endsWith(".tmp"))
                    .allMatch(name -> Files.isRegularFile(dataDir.resolve(name)));
        }
    }

    @Test
    void aClientCertificateIsSignedByTheCaForItsNameAndClientUseOnly() throws Exception {
        BrokerTls tls = BrokerTls.inDataDir(dataDir);

        BrokerTls.ClientCertificate carol = tls.issueClientCertificate("carol");

        assertThat(carol.principal()).isEqualTo("User:carol");
        assertThat(mode(carol.keystore())).isEqualTo("rw-------");
        assertThat(mode(carol.properties())).isEqualTo("rw-------");
        Properties settings = BrokerTls.readProperties(carol.properties());
        assertThat(settings.getProperty("security.protocol")).isEqualTo("SSL");
        X509Certificate certificate =
                (X509Certificate)
                        load(carol.keystore(), settings.getProperty("ssl.keystore.password"))
                                .getCertificate("key");
        X509Certificate ca =
                (X509Certificate)
                        load(tls.truststore(), settings.getProperty("ssl.truststore.password"))
                                .getCertificate("quiver-ca");

        certificate.verify(ca.getPublicKey()); // throws unless the CA signed it
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=carol");
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(ca.getBasicConstraints()).as("a CA").isZero();
    }

    @Test
    void theBrokersCertificateServesLocalhostAndItsNameIsReserved() throws Exception {
        BrokerTls tls = BrokerTls.inDataDir(dataDir);
        Properties secrets = BrokerTls.readProperties(dataDir.resolve(BrokerTls.SECRETS_FILE));
        X509Certificate broker =
                (X509Certificate)
                        load(
                                        dataDir.resolve(BrokerTls.BROKER_FILE),
                                        secrets.getProperty("broker.password"))
                                .getCertificate("key");

        assertThat(broker.getSubjectX500Principal().getName()).isEqualTo("CN=quiver-broker");
        assertThat(
                        broker.getSubjectAlternativeNames().stream()
                                .map(name -> String.valueOf(name.get(1))))
                .contains("localhost", "127.0.0.1");
        assertThat(broker.getExtendedKeyUsage())
                .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThatThrownBy(() -> tls.issueClientCertificate("quiver-broker"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved for the broker");
        assertThatThrownBy(() -> tls.issueClientCertificate("../etc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../etc'");
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
