package dev.quiver.io.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.SampleRecords;
import dev.quiver.schema.DeadLetter;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** JSON result values: the NDJSON line of the record, UTF-8, no terminator; keys as with Avro. */
class JsonKafkaSerializerTest {

    private final DeadLetter record = (DeadLetter) SampleRecords.populated(DeadLetter.class);

    @Test
    void valueIsTheRecordsNdjsonLineWithoutATerminator() throws Exception {
        ProducerRecord<byte[], byte[]> out = serializer().serialize(record, null, 1234L);

        assertThat(out.topic()).isEqualTo("dead");
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo(record.getSource());
        String value = new String(out.value(), StandardCharsets.UTF_8);
        assertThat(value)
                .isEqualTo(NdjsonCodec.of(DeadLetter.class).encode(record))
                .startsWith("{")
                .endsWith("}")
                .doesNotContain("\n");
        assertThat(NdjsonCodec.of(DeadLetter.class).decodeUtf8(out.value())).isEqualTo(record);
        assertThat(out.timestamp()).isNull();
    }

    @Test
    void aDeadLettersOriginalBytesAreBase64AsInFileMode() {
        byte[] original = {(byte) 0xC3, 0x01, (byte) 0xFF, 0x00, '{'};
        DeadLetter dead =
                DeadLetter.newBuilder(record).setPayload(ByteBuffer.wrap(original)).build();

        String value =
                new String(
                        serializer().serialize(dead, null, null).value(), StandardCharsets.UTF_8);

        assertThat(value)
                .contains("\"payload\":\"" + Base64.getEncoder().encodeToString(original) + "\"");
    }

    private static JsonKafkaSerializer<DeadLetter> serializer() {
        return new JsonKafkaSerializer<>(DeadLetter.class, "dead", DeadLetter::getSource);
    }
}
