package dev.quiver.bayes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads posterior state written by {@link StateWriter}, checking as it goes: every problem is an
 * {@link IllegalArgumentException} whose message starts with {@code "Corrupted: "} (or names an
 * unknown serial version), never a buffer exception.
 *
 * <pre>{@code
 * StateReader reader = StateReader.openVersion2(bytes, PosteriorStateFormat.GAMMA_POISSON, "gamma-poisson");
 * double shape = reader.positiveDouble("prior shape");
 * reader.checkConfigHash(PosteriorStateFormat.configHash(shape, rate));
 * reader.finish();
 * }</pre>
 */
final class StateReader {

    private final ByteBuffer buffer;
    private final String model;

    private StateReader(ByteBuffer buffer, String model) {
        this.buffer = buffer;
        this.model = model;
    }

    /**
     * Checks the preamble (length, family, serial version, preamble size, flags) and positions the
     * reader at the payload.
     *
     * @param knownSerialVersions the versions this build reads, e.g. {@code 2} or {@code 1, 2}
     */
    static StateReader open(byte[] bytes, int familyId, String model, int... knownSerialVersions) {
        checkLengthAndFamily(bytes, familyId, model);
        final int version = Byte.toUnsignedInt(bytes[PosteriorStateFormat.SER_VER_BYTE]);
        boolean known = false;
        final StringBuilder knownList = new StringBuilder();
        for (int v : knownSerialVersions) {
            known |= v == version;
            knownList.append(knownList.length() == 0 ? "" : ", ").append(v);
        }
        if (!known) {
            throw new IllegalArgumentException(
                    "Serial version "
                            + version
                            + " not recognized, this reader knows "
                            + knownList
                            + " for "
                            + model);
        }
        final int preLongs = Byte.toUnsignedInt(bytes[PosteriorStateFormat.PRE_LONGS_BYTE]);
        if (preLongs != 1) {
            throw corrupted("preamble longs " + preLongs + ", expected 1");
        }
        final int flags = Byte.toUnsignedInt(bytes[PosteriorStateFormat.FLAGS_BYTE]);
        if (flags != 0) {
            throw corrupted(String.format("flags 0x%02x, none are defined", flags));
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.position(PosteriorStateFormat.MIN_PREAMBLE_BYTES);
        return new StateReader(buffer, model);
    }

    /**
     * Checks what every serial version of every family has: at least the 8-byte preamble, and
     * {@code familyId} in its family byte.
     */
    static void checkLengthAndFamily(byte[] bytes, int familyId, String model) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < PosteriorStateFormat.MIN_PREAMBLE_BYTES) {
            throw corrupted(
                    "state has "
                            + bytes.length
                            + " bytes, fewer than the "
                            + PosteriorStateFormat.MIN_PREAMBLE_BYTES
                            + "-byte preamble");
        }
        final int family = Byte.toUnsignedInt(bytes[PosteriorStateFormat.FAMILY_BYTE]);
        if (family != familyId) {
            throw corrupted("family id " + family + ", expected " + familyId + " (" + model + ")");
        }
    }

    /**
     * {@link #open} for a family whose one serial version is {@link
     * PosteriorStateFormat#SERIAL_VERSION_2}: every family but Beta-Bernoulli, which also reads
     * version 1.
     */
    static StateReader openVersion2(byte[] bytes, int familyId, String model) {
        return open(bytes, familyId, model, PosteriorStateFormat.SERIAL_VERSION_2);
    }

    /** The serial version in the preamble. */
    int serialVersion() {
        return Byte.toUnsignedInt(buffer.get(PosteriorStateFormat.SER_VER_BYTE));
    }

    /** Throws unless the stored config hash equals {@code expected}. */
    void checkConfigHash(int expected) {
        final int stored = buffer.getInt(PosteriorStateFormat.CONFIG_HASH_INT);
        if (stored != expected) {
            throw corrupted(
                    String.format(
                            "config hash 0x%08x, but the %s prior hashes to 0x%08x",
                            stored, model, expected));
        }
    }

    double finiteDouble(String name) {
        final double value = getDouble(name);
        if (!Double.isFinite(value)) {
            throw corrupted(name + " " + value + " is not finite");
        }
        return value;
    }

    double positiveDouble(String name) {
        final double value = getDouble(name);
        if (!(Double.isFinite(value) && value > 0.0)) {
            throw corrupted(name + " " + value + " is not finite and > 0");
        }
        return value;
    }

    double nonNegativeDouble(String name) {
        final double value = getDouble(name);
        if (!(Double.isFinite(value) && value >= 0.0)) {
            throw corrupted(name + " " + value + " is not finite and >= 0");
        }
        return value;
    }

    int intInRange(String name, int min, int max) {
        return (int) checkRange(name, remaining(Integer.BYTES, name).getInt(), min, max);
    }

    long longInRange(String name, long min, long max) {
        return checkRange(name, remaining(Long.BYTES, name).getLong(), min, max);
    }

    /** An int's bounds print alike widened to long, so one check serves both widths. */
    private static long checkRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw corrupted(name + " " + value + " is not in [" + min + ", " + max + "]");
        }
        return value;
    }

    /** Reads {@code length} finite doubles. */
    double[] finiteDoubles(String name, int length) {
        if ((long) length * Double.BYTES > buffer.remaining()) {
            throw truncated(name);
        }
        final double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = buffer.getDouble();
            if (!Double.isFinite(values[i])) {
                throw corrupted(name + "[" + i + "] " + values[i] + " is not finite");
            }
        }
        return values;
    }

    String string(String name, int maxUtf8Bytes) {
        final int length = intInRange(name + " length", 0, maxUtf8Bytes);
        if (length > buffer.remaining()) {
            throw truncated(name);
        }
        final byte[] utf8 = new byte[length];
        buffer.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** Throws unless every byte has been read. */
    void finish() {
        if (buffer.hasRemaining()) {
            throw corrupted(buffer.remaining() + " bytes after the " + model + " state");
        }
    }

    private double getDouble(String name) {
        return remaining(Double.BYTES, name).getDouble();
    }

    /** The buffer, once it is known to hold {@code bytes} more for {@code name}. */
    private ByteBuffer remaining(int bytes, String name) {
        if (buffer.remaining() < bytes) {
            throw truncated(name);
        }
        return buffer;
    }

    private IllegalArgumentException truncated(String name) {
        return corrupted("state ends before " + name + " (" + model + ")");
    }

    static IllegalArgumentException corrupted(String message) {
        return new IllegalArgumentException("Corrupted: " + message);
    }
}
