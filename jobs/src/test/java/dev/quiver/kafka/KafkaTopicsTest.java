package dev.quiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

class KafkaTopicsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Bounds a hang, not a speed: the call must fail near its timeout, not after minutes. */
    private static final Duration HANG_MARGIN = Duration.ofSeconds(10);

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void ensureTopicsCreatesMissingTopicsWithThePartitionCount() throws Exception {
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(), List.of("created-a", "created-b"), 3, TIMEOUT);

        Map<String, TopicDescription> topics = describe("created-a", "created-b");
        assertThat(topics.get("created-a").partitions()).hasSize(3);
        assertThat(topics.get("created-b").partitions()).hasSize(3);
    }

    @Test
    void ensureTopicsIsIdempotentAndLeavesExistingTopicsAlone() throws Exception {
        KafkaTopics.ensureTopics(broker.bootstrapServers(), List.of("existing"), 2, TIMEOUT);

        KafkaTopics.ensureTopics(
                broker.bootstrapServers(), List.of("existing", "added"), 5, TIMEOUT);
        KafkaTopics.ensureTopics(
                broker.bootstrapServers(), List.of("existing", "added"), 5, TIMEOUT);

        Map<String, TopicDescription> topics = describe("existing", "added");
        assertThat(topics.get("existing").partitions()).hasSize(2);
        assertThat(topics.get("added").partitions()).hasSize(5);
    }

    @Test
    void ensureTopicsRejectsAPartitionCountBelowOne() {
        assertThatThrownBy(
                        () ->
                                KafkaTopics.ensureTopics(
                                        broker.bootstrapServers(), List.of("t"), 0, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitions")
                .hasMessageContaining("0");
    }

    @Test
    void checkReachablePassesForARunningBroker() {
        assertThatCode(
                        () ->
                                KafkaTopics.checkReachable(
                                        broker.bootstrapServers(), Duration.ofSeconds(10)))
                .doesNotThrowAnyException();
    }

    @Test
    void checkReachableFailsWithinItsTimeoutWhenNothingListens() {
        String bootstrap = "localhost:" + KafkaTestClients.freePort();
        Duration timeout = Duration.ofSeconds(3);
        long startNs = System.nanoTime();

        assertThatThrownBy(() -> KafkaTopics.checkReachable(bootstrap, timeout))
                .isInstanceOf(KafkaUnreachableException.class)
                .hasMessage("cannot reach Kafka at " + bootstrap + " within 3 s");

        assertThat(Duration.ofNanos(System.nanoTime() - startNs))
                .isLessThan(timeout.plus(HANG_MARGIN));
    }

    @Test
    void ensureTopicsFailsWithinItsTimeoutWhenNothingListens() {
        String bootstrap = "localhost:" + KafkaTestClients.freePort();
        Duration timeout = Duration.ofSeconds(2);
        long startNs = System.nanoTime();

        assertThatThrownBy(() -> KafkaTopics.ensureTopics(bootstrap, List.of("t"), 1, timeout))
                .isInstanceOf(KafkaUnreachableException.class)
                .hasMessage("cannot reach Kafka at " + bootstrap + " within 2 s");

        assertThat(Duration.ofNanos(System.nanoTime() - startNs))
                .isLessThan(timeout.plus(HANG_MARGIN));
    }

    @Test
    void checkReachableRejectsAnUnparseableBootstrapWithAOneLineMessage() {
        assertThatThrownBy(() -> KafkaTopics.checkReachable("no port here", Duration.ofSeconds(3)))
                .isInstanceOf(KafkaUnreachableException.class)
                .hasMessageStartingWith("cannot reach Kafka at no port here: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void checkReachableRejectsANonPositiveTimeout() {
        assertThatThrownBy(
                        () -> KafkaTopics.checkReachable(broker.bootstrapServers(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout")
                .hasMessageContaining("PT0S");
    }

    private static Map<String, TopicDescription> describe(String... topics) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()))) {
            return admin.describeTopics(List.of(topics)).allTopicNames().get();
        }
    }
}
