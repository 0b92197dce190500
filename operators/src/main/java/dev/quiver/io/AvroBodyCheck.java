package dev.quiver.io;

import org.apache.avro.Schema;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that bytes hold exactly one datum of a writer schema before Avro reads them.
 *
 * <p>Avro trusts the lengths and counts in its input: a string length or an array count is used to
 * size an allocation before the bytes behind it are read. Its own guard, {@code
 * org.apache.avro.SystemLimitException}, allows up to {@code Integer.MAX_VALUE - 8} items by
 * default, so a 20-byte message whose array count claims 10^9 doubles makes the reader allocate
 * gigabytes. The {@code org.apache.avro.limits.*} system properties that lower it are global to the
 * JVM and read once, so a codec cannot set them for itself. This check walks the writer schema over
 * the bytes without allocating per value and rejects any length or count that the remaining bytes
 * cannot hold, any union branch or enum index outside the schema, any string (map keys included)
 * that is not well-formed UTF-8 (see {@link StrictUtf8}), and trailing bytes; after it passes,
 * Avro's read consumes exactly the bytes that were checked.
 *
 * <pre>{@code
 * AvroBodyCheck check = AvroBodyCheck.of(Observation.getClassSchema());
 * check.check(bytes, SingleObjectFormat.HEADER_SIZE, 1 << 20); // throws DecodeException
 * }</pre>
 *
 * <p>Thread-safe and immutable once built. Cost: one pass over the bytes.
 */
final class AvroBodyCheck {
    /** Deeper than any Quiver schema nests; bounds the recursion of recursive schemas. */
    static final int MAX_DEPTH = 64;

    private final Shape root;

    private AvroBodyCheck(Shape root) {
        this.root = root;
    }

    static AvroBodyCheck of(Schema writer) {
        Map<Schema, Shape> named = new IdentityHashMap<>();
        Shape root = compile(writer, named);
        minSize(root);
        return new AvroBodyCheck(root);
    }

    /**
     * Checks {@code bytes[from..]} against the schema.
     *
     * @param maxItems at most this many array items and map entries in the whole datum, so that
     *     items that encode to zero bytes (arrays of null) cannot claim unbounded memory either
     */
    void check(byte[] bytes, int from, int maxItems) throws DecodeException {
        Cursor cursor = new Cursor(bytes, from, maxItems);
        try {
            walk(root, cursor, 0);
        } catch (FieldProblem problem) {
            throw new DecodeException(problem.reason());
        }
        int trailing = bytes.length - cursor.pos;
        if (trailing > 0) {
            throw new DecodeException(
                    "corrupt: "
                            + trailing
                            + " trailing byte"
                            + (trailing == 1 ? "" : "s")
                            + " after the record, which ends at byte "
                            + cursor.pos);
        }
    }

    private static final class Shape {
        final Schema.Type type;
        Shape[] children = new Shape[0];
        String[] fieldNames = new String[0];
        int symbolCount;
        int fixedSize;

        /** Fewest bytes an encoding takes; -1 not computed yet, -2 being computed. */
        int minSize = -1;

        Shape(Schema.Type type) {
            this.type = type;
        }
    }

    private static final class Cursor {
        final byte[] bytes;
        final int limit;
        int pos;
        long itemsLeft;

        Cursor(byte[] bytes, int pos, int maxItems) {
            this.bytes = bytes;
            this.pos = pos;
            this.limit = maxItems;
            this.itemsLeft = maxItems;
        }
    }

    private static Shape compile(Schema schema, Map<Schema, Shape> named) {
        Shape seen = named.get(schema);
        if (seen != null) {
            return seen;
        }
        Shape shape = new Shape(schema.getType());
        switch (schema.getType()) {
            case RECORD:
                // Registered before its fields so that a recursive schema compiles to a cycle.
                named.put(schema, shape);
                List<Schema.Field> fields = schema.getFields();
                shape.children = new Shape[fields.size()];
                shape.fieldNames = new String[fields.size()];
                for (int i = 0; i < fields.size(); i++) {
                    shape.fieldNames[i] = fields.get(i).name();
                    shape.children[i] = compile(fields.get(i).schema(), named);
                }
                break;
            case UNION:
                List<Schema> branches = schema.getTypes();
                shape.children = new Shape[branches.size()];
                for (int i = 0; i < branches.size(); i++) {
                    shape.children[i] = compile(branches.get(i), named);
                }
                break;
            case ARRAY:
                shape.children = new Shape[] {compile(schema.getElementType(), named)};
                break;
            case MAP:
                shape.children = new Shape[] {compile(schema.getValueType(), named)};
                break;
            case ENUM:
                shape.symbolCount = schema.getEnumSymbols().size();
                break;
            case FIXED:
                shape.fixedSize = schema.getFixedSize();
                break;
            default:
                break;
        }
        return shape;
    }

