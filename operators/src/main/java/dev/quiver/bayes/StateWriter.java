package dev.quiver.bayes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes posterior state in the preamble-plus-payload layout of {@link PosteriorStateFormat}:
 * little-endian, growing as needed. Each model documents its own payload after the preamble.
 *
 * <pre>{@code
 * byte[] bytes = StateWriter.version2(PosteriorStateFormat.GAMMA_POISSON, configHash)
 *         .putDouble(shape).putDouble(rate).toBytes();
 * }</pre>
 */
final class StateWriter {

    private ByteBuffer buffer = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);

    /** Writes the one-long preamble: preLongs 1, the serial version, the family, no flags. */
    StateWriter(int familyId, int serialVersion, int configHash) {
        buffer.put((byte) 1);
        buffer.put((byte) serialVersion);
        buffer.put((byte) familyId);
        buffer.put((byte) 0);
        buffer.putInt(configHash);
    }

    /**
     * A writer for a family whose one serial version is {@link
     * PosteriorStateFormat#SERIAL_VERSION_2}, the counterpart of {@code StateReader.openVersion2}.
     */
    static StateWriter version2(int familyId, int configHash) {
        return new StateWriter(familyId, PosteriorStateFormat.SERIAL_VERSION_2, configHash);
    }

    StateWriter putDouble(double value) {
        ensure(Double.BYTES);
        buffer.putDouble(value);
        return this;
    }

    StateWriter putDoubles(double[] values, int offset, int length) {
        ensure((long) length * Double.BYTES);
        for (int i = offset; i < offset + length; i++) {
            buffer.putDouble(values[i]);
        }
        return this;
    }

    StateWriter putInt(int value) {
        ensure(Integer.BYTES);
        buffer.putInt(value);
        return this;
    }

    StateWriter putLong(long value) {
        ensure(Long.BYTES);
        buffer.putLong(value);
        return this;
    }

    /** Writes a string as its UTF-8 length (int32) and bytes. */
    StateWriter putString(String value) {
        final byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        putInt(utf8.length);
        ensure(utf8.length);
        buffer.put(utf8);
        return this;
    }

    byte[] toBytes() {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private void ensure(long more) {
        if (buffer.remaining() < more) {
            final long needed = buffer.position() + more;
            final int capacity =
                    (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * buffer.capacity()));
            final ByteBuffer grown = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
            buffer.flip();
            grown.put(buffer);
            buffer = grown;
        }
    }
}
