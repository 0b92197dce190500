package dev.quiver.io.flink;

import dev.quiver.io.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Passes each Kafka record on as a {@link RawRecord} without decoding it: decoding happens in
 * {@link DecodeFunction}, where a failure becomes a dead letter instead of failing the source.
 *
 * <pre>{@code
 * KafkaSource.<RawRecord>builder().setDeserializer(new KafkaRawRecordDeserializer())...
 * }</pre>
 */
public final class KafkaRawRecordDeserializer
        implements KafkaRecordDeserializationSchema<RawRecord> {

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        out.collect(
                RawRecord.of(record.topic(), record.partition(), record.offset(), record.value()));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
