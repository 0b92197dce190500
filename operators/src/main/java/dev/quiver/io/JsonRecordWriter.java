package dev.quiver.io;

import com.fasterxml.jackson.core.JsonGenerator;

import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes a record of an Avro schema as one line of JSON, the inverse of {@link JsonRecordReader}.
 *
 * <p>Fields appear in schema order and map entries sorted by key, so that one record always prints
 * as the same line (diffable output, stable golden files). Non-finite floats and doubles are
 * written as {@code null}, because JSON has no NaN or infinity; the reader takes that null back as
 * NaN.
 *
 * <pre>{@code
 * JsonRecordWriter writer = new JsonRecordWriter(Observation.getClassSchema(), model);
 * String line = writer.write(observation);
 * }</pre>
 *
 * <p>Thread-safe: it holds only the schema and the model.
 */
record JsonRecordWriter(Schema schema, GenericData model) {

    /**
     * The record as one line of JSON.
     *
     * @throws FieldProblem if the record does not fit its schema, e.g. a required field is null
     */
    String write(IndexedRecord record) throws FieldProblem {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JsonRecordReader.JSON.createGenerator(out)) {
            writeValue(g, schema, record);
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not throw", e);
        }
        return out.toString();
    }

    private void writeValue(JsonGenerator g, Schema s, Object value)
            throws IOException, FieldProblem {
        Object v = value;
        LogicalType logicalType = s.getLogicalType();
        if (v != null && logicalType != null) {
            Conversion<?> conversion = model.getConversionFor(logicalType);
            if (conversion != null && conversion.getConvertedType().isInstance(v)) {
                v = Conversions.convertToRawType(v, s, logicalType, conversion);
            }
        }
        if (v == null && s.getType() != Schema.Type.NULL && !s.isNullable()) {
            throw FieldProblem.value("is null, but the schema does not allow null");
        }
        try {
            writeRaw(g, s, v);
        } catch (ClassCastException e) {
            throw FieldProblem.value(
                    "holds a "
                            + v.getClass().getName()
                            + ", the schema wants "
                            + s.getType().getName());
        }
    }

    private void writeRaw(JsonGenerator g, Schema s, Object v) throws IOException, FieldProblem {
        switch (s.getType()) {
            case NULL:
                g.writeNull();
                return;
            case BOOLEAN:
                g.writeBoolean((Boolean) v);
                return;
            case INT:
                g.writeNumber((Integer) v);
                return;
            case LONG:
                g.writeNumber((Long) v);
                return;
            case FLOAT:
            case DOUBLE:
                writeFiniteOrNull(g, (Number) v);
                return;
            case STRING:
                g.writeString(v.toString());
                return;
            case BYTES:
                {
                    // Read through a duplicate so that the record's buffer position is left alone.
                    ByteBuffer buffer = ((ByteBuffer) v).duplicate();
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    g.writeBinary(bytes);
                    return;
                }
            case FIXED:
                g.writeBinary(((GenericFixed) v).bytes());
                return;
            case ENUM:
                g.writeString(v.toString());
                return;
            case ARRAY:
                {
                    Schema items = s.getElementType();
                    g.writeStartArray();
                    long index = 0;
                    for (Object item : (Collection<?>) v) {
                        try {
                            writeValue(g, items, item);
                        } catch (FieldProblem problem) {
                            throw problem.atIndex(index);
                        }
                        index++;
                    }
                    g.writeEndArray();
                    return;
                }
            case MAP:
                {
                    Schema values = s.getValueType();
                    List<Map.Entry<?, ?>> entries = new ArrayList<>(((Map<?, ?>) v).entrySet());
                    entries.sort((a, b) -> a.getKey().toString().compareTo(b.getKey().toString()));
                    g.writeStartObject();
                    for (Map.Entry<?, ?> entry : entries) {
                        String key = entry.getKey().toString();
                        g.writeFieldName(key);
                        try {
                            writeValue(g, values, entry.getValue());
                        } catch (FieldProblem problem) {
                            throw problem.inField(key);
                        }
                    }
                    g.writeEndObject();
                    return;
                }
            case RECORD:
                {
                    IndexedRecord record = (IndexedRecord) v;
                    g.writeStartObject();
                    for (Schema.Field field : s.getFields()) {
                        g.writeFieldName(field.name());
                        try {
                            writeValue(g, field.schema(), record.get(field.pos()));
                        } catch (FieldProblem problem) {
                            throw problem.inField(field.name());
                        }
                    }
                    g.writeEndObject();
                    return;
                }
            case UNION:
                if (v == null) {
                    g.writeNull();
                } else {
                    writeValue(g, NdjsonCodec.nonNullBranch(s), v);
                }
                return;
            default:
                throw new AssertionError("unhandled Avro type " + s.getType());
        }
    }

    /**
     * A float or double as its shortest text, NaN and infinities as null: JSON has no literal for
     * them, and a reader then sees a missing value rather than a made-up number. A float stays a
     * float so that its text is that of the float, not of its widened double.
     */
    private static void writeFiniteOrNull(JsonGenerator g, Number v) throws IOException {
        if (!Double.isFinite(v.doubleValue())) {
            g.writeNull();
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else {
            g.writeNumber(v.doubleValue());
        }
    }
}
