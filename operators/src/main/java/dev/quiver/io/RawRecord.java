package dev.quiver.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * The bytes of one input record with the coordinates it came from, before decoding.
 *
 * <p>Both Kafka records and NDJSON file lines travel as a {@code RawRecord} to the decode step, so
 * a record that cannot be decoded becomes a {@link dev.quiver.schema.DeadLetter} carrying its
 * original bytes and where to find it. A Flink POJO: public fields and a no-argument constructor.
 *
 * <pre>{@code
 * RawRecord raw = RawRecord.of("quiver.observations", 0, 42L, bytes);
 * }</pre>
 */
public final class RawRecord {
    /** A Kafka topic, or {@code file:PATH} for a line of an input file. */
    public String source;

    /** The Kafka partition; -1 for files. */
    public int partition;

    /** The Kafka offset, or the 1-based line number in a file. */
    public long offset;

    /** The record value exactly as read; never null (an empty array for a Kafka tombstone). */
    public byte[] payload;

    /** For Flink's POJO serializer. */
    public RawRecord() {}

    /** Creates a raw record; a null payload is stored as an empty array. */
    public static RawRecord of(String source, int partition, long offset, byte[] payload) {
        RawRecord raw = new RawRecord();
        raw.source = source;
        raw.partition = partition;
        raw.offset = offset;
        raw.payload = payload == null ? new byte[0] : payload;
        return raw;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RawRecord)) {
            return false;
        }
        RawRecord other = (RawRecord) o;
        return partition == other.partition
                && offset == other.offset
                && Objects.equals(source, other.source)
                && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, partition, offset) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return source + "[" + partition + "]@" + offset + " (" + payload.length + " bytes)";
    }
}
