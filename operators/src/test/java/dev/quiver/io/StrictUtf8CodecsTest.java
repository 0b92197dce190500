package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.schema.MatchResult;
import dev.quiver.schema.Observation;
import dev.quiver.schema.VectorEvent;

import org.apache.avro.io.BinaryEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Both codecs refuse strings that are not Unicode text, naming the field, instead of replacing them
 * with U+FFFD or {@code ?}; well-formed text, however far from ASCII, still decodes.
 */
class StrictUtf8CodecsTest {
    private static final NdjsonCodec<Observation> NDJSON = NdjsonCodec.of(Observation.class);
    private static final AvroSingleObjectCodec<Observation> AVRO =
            AvroSingleObjectCodec.of(Observation.class);

    /** Byte sequences that are not UTF-8, each a different way (The Unicode Standard, 3.9). */
    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("bytes that start nothing", bytes(0xFF, 0xFE, 0xFD)),
                Arguments.of("a lone continuation byte", bytes(0x80)),
                Arguments.of("an overlong two-byte '/'", bytes(0xC0, 0xAF)),
                Arguments.of("an overlong three-byte '/'", bytes(0xE0, 0x80, 0xAF)),
                Arguments.of("the encoded surrogate U+D800", bytes(0xED, 0xA0, 0x80)),
                Arguments.of("a code point above U+10FFFF", bytes(0xF4, 0x90, 0x80, 0x80)),
                Arguments.of("a sequence cut short", bytes(0xE2, 0x82)));
    }

    /** JSON escapes that leave half of a surrogate pair. */
    static Stream<Arguments> loneSurrogateEscapes() {
        return Stream.of(
                Arguments.of("\\ud800", "\\uD800 at character 0"),
                Arguments.of("\\uDFFF", "\\uDFFF at character 0"),
                Arguments.of("ad-\\ud83d", "\\uD83D at character 3"),
                Arguments.of("\\ude00\\ud83d", "\\uDE00 at character 0"),
                Arguments.of("\\ud83d\\u0041", "\\uD83D at character 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void ndjsonRefusesAKeyThatIsNotUtf8NamingTheFieldAndByte(String what, byte[] bad) {
        byte[] line = concat(ascii("{\"key\":\"k"), bad, ascii("\",\"ts\":1,\"value\":1}"));

        assertThatThrownBy(() -> NDJSON.decodeUtf8(line))
                .isInstanceOf(DecodeException.class)
                .hasMessage("field 'key': not valid UTF-8 at byte 9");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void avroRefusesAKeyThatIsNotUtf8NamingTheFieldAndByte(String what, byte[] bad)
            throws IOException {
        byte[] message =
                observation(
                        e -> {
                            e.writeIndex(0); // id: null
                            e.writeBytes(concat(ascii("k"), bad)); // key: a string's encoding
                        });

        // 10 header bytes, the id's union index, the key's length, then 'k'.
        assertThatThrownBy(() -> AVRO.decode(message))
                .isInstanceOf(DecodeException.class)
                .hasMessage("field 'key': not valid UTF-8 at byte 13");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loneSurrogateEscapes")
    void ndjsonRefusesAnEscapeThatLeavesHalfASurrogatePair(String escaped, String where) {
        String line = "{\"key\":\"" + escaped + "\",\"ts\":1,\"value\":1}";

        assertThatThrownBy(() -> NDJSON.decode(line))
                .isInstanceOf(DecodeException.class)
                .hasMessage("field 'key': not valid UTF-8: unpaired surrogate " + where);
        assertThatThrownBy(() -> NDJSON.decodeUtf8(line.getBytes(StandardCharsets.UTF_8)))
                .hasMessage("field 'key': not valid UTF-8: unpaired surrogate " + where);
    }

    @Test
    void everyStringFieldIsCheckedNotOnlyTheKey() throws IOException {
        assertThatThrownBy(
                        () ->
                                NDJSON.decode(
                                        "{\"id\":\"\\udc01\",\"key\":\"k\",\"ts\":1,\"value\":1}"))
                .hasMessage(
                        "field 'id': not valid UTF-8: unpaired surrogate \\uDC01 at character 0");
        assertThatThrownBy(
                        () ->
                                NDJSON.decodeUtf8(
                                        concat(
                                                ascii("{\"key\":\"k\",\"ts\":1,\"value\":1,"),
                                                ascii("\"category\":\"x"),
                                                bytes(0xC1, 0x81),
                                                ascii("\"}"))))
                .hasMessage("field 'category': not valid UTF-8 at byte 41");
        byte[] badId =
                observation(
                        e -> {
                            e.writeIndex(1); // id: the string branch
                            e.writeBytes(bytes(0xED, 0xBF, 0xBF));
                        });
        assertThatThrownBy(() -> AVRO.decode(badId))
                .hasMessage("field 'id': not valid UTF-8 at byte 12");
    }

    @Test
    void mapKeysMapValuesAndNestedStringsAreChecked() throws IOException {
        NdjsonCodec<VectorEvent> vectors = NdjsonCodec.of(VectorEvent.class);
        String prefix = "{\"id\":\"v\",\"ts\":0,\"vector\":[],\"attributes\":{";

        assertThatThrownBy(() -> vectors.decode(prefix + "\"colour\":\"\\ud800\"}}"))
                .hasMessage(
                        "field 'attributes.colour': not valid UTF-8: unpaired surrogate \\uD800"
                                + " at character 0");
        assertThatThrownBy(() -> vectors.decode(prefix + "\"\\ud800\":\"red\"}}"))
                .hasMessage(
                        "field 'attributes': a key is not valid UTF-8: unpaired surrogate \\uD800"
                                + " at character 0");
        byte[] badValue = concat(ascii(prefix + "\"colour\":\""), bytes(0xFF), ascii("\"}}"));
        assertThatThrownBy(() -> vectors.decodeUtf8(badValue))
                .hasMessage("field 'attributes.colour': not valid UTF-8 at byte 53");
        byte[] badKey = concat(ascii(prefix + "\"c"), bytes(0xFF), ascii("\":\"red\"}}"));
        assertThatThrownBy(() -> vectors.decodeUtf8(badKey))
                .hasMessage("field 'attributes': a name is not valid UTF-8 at byte 45");
        byte[] badNeighbor =
                concat(
                        ascii("{\"queryId\":\"q\",\"namespace\":\"n\",\"ts\":0,\"mode\":\"KNN\","),
                        ascii("\"neighbors\":[{\"id\":\"a\",\"distance\":1},{\"id\":\""),
                        bytes(0xC0, 0x80),
                        ascii("\",\"distance\":2}],"),
                        ascii("\"exact\":true,\"indexSize\":2,\"latencyMs\":0}"));
        assertThatThrownBy(() -> NdjsonCodec.of(MatchResult.class).decodeUtf8(badNeighbor))
                .hasMessageMatching("field 'neighbors\\[1\\]\\.id': not valid UTF-8 at byte \\d+");

        AvroSingleObjectCodec<VectorEvent> avroVectors =
                AvroSingleObjectCodec.of(VectorEvent.class);
        assertThatThrownBy(() -> avroVectors.decode(vectorWithAttribute(ascii("c"), bytes(0xFF))))
                .hasMessageMatching("field 'attributes\\[0\\]': not valid UTF-8 at byte \\d+");
        assertThatThrownBy(() -> avroVectors.decode(vectorWithAttribute(bytes(0xFF), ascii("red"))))
                .hasMessageMatching(
                        "field 'attributes\\[0\\]': a key is not valid UTF-8 at byte \\d+");
    }

    @Test
    void badBytesInAFieldNameOrOutsideAnyStringAreRefusedToo() {
        byte[] name = concat(ascii("{\"k"), bytes(0xFF), ascii("y\":\"k\",\"ts\":1,\"value\":1}"));
        byte[] outside = concat(ascii("{\"key\":\"k\",\"ts\":1,\"value\":1}"), bytes(0xFF));

        assertThatThrownBy(() -> NDJSON.decodeUtf8(name))
                .hasMessage("a name is not valid UTF-8 at byte 3");
        assertThatThrownBy(() -> NDJSON.decodeUtf8(outside))
                .hasMessage("not valid UTF-8 at byte 28");
    }

    @Test
    void distinctBadKeysAreNotMergedIntoOneDecodedKey() {
        byte[] start = ascii("{\"key\":\"");
        byte[] end = ascii("\",\"ts\":1,\"value\":1}");
        // Decoded leniently, both keys would be three U+FFFD: one key, one posterior.
        List<byte[]> lines =
                List.of(
                        concat(start, bytes(0xFF, 0xFE, 0xFD), end),
                        concat(start, bytes(0xFD, 0xFE, 0xFF), end));

        for (byte[] line : lines) {
            assertThatThrownBy(() -> NDJSON.decodeUtf8(line))
                    .hasMessage("field 'key': not valid UTF-8 at byte 8");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ключ-é", "中文键", "emoji 😀 and 𝄞", "U+FFFD itself: \uFFFD"})
    void wellFormedTextOfAnyScriptIsAcceptedAndOneBadSequenceMoreIsNot(String key)
            throws Exception {
        Observation o =
                Observation.newBuilder().setKey(key).setTs(Instant.EPOCH).setValue(1).build();
        String line = NDJSON.encode(o);
        byte[] message = AVRO.encode(o);

        assertThat(NDJSON.decodeUtf8(line.getBytes(StandardCharsets.UTF_8)).getKey())
                .isEqualTo(key);
        assertThat(NDJSON.decode(line).getKey()).isEqualTo(key);
        assertThat(AVRO.decode(message).getKey()).isEqualTo(key);

        // The same records with an encoded surrogate after the key's text.
        byte[] surrogate = bytes(0xED, 0xA0, 0x80);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] badLine =
                concat(
                        ascii("{\"key\":\""),
                        keyBytes,
                        surrogate,
                        ascii("\",\"ts\":0,\"value\":1}"));
        assertThatThrownBy(() -> NDJSON.decodeUtf8(badLine))
                .hasMessage("field 'key': not valid UTF-8 at byte " + (8 + keyBytes.length));
        assertThatThrownBy(
                        () ->
                                NDJSON.decode(
                                        "{\"key\":\""
                                                + key
                                                + "\\ud800\",\"ts\":0,\"value\":1}"))
                .hasMessageStartingWith("field 'key': not valid UTF-8: unpaired surrogate \\uD800");
        byte[] badMessage =
                observation(
                        e -> {
                            e.writeIndex(0); // id: null
                            e.writeBytes(concat(keyBytes, surrogate));
                        });
        assertThatThrownBy(() -> AVRO.decode(badMessage))
                .hasMessageStartingWith("field 'key': not valid UTF-8 at byte ");
    }

    @Test
    void anEscapedSurrogatePairIsOneCharacterButEitherHalfAloneIsRefused() throws Exception {
        Observation o =
                NDJSON.decode(
                        "{\"key\":\"\\ud83d\\ude00-\\uD834\\uDD1E\",\"ts\":1,\"value\":1}");

        assertThat(o.getKey()).isEqualTo("😀-𝄞");
        assertThatThrownBy(() -> NDJSON.decode("{\"key\":\"\\ud83d-\",\"ts\":1,\"value\":1}"))
                .hasMessage(
                        "field 'key': not valid UTF-8: unpaired surrogate \\uD83D at character 0");
        assertThatThrownBy(() -> NDJSON.decode("{\"key\":\"-\\ude00\",\"ts\":1,\"value\":1}"))
                .hasMessage(
                        "field 'key': not valid UTF-8: unpaired surrogate \\uDE00 at character 1");
    }

    @Test
    void aReasonThatQuotesBadInputNeverHoldsHalfASurrogatePair() {
        String unknown = "{\"key\":\"k\",\"ts\":1,\"value\":1,\"\\ud800\":1}";
        assertThatThrownBy(() -> NDJSON.decode(unknown))
                .hasMessage("unknown field '\uFFFD'");
        // A quoted value is cut to 40 characters, which may split a pair: the cut half goes too.
        String longValue = "x".repeat(39) + "😀";
        assertThatThrownBy(
                        () ->
                                NDJSON.decode(
                                        "{\"key\":\"k\",\"ts\":1,\"value\":\"" + longValue + "\"}"))
                .satisfies(
                        e ->
                                assertThat(StrictUtf8.unpairedSurrogateAt(e.getMessage()))
                                        .isEqualTo(-1))
                .hasMessageContaining("x\uFFFD\"...");
    }

    // ---------------------------------------------------------------------------------------------

    /** An Observation message whose id and key {@code idAndKey} writes, then ts 1 and value 1. */
    private static byte[] observation(AvroSingleObjectCodecTest.Body idAndKey) throws IOException {
        return AvroSingleObjectCodecTest.header(
                Observation.getClassSchema(),
                e -> {
                    idAndKey.write(e);
                    e.writeLong(1L); // ts
                    e.writeDouble(1.0); // value
                    e.writeArrayStart(); // features: empty
                    e.writeArrayEnd();
                    e.writeIndex(0); // label: null
                    e.writeIndex(0); // category: null
                });
    }

    /** A VectorEvent message with one attribute, key and value given as their raw bytes. */
    private static byte[] vectorWithAttribute(byte[] key, byte[] value) throws IOException {
        return AvroSingleObjectCodecTest.header(
                VectorEvent.getClassSchema(),
                e -> {
                    e.writeString("v");
                    e.writeString("default");
                    e.writeLong(0L);
                    e.writeEnum(0);
                    e.writeArrayStart(); // vector: empty
                    e.writeArrayEnd();
                    writeOneEntryMap(e, key, value);
                });
    }

    private static void writeOneEntryMap(BinaryEncoder e, byte[] key, byte[] value)
            throws IOException {
        e.writeMapStart();
        e.setItemCount(1);
        e.startItem();
        e.writeBytes(key);
        e.writeBytes(value);
        e.writeMapEnd();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
