package dev.quiver.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON object into a record of an Avro schema, field by field as the schema says.
 *
 * <p>The rules are those of {@link NdjsonCodec}. Values are built as the record's data model builds
 * them when it reads binary (its record classes, enums, {@link GenericData.Array}, {@code HashMap},
 * {@code String}, {@link ByteBuffer}, and logical types through the model's conversions), so a
 * record read from JSON equals the same record read from Avro binary.
 *
 * <pre>{@code
 * JsonRecordReader reader = new JsonRecordReader(Observation.getClassSchema(), model);
 * Observation o = (Observation) reader.read("{\"key\":\"ad-7\",\"ts\":1700000000000,\"value\":1}");
 * }</pre>
 *
 * <p>Thread-safe: it holds only the schema and the model.
 */
record JsonRecordReader(Schema schema, GenericData model) {
    /** Shared and thread-safe. Non-numeric tokens (NaN, Infinity) are accepted as numbers. */
    static final JsonFactory JSON =
            JsonFactory.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build();

    /** Longest value text quoted in a reason, so that a reason stays a readable line. */
    private static final int MAX_QUOTED_CHARS = 40;

    Object read(String line) throws DecodeException {
        if (line == null) {
            throw new DecodeException("not a JSON object: the line is null");
        }
        try (JsonParser p = JSON.createParser(line)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new DecodeException("not a JSON object: empty line");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new DecodeException("not a JSON object: got " + describe(p));
            }
            Object record;
            try {
                record = readRecord(p, schema);
            } catch (FieldProblem problem) {
                throw new DecodeException(problem.reason());
            }
            if (p.nextToken() != null) {
                throw new DecodeException(
                        "trailing content after the JSON object at column "
                                + column(p.currentTokenLocation()));
            }
            return record;
        } catch (JacksonException e) {
            throw new DecodeException(
                    "malformed JSON at column " + column(e.getLocation()) + ": " + shorten(e), e);
        } catch (IOException e) {
            throw new DecodeException("malformed JSON: " + e.getMessage(), e);
        }
    }

    private Object readRecord(JsonParser p, Schema recordSchema) throws IOException, FieldProblem {
        IndexedRecord record = (IndexedRecord) model.newRecord(null, recordSchema);
        List<Schema.Field> fields = recordSchema.getFields();
        boolean[] seen = new boolean[fields.size()];
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            Schema.Field field = recordSchema.getField(name);
            if (field == null) {
                throw FieldProblem.unknown(name);
            }
            p.nextToken();
            try {
                record.put(field.pos(), readValue(p, field.schema()));
            } catch (FieldProblem problem) {
                throw problem.inField(name);
            }
            seen[field.pos()] = true;
        }
        if (t != JsonToken.END_OBJECT) {
            throw FieldProblem.value("unexpected " + t + " in an object");
        }
        for (Schema.Field field : fields) {
            if (!seen[field.pos()]) {
                if (!field.hasDefaultValue()) {
                    throw FieldProblem.required(field.name());
                }
                // Avro caches one default object per field and defaults such as [] and {} are
                // mutable, so each record gets its own copy.
                record.put(
                        field.pos(), model.deepCopy(field.schema(), model.getDefaultValue(field)));
            }
        }
        return record;
    }

    private Object readValue(JsonParser p, Schema s) throws IOException, FieldProblem {
        return readValue(p, s, s);
    }

    /**
     * Reads a value of {@code s}; a value of the wrong JSON type is reported as not matching {@code
     * describeAs}, which is the enclosing union for a union's branch.
     */
    private Object readValue(JsonParser p, Schema s, Schema describeAs)
            throws IOException, FieldProblem {
        Object raw = readRaw(p, s, describeAs);
        LogicalType logicalType = s.getLogicalType();
        if (raw == null || logicalType == null) {
            return raw;
        }
        Conversion<?> conversion = model.getConversionFor(logicalType);
        if (conversion == null) {
            return raw;
        }
        try {
            return Conversions.convertToLogicalType(raw, s, logicalType, conversion);
        } catch (RuntimeException e) {
            throw FieldProblem.value(
                    "not a valid " + logicalType.getName() + ": " + e.getMessage());
        }
    }

    private Object readRaw(JsonParser p, Schema s, Schema describeAs)
            throws IOException, FieldProblem {
        JsonToken t = p.currentToken();
        switch (s.getType()) {
            case NULL:
                if (t == JsonToken.VALUE_NULL) {
                    return null;
                }
                throw mismatch(p, describeAs);
            case BOOLEAN:
                if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                    return t == JsonToken.VALUE_TRUE;
                }
                throw mismatch(p, describeAs);
            case INT:
                {
                    long value = readIntegral(p, s, describeAs);
                    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                        throw outOfRange(p, "an int");
                    }
                    return (int) value;
                }
            case LONG:
                return readIntegral(p, s, describeAs);
            case FLOAT:
                return readFloat(p, describeAs);
            case DOUBLE:
                return readDouble(p, describeAs);
            case STRING:
                if (t == JsonToken.VALUE_STRING) {
                    return wellFormed(p.getText(), "");
                }
                throw mismatch(p, describeAs);
            case BYTES:
                return ByteBuffer.wrap(readBase64(p, describeAs));
            case FIXED:
                {
                    byte[] bytes = readBase64(p, describeAs);
                    if (bytes.length != s.getFixedSize()) {
                        throw FieldProblem.value(
                                "expected " + s.getFixedSize() + " bytes, got " + bytes.length);
                    }
                    return model.createFixed(null, bytes, s);
                }
            case ENUM:
                if (t == JsonToken.VALUE_STRING) {
                    String symbol = p.getText();
                    if (s.hasEnumSymbol(symbol)) {
                        return model.createEnum(symbol, s);
                    }
                    throw FieldProblem.value(
                            "unknown symbol "
                                    + quote(symbol)
                                    + ", expected one of "
                                    + String.join(", ", s.getEnumSymbols()));
                }
                throw mismatch(p, describeAs);
            case ARRAY:
                return readArray(p, s, describeAs);
            case MAP:
                return readMap(p, s, describeAs);
            case RECORD:
                if (t == JsonToken.START_OBJECT) {
                    return readRecord(p, s);
                }
                throw mismatch(p, describeAs);
            case UNION:
                if (t == JsonToken.VALUE_NULL && s.isNullable()) {
                    return null;
                }
                // NdjsonCodec admits only unions of null and one other type.
                return readValue(p, NdjsonCodec.nonNullBranch(s), s);
            default:
                throw new AssertionError("unhandled Avro type " + s.getType());
        }
    }

    private Object readArray(JsonParser p, Schema s, Schema describeAs)
            throws IOException, FieldProblem {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw mismatch(p, describeAs);
        }
        Schema items = s.getElementType();
        GenericData.Array<Object> array = new GenericData.Array<>(8, s);
        JsonToken t;
        int index = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw FieldProblem.value("the array is not closed");
            }
            try {
                array.add(readValue(p, items));
            } catch (FieldProblem problem) {
                throw problem.atIndex(index);
            }
            index++;
        }
        return array;
    }

    private Object readMap(JsonParser p, Schema s, Schema describeAs)
            throws IOException, FieldProblem {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw mismatch(p, describeAs);
        }
        Schema values = s.getValueType();
        Map<String, Object> map = new HashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = wellFormed(p.currentName(), "a key is ");
            p.nextToken();
            try {
                map.put(key, readValue(p, values));
            } catch (FieldProblem problem) {
                throw problem.inField(key);
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw FieldProblem.value("unexpected " + t + " in an object");
        }
        return map;
    }

    /**
     * {@code text} if it has a UTF-8 form, else a problem whose detail starts with {@code what}. A
     * JSON escape can name half of a surrogate pair ({@code "\u005Cud800"}); such a string would be
     * written out as {@code ?}, merging distinct values, so it is refused.
     */
    private static String wellFormed(String text, String what) throws FieldProblem {
        int lone = StrictUtf8.unpairedSurrogateAt(text);
        if (lone >= 0) {
            throw FieldProblem.value(what + StrictUtf8.unpairedSurrogateReason(text, lone));
        }
        return text;
    }

    /** An int or long: a JSON number with an integral value, such as 3, 3.0 or 3e2. */
    private static long readIntegral(JsonParser p, Schema s, Schema describeAs)
            throws IOException, FieldProblem {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw outOfRange(p, article(s));
            }
            return p.getLongValue();
        }
        // isNaN() must come before any other number access: afterwards it also reports overflow.
        if (t == JsonToken.VALUE_NUMBER_FLOAT && !p.isNaN()) {
            BigDecimal decimal = p.getDecimalValue();
            // Digits before the point; checked first so that 1e999999999 is not expanded.
            if (decimal.signum() != 0 && decimal.precision() - decimal.scale() > 19) {
                throw outOfRange(p, article(s));
            }
            try {
                return decimal.longValueExact();
            } catch (ArithmeticException e) {
                if (decimal.stripTrailingZeros().scale() > 0) {
                    throw mismatch(p, describeAs);
                }
                throw outOfRange(p, article(s));
            }
        }
        throw mismatch(p, describeAs);
    }

    private static float readFloat(JsonParser p, Schema s) throws IOException, FieldProblem {
        if (floatingIsNull(p, s)) {
            // JSON has no NaN; null is how NdjsonCodec writes it.
            return Float.NaN;
        }
        if (p.isNaN()) {
            return (float) p.getDoubleValue();
        }
        // Parsed from the text rather than through double, which could round twice.
        float value = Float.parseFloat(p.getText());
        if (Float.isInfinite(value)) {
            throw outOfRange(p, "a float");
        }
        return value;
    }

    private static double readDouble(JsonParser p, Schema s) throws IOException, FieldProblem {
        if (floatingIsNull(p, s)) {
            return Double.NaN;
        }
        if (p.isNaN()) {
            return p.getDoubleValue();
        }
        double value = p.getDoubleValue();
        if (Double.isInfinite(value)) {
            throw outOfRange(p, "a double");
        }
        return value;
    }

    /**
     * Whether a float or double field holds null (read as NaN) rather than a number; a number here
     * may also be NaN or an infinity, which the parser allows. Any other token is a mismatch.
     */
    private static boolean floatingIsNull(JsonParser p, Schema s) throws IOException, FieldProblem {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return true;
        }
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return false;
        }
        throw mismatch(p, s);
    }

    private static byte[] readBase64(JsonParser p, Schema s) throws IOException, FieldProblem {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw mismatch(p, s);
        }
        try {
            return p.getBinaryValue();
        } catch (JacksonException e) {
            throw FieldProblem.value("not valid base64: " + shorten(e));
        }
    }

    /** The reason for a number too large for {@code what}, e.g. {@code "a float"}. */
    private static FieldProblem outOfRange(JsonParser p, String what) throws IOException {
        return FieldProblem.value(shortText(p) + " is out of range for " + what);
    }

    private static FieldProblem mismatch(JsonParser p, Schema s) throws IOException {
        return FieldProblem.value("expected " + expected(s) + ", got " + describe(p));
    }

    /** What a value of the schema looks like in JSON, for reasons. */
    static String expected(Schema s) {
        switch (s.getType()) {
            case NULL:
                return "null";
            case BOOLEAN:
                return "true or false";
            case INT:
            case LONG:
                return "an integer";
            case FLOAT:
            case DOUBLE:
                return "a number";
            case STRING:
                return "a string";
            case BYTES:
                return "a base64 string";
            case FIXED:
                return "a base64 string of " + s.getFixedSize() + " bytes";
            case ENUM:
                return "one of " + String.join(", ", s.getEnumSymbols());
            case ARRAY:
                return "an array";
            case MAP:
            case RECORD:
                return "an object";
            case UNION:
                return s.isNullable()
                        ? "null or " + expected(NdjsonCodec.nonNullBranch(s))
                        : expected(NdjsonCodec.nonNullBranch(s));
            default:
                return s.getType().getName();
        }
    }

    private static String article(Schema s) {
        return s.getType() == Schema.Type.INT ? "an int" : "a long";
    }

    /** The current value as it appeared, for "got ..." in reasons. */
    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return quote(p.getText());
            default:
                return shortText(p);
        }
    }

    private static String shortText(JsonParser p) throws IOException {
        String text = p.getText();
        return text.length() <= MAX_QUOTED_CHARS
                ? text
                : text.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    /** A JSON string literal, cut to {@link #MAX_QUOTED_CHARS}, with line breaks escaped. */
    static String quote(String text) {
        boolean cut = text.length() > MAX_QUOTED_CHARS;
        String shown = cut ? text.substring(0, MAX_QUOTED_CHARS) : text;
        return "\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(shown))
                + "\""
                + (cut ? "..." : "");
    }

    private static int column(JsonLocation location) {
        return location == null ? 0 : location.getColumnNr();
    }

    /** Jackson's message without the location it appends, which the reason gives as a column. */
    private static String shorten(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int marker = message.indexOf(" (start marker at");
        return marker >= 0 ? message.substring(0, marker) : message;
    }
}
