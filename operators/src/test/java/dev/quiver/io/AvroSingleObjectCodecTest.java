package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

class AvroSingleObjectCodecTest {
    private static final AvroSingleObjectCodec<Observation> OBSERVATIONS =
            AvroSingleObjectCodec.of(Observation.class);

    static Stream<SpecificRecord> samples() {
        return SampleRecords.all().stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyRecordTypeRoundTrips(SpecificRecord record) throws Exception {
        AvroSingleObjectCodec<SpecificRecord> codec = codecFor(record);

        SpecificRecord back = codec.decode(codec.encode(record));

        // Field by field: Avro's generated equals compares doubles with ==, so NaN != NaN.
        SampleRecords.assertSameRecord(back, record);
        assertThat(back).isInstanceOf(record.getClass());
    }

    @Test
    void aReusedEncoderWritesTheSameBytesAsEncodeRecordAfterRecord() {
        // Populated and sparse records of every type in turn, so each message follows one of
        // another length through the same buffers.
        List<SpecificRecord> records = new ArrayList<>();
        for (SpecificRecord record : SampleRecords.all()) {
            records.add(record);
            records.add(SampleRecords.sparse(record.getClass()));
        }
        for (SpecificRecord record : records) {
            AvroSingleObjectCodec<SpecificRecord> codec = codecFor(record);
            AvroSingleObjectCodec.Encoder<SpecificRecord> encoder = codec.newEncoder();
            for (SpecificRecord other : records) {
                if (other.getClass() == record.getClass()) {
                    assertThat(encoder.encode(other)).isEqualTo(codec.encode(other));
                }
            }
            assertThat(encoder.encode(record)).isEqualTo(codec.encode(record));
        }
    }

    @Test
    void aReusedEncoderWritesNothingOfARecordThatFailed() {
        AvroSingleObjectCodec.Encoder<Observation> encoder = OBSERVATIONS.newEncoder();
        Observation valid = (Observation) SampleRecords.populated(Observation.class);
        // No key: the writer fails after it wrote the id.
        Observation keyless = Observation.newBuilder(valid).build();
        keyless.setKey(null);

        assertThatThrownBy(() -> encoder.encode(keyless)).isInstanceOf(RuntimeException.class);

        assertThat(encoder.encode(valid)).isEqualTo(OBSERVATIONS.encode(valid));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void bytesAreThoseOfAvrosOwnSingleObjectEncoder(SpecificRecord record) throws Exception {
        byte[] ours = codecFor(record).encode(record);
        ByteBuffer avros = (ByteBuffer) record.getClass().getMethod("toByteBuffer").invoke(record);

        assertThat(ours).isEqualTo(toArray(avros));
        assertThat(ours[0]).isEqualTo((byte) 0xC3);
        assertThat(ours[1]).isEqualTo((byte) 0x01);
    }

    @Test
    void decodesWhatTheGeneratedEncoderWrites() throws Exception {
        Observation sample = (Observation) SampleRecords.populated(Observation.class);

        assertThat(OBSERVATIONS.decode(toArray(sample.toByteBuffer()))).isEqualTo(sample);
    }

    @Test
    void doubleArraysKeepFullPrecision() throws Exception {
        Observation sample = (Observation) SampleRecords.populated(Observation.class);
        sample.setFeatures(List.of(0.3, 1e-300, Math.PI));

        Observation back = OBSERVATIONS.decode(OBSERVATIONS.encode(sample));

        assertThat(back.getFeatures()).containsExactly(0.3, 1e-300, Math.PI);
        back.getFeatures().add(0.1);
        assertThat(back.getFeatures().get(3)).isEqualTo(0.1);
    }

    @Test
    void avrosOwnDecoderKeepsDoubleArraysExact() throws Exception {
        // Avro 1.12.0 rounded double arrays to float on read (AVRO-4108); Flink's Avro serializer
        // uses that reader between operators, so a downgrade must fail here.
        Observation sample = (Observation) SampleRecords.populated(Observation.class);
        sample.setFeatures(List.of(0.3));

        Observation viaAvro = Observation.getDecoder().decode(sample.toByteBuffer());

        assertThat(viaAvro.getFeatures()).containsExactly(0.3);
    }

    @Test
    void rejectsNullAndEmptyInput() {
        assertThatThrownBy(() -> OBSERVATIONS.decode(null))
                .isInstanceOf(DecodeException.class)
                .hasMessage("no bytes: the message is null");
        assertThatThrownBy(() -> OBSERVATIONS.decode(new byte[0]))
                .isInstanceOf(DecodeException.class)
                .hasMessage("empty message");
    }

    @Test
    void rejectsBytesWithoutTheSingleObjectHeader() {
        byte[] json = "{\"key\":\"ad-7\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> OBSERVATIONS.decode(json))
                .isInstanceOf(DecodeException.class)
                .hasMessage(
                        "not Avro single-object encoding: bad header 0x7B 0x22, expected 0xC3"
                                + " 0x01");
        assertThatThrownBy(() -> OBSERVATIONS.decode(new byte[] {(byte) 0xC3, 0x02, 1, 2}))
                .hasMessageStartingWith("not Avro single-object encoding: bad header 0xC3 0x02");
    }

    @Test
    void everyPrefixOfAValidMessageIsTruncated() {
        for (SpecificRecord record : SampleRecords.all()) {
            AvroSingleObjectCodec<SpecificRecord> codec = codecFor(record);
            byte[] bytes = codec.encode(record);
            for (int length = 1; length < bytes.length; length++) {
                byte[] prefix = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> codec.decode(prefix))
                        .as(
                                "%s cut to %d of %d bytes",
                                record.getClass().getSimpleName(), length, bytes.length)
                        .isInstanceOf(DecodeException.class)
                        .hasMessageStartingWith("truncated: ");
            }
        }
    }

    @Test
    void truncationReasonNamesTheFieldAndByte() {
        byte[] bytes =
                OBSERVATIONS.encode((Observation) SampleRecords.populated(Observation.class));
        // The populated sample ends with category "sports": cut inside that string.
        byte[] prefix = Arrays.copyOf(bytes, bytes.length - 2);

        assertThatThrownBy(() -> OBSERVATIONS.decode(prefix))
                .hasMessageMatching(
                        "truncated: field 'category' needs 6 bytes at byte \\d+, only 4 left");
    }

    @Test
    void rejectsAnUnknownFingerprint() {
        byte[] bytes =
                OBSERVATIONS.encode((Observation) SampleRecords.populated(Observation.class));
        bytes[2] ^= 0x5A;

        assertThatThrownBy(() -> OBSERVATIONS.decode(bytes))
                .isInstanceOf(DecodeException.class)
                .hasMessageMatching("unknown schema fingerprint 0x[0-9a-f]{16} for Observation");
    }

    @Test
    void rejectsARecordOfAnotherQuiverTypeAndNamesIt() {
        byte[] query =
                AvroSingleObjectCodec.of(QueryEvent.class)
                        .encode((QueryEvent) SampleRecords.populated(QueryEvent.class));

        assertThatThrownBy(() -> OBSERVATIONS.decode(query))
                .isInstanceOf(DecodeException.class)
                .hasMessage("wrong record type: got QueryEvent, expected Observation");
    }

    @Test
    void rejectsAnOversizeMessageBeforeParsingIt() {
        byte[] big = new byte[AvroSingleObjectCodec.DEFAULT_MAX_BYTES + 1];
        // Not even a header: the size check comes first.
        assertThatThrownBy(() -> OBSERVATIONS.decode(big))
                .isInstanceOf(DecodeException.class)
                .hasMessage("record of 1048577 bytes exceeds the limit of 1048576");

        AvroSingleObjectCodec<ModelUpdate> small =
                AvroSingleObjectCodec.of(ModelUpdate.class).withMaxBytes(64);
        ModelUpdate update = (ModelUpdate) SampleRecords.populated(ModelUpdate.class);
        update.setPayload(ByteBuffer.wrap(new byte[100]));
        byte[] bytes = small.encode(update);
        assertThat(bytes.length).isGreaterThan(100);
        assertThatThrownBy(() -> small.decode(bytes))
                .hasMessage("record of " + bytes.length + " bytes exceeds the limit of 64");
    }

    @Test
    void withMaxBytesKeepsTheTypeAndRejectsLimitsBelowTheHeader() throws Exception {
        AvroSingleObjectCodec<Observation> big = OBSERVATIONS.withMaxBytes(8 << 20);
        Observation sample = (Observation) SampleRecords.populated(Observation.class);

        assertThat(big.type()).isEqualTo(Observation.class);
        assertThat(big.decode(big.encode(sample))).isEqualTo(sample);
        assertThatThrownBy(() -> OBSERVATIONS.withMaxBytes(9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes must be at least 10")
                .hasMessageContaining("got 9");
    }

    @Test
    void anArrayCountOfABillionIsRejectedWithoutAllocatingIt() throws Exception {
        byte[] bytes =
                observationBody(
                        e -> {
                            e.writeLong(
                                    1_000_000_000L); // features: one block claiming 10^9 doubles
                            e.writeDouble(1.0);
                        });

        assertThatThrownBy(() -> OBSERVATIONS.decode(bytes))
                .isInstanceOf(DecodeException.class)
                .hasMessage(
                        "corrupt: field 'features' claims 1000000000 items, more than the limit of"
                                + " 1048576 in one message");
    }

    @Test
    void anArrayCountBeyondTheRemainingBytesIsTruncated() throws Exception {
        byte[] bytes =
                observationBody(
                        e -> {
                            e.writeLong(1000L); // 1000 doubles need 8000 bytes
                            e.writeDouble(1.0);
                        });

        assertThatThrownBy(() -> OBSERVATIONS.decode(bytes))
                .hasMessageMatching(
                        "truncated: field 'features' needs 1000 items at byte \\d+, only 8 left");
    }

    @Test
    void aNegativeBlockCountWithItsByteSizeIsRead() throws Exception {
        // Avro's alternative block form: -count, then the block's size in bytes.
        byte[] bytes =
                observationBody(
                        e -> {
                            e.writeLong(-2L);
                            e.writeLong(16L);
                            e.writeDouble(1.5);
                            e.writeDouble(2.5);
                            e.writeLong(0L);
                            e.writeIndex(0); // label null
                            e.writeIndex(0); // category null
                        });

        assertThat(OBSERVATIONS.decode(bytes).getFeatures()).containsExactly(1.5, 2.5);
    }

    @Test
    void aStringLengthOfAGigabyteIsRejected() throws Exception {
        byte[] bytes =
                header(
                        Observation.getClassSchema(),
                        e -> {
                            e.writeIndex(1); // id: the string branch
                            e.writeLong(1L << 30); // length prefix of 1 GiB
                            e.writeFixed(new byte[] {'a', 'b'});
                        });

        assertThatThrownBy(() -> OBSERVATIONS.decode(bytes))
                .hasMessageMatching(
                        "corrupt: field 'id' claims 1073741824 bytes at byte \\d+, more than the"
                                + " limit of 1048576 bytes allows");
    }

    @Test
    void rejectsOutOfRangeUnionBranchesAndEnumIndices() throws Exception {
        byte[] badUnion = header(Observation.getClassSchema(), e -> e.writeIndex(7));
        assertThatThrownBy(() -> OBSERVATIONS.decode(badUnion))
                .hasMessage("corrupt: field 'id' has union branch 7, the schema has 2");

        byte[] badEnum =
                header(
                        VectorEvent.getClassSchema(),
                        e -> {
                            e.writeString("v-1");
                            e.writeString("default");
                            e.writeLong(0L);
                            e.writeEnum(9);
                        });
        assertThatThrownBy(() -> AvroSingleObjectCodec.of(VectorEvent.class).decode(badEnum))
                .hasMessage("corrupt: field 'op' has enum index 9, the schema has 2 symbols");
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] bytes =
                OBSERVATIONS.encode((Observation) SampleRecords.populated(Observation.class));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);

        assertThatThrownBy(() -> OBSERVATIONS.decode(longer))
                .hasMessage(
                        "corrupt: 3 trailing bytes after the record, which ends at byte "
                                + bytes.length);
    }

    @Test
    void randomBytesGiveOnlyDecodeExceptions() {
        SplittableRandom random = new SplittableRandom(20_240_611L);
        List<byte[]> valid = new ArrayList<>();
        for (SpecificRecord record : SampleRecords.all()) {
            valid.add(codecFor(record).encode(record));
        }
        byte[] observationHeader =
                Arrays.copyOf(
                        OBSERVATIONS.encode(
                                (Observation) SampleRecords.populated(Observation.class)),
                        SingleObjectFormat.HEADER_SIZE);
        int decoded = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] bytes;
            switch (i % 3) {
                case 0: // pure noise
                    bytes = randomBytes(random, random.nextInt(0, 64));
                    break;
                case 1: // a real Observation header, then noise
                    bytes = concat(observationHeader, randomBytes(random, random.nextInt(0, 64)));
                    break;
                default: // a valid message of some type with a few bytes changed
                    bytes = valid.get(random.nextInt(valid.size())).clone();
                    int flips = random.nextInt(1, 4);
                    for (int f = 0; f < flips; f++) {
                        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                    }
                    break;
            }
            try {
                OBSERVATIONS.decode(bytes);
                decoded++;
            } catch (DecodeException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            }
            try {
                QuiverSchemas.decodeAny(bytes);
            } catch (DecodeException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            }
        }
        // Some changed bytes (inside a double, say) still decode: the loop reached the reader.
        assertThat(decoded).isPositive();
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        AvroSingleObjectCodec<Observation> shipped = roundTrip(OBSERVATIONS.withMaxBytes(4096));
        Observation sample = (Observation) SampleRecords.populated(Observation.class);

