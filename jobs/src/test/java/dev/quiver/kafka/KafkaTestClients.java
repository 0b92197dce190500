package dev.quiver.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Plain Kafka clients for tests against a real broker: string producers and a bounded consumer. */
public final class KafkaTestClients {
    private KafkaTestClients() {}

    /** An idempotent producer (acks=all); {@code extra} adds or overrides settings. */
    public static KafkaProducer<String, String> producer(
            String bootstrap, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    /**
     * Reads {@code topic} from the beginning in consumer group {@code group} with read_committed
     * isolation, committing offsets, until a record matches {@code last} or {@code timeout} passes;
     * returns the values read so far, in order (one partition assumed for order).
     */
    public static List<String> consumeUntil(
            String bootstrap,
            String topic,
            String group,
            Predicate<String> last,
            Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                    if (last.test(record.value())) {
                        // Committing proves the group coordinator and __consumer_offsets work.
                        consumer.commitSync(Duration.ofSeconds(10));
                        return values;
                    }
                }
            }
        }
        return values;
    }

    /**
     * An idempotent producer of raw bytes (acks=all, one request in flight), for Avro messages and
     * deliberate garbage.
     */
    public static KafkaProducer<byte[], byte[]> bytesProducer(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Right after a topic is created a broker may still answer NOT_LEADER; retrying several
        // batches in flight then ended in OutOfOrderSequence errors and lost records.
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Every committed record of {@code topic} from the beginning, partition by partition, without a
     * consumer group: polls until {@code expected} records arrived, then keeps polling for {@code
     * grace} to catch any extra (duplicated) record, or gives up at {@code timeout}.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String bootstrap, String topic, int expected, Duration grace, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = committedFromStart(bootstrap, topic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            long graceEnd = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, graceEnd)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() >= expected && graceEnd == Long.MAX_VALUE) {
                    graceEnd = System.nanoTime() + grace.toNanos();
                }
            }
        }
        return records;
    }

    /**
     * Every committed record of {@code topic} from the beginning, without a consumer group, polled
     * until the records read so far satisfy {@code done} or {@code timeout} passes.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommittedUntil(
            String bootstrap,
            String topic,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = committedFromStart(bootstrap, topic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(records)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * A read_committed consumer of every partition of {@code topic}, at the beginning, without a
     * consumer group (nothing is committed) and with up to 5000 records a poll. The caller closes
     * it.
     */
    public static KafkaConsumer<byte[], byte[]> committedFromStart(String bootstrap, String topic) {
        return committedFromStart(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic);
    }

    /**
     * As {@link #committedFromStart(String, String)}, with the client settings {@code client}
     * ({@code bootstrap.servers} and, on a secured broker, its protocol and credentials).
     */
    public static KafkaConsumer<byte[], byte[]> committedFromStart(
            Map<String, Object> client, String topic) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** A port nothing listens on right now (bound and released). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("localhost", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code localhost:port} can be bound now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("localhost", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
