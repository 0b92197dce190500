package dev.quiver.bench.e2e;

import dev.quiver.cli.SyntheticStreams;
import dev.quiver.schema.Observation;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The raw Kafka producer of the end-to-end benchmark: the observations {@code quiver publish
 * --generate} writes (same seed, keys and features), encoded as Avro single-object records before
 * the clock starts, then sent with a plain idempotent {@link KafkaProducer} ({@code acks=all},
 * {@code linger.ms=5}, as {@code quiver publish}) and flushed. Prints one line, {@code raw-producer
 * events=N seconds=S}, S the time from the first send to the end of the flush.
 *
 * <p>With {@code --rate R} the sends are paced at R records/s and each observation's event time
 * ({@code ts}) is the wall-clock time of its send (the record's Kafka timestamp too): the input of
 * the latency measurement ({@link LatencyProbe}).
 *
 * <pre>{@code
 * java -cp ... dev.quiver.bench.e2e.RawProducer --bootstrap localhost:9092 --topic bench.raw \
 *     --events 100000 --keys 1000 --features 30
 * }</pre>
 */
public final class RawProducer {

    private RawProducer() {}

    /** Sends the records and prints the timing line. */
    public static void main(String[] args) {
        PeerArguments arguments =
                PeerArguments.parse(
                        args,
                        Set.of("--bootstrap", "--topic", "--events", "--keys", "--features",
                                "--seed", "--rate"),
                        Set.of());
        int events = (int) arguments.getLong("--events", 100_000);
        double rate = Double.parseDouble(arguments.get("--rate", "0"));
        SyntheticStreams streams =
                new SyntheticStreams(
                        arguments.getLong("--seed", 42),
                        (int) arguments.getLong("--keys", 50),
                        1,
                        "default",
                        System.currentTimeMillis(),
                        (int) arguments.getLong("--features", 0));
        String topic = arguments.required("--topic");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties(arguments.required("--bootstrap")),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            double seconds =
                    rate > 0
                            ? sendPaced(producer, topic, streams, events, rate)
                            : sendAll(producer, encode(topic, streams, events));
            System.out.printf("raw-producer events=%d seconds=%.3f%n", events, seconds);
        }
    }

    private static Properties properties(String bootstrap) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        return props;
    }

    private static ProducerRecord<byte[], byte[]>[] encode(
            String topic, SyntheticStreams streams, int events) {
        @SuppressWarnings("unchecked")
        ProducerRecord<byte[], byte[]>[] records = new ProducerRecord[events];
        for (int i = 0; i < events; i++) {
            records[i] = record(topic, streams.observation(i), null);
        }
        return records;
    }

    private static ProducerRecord<byte[], byte[]> record(
            String topic, Observation observation, Long timestamp) {
        try {
            return new ProducerRecord<>(
                    topic,
                    null,
                    timestamp,
                    observation.getKey().getBytes(StandardCharsets.UTF_8),
                    Observation.getEncoder().encode(observation).array());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double sendAll(
            KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]>[] records) {
        long start = System.nanoTime();
        for (ProducerRecord<byte[], byte[]> record : records) {
            producer.send(record);
        }
        producer.flush();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double sendPaced(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            SyntheticStreams streams,
            int events,
            double rate) {
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long now = System.currentTimeMillis();
            Observation observation = streams.observation(i);
            observation.setTs(Instant.ofEpochMilli(now));
            producer.send(record(topic, observation, now));
        }
        producer.flush();
        return (System.nanoTime() - start) / 1e9;
    }
}
