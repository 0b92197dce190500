package dev.quiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Runs the javadoc examples of this package, so they cannot rot. Keep them in sync by hand. */
class ExamplesTest {

    @Test
    void embeddedKafkaBrokerAndKafkaTopicsExamplesRun() throws Exception {
        Path dataDir;
        // EmbeddedKafkaBroker's example.
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().partitions(2).start()) {
            String bootstrap = broker.bootstrapServers(); // "localhost:41234"
            KafkaTopics.ensureTopics(bootstrap, List.of("vectors"), 2, Duration.ofSeconds(30));
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(
                            Map.of(
                                    "bootstrap.servers", bootstrap,
                                    "key.serializer", StringSerializer.class.getName(),
                                    "value.serializer", StringSerializer.class.getName()))) {
                producer.send(new ProducerRecord<>("vectors", "k", "v")).get();
            }
            dataDir = broker.dataDir();

            // KafkaTopics' example, against this broker instead of localhost:9092.
            KafkaTopics.checkReachable(bootstrap, Duration.ofSeconds(5));
            KafkaTopics.ensureTopics(
                    bootstrap, List.of("vectors", "matches"), 4, Duration.ofSeconds(30));
        }
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void brokerSecurityAndBrokerTlsExamplesRun(@TempDir Path files) throws Exception {
        Path usersFile = Files.write(files.resolve("users.txt"), List.of("alice:alice-secret"));
        Path aclsFile =
                Files.write(files.resolve("acls.txt"), List.of("User:alice READ TOPIC vectors"));
        Path dataDir;
        // BrokerSecurity's example, with the files above for users.txt and acls.txt.
        BrokerSecurity security = BrokerSecurity.saslSsl(usersFile, aclsFile);
        try (EmbeddedKafkaBroker broker =
                EmbeddedKafkaBroker.builder().security(security).start()) {
            String saslSsl = broker.bootstrapServers(); // with broker.tls().clientSslProperties()
            String mutualTls = broker.mtlsBootstrapServers(); // with issueClientCertificate(name)
            assertThat(saslSsl).isEqualTo("localhost:" + broker.port());
            assertThat(mutualTls).startsWith("localhost:").isNotEqualTo(saslSsl);
            dataDir = broker.dataDir();

            // BrokerTls' example, in this broker's data dir instead of /var/lib/quiver/kafka.
            BrokerTls tls = BrokerTls.inDataDir(dataDir); // created or reused
            Path truststore = tls.truststore(); // tls-truststore.p12
            BrokerTls.ClientCertificate alice = tls.issueClientCertificate("alice");
            Properties client = BrokerTls.readProperties(alice.properties()); // SSL

            assertThat(truststore).isEqualTo(broker.tls().truststore()).isRegularFile();
            assertThat(client.getProperty("security.protocol")).isEqualTo("SSL");
        }
        assertThat(dataDir).doesNotExist();
    }
}
