package dev.quiver.ensemble;

import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a UBJSON (Universal Binary JSON, ubjson.org, draft 12) document, as XGBoost writes it with
 * {@code save_model("m.ubj")}, into the shapes of {@link ModelDocument}.
 *
 * <p><b>Why hand-written.</b> No well-kept Jackson or other JVM library reads UBJSON (Jackson's
 * binary formats are Smile, CBOR, Ion and MessagePack), and the subset XGBoost writes is small:
 * objects whose keys are a length and UTF-8 bytes, arrays with or without the optimized {@code $}
 * type and {@code #} count header, the integer types {@code i U I l L}, the floats {@code d D},
 * strings {@code S}, chars {@code C}, {@code T F Z} and the no-op {@code N}. Reading exactly that,
 * strictly and bounded, is less code than adapting a general library and easier to audit: every
 * count and length is checked against the bytes left and the {@link LoadLimits} before anything is
 * allocated, nesting is bounded, and the high-precision type {@code H} is refused. Multi-byte
 * values are big-endian, as the specification and XGBoost's writer have them.
 */
final class UbjsonReader {

    private final byte[] bytes;
    private final LoadLimits limits;
    private int position;
    private int nesting;
    private long numbersLeft;

    private UbjsonReader(byte[] bytes, LoadLimits limits) {
        this.bytes = bytes;
        this.limits = limits;
        this.numbersLeft = JsonDocumentReader.numberBudget(limits);
    }

    static Object read(byte[] bytes, LoadLimits limits) {
        limits.checkSize(bytes.length, "the UBJSON document");
        UbjsonReader reader = new UbjsonReader(bytes, limits);
        if (bytes.length == 0) {
            throw new ModelFormatException("the UBJSON document is empty");
        }
        Object value = reader.readValue(reader.marker("$"), "$");
        if (reader.position != bytes.length) {
            throw new ModelFormatException(
                    "the UBJSON document goes on after its value, at byte " + reader.position);
        }
        return value;
    }

    private Object readValue(byte marker, String path) {
        switch (marker) {
            case '{':
                return readObject(path);
            case '[':
                return readArray(path);
            case 'S':
                return readString(path);
            case 'C':
                return String.valueOf((char) u8(path));
            case 'T':
                return Boolean.TRUE;
            case 'F':
                return Boolean.FALSE;
            case 'Z':
                return ModelDocument.NULL;
            case 'd':
                return scalar(Float.intBitsToFloat(s32(path)));
            case 'D':
                return scalar(Double.longBitsToDouble(s64(path)));
            case 'i':
            case 'U':
            case 'I':
            case 'l':
            case 'L':
                return BigDecimal.valueOf(integer(marker, path));
            default:
                throw unknownMarker(marker, path);
        }
    }

    private Map<String, Object> readObject(String path) {
        enter(path);
        Map<String, Object> object = new LinkedHashMap<>();
        byte type = 0;
        long count = -1;
        if (peek(path) == '$') {
            position++;
            type = marker(path);
            expect('#', path);
            count = count(path, 2);
        } else if (peek(path) == '#') {
            position++;
            count = count(path, 2);
        }
        for (long i = 0; count < 0 || i < count; i++) {
            if (count < 0) {
                byte next = skipNoOps(path);
                if (next == '}') {
                    position++;
                    break;
                }
            }
            String key = readKey(path);
            String child = path + "." + key;
            Object value = readValue(type != 0 ? type : marker(child), child);
            if (object.put(key, value) != null) {
                throw new ModelFormatException("duplicate field " + child);
            }
        }
        nesting--;
        return object;
    }

    private Object readArray(String path) {
        enter(path);
        Object array;
        if (peek(path) == '$') {
            position++;
            byte type = marker(path);
            expect('#', path);
            array = readTypedArray(type, path);
        } else if (peek(path) == '#') {
            position++;
            long count = count(path, 1);
            List<Object> list = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                String child = path + "[" + i + "]";
                list.add(readValue(marker(child), child));
            }
            array = list;
        } else {
            List<Object> list = new ArrayList<>();
            while (skipNoOps(path) != ']') {
                checkLength(list.size() + 1L, path);
                String child = path + "[" + list.size() + "]";
                list.add(readValue(marker(child), child));
            }
            position++;
            array = list;
        }
        nesting--;
        return array;
    }

    private Object readTypedArray(byte type, String path) {
        int width = width(type);
        if (width == 0) {
            throw new ModelFormatException(
                    "optimized array of type '" + (char) type + "' at " + path + " is not read");
        }
        int count = (int) count(path, width);
        if ((numbersLeft -= count) < 0) {
            throw new ModelFormatException(
                    "the document holds more than "
                            + JsonDocumentReader.numberBudget(limits)
                            + " numbers, beyond the limit");
        }
        if (type == 'd') {
            float[] values = new float[count];
            for (int i = 0; i < count; i++) {
                values[i] = Float.intBitsToFloat(s32(path));
            }
            return NumericArray.ofFloats(values);
        }
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] =
                    type == 'D' ? Double.longBitsToDouble(s64(path)) : (double) integer(type, path);
        }
        return NumericArray.ofDoubles(values);
    }

    /** Bytes per element of an optimized array, 0 for types not allowed there. */
    private static int width(byte type) {
        switch (type) {
            case 'i':
            case 'U':
                return 1;
            case 'I':
                return 2;
            case 'l':
            case 'd':
                return 4;
            case 'L':
            case 'D':
                return 8;
            default:
                return 0;
        }
    }

    /**
     * A container count, refused when negative, beyond the limits, or larger than the bytes left
     * could hold at {@code minBytesEach} bytes per element.
     */
    private long count(String path, int minBytesEach) {
        long count = integer(marker(path), path);
        if (count < 0) {
            throw new ModelFormatException("negative count " + count + " at " + path);
        }
        checkLength(count, path);
        if (count * minBytesEach > bytes.length - position) {
            throw new ModelFormatException(
                    path
                            + " claims "
                            + count
                            + " elements but only "
                            + (bytes.length - position)
                            + " bytes are left: truncated or corrupt");
        }
        return count;
    }

    private void checkLength(long count, String path) {
        long maxLength = (long) limits.maxNodes() + limits.maxFeatures();
        if (count > maxLength) {
            throw new ModelFormatException(
                    path + " has " + count + " elements, more than the limit of " + maxLength);
        }
    }

    private String readKey(String path) {
        return utf8(integer(marker(path), path), path);
    }

    private String readString(String path) {
        return utf8(integer(marker(path), path), path);
    }

    private String utf8(long length, String path) {
        if (length < 0 || length > bytes.length - position) {
            throw new ModelFormatException(
                    "string of " + length + " bytes at " + path + " runs past the end");
        }
        try {
            String s =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(java.nio.ByteBuffer.wrap(bytes, position, (int) length))
                            .toString();
            position += (int) length;
            return s;
        } catch (CharacterCodingException e) {
            throw new ModelFormatException("string at " + path + " is not UTF-8");
        }
    }

    private long integer(byte marker, String path) {
        switch (marker) {
            case 'i':
                return (byte) u8(path);
            case 'U':
                return u8(path);
            case 'I':
                need(2, path);
                short s = (short) (((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff));
                position += 2;
                return s;
            case 'l':
                return s32(path);
            case 'L':
                return s64(path);
            default:
                throw new ModelFormatException(
                        "expected an integer at " + path + ", found marker " + describe(marker));
        }
    }

    private int u8(String path) {
        need(1, path);
        return bytes[position++] & 0xff;
    }

    private int s32(String path) {
        return (int) bigEndian(4, path);
    }

    private long s64(String path) {
        return bigEndian(8, path);
    }

    /** The next {@code size} bytes as a big-endian two's-complement number, UBJSON's order. */
    private long bigEndian(int size, String path) {
        need(size, path);
        long value = 0;
        for (int i = 0; i < size; i++) {
            value = (value << 8) | (bytes[position++] & 0xff);
        }
        return value;
    }

    private byte marker(String path) {
        byte marker = skipNoOps(path);
        position++;
        return marker;
    }

    private byte skipNoOps(String path) {
        while (peek(path) == 'N') {
            position++;
        }
        return peek(path);
    }

    private byte peek(String path) {
        need(1, path);
        return bytes[position];
    }

    private void expect(char marker, String path) {
        byte found = marker(path);
        if (found != marker) {
            throw new ModelFormatException(
                    "expected '" + marker + "' at " + path + ", found " + describe(found));
        }
    }

    private void need(int count, String path) {
        if (bytes.length - position < count) {
            throw new ModelFormatException(
                    "the UBJSON document is truncated at byte " + position + " inside " + path);
        }
    }

    private void enter(String path) {
        if (++nesting > limits.maxNesting()) {
            throw new ModelFormatException(
                    "nesting deeper than " + limits.maxNesting() + " at " + path);
        }
    }

    private ModelFormatException unknownMarker(byte marker, String path) {
        return new ModelFormatException(
                "unsupported UBJSON marker "
                        + describe(marker)
                        + " at "
                        + path
                        + " (byte "
                        + (position - 1)
                        + ")");
    }

    private static String describe(byte marker) {
        return marker >= 0x20 && marker < 0x7f
                ? "'" + (char) marker + "'"
                : String.format("0x%02x", marker & 0xff);
    }

    private static Object scalar(double value) {
        return Double.isFinite(value) ? new BigDecimal(value) : (Object) value;
    }
}
