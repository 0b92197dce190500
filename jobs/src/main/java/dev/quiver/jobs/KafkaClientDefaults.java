package dev.quiver.jobs;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;

/**
 * The Kafka client settings Quiver's jobs start from ({@link PipelineIo}), chosen by measurement
 * with {@code bench/run-e2e.sh} (docs/operations.md, "Kafka client settings"; the figures in
 * docs/benchmarks.md). They are defaults: {@code --kafka-config} and {@code --kafka-property} win
 * over every one of them. Settings not named here keep Kafka's defaults.
 *
 * <pre>{@code
 * Properties sink = options.clientConfig().clientProperties(bootstrap, KafkaClientDefaults.SINK, required);
 * }</pre>
 */
final class KafkaClientDefaults {

    /**
     * The exactly-once sinks' producers. A sink's records become visible only when its
     * transaction commits at the next checkpoint, and the flush before the commit sends whatever
     * lingers, so a longer linger costs a read_committed consumer nothing, while larger, fuller
     * batches take fewer requests of the broker and of the producer's I/O thread. The record's
     * timestamp is taken at send, before any linger. No compression: results of random doubles
     * hardly compress, and on a local or data-centre network the CPU costs more than the bytes.
     * {@code max.in.flight.requests.per.connection} stays at Kafka's 5, the most idempotence allows.
     */
    static final Map<String, String> SINK =
            Map.of(
                    ProducerConfig.LINGER_MS_CONFIG, "20",
                    ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));

    /**
     * The sources' consumers. {@code fetch.min.bytes} stays at Kafka's 1 so that a fetch returns
     * as soon as a record is there (a larger minimum adds up to {@code fetch.max.wait.ms} to every
     * record at a moderate rate); more records per poll and a larger socket receive buffer cut the
     * per-poll overhead of a backlog.
     */
    static final Map<String, String> SOURCE =
            Map.of(
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000",
                    ConsumerConfig.RECEIVE_BUFFER_CONFIG, String.valueOf(1024 * 1024));

    private KafkaClientDefaults() {}
}
