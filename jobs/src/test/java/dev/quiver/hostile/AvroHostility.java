package dev.quiver.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.NdjsonCodec;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Kafka record values that no job may decode as its input type, built from a valid single-object
 * message of it: garbage, nothing, cut-off, other formats and types, forged fingerprints, and
 * bodies behind a valid header whose lengths, counts and indices lie. Each is a dead letter
 * whatever the job, with a reason the decoder states for its kind.
 *
 * <pre>{@code
 * List<Entry> bad = AvroHostility.cases(RecordShape.OBSERVATION, observation, random, 300_000);
 * }</pre>
 */
final class AvroHostility {

    private AvroHostility() {}

    /**
     * The hostile values, derived from {@code template} (a valid record) and {@code random}; {@code
     * maxRecordBytes} is the job's {@code --max-record-bytes}.
     */
    static <T extends SpecificRecord> List<Entry> cases(
            RecordShape<T> shape, T template, SplittableRandom random, int maxRecordBytes) {
        AvroSingleObjectCodec<T> codec = AvroSingleObjectCodec.of(shape.type());
        byte[] valid = codec.encode(template);
        byte[] header = AvroBodies.header(valid);
        Schema schema = template.getSchema();
        String notAvro = "not Avro single-object encoding";
        List<Entry> cases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cases.add(Entry.deadLetter("garbage", garbage(random), notAvro));
        }
        cases.add(Entry.deadLetter("empty record", new byte[0], "empty message"));
        cases.add(Entry.deadLetter("tombstone", null, "empty message"));
        cases.add(
                Entry.deadLetter(
                        "truncated header",
                        Arrays.copyOf(valid, 1 + random.nextInt(9)),
                        "truncated"));
        cases.add(
                Entry.deadLetter(
                        "truncated",
                        Arrays.copyOf(valid, 10 + random.nextInt(valid.length - 10)),
                        "truncated"));
        cases.add(
                Entry.deadLetter(
                        "JSON, not Avro",
                        NdjsonCodec.of(shape.type()).encode(template).getBytes(UTF_8),
                        notAvro));
        cases.add(
                Entry.deadLetter(
                        "deep nesting",
                        "[".repeat(NdjsonHostility.NESTING).getBytes(UTF_8),
                        notAvro));
        cases.add(
                Entry.deadLetter(
                        "wrong record type",
                        encodeAny(shape.otherType()),
                        "wrong record type: got "
                                + shape.otherType().getClass().getSimpleName()
                                + ", expected "
                                + shape.name()));
        cases.add(
                Entry.deadLetter(
                        "missing fields",
                        AvroBodies.upTo(header, schema, "ts", out -> {}),
                        "truncated"));
        cases.add(
                Entry.deadLetter(
                        "trailing bytes", concat(valid, new byte[] {1, 2, 3}), "3 trailing bytes"));
        byte[] forged = valid.clone();
        for (int i = 2; i < 10; i++) {
            forged[i] = (byte) ~forged[i];
        }
        cases.add(Entry.deadLetter("wrong fingerprint", forged, "unknown schema fingerprint"));
        String key = shape.keyField();
        String array = shape.arrayField();
        cases.add(
                Entry.deadLetter(
                        "negative length",
                        AvroBodies.upTo(header, schema, key, out -> out.writeLong(-5)),
                        "field '" + key + "' has negative length -5"));
        cases.add(
                Entry.deadLetter(
                        "huge length",
                        AvroBodies.upTo(header, schema, key, out -> out.writeLong(1L << 40)),
                        "more than the limit of " + maxRecordBytes + " bytes allows"));
        cases.add(
                Entry.deadLetter(
                        "huge count",
                        AvroBodies.upTo(
                                header, schema, array, out -> out.writeLong(Integer.MAX_VALUE)),
                        "claims " + Integer.MAX_VALUE + " items, more than the limit"));
        cases.add(
                Entry.deadLetter(
                        "negative block size",
                        AvroBodies.upTo(
                                header,
                                schema,
                                array,
                                out -> {
                                    out.writeLong(-3);
                                    out.writeLong(-8);
                                }),
                        "has negative block size -8"));
        cases.add(
                Entry.deadLetter(
                        "overlong number",
                        AvroBodies.upTo(
                                header, schema, "ts", out -> out.writeFixed(overlongVarint())),
                        "field 'ts' has a number longer than 10 bytes"));
        Schema.Field indexed = AvroBodies.firstIndexedField(schema);
        boolean union = indexed.schema().getType() == Schema.Type.UNION;
        cases.add(
                Entry.deadLetter(
                        union ? "union branch out of range" : "enum index out of range",
                        AvroBodies.upTo(header, schema, indexed.name(), out -> out.writeInt(7)),
                        "field '"
                                + indexed.name()
                                + "' has "
                                + (union ? "union branch 7" : "enum index 7")));
        for (int bytes : new int[] {maxRecordBytes + 1, 2 * maxRecordBytes + 77}) {
            cases.add(
                    Entry.deadLetter(
                            "oversize",
                            codec.encode(withId(template, "x".repeat(bytes))),
                            "exceeds the limit of " + maxRecordBytes));
        }
        return cases;
    }

    /** Random bytes that do not start with the single-object magic byte 0xC3. */
    private static byte[] garbage(SplittableRandom random) {
        byte[] bytes = new byte[1 + random.nextInt(64)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        if (bytes[0] == (byte) 0xC3) {
            bytes[0] = 0x42;
        }
        return bytes;
    }

    /** Eleven varint bytes: a long has at most ten. */
    private static byte[] overlongVarint() {
        byte[] bytes = new byte[11];
        Arrays.fill(bytes, (byte) 0x80);
        return bytes;
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> T withId(T template, String id) {
        T copy =
                SpecificData.getForClass(template.getClass())
                        .deepCopy(template.getSchema(), template);
        ((GenericRecord) copy).put("id", id);
        return copy;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] encodeAny(SpecificRecord record) {
        AvroSingleObjectCodec codec = AvroSingleObjectCodec.of(record.getClass());
        return codec.encode(record);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
