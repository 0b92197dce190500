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

    @Test
    void kafkaClientConfigAndTopicLayoutExamplesRun(@TempDir Path dir) throws Exception {
        // KafkaClientConfig's example, with the file in a temporary directory.
        Path file = Files.writeString(dir.resolve("client.properties"), "linger.ms=5\n");
        KafkaClientConfig client = KafkaClientConfig.of(file, List.of("client.id=quiver-prod"));
        Properties props =
                client.clientProperties(
                        "kafka:9093",
                        Map.of("request.timeout.ms", "10000"),
                        Map.of("isolation.level", "read_committed"));
        assertThat(props)
                .containsEntry("linger.ms", "5")
                .containsEntry("client.id", "quiver-prod")
                .containsEntry("bootstrap.servers", "kafka:9093");

        // TopicLayout's example.
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
            String bootstrap = broker.bootstrapServers();
            Duration timeout = Duration.ofSeconds(30);
            TopicLayout layout = TopicLayout.of(4, (short) 1);
            KafkaTopics.ensureTopics(
                    bootstrap,
                    KafkaClientConfig.none(),
                    List.of("quiver.posteriors"),
                    layout,
                    timeout);
            List<String> missing =
                    KafkaTopics.missingTopics(
                            bootstrap,
                            KafkaClientConfig.none(),
                            List.of("quiver.posteriors", "other"),
                            timeout);
            assertThat(missing).containsExactly("other");
        }
    }
}
