package dev.quiver.io.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.SampleRecords;
import dev.quiver.schema.DeadLetter;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

/** The Kafka records of results: key, value bytes, and the producer's timestamp. */
class AvroKafkaSerializerTest {

    private final DeadLetter record = (DeadLetter) SampleRecords.populated(DeadLetter.class);

    @Test
    void keyIsTheRecordsKeyAndValueItsSingleObjectEncoding() throws Exception {
        ProducerRecord<byte[], byte[]> out = serializer().serialize(record, null, 1234L);

        assertThat(out.topic()).isEqualTo("dead");
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo(record.getSource());
        assertThat(AvroSingleObjectCodec.of(DeadLetter.class).decode(out.value()))
                .isEqualTo(record);
    }

    @Test
    void theEventTimeIsNeverTheKafkaTimestamp() {
        // A far-future event time would be refused by the broker and an old one deleted by
        // retention; Long.MAX_VALUE is what end-of-input timers carry.
        for (Long eventTime : new Long[] {1234L, Long.MAX_VALUE, 4_102_444_800_000L, null}) {
            assertThat(serializer().serialize(record, null, eventTime).timestamp()).isNull();
        }
    }

    private static AvroKafkaSerializer<DeadLetter> serializer() {
        AvroKafkaSerializer<DeadLetter> serializer =
                new AvroKafkaSerializer<>(DeadLetter.class, "dead", DeadLetter::getSource);
        serializer.open(null, null);
        return serializer;
    }
}