    private static int minSize(Shape shape) {
        if (shape.minSize >= 0) {
            return shape.minSize;
        }
        if (shape.minSize == -2) {
            // A record that contains itself: 0 is a safe lower bound for the inner occurrence.
            return 0;
        }
        shape.minSize = -2;
        long size;
        switch (shape.type) {
            case NULL:
                size = 0;
                break;
            case FLOAT:
                size = 4;
                break;
            case DOUBLE:
                size = 8;
                break;
            case FIXED:
                size = shape.fixedSize;
                break;
            case RECORD:
                size = 0;
                for (Shape child : shape.children) {
                    size += minSize(child);
                }
                break;
            case UNION:
                long smallest = Integer.MAX_VALUE;
                for (Shape child : shape.children) {
                    smallest = Math.min(smallest, minSize(child));
                }
                size = 1 + smallest;
                break;
            case ARRAY:
            case MAP:
                // Every element is compiled too, since the walk reads minSize of the items.
                minSize(shape.children[0]);
                size = 1;
                break;
            default:
                // boolean, int, long, enum index, string and bytes length: at least one byte.
                size = 1;
                break;
        }
        shape.minSize = (int) Math.min(size, Integer.MAX_VALUE / 2);
        return shape.minSize;
    }

    private static void walk(Shape shape, Cursor c, int depth) throws FieldProblem {
        if (depth > MAX_DEPTH) {
            throw FieldProblem.corrupt("nests deeper than " + MAX_DEPTH + " levels");
        }
        switch (shape.type) {
            case NULL:
                return;
            case BOOLEAN:
                need(c, 1);
                byte b = c.bytes[c.pos++];
                // Avro reads any byte other than 1 as false; anything but 0 or 1 is damage, not
                // data.
                if (b != 0 && b != 1) {
                    throw FieldProblem.corrupt(String.format("has boolean byte 0x%02X", b));
                }
                return;
            case INT:
                readInt(c);
                return;
            case LONG:
                readLong(c);
                return;
            case FLOAT:
                need(c, 4);
                c.pos += 4;
                return;
            case DOUBLE:
                need(c, 8);
                c.pos += 8;
                return;
            case STRING:
                skipString(c, "");
                return;
            case BYTES:
                skipLengthPrefixed(c);
                return;
            case FIXED:
                need(c, shape.fixedSize);
                c.pos += shape.fixedSize;
                return;
            case ENUM:
                {
                    int index = readInt(c);
                    if (index < 0 || index >= shape.symbolCount) {
                        throw FieldProblem.corrupt(
                                "has enum index "
                                        + index
                                        + ", the schema has "
                                        + shape.symbolCount
                                        + " symbols");
                    }
                    return;
                }
            case UNION:
                {
                    int index = readInt(c);
                    if (index < 0 || index >= shape.children.length) {
                        throw FieldProblem.corrupt(
                                "has union branch "
                                        + index
                                        + ", the schema has "
                                        + shape.children.length);
                    }
                    walk(shape.children[index], c, depth + 1);
                    return;
                }
            case RECORD:
                for (int i = 0; i < shape.children.length; i++) {
                    try {
                        walk(shape.children[i], c, depth + 1);
                    } catch (FieldProblem problem) {
                        throw problem.inField(shape.fieldNames[i]);
                    }
                }
                return;
            case ARRAY:
            case MAP:
                walkBlocks(shape, c, depth);
                return;
            default:
                throw new AssertionError("unhandled Avro type " + shape.type);
        }
    }

