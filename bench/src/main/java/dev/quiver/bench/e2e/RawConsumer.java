package dev.quiver.bench.e2e;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The raw Kafka consumer of the end-to-end benchmark: reads a topic from its beginning to the end
 * offsets it had at start (read_committed, partitions assigned by hand, no group), as a job's
 * bounded backfill does, and prints {@code raw-consumer topic=T events=N seconds=S offsets=O
 * bytes=B}, S from the first poll to the last record, O the offsets spanned (records plus, in
 * transactional topics, commit markers). {@code --topic} takes a comma-separated list, read one
 * after the other, a line each (the benchmark's read-back of every result topic).
 *
 * <pre>{@code
 * java -cp ... dev.quiver.bench.e2e.RawConsumer --bootstrap localhost:9092 --topic quiver.observations
 * }</pre>
 */
public final class RawConsumer {

    private RawConsumer() {}

    /** Reads the topic to its end and prints the timing line. */
    public static void main(String[] args) {
        PeerArguments arguments =
                PeerArguments.parse(args, Set.of("--bootstrap", "--topic"), Set.of());
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted(arguments.required("--bootstrap"))) {
            for (String topic : arguments.required("--topic").split(",")) {
                readToEnd(consumer, topic);
            }
        }
    }

    /** A consumer of raw bytes without a group that reads committed records only. */
    static KafkaConsumer<byte[], byte[]> readCommitted(String bootstrap) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Assigns every partition of {@code topic} to {@code consumer}, at their beginnings, waiting up
     * to a minute for the topic to exist (a job starting beside the reader creates it).
     *
     * @throws IllegalStateException if it does not appear in that time
     */
    static List<TopicPartition> fromBeginning(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        List<TopicPartition> partitions = List.of();
        while (partitions.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " did not appear in a minute");
            }
            partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(info -> new TopicPartition(topic, info.partition()))
                            .toList();
            if (partitions.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = fromBeginning(consumer, topic);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long wanted = 0;
        for (TopicPartition partition : partitions) {
            wanted += ends.get(partition) - consumer.position(partition);
        }
        long start = System.nanoTime();
        long read = 0;
        long bytes = 0;
        while (!reachedEnds(consumer, ends)) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
            read += records.count();
            for (var record : records) {
                bytes += record.value().length;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "raw-consumer topic=%s events=%d seconds=%.3f offsets=%d bytes=%d%n",
                topic, read, seconds, wanted, bytes);
    }

    private static boolean reachedEnds(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream()
                .allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }
}
