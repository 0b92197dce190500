package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.schema.Observation;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

/**
 * Kafka record values in the JSON format: decoded as NDJSON lines are, an Avro record named as
 * such, and any JSON object printed as one line by {@link NdjsonCodec#jsonLine}.
 */
class JsonValuesTest {

    private final RecordDecoder<Observation> json =
            RecordDecoder.of(Observation.class, RecordFormat.NDJSON, 1024);

    @Test
    void anAvroRecordGivenToAJsonDecoderIsNamedAsSuch() {
        Observation o =
                Observation.newBuilder()
                        .setKey("k")
                        .setTs(java.time.Instant.ofEpochMilli(1))
                        .setValue(1)
                        .build();
        byte[] avro = AvroSingleObjectCodec.of(Observation.class).encode(o);

        assertThatThrownBy(() -> json.decode(avro))
                .isInstanceOf(DecodeException.class)
                .hasMessage("an Avro single-object record (starts with C3 01), not a JSON object");
    }

    @Test
    void aValueOverTheLimitIsRefusedBeforeItsFormatIsLookedAt() {
        byte[] big = new byte[1025];
        big[0] = (byte) 0xC3;
        big[1] = 0x01;

        assertThatThrownBy(() -> json.decode(big))
                .hasMessage("record of 1025 bytes exceeds the limit of 1024");
    }

    @Test
    void aJsonValueDecodesToTheRecordOfItsNdjsonLine() throws DecodeException {
        byte[] value = "{\"key\":\"ключ\",\"ts\":5,\"value\":0}".getBytes(StandardCharsets.UTF_8);

        assertThat(json.decode(value))
                .isEqualTo(
                        Observation.newBuilder()
                                .setKey("ключ")
                                .setTs(java.time.Instant.ofEpochMilli(5))
                                .setValue(0)
                                .build());
    }

    @Test
    void jsonLineKeepsTheTextAndTurnsLineBreaksIntoSpaces() throws DecodeException {
        assertThat(NdjsonCodec.jsonLine(utf8("{\"a\":\"ü\\n\",\"b\":[1,2]}")))
                .isEqualTo("{\"a\":\"ü\\n\",\"b\":[1,2]}");
        assertThat(NdjsonCodec.jsonLine(utf8("{\r\n  \"a\": 1\n}"))).isEqualTo("{    \"a\": 1 }");
    }

    @Test
    void jsonLineRefusesWhatIsNotOneWellFormedJsonObject() {
        assertThatThrownBy(() -> NdjsonCodec.jsonLine(new byte[] {'{', '"', (byte) 0xFF, '"'}))
                .hasMessageContaining("not valid UTF-8 at byte 2");
        assertThatThrownBy(() -> NdjsonCodec.jsonLine(utf8("{\"a\":1")))
                .hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> NdjsonCodec.jsonLine(utf8("[1]"))).hasMessage("not a JSON object");
        assertThatThrownBy(() -> NdjsonCodec.jsonLine(utf8("{} {}")))
                .hasMessage("trailing content after the JSON object");
        assertThatThrownBy(() -> NdjsonCodec.jsonLine(null))
                .hasMessage("not a JSON object: the value is null");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
