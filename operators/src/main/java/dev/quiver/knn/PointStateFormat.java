package dev.quiver.knn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one class that knows the byte layout of an indexed point in keyed state: the point's event
 * time and its vector as received (not normalised), so the index can be rebuilt from state alone.
 *
 * <pre>
 * byte | 0            | 1        | 2         | 3     | 4 .. 7        | 8 .. 15       | 16 ..
 *      | preamble (2) | version  | family 16 | flags | dimension i32 | event ts i64  | d x f32
 * </pre>
 *
 * All numbers little-endian; the preamble size counts 8-byte words.
 *
 * <pre>{@code
 * byte[] bytes = PointStateFormat.write(ts, vector);
 * long ts = PointStateFormat.readTimestamp(bytes);
 * float[] vector = PointStateFormat.readVector(bytes);
 * }</pre>
 */
public final class PointStateFormat {

    /** The first layout. */
    public static final int SERIAL_VERSION_1 = 1;

    /** The layout written now. */
    public static final int CURRENT_SERIAL_VERSION = SERIAL_VERSION_1;

    /** Family id of an indexed point. */
    public static final int FAMILY_POINT = 16;

    private static final int PREAMBLE_WORDS = 2;
    private static final int HEADER_BYTES = PREAMBLE_WORDS * 8;

    private PointStateFormat() {}

    /** Serialises a point. */
    public static byte[] write(long ts, float[] vector) {
        ByteBuffer buffer =
                ByteBuffer.allocate(HEADER_BYTES + 4 * vector.length)
                        .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) PREAMBLE_WORDS)
                .put((byte) CURRENT_SERIAL_VERSION)
                .put((byte) FAMILY_POINT)
                .put((byte) 0)
                .putInt(vector.length)
                .putLong(ts);
        for (float x : vector) {
            buffer.putFloat(x);
        }
        return buffer.array();
    }

    /** The point's event time. */
    public static long readTimestamp(byte[] bytes) {
        return header(bytes).getLong(8);
    }

    /** The point's vector. */
    public static float[] readVector(byte[] bytes) {
        ByteBuffer buffer = header(bytes);
        float[] vector = new float[buffer.getInt(4)];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = buffer.getFloat(HEADER_BYTES + 4 * i);
        }
        return vector;
    }

    private static ByteBuffer header(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_BYTES) {
            throw new IllegalArgumentException(
                    "Corrupted: point state of "
                            + (bytes == null ? "null" : bytes.length + " bytes")
                            + " is shorter than its "
                            + HEADER_BYTES
                            + "-byte header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes[2] != FAMILY_POINT) {
            throw new IllegalArgumentException(
                    "Corrupted: family " + bytes[2] + " is not a point (" + FAMILY_POINT + ")");
        }
        if (bytes[1] != SERIAL_VERSION_1) {
            throw new IllegalArgumentException(
                    "Serial version "
                            + bytes[1]
                            + " not recognized, this reader knows "
                            + SERIAL_VERSION_1);
        }
        if (bytes[0] != PREAMBLE_WORDS || bytes[3] != 0) {
            throw new IllegalArgumentException(
                    "Corrupted: preamble " + bytes[0] + " or flags " + bytes[3] + " unexpected");
        }
        int dimension = buffer.getInt(4);
        if (dimension < 0 || bytes.length != HEADER_BYTES + 4L * dimension) {
            throw new IllegalArgumentException(
                    "Corrupted: "
                            + bytes.length
                            + " bytes do not hold a point of dimension "
                            + dimension);
        }
        return buffer;
    }
}
