package dev.quiver.faults;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread that publishes records at a steady rate through its own idempotent producer and records
 * where each one landed (topic, partition, offset), so a test can tell afterwards exactly what the
 * job was given. The producer retries for ten minutes, so a broker that is down for a while delays
 * records rather than losing them; a record that fails anyway is counted and fails {@link #await}.
 *
 * <pre>{@code
 * SteadyPublisher publisher = SteadyPublisher.start("obs", bootstrap, 2000, source, Map.of());
 * List<SteadyPublisher.Sent> sent = publisher.await(Duration.ofMinutes(10));
 * }</pre>
 */
public final class SteadyPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(SteadyPublisher.class);

    /** The records to publish, by index; {@code null} ends the stream. */
    @FunctionalInterface
    public interface RecordSource {
        /** Record number {@code index}, or null after the last one. */
        Outgoing next(long index);
    }

    /** One record to publish; {@code label} says what it is (an id, or a kind of garbage). */
    public record Outgoing(String topic, byte[] key, byte[] value, String label) {}

    /** Where a record landed. */
    public record Sent(String topic, int partition, long offset, String label) {}

    private final String name;
    private final double ratePerSecond;
    private final RecordSource source;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Queue<Sent> sent = new ConcurrentLinkedQueue<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong published = new AtomicLong();
    private final Thread thread;
    private volatile long maxBehindMs;
    private volatile long elapsedNs;

    private SteadyPublisher(
            String name,
            String bootstrap,
            double ratePerSecond,
            RecordSource source,
            Map<String, Object> extra) {
        this.name = name;
        this.ratePerSecond = ratePerSecond;
        this.source = source;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // One request in flight keeps each partition's order through retries (see
        // KafkaTestClients).
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // A broker restart must delay records, not fail them.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000);
        config.putAll(extra);
        this.producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::publish, "publisher-" + name);
    }

    /**
     * Starts publishing {@code source} at {@code ratePerSecond} records per second (as fast as the
     * producer goes if not positive).
     *
     * @param extra producer settings added to or overriding the idempotent defaults
     */
    public static SteadyPublisher start(
            String name,
            String bootstrap,
            double ratePerSecond,
            RecordSource source,
            Map<String, Object> extra) {
        SteadyPublisher publisher =
                new SteadyPublisher(name, bootstrap, ratePerSecond, source, extra);
        publisher.thread.start();
        return publisher;
    }

    /** Records handed to the producer so far. */
    public long published() {
        return published.get();
    }

    /**
     * Waits until every record is published and acknowledged; returns where each landed, in the
     * order they were acknowledged. Fails if a send failed or the publisher outlived {@code
     * timeout}.
     */
    public List<Sent> await(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            thread.interrupt();
            throw new AssertionError(
                    name
                            + " publisher still running after "
                            + timeout
                            + ", "
                            + published
                            + " sent");
        }
        producer.close(Duration.ofSeconds(30));
        if (!failures.isEmpty()) {
            throw new AssertionError(
                    name + ": " + failures.size() + " sends failed, first: " + failures.get(0),
                    failures.get(0));
        }
        double seconds = elapsedNs / 1e9;
        LOG.info(
                "publisher {}: {} records in {} s, {} records/s (target {}), at most {} ms behind"
                        + " schedule",
                name,
                sent.size(),
                String.format("%.1f", seconds),
                String.format("%.0f", sent.size() / seconds),
                ratePerSecond > 0 ? String.format("%.0f", ratePerSecond) : "unthrottled",
                maxBehindMs);
        return new ArrayList<>(sent);
    }

    private void publish() {
        long startNs = System.nanoTime();
        try {
            for (long i = 0; ; i++) {
                if (ratePerSecond > 0) {
                    long dueNs = startNs + (long) (i * 1e9 / ratePerSecond);
                    long aheadNs = dueNs - System.nanoTime();
                    if (aheadNs > 0) {
                        TimeUnit.NANOSECONDS.sleep(aheadNs);
                    } else {
                        maxBehindMs = Math.max(maxBehindMs, -aheadNs / 1_000_000);
                    }
                }
                Outgoing out = source.next(i);
                if (out == null) {
                    break;
                }
                producer.send(
                        new ProducerRecord<>(out.topic(), out.key(), out.value()),
                        (metadata, e) -> {
                            if (e != null) {
                                failures.add(e);
                            } else {
                                sent.add(
                                        new Sent(
                                                out.topic(),
                                                metadata.partition(),
                                                metadata.offset(),
                                                out.label()));
                            }
                        });
                published.incrementAndGet();
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failures.add(e);
        } finally {
            elapsedNs = System.nanoTime() - startNs;
        }
    }
}
