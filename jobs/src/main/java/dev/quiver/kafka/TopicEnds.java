package dev.quiver.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where a topic ends now for a {@code read_committed} reader: per partition, the offset of the
 * last record such a reader receives. That is not simply the end offset less one: a transactional
 * producer leaves a commit marker after its records, and aborted records are skipped, so the last
 * offsets of a partition may hold nothing a reader ever sees. A job that must read a control topic
 * (the score job's models) up to its end before it lets data through waits for these offsets.
 *
 * <p>Each call opens and closes its own consumer (no group, nothing committed, topics never
 * auto-created) and reads at most the last records of each partition, searching backwards from
 * the end, so its cost does not grow with the topic.
 *
 * <pre>{@code
 * Map<Integer, Long> last =
 *         TopicEnds.lastRecordOffsets("localhost:9092", "quiver.models", Duration.ofSeconds(30));
 * // {0=41, 1=17}: partitions without a record are left out; an unknown topic gives {}
 * }</pre>
 */
public final class TopicEnds {

    private static final Duration POLL = Duration.ofMillis(100);

    private TopicEnds() {}

    /**
     * The offset of the last record a {@code read_committed} reader receives in each partition of
     * {@code topic} now, by partition; partitions without one are left out, and a topic that does
     * not exist gives an empty map.
     *
     * @throws KafkaUnreachableException if the broker does not answer, or the partitions cannot be
     *     read to their end, within {@code timeout}
     */
    public static Map<Integer, Long> lastRecordOffsets(
            String bootstrap, String topic, Duration timeout) {
        return lastRecordOffsets(bootstrap, KafkaClientConfig.none(), topic, timeout);
    }

    /**
     * As {@link #lastRecordOffsets(String, String, Duration)}, through a consumer with the user's
     * {@code client} settings (security protocol, credentials).
     */
    public static Map<Integer, Long> lastRecordOffsets(
            String bootstrap, KafkaClientConfig client, String topic, Duration timeout) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, client, timeout)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            List<TopicPartition> partitions =
                    infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<Integer, Long> last = new TreeMap<>();
            if (partitions.isEmpty()) {
                return last;
            }
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            // For a read_committed consumer these are the last stable offsets.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            for (TopicPartition partition : partitions) {
                long offset =
                        lastRecordOffset(
                                consumer,
                                partition,
                                begin.get(partition),
                                end.get(partition),
                                deadlineNs);
                if (offset >= 0) {
                    last.put(partition.partition(), offset);
                }
            }
            return last;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreadable(bootstrap, topic, timeout, e);
        } catch (KafkaException e) {
            throw new KafkaUnreachableException(
                    "cannot read topic " + topic + " at " + bootstrap + ": "
                            + KafkaTopics.oneLine(KafkaTopics.rootCause(e)),
                    e);
        }
    }

    /**
     * The offset of the last record in [{@code begin}, {@code end}) of one partition, or -1 if it
     * has none: reads the last 1, 2, 4, ... offsets until one of them is a record.
     */
    private static long lastRecordOffset(
            KafkaConsumer<byte[], byte[]> consumer,
            TopicPartition partition,
            long begin,
            long end,
            long deadlineNs) {
        consumer.assign(List.of(partition));
        for (long window = 1; ; window *= 2) {
            long from = Math.max(begin, end - window);
            consumer.seek(partition, from);
            long last = -1;
            // The position passes markers and aborted records too, so it reaches the end even
            // where the last offsets hold no record.
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadlineNs) {
                    throw new org.apache.kafka.common.errors.TimeoutException(
                            "partition " + partition.partition() + " not read to offset " + end);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < end) {
                        last = Math.max(last, record.offset());
                    }
                }
            }
            if (last >= 0 || from == begin) {
                return last;
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(
            String bootstrap, KafkaClientConfig client, Duration timeout) {
        int ms = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
        Properties props =
                client.clientProperties(
                        bootstrap,
                        Map.of(
                                ConsumerConfig.CLIENT_ID_CONFIG, "quiver-topic-ends",
                                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms),
                        Map.of(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                                // Asking for a topic's partitions must not create it on a broker
                                // that auto-creates.
                                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false));
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaUnreachableException unreadable(
            String bootstrap, String topic, Duration timeout, Exception cause) {
        return new KafkaUnreachableException(
                "cannot read topic "
                        + topic
                        + " up to its end at "
                        + bootstrap
                        + " within "
                        + timeout.toSeconds()
                        + " s",
                cause);
    }
}
