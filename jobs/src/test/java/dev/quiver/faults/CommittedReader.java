package dev.quiver.faults;

import dev.quiver.kafka.KafkaTestClients;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a result topic from the beginning with read_committed isolation, every partition, without a
 * consumer group, handing each record to the caller as it comes (a million results are aggregated,
 * not kept). Only records of committed Flink transactions are seen: a duplicate here is a duplicate
 * a downstream consumer would see.
 *
 * <pre>{@code
 * long n = CommittedReader.readUntil(bootstrap, "quiver.posteriors", r -> count(r),
 *         () -> seen == expected, Duration.ofSeconds(6), Duration.ofMinutes(5));
 * }</pre>
 */
public final class CommittedReader {

    private CommittedReader() {}

    /**
     * Polls {@code topic} until {@code done} holds, then {@code grace} longer (to catch late
     * duplicates), or until {@code timeout}; returns the number of records read.
     */
    public static long readUntil(
            String bootstrap,
            String topic,
            Consumer<ConsumerRecord<byte[], byte[]>> handler,
            BooleanSupplier done,
            Duration grace,
            Duration timeout) {
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                KafkaTestClients.committedFromStart(bootstrap, topic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            long graceEnd = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, graceEnd)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    handler.accept(r);
                    read++;
                }
                if (graceEnd == Long.MAX_VALUE && done.getAsBoolean()) {
                    graceEnd = System.nanoTime() + grace.toNanos();
                }
            }
        }
        return read;
    }

    /**
     * Reads {@code topic} up to its committed end as of now (the last stable offsets), or until
     * {@code timeout}; returns the number of records read.
     */
    public static long readToEnd(
            String bootstrap,
            String topic,
            Consumer<ConsumerRecord<byte[], byte[]>> handler,
            Duration timeout) {
        return readToEnd(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic, handler, timeout);
    }

    /**
     * As {@link #readToEnd(String, String, Consumer, Duration)}, with the client settings {@code
     * client} ({@code bootstrap.servers} and, on a secured broker, its protocol and credentials).
     */
    public static long readToEnd(
            Map<String, Object> client,
            String topic,
            Consumer<ConsumerRecord<byte[], byte[]>> handler,
            Duration timeout) {
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                KafkaTestClients.committedFromStart(client, topic)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !reached(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    handler.accept(r);
                    read++;
                }
            }
        }
        return read;
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
