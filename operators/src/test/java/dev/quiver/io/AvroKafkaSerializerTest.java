package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.schema.DeadLetter;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

/** The Kafka records of results: key, value bytes and a timestamp every broker accepts. */
class AvroKafkaSerializerTest {

    private final DeadLetter record = (DeadLetter) SampleRecords.populated(DeadLetter.class);

    @Test
    void keyIsTheRecordsKeyAndValueItsSingleObjectEncoding() throws Exception {
        ProducerRecord<byte[], byte[]> out = serializer().serialize(record, null, 1234L);

        assertThat(out.topic()).isEqualTo("dead");
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo(record.getSource());
        assertThat(AvroSingleObjectCodec.of(DeadLetter.class).decode(out.value()))
                .isEqualTo(record);
        assertThat(out.timestamp()).isEqualTo(1234L);
    }

    @Test
    void endOfInputTimerTimestampIsLeftToTheBroker() {
        assertThat(serializer().serialize(record, null, Long.MAX_VALUE).timestamp()).isNull();
        assertThat(serializer().serialize(record, null, null).timestamp()).isNull();
    }

    private static AvroKafkaSerializer<DeadLetter> serializer() {
        AvroKafkaSerializer<DeadLetter> serializer =
                new AvroKafkaSerializer<>(DeadLetter.class, "dead", DeadLetter::getSource);
        serializer.open(null, null);
        return serializer;
    }
}
