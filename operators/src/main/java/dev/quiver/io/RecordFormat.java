package dev.quiver.io;

/**
 * How the bytes of a {@link RawRecord} are encoded: Avro single-object encoding on Kafka topics,
 * one NDJSON line in files.
 *
 * <pre>{@code
 * RecordFormat format = bootstrap != null ? RecordFormat.AVRO : RecordFormat.NDJSON;
 * }</pre>
 */
public enum RecordFormat {
    /** Avro single-object encoding (header, schema fingerprint, binary body). */
    AVRO,
    /** One JSON object per line, UTF-8, field names as in the Avro schema. */
    NDJSON
}
