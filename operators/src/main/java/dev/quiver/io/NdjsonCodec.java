package dev.quiver.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * NDJSON, the human format: one JSON object per line, field names as in the Avro schema.
 *
 * <p>The mapping follows the schema, the same for every record type:
 *
 * <ul>
 *   <li>A missing field takes its schema default; a missing field without one, and a field the
 *       schema does not have, are errors that name the field (nested as {@code neighbors[2].id}).
 *   <li>{@code ["null", T]}: JSON {@code null} or a T. Records are objects, arrays are arrays, maps
 *       are objects, enums are symbol strings, {@code bytes} are base64 strings.
 *   <li>Strings are Unicode text: {@link #decodeUtf8} refuses bytes that are not well-formed
 *       UTF-8, and both decoders refuse a {@code \u005Cu} escape that leaves half of a surrogate
 *       pair ({@code "\u005Cud800"}), naming the field; neither is replaced by U+FFFD or {@code ?}.
 *   <li>{@code timestamp-millis} is a JSON integer of epoch milliseconds, both ways.
 *   <li>int and long need a number with an integral value in range ({@code 3}, {@code 3.0}). float
 *       and double take any number; {@code null} and the tokens {@code NaN}, {@code Infinity} and
 *       {@code -Infinity} mean NaN and the infinities, except that in {@code ["null", "double"]} a
 *       {@code null} is null. Finite numbers beyond the type's range are errors.
 *   <li>On output NaN and the infinities are written as {@code null}, so every line is valid JSON;
 *       they read back as NaN (or as null in a nullable field): infinities do not round-trip.
 * </ul>
 *
 * <pre>{@code
 * NdjsonCodec<Observation> codec = NdjsonCodec.of(Observation.class);
 * Observation o = codec.decode("{\"key\":\"ad-7\",\"ts\":1700000000000,\"value\":1}");
 * // o.getId() == null, o.getFeatures() is empty: missing fields took their defaults
 * String line = codec.encode(o);
 * // {"id":null,"key":"ad-7","ts":1700000000000,"value":1.0,"features":[],"label":null,...}
 * }</pre>
 *
 * <p>Unions other than {@code ["null", T]} have no unambiguous JSON form; {@link #of} rejects a
 * type that has one. Immutable and thread-safe; {@link Serializable} for Flink, with the parser
 * state transient and rebuilt on first use.
 *
 * @param <T> the generated record class
 */
public final class NdjsonCodec<T extends SpecificRecord> implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final ClassValue<NdjsonCodec<?>> BY_CLASS =
            new ClassValue<>() {
                @Override
                protected NdjsonCodec<?> computeValue(Class<?> type) {
                    return of(type.asSubclass(SpecificRecord.class));
                }
            };

    private final Class<T> type;
    private transient volatile Machinery machinery;

    private NdjsonCodec(Class<T> type) {
        this.type = type;
    }

    /**
     * A codec for the generated class {@code type}.
     *
     * @throws IllegalArgumentException if {@code type} is not a generated Avro record class or its
     *     schema has a union other than {@code ["null", T]}
     */
    public static <T extends SpecificRecord> NdjsonCodec<T> of(Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        NdjsonCodec<T> codec = new NdjsonCodec<>(type);
        // Built now so that an unsupported schema fails when the job is built, not per line.
        codec.machinery();
        return codec;
    }

    /**
     * Reads one line.
     *
     * @throws DecodeException with a one-line reason if the line is not a JSON object that fits the
     *     schema
     */
    public T decode(String line) throws DecodeException {
        return type.cast(machinery().reader.read(line));
    }

    /**
     * Reads one line given as its UTF-8 bytes, as read from a file. Bytes that are not well-formed
     * UTF-8 (see {@link StrictUtf8}) are refused, not replaced, so that two different bad keys
     * cannot become one key.
     *
     * @throws DecodeException with a one-line reason naming the field that holds the first bad
     *     byte ({@code "field 'key': not valid UTF-8 at byte 9"}), or as {@link #decode(String)}
     */
    public T decodeUtf8(byte[] utf8Line) throws DecodeException {
        if (utf8Line == null) {
            return decode((String) null);
        }
        int bad = StrictUtf8.malformedAt(utf8Line, 0, utf8Line.length);
        if (bad >= 0) {
            throw new DecodeException(JsonUtf8Locator.reason(utf8Line, bad));
        }
        return decode(new String(utf8Line, StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code record} as one line of JSON, without a line terminator.
     *
     * @throws IllegalArgumentException if the record does not fit its schema (a required field is
     *     null), which is a programming error
     */
    public String encode(T record) {
        return write(record);
    }

    /**
     * Writes a record of any generated type as one line of JSON; for tools such as {@code quiver
     * consume} that print whatever {@link QuiverSchemas#decodeAny} returns.
     *
     * @throws IllegalArgumentException as {@link #encode} does
     */
    public static String encodeAny(SpecificRecord record) {
        if (record == null) {
            throw new IllegalArgumentException("record must not be null");
        }
        return BY_CLASS.get(record.getClass()).write(record);
    }

    /**
     * The JSON object in {@code value}, a Kafka record value in the JSON format of any type, as one
     * NDJSON line: its text, with line breaks turned into spaces (outside strings, where JSON
     * allows them, they are only whitespace). For tools such as {@code quiver consume} that print
     * values without knowing their type; the fields are not checked against a schema.
     *
     * @throws DecodeException if the bytes are not well-formed UTF-8 or not one JSON object
     */
    public static String jsonLine(byte[] value) throws DecodeException {
        if (value == null) {
            throw new DecodeException("not a JSON object: the value is null");
        }
        int bad = StrictUtf8.malformedAt(value, 0, value.length);
        if (bad >= 0) {
            throw new DecodeException(JsonUtf8Locator.reason(value, bad));
        }
        String text = new String(value, StandardCharsets.UTF_8);
        try (JsonParser p = JsonRecordReader.JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new DecodeException("not a JSON object");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new DecodeException("trailing content after the JSON object");
            }
        } catch (IOException e) {
            throw new DecodeException("malformed JSON: " + e.getMessage(), e);
        }
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    private String write(SpecificRecord record) {
        if (!type.isInstance(record)) {
            throw new IllegalArgumentException(
                    "expected a "
                            + type.getName()
                            + ", got "
                            + (record == null ? "null" : record.getClass().getName()));
        }
        try {
            return machinery().writer.write((IndexedRecord) record);
        } catch (FieldProblem problem) {
            throw new IllegalArgumentException(
                    "cannot write " + type.getSimpleName() + " as JSON: " + problem.reason());
        }
    }

    @Override
    public String toString() {
        return "NdjsonCodec[" + type.getName() + "]";
    }

    private Machinery machinery() {
        Machinery m = machinery;
        if (m == null) {
            // Two threads may both build one; they are equal and either may win.
            m = new Machinery(type);
            machinery = m;
        }
        return m;
    }

    /** The non-null branch of a {@code ["null", T]} union (or of a one-branch union). */
    static Schema nonNullBranch(Schema union) {
        List<Schema> branches = union.getTypes();
        for (Schema branch : branches) {
            if (branch.getType() != Schema.Type.NULL) {
                return branch;
            }
        }
        return branches.get(0);
    }

    private static final class Machinery {
        final JsonRecordReader reader;
        final JsonRecordWriter writer;

        Machinery(Class<?> type) {
            SpecificData model = QuiverSchemas.generatedModel(type);
            Schema schema = model.getSchema(type);
            checkUnions(
                    schema,
                    schema.getFullName(),
                    Collections.newSetFromMap(new IdentityHashMap<>()));
            this.reader = new JsonRecordReader(schema, model);
            this.writer = new JsonRecordWriter(schema, model);
        }

        private static void checkUnions(Schema s, String where, Set<Schema> visited) {
            switch (s.getType()) {
                case RECORD:
                    if (!visited.add(s)) {
                        return;
                    }
                    for (Schema.Field field : s.getFields()) {
                        checkUnions(field.schema(), s.getName() + "." + field.name(), visited);
                    }
                    return;
                case ARRAY:
                    checkUnions(s.getElementType(), where, visited);
                    return;
                case MAP:
                    checkUnions(s.getValueType(), where, visited);
                    return;
                case UNION:
                    int nonNull = 0;
                    for (Schema branch : s.getTypes()) {
                        if (branch.getType() != Schema.Type.NULL) {
                            nonNull++;
                            checkUnions(branch, where, visited);
                        }
                    }
                    if (nonNull > 1) {
                        throw new IllegalArgumentException(
                                "NdjsonCodec supports only unions of null and one type, but "
                                        + where
                                        + " is "
                                        + s);
                    }
                    return;
                default:
                    return;
            }
        }
    }
}
