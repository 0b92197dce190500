package dev.quiver.cli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Map;
import java.util.Properties;

/**
 * The CLI's Kafka clients, with bounded timeouts so an unreachable broker is an error within
 * seconds, and consumers that read only committed results.
 *
 * <pre>{@code
 * try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer("localhost:9092")) { ... }
 * }</pre>
 */
final class KafkaClients {

    private KafkaClients() {}

    /** An idempotent producer of raw bytes. */
    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(bootstrap, 1 << 20);
    }

    /** An idempotent producer of raw bytes whose requests may reach {@code maxRequestBytes}. */
    static KafkaProducer<byte[], byte[]> producer(String bootstrap, int maxRequestBytes) {
        Properties props =
                properties(
                        bootstrap,
                        Map.of(
                                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                                String.valueOf(maxRequestBytes),
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                "true",
                                ProducerConfig.LINGER_MS_CONFIG,
                                "5"));
        // An absent broker fails fast through max.block.ms (metadata); a slow one (a loaded
        // machine) gets Kafka's default request timeout, since a timed-out request of an
        // idempotent producer can surface as OutOfOrderSequenceException on the next batch.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * A consumer without a group (partitions are assigned by hand) reading committed records only.
     */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties props =
                properties(
                        bootstrap,
                        Map.of(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                "false",
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                "10000",
                                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                "10000"));
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Client properties: the bootstrap servers and {@code settings}. */
    private static Properties properties(String bootstrap, Map<String, String> settings) {
        Properties props = new Properties();
        // The same key for producers and consumers (both configs name it "bootstrap.servers").
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.putAll(settings);
        return props;
    }
}
