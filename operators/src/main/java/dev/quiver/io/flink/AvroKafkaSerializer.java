package dev.quiver.io.flink;

import dev.quiver.io.AvroSingleObjectCodec;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Turns a result record into a Kafka record: the value in Avro single-object encoding, the key the
 * UTF-8 bytes of the record's key or namespace, so one key's results stay in one partition in
 * order. The Kafka timestamp is left to the producer (the time the result is written), never the
 * input's event time: a broker refuses timestamps too far ahead ({@code
 * message.timestamp.after.max.ms}), which would fail the sink at every restart over one input with
 * a future {@code ts}, and deletes by retention results stamped with old event times (a backfill),
 * though they were just written. The event time stays in the result's own {@code ts}.
 *
 * <pre>{@code
 * new AvroKafkaSerializer<>(PosteriorUpdate.class, "quiver.posteriors", PosteriorUpdate::getKey);
 * }</pre>
 *
 * @param <T> the record type
 */
public final class AvroKafkaSerializer<T extends SpecificRecord>
        implements KafkaRecordSerializationSchema<T> {

    private final Class<T> type;
    private final String topic;
    private final SerializableFunction<T, String> keyOf;
    private transient AvroSingleObjectCodec.Encoder<T> encoder;

    /**
     * @param type the record class
     * @param topic the topic every record goes to
     * @param keyOf the record's key; null means no key
     */
    public AvroKafkaSerializer(Class<T> type, String topic, SerializableFunction<T, String> keyOf) {
        this.type = type;
        this.topic = topic;
        this.keyOf = keyOf;
    }

    @Override
    public void open(
            org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext
                    context,
            KafkaSinkContext sinkContext) {
        // One serializer per sink subtask, called from its task thread only: buffers are reused.
        encoder = AvroSingleObjectCodec.of(type).newEncoder();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T record, KafkaSinkContext context, Long timestamp) {
        String key = keyOf.apply(record);
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, null, keyBytes, encoder.encode(record));
    }
}
