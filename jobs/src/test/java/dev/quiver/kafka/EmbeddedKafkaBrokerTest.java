package dev.quiver.kafka;

import static dev.quiver.kafka.KafkaTestClients.consumeUntil;
import static dev.quiver.kafka.KafkaTestClients.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** Runs a real broker: one shared by the class, plus the ones a test needs of its own. */
class EmbeddedKafkaBrokerTest {
    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(30);
    private static final int SHARED_PARTITIONS = 3;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startSharedBroker() {
        broker = EmbeddedKafkaBroker.builder().partitions(SHARED_PARTITIONS).start();
    }

    @AfterAll
    static void stopSharedBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void recordsFromAnIdempotentProducerReachAReadCommittedConsumerGroup() throws Exception {
        String topic = "plain";
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(), List.of(topic), 1, Duration.ofSeconds(30));
        try (KafkaProducer<String, String> producer =
                producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }

        List<String> values =
                consumeUntil(
                        broker.bootstrapServers(),
                        topic,
                        "plain-group",
                        "v4"::equals,
                        CONSUME_TIMEOUT);

        assertThat(values).containsExactly("v0", "v1", "v2", "v3", "v4");
    }

    @Test
    void committedTransactionsAreVisibleToReadCommittedAndAbortedOnesAreNot() throws Exception {
        String topic = "transactional";
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(), List.of(topic), 1, Duration.ofSeconds(30));
        Map<String, Object> transactional =
                Map.of(
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "quiver-test-tx",
                        // Below the broker's transaction.max.timeout.ms (15 min), as Flink's sink
                        // must be.
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        60_000);
        try (KafkaProducer<String, String> producer =
                producer(broker.bootstrapServers(), transactional)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed-1"));
            producer.send(new ProducerRecord<>(topic, "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "aborted-1"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed-last"));
            producer.commitTransaction();
        }

        List<String> values =
                consumeUntil(
                        broker.bootstrapServers(),
                        topic,
                        "tx-group",
                        "committed-last"::equals,
                        CONSUME_TIMEOUT);

        assertThat(values).containsExactly("committed-1", "committed-2", "committed-last");
    }

    @Test
    void autoCreatedTopicsGetTheConfiguredPartitionCount() throws Exception {
        String topic = "auto-created";
        try (KafkaProducer<String, String> producer =
                producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>(topic, "v")).get();
        }

        assertThat(describe(broker.bootstrapServers(), topic).partitions())
                .hasSize(SHARED_PARTITIONS);
    }

    @Test
    void aSecondBrokerRunsBesideTheFirstAndDeletesItsTemporaryDataDirOnClose() throws Exception {
        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().start();
        try {
            assertThat(second.port()).isNotEqualTo(broker.port()).isPositive();
            assertThat(second.bootstrapServers()).isEqualTo("localhost:" + second.port());
            assertThat(second.dataDir()).isNotEqualTo(broker.dataDir()).isDirectory();

            // Each broker holds its own topic: the two are separate clusters.
            try (KafkaProducer<String, String> producer =
                    producer(second.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>("only-on-second", "v")).get();
            }
            KafkaTopics.checkReachable(broker.bootstrapServers(), Duration.ofSeconds(10));
            assertThat(topics(second.bootstrapServers())).contains("only-on-second");
            assertThat(topics(broker.bootstrapServers())).doesNotContain("only-on-second");
        } finally {
            second.close();
        }
        assertThat(second.dataDir()).doesNotExist();
        second.close(); // idempotent
    }

    @Test
    void recordsSurviveARestartWithTheSameDataDir(@TempDir Path dataDir) throws Exception {
        String topic = "durable";
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDir(dataDir).start();
                KafkaProducer<String, String> producer =
                        producer(first.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, "before-restart-" + i)).get();
            }
        }
        assertThat(dataDir.resolve("meta.properties")).exists();
        String clusterId = clusterId(dataDir);

        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDir(dataDir).start()) {
            List<String> values =
                    consumeUntil(
                            second.bootstrapServers(),
                            topic,
                            "after-restart",
                            "before-restart-2"::equals,
                            CONSUME_TIMEOUT);

            assertThat(values)
                    .containsExactly("before-restart-0", "before-restart-1", "before-restart-2");
        }
        assertThat(clusterId(dataDir)).as("not formatted again").isEqualTo(clusterId);
        assertThat(dataDir).isDirectory();
    }

    @Test
    void aPortInUseFailsWithAOneLineMessageNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("localhost", 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(port).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("in use")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void builderRejectsAnOutOfRangePortOrPartitionCount() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port")
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().partitions(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitions")
                .hasMessageContaining("0");
    }

    private static TopicDescription describe(String bootstrap, String topic) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        }
    }

    private static Set<String> topics(String bootstrap) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listTopics().names().get();
        }
    }

    private static String clusterId(Path dataDir) throws Exception {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("meta.properties"))) {
            meta.load(in);
        }
        return meta.getProperty("cluster.id");
    }
}
