package dev.quiver.io;

import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes the raw bytes of one record of a known type: Avro single-object encoding (Kafka), or
 * one JSON object (an NDJSON line in files, a JSON Kafka value), refusing records larger than a
 * bound before parsing them. Every way a record can be bad is a {@link DecodeException} whose
 * message is the dead letter's reason.
 *
 * <p>Not thread-safe (the codecs reuse their buffers): one per task, made in {@code open()}.
 *
 * <pre>{@code
 * RecordDecoder<ModelUpdate> decoder =
 *         RecordDecoder.of(ModelUpdate.class, RecordFormat.AVRO, 64 << 20);
 * try {
 *     ModelUpdate update = decoder.decode(raw.payload);
 * } catch (DecodeException e) {
 *     ctx.output(DeadLetters.TAG, DeadLetters.of(raw, e.getMessage()));
 * }
 * }</pre>
 *
 * @param <T> the record type
 */
public final class RecordDecoder<T extends SpecificRecord> {

    private final RecordFormat format;
    private final int maxBytes;
    private final AvroSingleObjectCodec<T> avro;
    private final NdjsonCodec<T> ndjson;

    private RecordDecoder(Class<T> type, RecordFormat format, int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.format = format;
        this.maxBytes = maxBytes;
        this.avro =
                format == RecordFormat.AVRO
                        ? AvroSingleObjectCodec.of(type).withMaxBytes(maxBytes)
                        : null;
        this.ndjson = format == RecordFormat.NDJSON ? NdjsonCodec.of(type) : null;
    }

    /**
     * A decoder of {@code type} records encoded as {@code format}, refusing any larger than {@code
     * maxBytes} (positive).
     */
    public static <T extends SpecificRecord> RecordDecoder<T> of(
            Class<T> type, RecordFormat format, int maxBytes) {
        return new RecordDecoder<>(type, format, maxBytes);
    }

    /**
     * The record in {@code payload}.
     *
     * @throws DecodeException if it is larger than the bound or cannot be decoded as the type
     */
    public T decode(byte[] payload) throws DecodeException {
        if (format == RecordFormat.AVRO) {
            return avro.decode(payload);
        }
        if (payload.length > maxBytes) {
            throw new DecodeException(
                    "record of " + payload.length + " bytes exceeds the limit of " + maxBytes);
        }
        if (payload.length >= 2
                && payload[0] == SingleObjectFormat.MAGIC_0
                && payload[1] == SingleObjectFormat.MAGIC_1) {
            // Never UTF-8 (C3 needs a continuation byte): say what it is, not where it breaks.
            throw new DecodeException(
                    "an Avro single-object record (starts with C3 01), not a JSON object");
        }
        // The bytes, not a String made of them: that would turn malformed UTF-8 into U+FFFD.
        return ndjson.decodeUtf8(payload);
    }
}
