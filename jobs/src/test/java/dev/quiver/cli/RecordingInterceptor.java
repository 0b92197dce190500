package dev.quiver.cli;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Kafka interceptor that records the configuration each client it is installed in was created
 * with ({@code interceptor.classes}), after Kafka resolved its config-provider references: the
 * evidence that a user's client settings reached the clients Quiver and Flink open. Jobs on the
 * MiniCluster run in the test's JVM, so one static list sees them all.
 */
public final class RecordingInterceptor
        implements ConsumerInterceptor<byte[], byte[]>, ProducerInterceptor<byte[], byte[]> {

    /** One client's configuration and whether it was a producer. */
    public record Client(boolean producer, Map<String, Object> config) {}

    private static final List<Client> CLIENTS = new CopyOnWriteArrayList<>();

    private boolean producer;

    /** Every client configured since the last {@link #clear()}. */
    public static List<Client> clients() {
        return List.copyOf(CLIENTS);
    }

    /** Forgets the clients recorded so far. */
    public static void clear() {
        CLIENTS.clear();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // Kafka adds the deserializers to a consumer's configuration, the serializers to a
        // producer's.
        producer = !configs.containsKey("key.deserializer");
        CLIENTS.add(new Client(producer, new HashMap<>(configs)));
    }

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

    @Override
    public void close() {}
}
