package dev.quiver.io;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The byte layout of an Avro single-object message; the one place that knows it.
 *
 * <pre>
 *  byte  0      1      2 ........................ 9     10 ......................... n-1
 *      +------+------+------------------------------+-----------------------------------+
 *      | 0xC3 | 0x01 | fingerprint, 8 bytes,        | the record in Avro binary         |
 *      |  V1 header  | little-endian CRC-64-AVRO of | encoding, written with the schema |
 *      |             | the writer schema's Parsing  | the fingerprint names             |
 *      |             | Canonical Form               |                                   |
 *      +------+------+------------------------------+-----------------------------------+
 * </pre>
 *
 * <p>This is what Avro's {@code BinaryMessageEncoder} writes; it is restated here because the
 * decoder checks every part itself to say precisely what is wrong with a bad message.
 */
final class SingleObjectFormat {
    static final byte MAGIC_0 = (byte) 0xC3;
    static final byte MAGIC_1 = (byte) 0x01;
    static final int FINGERPRINT_OFFSET = 2;
    static final int HEADER_SIZE = 10;

    private SingleObjectFormat() {}

    /** The fingerprint that a message written with {@code schema} carries. */
    static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /**
     * The fingerprint as a message carries it in bytes 2 to 9: the 64-bit value little-endian,
     * least significant byte first, the inverse of {@link #readFingerprint}.
     */
    static byte[] fingerprintBytes(long fingerprint) {
        byte[] bytes = new byte[HEADER_SIZE - FINGERPRINT_OFFSET];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (fingerprint >>> (8 * i));
        }
        return bytes;
    }

    /**
     * Fingerprints are printed as the unsigned 64-bit value Avro's parsingFingerprint64 returns.
     */
    static String hex(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }

    /**
     * Checks size and header and returns the fingerprint.
     *
     * @throws DecodeException for null or empty input, input longer than {@code maxBytes}, a header
     *     other than {@code C3 01}, or fewer than the 10 header bytes
     */
    static long readFingerprint(byte[] bytes, int maxBytes) throws DecodeException {
        if (bytes == null) {
            throw new DecodeException("no bytes: the message is null");
        }
        int length = bytes.length;
        if (length == 0) {
            throw new DecodeException("empty message");
        }
        // Checked before anything is parsed, so an oversize message costs nothing but its length.
        if (length > maxBytes) {
            throw new DecodeException(
                    "record of " + length + " bytes exceeds the limit of " + maxBytes);
        }
        if (bytes[0] != MAGIC_0 || (length > 1 && bytes[1] != MAGIC_1)) {
            throw new DecodeException(
                    "not Avro single-object encoding: bad header "
                            + (length > 1
                                    ? String.format("0x%02X 0x%02X", bytes[0], bytes[1])
                                    : String.format("0x%02X", bytes[0]))
                            + ", expected 0xC3 0x01");
        }
        if (length < HEADER_SIZE) {
            throw new DecodeException(
                    "truncated: "
                            + length
                            + " bytes, the single-object header alone needs "
                            + HEADER_SIZE);
        }
        long fingerprint = 0;
        for (int i = HEADER_SIZE - 1; i >= FINGERPRINT_OFFSET; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xFF);
        }
        return fingerprint;
    }
}
