package dev.quiver.cli;

import dev.quiver.kafka.KafkaClientConfig;

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
 * seconds, and consumers that read only committed results. The user's client settings ({@code
 * --kafka-config}, {@code --kafka-property}) override the defaults, never the settings Quiver
 * relies on.
 *
 * <pre>{@code
 * try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(brokerAddress)) { ... }
 * }</pre>
 */
final class KafkaClients {

    private KafkaClients() {}

    /** An idempotent producer of raw bytes to the broker of a command's options. */
    static KafkaProducer<byte[], byte[]> producer(BrokerAddress broker) {
        return producer(broker.bootstrap(), broker.clientConfig(), 1 << 20);
    }

    /** An idempotent producer of raw bytes, with no user settings (the demo's own broker). */
    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(bootstrap, KafkaClientConfig.none(), 1 << 20);
    }

    /**
     * An idempotent producer of raw bytes whose requests may reach {@code maxRequestBytes}, with
     * the user's {@code client} settings over Quiver's defaults.
     */
    static KafkaProducer<byte[], byte[]> producer(
            String bootstrap, KafkaClientConfig client, int maxRequestBytes) {
        // An absent broker fails fast through max.block.ms (metadata); a slow one (a loaded
        // machine) gets Kafka's default request timeout, since a timed-out request of an
        // idempotent producer can surface as OutOfOrderSequenceException on the next batch.
        Properties props =
                client.clientProperties(
                        bootstrap,
                        Map.of(
                                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                                String.valueOf(maxRequestBytes),
                                ProducerConfig.LINGER_MS_CONFIG,
                                "5",
                                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                                "10000",
                                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                "30000",
                                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                                "120000"),
                        Map.of(
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                "true"));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A consumer of the broker of a command's options; see {@link #consumer(String, KafkaClientConfig)}. */
    static KafkaConsumer<byte[], byte[]> consumer(BrokerAddress broker) {
        return consumer(broker.bootstrap(), broker.clientConfig());
    }

    /**
     * A consumer without a group (partitions are assigned by hand) reading committed records only,
     * with the user's {@code client} settings over Quiver's defaults.
     */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, KafkaClientConfig client) {
        Properties props =
                client.clientProperties(
                        bootstrap,
                        Map.of(
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                "10000",
                                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                "10000"),
                        Map.of(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                "false"));
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
