package dev.quiver.io.flink;

import dev.quiver.io.NdjsonCodec;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Turns a result record into a Kafka record whose value is the record's NDJSON form: one JSON
 * object, UTF-8, without a line terminator, what a line of the job's file output holds. Keys and
 * timestamps are those of {@link AvroKafkaSerializer}: the record's key or namespace, and the time
 * the result is written.
 *
 * <pre>{@code
 * new JsonKafkaSerializer<>(PosteriorUpdate.class, "quiver.posteriors", PosteriorUpdate::getKey);
 * }</pre>
 *
 * @param <T> the record type
 */
public final class JsonKafkaSerializer<T extends SpecificRecord>
        implements KafkaRecordSerializationSchema<T> {

    private final NdjsonCodec<T> codec;
    private final String topic;
    private final SerializableFunction<T, String> keyOf;

    /**
     * @param type the record class
     * @param topic the topic every record goes to
     * @param keyOf the record's key; null means no key
     */
    public JsonKafkaSerializer(Class<T> type, String topic, SerializableFunction<T, String> keyOf) {
        this.codec = NdjsonCodec.of(type);
        this.topic = topic;
        this.keyOf = keyOf;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T record, KafkaSinkContext context, Long timestamp) {
        String key = keyOf.apply(record);
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(
                topic, null, null, keyBytes, codec.encode(record).getBytes(StandardCharsets.UTF_8));
    }
}