        assertThat(shipped.type()).isEqualTo(Observation.class);
        assertThat(shipped.decode(OBSERVATIONS.encode(sample))).isEqualTo(sample);
        assertThatThrownBy(() -> shipped.decode(new byte[4097]))
                .hasMessageEndingWith("limit of 4096");
    }

    // ---------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static AvroSingleObjectCodec<SpecificRecord> codecFor(SpecificRecord record) {
        return AvroSingleObjectCodec.of((Class<SpecificRecord>) record.getClass());
    }

    interface Body {
        void write(BinaryEncoder encoder) throws IOException;
    }

    /** An Observation message up to its features field, then {@code rest}. */
    private static byte[] observationBody(Body rest) throws IOException {
        return header(
                Observation.getClassSchema(),
                e -> {
                    e.writeIndex(0); // id: null
                    e.writeString("k");
                    e.writeLong(0L); // ts
                    e.writeDouble(1.0); // value
                    rest.write(e);
                });
    }

    /** The single-object header of {@code schema}, then whatever {@code body} writes. */
    static byte[] header(org.apache.avro.Schema schema, Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fingerprint = SingleObjectFormat.fingerprint(schema);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fingerprint >>> (8 * i)));
        }
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        body.write(encoder);
        encoder.flush();
        return out.toByteArray();
    }

    static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T object) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
