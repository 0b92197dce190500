package dev.quiver.kafka;

import org.apache.kafka.clients.admin.NewTopic;

import java.util.Optional;

/**
 * How a topic Quiver creates is laid out: its partition count and replication factor, each the
 * broker's default ({@code num.partitions}, {@code default.replication.factor}) where not given,
 * as when a broker auto-creates a topic.
 *
 * <pre>{@code
 * TopicLayout layout = TopicLayout.of(4, (short) 1);
 * KafkaTopics.ensureTopics(
 *         bootstrap, KafkaClientConfig.none(), List.of("quiver.posteriors"), layout, timeout);
 * List<String> missing = KafkaTopics.missingTopics(
 *         bootstrap, KafkaClientConfig.none(), List.of("quiver.posteriors", "other"), timeout);
 * // ["other"]
 * }</pre>
 *
 * @param partitions partition count, at least 1, or empty for the broker's default
 * @param replicationFactor replication factor, at least 1, or empty for the broker's default
 */
public record TopicLayout(Optional<Integer> partitions, Optional<Short> replicationFactor) {

    /** Checks both are at least 1 where given. */
    public TopicLayout {
        partitions.filter(n -> n < 1).ifPresent(n -> {
            throw new IllegalArgumentException("partitions must be at least 1: " + n);
        });
        replicationFactor.filter(n -> n < 1).ifPresent(n -> {
            throw new IllegalArgumentException("replication factor must be at least 1: " + n);
        });
    }

    /** {@code partitions} partitions, replicated {@code replicationFactor} times. */
    public static TopicLayout of(int partitions, short replicationFactor) {
        return new TopicLayout(Optional.of(partitions), Optional.of(replicationFactor));
    }

    /** The admin request for {@code topic} with this layout. */
    NewTopic newTopic(String topic) {
        return new NewTopic(topic, partitions, replicationFactor);
    }
}
