package dev.quiver.hostile;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Crafts single-object messages whose header is valid and whose body is a lie: valid values for the
 * fields before one field, then whatever the caller writes in its place (a negative length, a count
 * of two billion, ...), and nothing after it.
 *
 * <pre>{@code
 * byte[] message = AvroBodies.upTo(header, Observation.getClassSchema(), "key",
 *         out -> out.writeLong(-5)); // a string of length -5
 * }</pre>
 */
final class AvroBodies {

    /** Writes the hostile value of the field. */
    @FunctionalInterface
    interface FieldWriter {
        void write(BinaryEncoder out) throws IOException;
    }

    private AvroBodies() {}

    /**
     * {@code header} (the 10 bytes of a valid message of {@code schema}), the smallest valid value
     * of every field before {@code field}, then what {@code value} writes.
     */
    static byte[] upTo(byte[] header, Schema schema, String field, FieldWriter value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(header, 0, header.length);
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            for (Schema.Field f : schema.getFields()) {
                if (f.name().equals(field)) {
                    value.write(out);
                    out.flush();
                    return bytes.toByteArray();
                }
                writeSmallest(f.schema(), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException(schema.getName() + " has no field " + field);
    }

    /** The first 10 bytes of {@code message}: C3 01 and the writer's fingerprint. */
    static byte[] header(byte[] message) {
        return Arrays.copyOf(message, 10);
    }

    /** The first field of {@code schema} whose value starts with a branch or symbol index. */
    static Schema.Field firstIndexedField(Schema schema) {
        for (Schema.Field f : schema.getFields()) {
            Schema.Type type = f.schema().getType();
            if (type == Schema.Type.UNION || type == Schema.Type.ENUM) {
                return f;
            }
        }
        throw new IllegalArgumentException(schema.getName() + " has no union or enum field");
    }

    private static void writeSmallest(Schema s, BinaryEncoder out) throws IOException {
        switch (s.getType()) {
            case NULL -> out.writeNull();
            case BOOLEAN -> out.writeBoolean(false);
            case INT -> out.writeInt(1);
            case LONG -> out.writeLong(1);
            case FLOAT -> out.writeFloat(0f);
            case DOUBLE -> out.writeDouble(0.0);
            case STRING -> out.writeString("x");
            case BYTES -> out.writeBytes(new byte[0]);
            case FIXED -> out.writeFixed(new byte[s.getFixedSize()]);
            case ENUM -> out.writeEnum(0);
            case ARRAY, MAP -> out.writeLong(0);
            case UNION -> {
                out.writeIndex(0);
                writeSmallest(s.getTypes().get(0), out);
            }
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    writeSmallest(f.schema(), out);
                }
            }
            default -> throw new IllegalArgumentException("unhandled Avro type " + s.getType());
        }
    }
}