    /** Arrays and maps: blocks of (count, [byte size if count < 0], items), ended by count 0. */
    private static void walkBlocks(Shape shape, Cursor c, int depth) throws FieldProblem {
        boolean isMap = shape.type == Schema.Type.MAP;
        Shape item = shape.children[0];
        // A map entry is a string key (at least one byte) and a value.
        long itemMinSize = item.minSize + (isMap ? 1 : 0);
        long index = 0;
        while (true) {
            long count = readLong(c);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw FieldProblem.corrupt("has block count " + count);
                }
                count = -count;
                long blockBytes = readLong(c);
                if (blockBytes < 0) {
                    throw FieldProblem.corrupt("has negative block size " + blockBytes);
                }
            }
            if (count > c.itemsLeft) {
                throw FieldProblem.corrupt(
                        "claims "
                                + count
                                + " "
                                + (isMap ? "entries" : "items")
                                + ", more than the limit of "
                                + c.limit
                                + " in one message");
            }
            c.itemsLeft -= count;
            // count <= limit <= Integer.MAX_VALUE and itemMinSize is small, so this cannot
            // overflow.
            long needed = count * itemMinSize;
            if (needed > c.bytes.length - c.pos) {
                throw shortBy(c, needed, count + " " + (isMap ? "entries" : "items"));
            }
            for (long k = 0; k < count; k++, index++) {
                try {
                    if (isMap) {
                        skipString(c, "a key is ");
                    }
                    walk(item, c, depth + 1);
                } catch (FieldProblem problem) {
                    throw problem.atIndex(index);
                }
            }
        }
    }

    /**
     * Skips a string, refusing bytes that are not well-formed UTF-8: Avro's reader would replace
     * them with U+FFFD, and two different bad keys would become one. The problem's detail starts
     * with {@code what}.
     */
    private static void skipString(Cursor c, String what) throws FieldProblem {
        int start = skipLengthPrefixed(c);
        int bad = StrictUtf8.malformedAt(c.bytes, start, c.pos);
        if (bad >= 0) {
            throw FieldProblem.value(what + StrictUtf8.malformedReason(bad));
        }
    }

    /** Skips a length and that many bytes; returns where the bytes start. */
    private static int skipLengthPrefixed(Cursor c) throws FieldProblem {
        long length = readLong(c);
        if (length < 0) {
            throw FieldProblem.corrupt("has negative length " + length);
        }
        need(c, length);
        int start = c.pos;
        c.pos += (int) length;
        return start;
    }

    private static void need(Cursor c, long bytes) throws FieldProblem {
        if (bytes > c.bytes.length - c.pos) {
            throw shortBy(c, bytes, bytes + " bytes");
        }
    }

    /**
     * More bytes are needed than are left. Within the message limit that is what a cut-off message
     * looks like; beyond it no message could hold the value, so the length itself is damaged.
     */
    private static FieldProblem shortBy(Cursor c, long needed, String what) {
        int left = c.bytes.length - c.pos;
        if (needed > c.limit) {
            return FieldProblem.corrupt(
                    "claims "
                            + what
                            + " at byte "
                            + c.pos
                            + ", more than the limit of "
                            + c.limit
                            + " bytes allows");
        }
        return FieldProblem.truncated(
                "needs " + what + " at byte " + c.pos + ", only " + left + " left");
    }

    private static int readInt(Cursor c) throws FieldProblem {
        long value = readVarint(c, 5);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw FieldProblem.corrupt("has int " + value + " out of range");
        }
        return (int) value;
    }

    private static long readLong(Cursor c) throws FieldProblem {
        return readVarint(c, 10);
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes, as Avro writes ints and longs. */
    private static long readVarint(Cursor c, int maxBytes) throws FieldProblem {
        long raw = 0;
        int start = c.pos;
        for (int i = 0; i < maxBytes; i++) {
            if (c.pos >= c.bytes.length) {
                throw FieldProblem.truncated(
                        "ends inside a number that starts at byte "
                                + start
                                + ", the message ends at byte "
                                + c.bytes.length);
            }
            int b = c.bytes[c.pos++] & 0xFF;
            raw |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw FieldProblem.corrupt(
                "has a number longer than " + maxBytes + " bytes at byte " + start);
    }
}
