package dev.quiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs the javadoc examples of this package, so they cannot rot. Keep them in sync by hand. */
class ExamplesTest {

    @Test
    void embeddedKafkaBrokerAndKafkaTopicsExamplesRun() throws Exception {
        Path dataDir;
        // EmbeddedKafkaBroker's example.
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().partitions(2).start()) {
            String bootstrap = broker.bootstrapServers(); // "localhost:41234"
            KafkaTopics.ensureTopics(bootstrap, List.of("vectors"), 2, Duration.ofSeconds(30));
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(
                            Map.of(
                                    "bootstrap.servers", bootstrap,
                                    "key.serializer", StringSerializer.class.getName(),
                                    "value.serializer", StringSerializer.class.getName()))) {
                producer.send(new ProducerRecord<>("vectors", "k", "v")).get();
            }
            dataDir = broker.dataDir();

            // KafkaTopics' example, against this broker instead of localhost:9092.
            KafkaTopics.checkReachable(bootstrap, Duration.ofSeconds(5));
            KafkaTopics.ensureTopics(
                    bootstrap, List.of("vectors", "matches"), 4, Duration.ofSeconds(30));
        }
        assertThat(dataDir).doesNotExist();
    }
}
