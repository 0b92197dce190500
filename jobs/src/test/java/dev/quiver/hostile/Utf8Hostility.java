package dev.quiver.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.quiver.io.AvroSingleObjectCodec;

import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Strings that are not Unicode text: byte sequences that are not UTF-8 (a stray continuation byte,
 * an overlong form, an encoded surrogate, a code point beyond U+10FFFF, a sequence cut short) in
 * the field a job keys by, and in NDJSON also lone surrogates written as escapes and lines of such
 * bytes. A lenient decoder turns them into U+FFFD or an unpaired surrogate, so two different keys
 * become one and the dead letter's payload is no longer the bytes that were read; each must be a
 * dead letter instead, naming the field.
 *
 * <pre>{@code
 * List<Entry> bad = Utf8Hostility.ndjson(RecordShape.OBSERVATION, id -> line(id), random);
 * }</pre>
 */
final class Utf8Hostility {

    /** Each is invalid UTF-8 on its own and stays so inside any valid text. */
    private static final byte[][] INVALID_SEQUENCES =
            new byte[][] {
                {(byte) 0xFF},
                {(byte) 0x80},
                {(byte) 0xC3, 0x28},
                {(byte) 0xC0, (byte) 0xAF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                {(byte) 0xE2, (byte) 0x82}
            };

    /** Unpaired UTF-16 surrogates as JSON escapes: valid JSON, not a Unicode string. */
    private static final List<String> LONE_SURROGATES =
            List.of("\"\\ud800\"", "\"a\\udc00b\"", "\"k\\ud83d\"");

    private static final String INVALID = "not valid UTF-8";

    private Utf8Hostility() {}

    /**
     * NDJSON lines: {@code line} gives a valid line of {@code shape}'s type for an id; each case
     * breaks its key field.
     */
    static List<Entry> ndjson(
            RecordShape<?> shape, Function<String, String> line, SplittableRandom random) {
        List<Entry> cases = new ArrayList<>();
        for (byte[] invalid : INVALID_SEQUENCES) {
            String id = nextId(cases);
            String marked =
                    JsonLines.with(line.apply(id), shape.keyField(), quoted(marker(invalid)));
            cases.add(
                    Entry.deadLetter(
                            "invalid UTF-8 in " + shape.keyField(),
                            id,
                            replaced(marked.getBytes(UTF_8), invalid),
                            inField(shape)));
        }
        for (String surrogate : LONE_SURROGATES) {
            String id = nextId(cases);
            String withSurrogate = JsonLines.with(line.apply(id), shape.keyField(), surrogate);
            cases.add(
                    Entry.deadLetter(
                            "lone surrogate in " + shape.keyField(),
                            id,
                            withSurrogate.getBytes(UTF_8),
                            inField(shape) + ": unpaired surrogate"));
        }
        cases.add(
                Entry.deadLetter(
                        "invalid UTF-8 line", null, invalidLine(random), INVALID + " at byte 0"));
        return cases;
    }

    /**
     * Avro messages: {@code record} gives a valid record of {@code shape}'s type for an id; each
     * case breaks the bytes of its key field.
     */
    static <T extends SpecificRecord> List<Entry> avro(
            RecordShape<T> shape, Function<String, T> record) {
        AvroSingleObjectCodec<T> codec = AvroSingleObjectCodec.of(shape.type());
        List<Entry> cases = new ArrayList<>();
        for (byte[] invalid : INVALID_SEQUENCES) {
            String id = nextId(cases);
            T marked = record.apply(id);
            ((GenericRecord) marked).put(shape.keyField(), marker(invalid));
            cases.add(
                    Entry.deadLetter(
                            "invalid UTF-8 in " + shape.keyField(),
                            id,
                            replaced(codec.encode(marked), invalid),
                            inField(shape)));
        }
        return cases;
    }

    /** The reason's words for the key field of {@code shape}. */
    private static String inField(RecordShape<?> shape) {
        return "field '" + shape.keyField() + "': " + INVALID;
    }

    /** Ids of these cases, apart from every other entry's. */
    private static String nextId(List<Entry> cases) {
        return "utf8-" + cases.size();
    }

    /** ASCII of the same length as {@code invalid}, to be swapped for it in the encoded bytes. */
    private static String marker(byte[] invalid) {
        return "@".repeat(invalid.length);
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }

    /** {@code bytes} with the marker of {@code invalid}'s length replaced by {@code invalid}. */
    private static byte[] replaced(byte[] bytes, byte[] invalid) {
        byte[] marker = marker(invalid).getBytes(UTF_8);
        for (int i = 0; i + marker.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + marker.length, marker, 0, marker.length)) {
                byte[] out = bytes.clone();
                System.arraycopy(invalid, 0, out, i, invalid.length);
                return out;
            }
        }
        throw new IllegalArgumentException("no marker in the encoded record");
    }

    /** A line of bytes 0x80-0xFF: no line break, and not UTF-8 from its first byte. */
    private static byte[] invalidLine(SplittableRandom random) {
        byte[] bytes = new byte[1 + random.nextInt(80)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (0x80 + random.nextInt(128));
        }
        bytes[0] = (byte) 0xFF;
        return bytes;
    }
}
