package dev.quiver.io;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an input ended when a job started: per Kafka partition, the offset of the last record a
 * {@code read_committed} reader receives there (for a file, partition -1 and the number of its last
 * line holding a record). A job that must read a control input (the score job's models) up to its
 * end before it lets data through compares what it has read with this: offsets only grow within a
 * partition, so once it has read a record at or past each partition's offset, it has read every
 * record that was there at the start.
 *
 * <p>Immutable and serializable, so that it travels inside the operator that waits for it.
 *
 * <pre>{@code
 * InputEnd end = InputEnd.of(Map.of(0, 41L, 1, 17L));
 * Map<Integer, Long> read = new HashMap<>(Map.of(0, 41L));
 * end.isReachedBy(read);   // false: partition 1 is not read up to offset 17 yet
 * read.put(1, 17L);
 * end.isReachedBy(read);   // true
 * }</pre>
 */
public final class InputEnd implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The partition number of a file's records, as {@link RawRecord#partition} gives it. */
    public static final int FILE_PARTITION = -1;

    private static final InputEnd NONE = new InputEnd(Map.of());

    private final TreeMap<Integer, Long> lastOffsets;

    private InputEnd(Map<Integer, Long> lastOffsets) {
        this.lastOffsets = new TreeMap<>(lastOffsets);
    }

    /** An input that held no record at the start: it is reached before anything is read. */
    public static InputEnd none() {
        return NONE;
    }

    /**
     * An input whose partitions held records up to these offsets at the start; partitions that held
     * none are left out.
     */
    public static InputEnd of(Map<Integer, Long> lastOffsets) {
        for (Map.Entry<Integer, Long> partition : lastOffsets.entrySet()) {
            if (partition.getValue() < 0) {
                throw new IllegalArgumentException(
                        "offset of partition " + partition.getKey() + " must not be negative, got "
                                + partition.getValue());
            }
        }
        return lastOffsets.isEmpty() ? NONE : new InputEnd(lastOffsets);
    }

    /** A file whose last record is on line {@code lastLine} (1-based); 0 for a file without any. */
    public static InputEnd ofFile(long lastLine) {
        return lastLine < 1 ? NONE : of(Map.of(FILE_PARTITION, lastLine));
    }

    /**
     * True when {@code lastRead}, the offset of the last record read per partition, is at or past
     * this end in every partition.
     */
    public boolean isReachedBy(Map<Integer, Long> lastRead) {
        for (Map.Entry<Integer, Long> partition : lastOffsets.entrySet()) {
            Long read = lastRead.get(partition.getKey());
            if (read == null || read < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The offset of the last record at the start, by partition, for logs. */
    @Override
    public String toString() {
        return lastOffsets.toString();
    }
}
