package dev.quiver.io.flink;

import java.io.Serializable;

/**
 * When a {@link MicroBatch} is flushed: once it holds {@code size} entries, or once its oldest
 * entry has waited {@code timeoutMs} of processing time, whichever comes first (and always before
 * a checkpoint barrier, a watermark and the end of the input, which the operators see to).
 *
 * <pre>{@code
 * BatchPolicy policy = new BatchPolicy(256, 100);   // --batch-size 256 --batch-timeout-ms 100
 * BatchPolicy today = BatchPolicy.UNBATCHED;        // every entry flushed on arrival
 * }</pre>
 *
 * @param size entries per flush at most, from 1 (every entry on its own, as without batching) to
 *     {@link #MAX_SIZE}
 * @param timeoutMs longest wait of an entry in processing time, in milliseconds; positive
 */
public record BatchPolicy(int size, long timeoutMs) implements Serializable {

    /**
     * The largest batch: a flush holds the inputs and results of every entry at once (a walk's
     * histogram, a score's row and margins), so the bound keeps that within a subtask's memory.
     */
    public static final int MAX_SIZE = 65_536;

    /** One entry per flush: the operators behave exactly as without batching. */
    public static final BatchPolicy UNBATCHED = new BatchPolicy(1, 1);

    /** Checks the bounds; the message names the option and the bad value. */
    public BatchPolicy {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException(
                    "--batch-size must be between 1 and " + MAX_SIZE + ", got " + size);
        }
        if (timeoutMs < 1) {
            throw new IllegalArgumentException(
                    "--batch-timeout-ms must be positive, got " + timeoutMs);
        }
    }
}
