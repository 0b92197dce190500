package dev.quiver.cli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

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
        Properties props = new Properties();
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(maxRequestBytes));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
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
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
