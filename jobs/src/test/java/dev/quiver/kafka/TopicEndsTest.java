package dev.quiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where a topic ends for a read_committed reader, on a real broker: transaction markers and
 * aborted records at a partition's end are not records, so the last offset a reader receives is
 * the one before them.
 */
class TopicEndsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void theLastRecordOfEachPartitionSkipsMarkersAndAbortedRecords() throws Exception {
        String topic = "ends";
        KafkaTopics.ensureTopics(broker.bootstrapServers(), List.of(topic), 4, TIMEOUT);
        long plainLast;
        long committedLast;
        try (KafkaProducer<String, String> plain = producer(Map.of())) {
            plain.send(new ProducerRecord<>(topic, 0, "k", "a")).get();
            plainLast = plain.send(new ProducerRecord<>(topic, 0, "k", "b")).get().offset();
        }
        try (KafkaProducer<String, String> transactional =
                producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "topic-ends-test"))) {
            transactional.initTransactions();
            // Partition 1: committed records, then the commit marker after them.
            transactional.beginTransaction();
            transactional.send(new ProducerRecord<>(topic, 1, "k", "c"));
            RecordMetadata last = transactional.send(new ProducerRecord<>(topic, 1, "k", "d")).get();
            transactional.commitTransaction();
            committedLast = last.offset();
            // Then an aborted transaction on partition 1, and one alone on partition 2.
            transactional.beginTransaction();
            transactional.send(new ProducerRecord<>(topic, 1, "k", "aborted")).get();
            transactional.send(new ProducerRecord<>(topic, 2, "k", "aborted")).get();
            transactional.abortTransaction();
        }

        Map<Integer, Long> ends =
                TopicEnds.lastRecordOffsets(broker.bootstrapServers(), topic, TIMEOUT);

        // Partition 2 holds only an aborted record and its marker, partition 3 nothing.
        assertThat(ends).containsExactly(Map.entry(0, plainLast), Map.entry(1, committedLast));
    }

    @Test
    void aTopicThatDoesNotExistHasNoEndAndIsNotCreated() throws Exception {
        assertThat(TopicEnds.lastRecordOffsets(broker.bootstrapServers(), "no-such-topic", TIMEOUT))
                .isEmpty();
        try (var admin = KafkaTopics.openAdmin(broker.bootstrapServers(), KafkaClientConfig.none(), 10_000)) {
            assertThat(admin.listTopics().names().get()).doesNotContain("no-such-topic");
        }
    }

    @Test
    void anUnreachableBrokerIsAOneLineErrorWithinTheTimeout() {
        int port = KafkaTestClients.freePort();
        assertThatThrownBy(
                        () ->
                                TopicEnds.lastRecordOffsets(
                                        "localhost:" + port, "t", Duration.ofSeconds(2)))
                .isInstanceOf(KafkaUnreachableException.class)
                .hasMessageContaining("localhost:" + port)
                .hasMessageNotContaining("\n");
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config =
                new java.util.HashMap<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"));
        config.putAll(extra);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }
}
