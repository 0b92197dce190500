package dev.quiver.io;

/**
 * How the bytes of a {@link RawRecord} are encoded: Avro single-object encoding (Kafka topics, the
 * default there), or one JSON object (an NDJSON line in files, or a whole Kafka record value when a
 * job reads JSON topics).
 *
 * <pre>{@code
 * RecordFormat format = bootstrap != null ? RecordFormat.AVRO : RecordFormat.NDJSON;
 * }</pre>
 */
public enum RecordFormat {
    /** Avro single-object encoding (header, schema fingerprint, binary body). */
    AVRO,
    /**
     * One JSON object, UTF-8, field names as in the Avro schema: a line of a file, or a Kafka
     * record value (the same text, without a line terminator).
     */
    NDJSON
}
