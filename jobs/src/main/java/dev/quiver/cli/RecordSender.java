package dev.quiver.cli;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.jobs.ValueFormatOptions.Format;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Sends input records of one type to one topic, Avro single-object encoded (or as JSON, their
 * NDJSON line in UTF-8) and keyed as the jobs expect; remembers the first failed send so {@link
 * #flush()} can report it instead of losing it.
 *
 * <pre>{@code
 * try (RecordSender sender = new RecordSender(KafkaClients.producer(bootstrap), InputType.observation, topic)) {
 *     sender.send(observation);
 *     sender.flush();
 * }
 * }</pre>
 */
final class RecordSender implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final InputType type;
    private final String topic;
    private final Function<SpecificRecord, byte[]> encoder;
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    /** A sender of Avro values. */
    RecordSender(KafkaProducer<byte[], byte[]> producer, InputType type, String topic) {
        this(producer, type, topic, Format.avro);
    }

    /** A sender of values in {@code format}. */
    @SuppressWarnings("unchecked")
    RecordSender(
            KafkaProducer<byte[], byte[]> producer, InputType type, String topic, Format format) {
        this.producer = producer;
        this.type = type;
        this.topic = topic;
        if (format == Format.json) {
            NdjsonCodec<SpecificRecord> json =
                    (NdjsonCodec<SpecificRecord>) NdjsonCodec.of(type.recordClass());
            this.encoder = record -> json.encode(record).getBytes(StandardCharsets.UTF_8);
        } else {
            AvroSingleObjectCodec<SpecificRecord> avro =
                    (AvroSingleObjectCodec<SpecificRecord>)
                            AvroSingleObjectCodec.of(type.recordClass());
            this.encoder = avro::encode;
        }
    }

    /** Sends one record asynchronously. */
    void send(SpecificRecord record) {
        sendRaw(type.keyOf(record).getBytes(StandardCharsets.UTF_8), encoder.apply(record));
    }

    /** Sends bytes as they are: the demo uses it to publish deliberately broken records. */
    void sendRaw(byte[] key, byte[] value) {
        failIfAnySendFailed();
        producer.send(
                new ProducerRecord<>(topic, key, value),
                (metadata, e) -> {
                    if (e != null) {
                        firstFailure.compareAndSet(null, e);
                    }
                });
    }

    /** Waits until everything sent is acknowledged; throws if any send failed. */
    void flush() {
        producer.flush();
        failIfAnySendFailed();
    }

    private void failIfAnySendFailed() {
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException(
                    "sending to " + topic + " failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
