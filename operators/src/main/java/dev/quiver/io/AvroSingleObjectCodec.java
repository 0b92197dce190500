package dev.quiver.io;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Avro single-object encoding for one record type, reading every older schema version Quiver
 * shipped.
 *
 * <p>Messages are what Avro's {@code BinaryMessageEncoder} writes: header {@code C3 01}, the 8-byte
 * fingerprint of the writer schema, then the record (layout in {@link SingleObjectFormat}). {@link
 * #encode} writes with the current schema. {@link #decode} accepts the current schema and every
 * schema in {@link QuiverSchemas#history}, resolving old records to the current class (new fields
 * take their defaults).
 *
 * <pre>{@code
 * AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
 * byte[] bytes = codec.encode(observation);
 * try {
 *   Observation back = codec.decode(bytes);
 * } catch (DecodeException e) {
 *   // e.getMessage() is the dead letter's reason, e.g. "unknown schema fingerprint 0x..."
 * }
 * }</pre>
 *
 * <p>Decoding is defensive: null or empty input, input over the size limit (checked before anything
 * is parsed), a bad header, a fingerprint of no known version, a message of another Quiver type,
 * truncated or trailing bytes, lengths or counts that the message cannot hold, and a string that is
 * not well-formed UTF-8 (which Avro's reader would silently turn into U+FFFD) all give a {@link
 * DecodeException}, never another exception and never an allocation larger than the message
 * warrants (see {@link AvroBodyCheck}).
 *
 * <p>Immutable and thread-safe. It is {@link Serializable} because Flink ships it to its tasks; the
 * Avro machinery is transient and built on first use in each JVM.
 *
 * @param <T> the generated record class
 */
public final class AvroSingleObjectCodec<T extends SpecificRecord> implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Largest message {@link #decode} accepts unless {@link #withMaxBytes} says otherwise: 1 MiB.
     */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;

    private final Class<T> type;
    private final int maxBytes;
    private transient volatile Machinery<T> machinery;

    private AvroSingleObjectCodec(Class<T> type, int maxBytes) {
        this.type = type;
        this.maxBytes = maxBytes;
    }

    /**
     * A codec for the generated class {@code type} with the {@link #DEFAULT_MAX_BYTES} limit.
     *
     * @throws IllegalArgumentException if {@code type} is not a generated Avro record class
     * @throws IllegalStateException if the schema history lists a bad schema
     */
    public static <T extends SpecificRecord> AvroSingleObjectCodec<T> of(Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        AvroSingleObjectCodec<T> codec = new AvroSingleObjectCodec<>(type, DEFAULT_MAX_BYTES);
        // Built now so that a bad type or history fails when the job is built, not per event.
        codec.machinery();
        return codec;
    }

    /**
     * A copy that rejects messages longer than {@code maxBytes}, header included.
     *
     * @throws IllegalArgumentException if {@code maxBytes} is smaller than the 10-byte header
     */
    public AvroSingleObjectCodec<T> withMaxBytes(int maxBytes) {
        if (maxBytes < SingleObjectFormat.HEADER_SIZE) {
            throw new IllegalArgumentException(
                    "maxBytes must be at least "
                            + SingleObjectFormat.HEADER_SIZE
                            + " (the single-object header), got "
                            + maxBytes);
        }
        return new AvroSingleObjectCodec<>(type, maxBytes);
    }

    /** The record class this codec reads and writes. */
    public Class<T> type() {
        return type;
    }

    /**
     * Encodes {@code record} with the current schema. Does not apply the size limit: a dead letter
     * must be able to carry an oversize payload, so a reader of such records needs a larger limit.
     *
     * @throws NullPointerException or {@link org.apache.avro.AvroRuntimeException} if the record is
     *     invalid for its schema (a required field is null), which is a programming error
     */
    public byte[] encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try {
            machinery().encoder.encode(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not throw", e);
        }
        return out.toByteArray();
    }

    /**
     * An encoder of this codec's records that writes the same bytes as {@link #encode} into
     * buffers it reuses, for one thread (a Kafka sink's serializer encodes every result of its
     * subtask with one).
     */
    public Encoder<T> newEncoder() {
        return new Encoder<>(machinery());
    }

    /**
     * Decodes one message written with the current schema or any schema in the history.
     *
     * @throws DecodeException with a one-line reason if the bytes are not such a message
     */
    public T decode(byte[] bytes) throws DecodeException {
        long fingerprint = SingleObjectFormat.readFingerprint(bytes, maxBytes);
        Machinery<T> m = machinery();
        int version = m.indexOf(fingerprint);
        if (version < 0) {
            Class<?> other = QuiverSchemas.typeOf(fingerprint);
            if (other != null) {
                throw new DecodeException(
                        "wrong record type: got "
                                + other.getSimpleName()
                                + ", expected "
                                + type.getSimpleName());
            }
            throw new DecodeException(
                    "unknown schema fingerprint "
                            + SingleObjectFormat.hex(fingerprint)
                            + " for "
                            + type.getSimpleName());
        }
        m.checks[version].check(bytes, SingleObjectFormat.HEADER_SIZE, maxBytes);
        BinaryDecoder decoder =
                DecoderFactory.get()
                        .binaryDecoder(
                                bytes,
                                SingleObjectFormat.HEADER_SIZE,
                                bytes.length - SingleObjectFormat.HEADER_SIZE,
                                null);
        try {
            return m.readers[version].read(null, decoder);
        } catch (IOException | RuntimeException e) {
            // The check above leaves only what schema resolution may still refuse, such as an enum
            // symbol the current schema dropped without a default.
            throw new DecodeException("corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "AvroSingleObjectCodec[" + type.getName() + ", maxBytes=" + maxBytes + "]";
    }

    private Machinery<T> machinery() {
        Machinery<T> m = machinery;
        if (m == null) {
            // Two threads may both build one; they are equal and either may win.
            m = new Machinery<>(type);
            machinery = m;
        }
        return m;
    }

    /**
     * Encodes records as {@link #encode} does, the single-object header and then the record,
     * reusing its buffer and Avro encoder: one encoding allocates only the returned array. Not
     * thread-safe.
     *
     * @param <T> the generated record class
     */
    public static final class Encoder<T> {
        private final byte[] header;
        private final DatumWriter<T> writer;
        private final ReusedBuffer buffer = new ReusedBuffer();
        private BinaryEncoder encoder;

        private Encoder(Machinery<T> machinery) {
            this.header = machinery.header;
            this.writer = machinery.writer;
        }

        /**
         * The message of {@code record}, the bytes {@link AvroSingleObjectCodec#encode} returns.
         *
         * @throws NullPointerException or {@link org.apache.avro.AvroRuntimeException} as {@link
         *     AvroSingleObjectCodec#encode} does
         */
        public byte[] encode(T record) {
            // Configured first: an encoder that a failed record left with bytes flushes them
            // here, and the reset discards them.
            encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
            buffer.reset();
            buffer.write(header, 0, header.length);
            try {
                writer.write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("a ByteArrayOutputStream does not throw", e);
            }
            return buffer.toByteArray();
        }
    }

    /** A byte buffer kept between messages; the buffered Avro encoder writes to it in blocks. */
    private static final class ReusedBuffer extends ByteArrayOutputStream {
        ReusedBuffer() {
            super(256);
        }
    }

    /** The Avro objects for one type: built from the class, never serialized. */
    private static final class Machinery<T> {
        final BinaryMessageEncoder<T> encoder;

        /**
         * What {@link #encoder} writes: the header with the current schema's fingerprint, and the
         * record with the current schema.
         */
        final byte[] header;

        final DatumWriter<T> writer;

        /** Index 0 is the current schema, then the history in order. */
        final long[] fingerprints;

        final DatumReader<T>[] readers;
        final AvroBodyCheck[] checks;

        @SuppressWarnings("unchecked")
        Machinery(Class<T> type) {
            SpecificData model = QuiverSchemas.generatedModel(type);
            Schema current = model.getSchema(type);
            this.encoder = new BinaryMessageEncoder<>(model, current);
            this.header = new byte[SingleObjectFormat.HEADER_SIZE];
            header[0] = SingleObjectFormat.MAGIC_0;
            header[1] = SingleObjectFormat.MAGIC_1;
            byte[] fingerprint =
                    SingleObjectFormat.fingerprintBytes(SingleObjectFormat.fingerprint(current));
            System.arraycopy(
                    fingerprint,
                    0,
                    header,
                    SingleObjectFormat.FINGERPRINT_OFFSET,
                    fingerprint.length);
            this.writer = (DatumWriter<T>) model.createDatumWriter(current);
            List<Schema> history = QuiverSchemas.history(asRecordClass(type));
            int n = 1 + history.size();
            this.fingerprints = new long[n];
            this.readers = (DatumReader<T>[]) new DatumReader<?>[n];
            this.checks = new AvroBodyCheck[n];
            for (int i = 0; i < n; i++) {
                Schema writer = i == 0 ? current : history.get(i - 1);
                fingerprints[i] = SingleObjectFormat.fingerprint(writer);
                readers[i] = new SpecificDatumReader<>(writer, current, model);
                checks[i] = AvroBodyCheck.of(writer);
            }
        }

        @SuppressWarnings("unchecked")
        private static Class<? extends SpecificRecord> asRecordClass(Class<?> type) {
            return (Class<? extends SpecificRecord>) type;
        }

        /**
         * A linear scan: a type has a handful of versions, and it avoids boxing the fingerprint.
         */
        int indexOf(long fingerprint) {
            for (int i = 0; i < fingerprints.length; i++) {
                if (fingerprints[i] == fingerprint) {
                    return i;
                }
            }
            return -1;
        }
    }
}
