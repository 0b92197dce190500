package dev.quiver.io.flink;

import java.util.ArrayList;
import java.util.List;

/**
 * Entries waiting for one kernel call, in arrival order, and the rules that say when they must be
 * flushed: the batch is full ({@link #add} returns true), or its oldest entry is due ({@link
 * #isDue}). Plain Java, no Flink: the operators ({@link MicroBatchKeyedOperator}, {@link
 * MicroBatchBroadcastOperator}) add the rules that need Flink, a flush before every checkpoint
 * barrier, watermark and the end of the input.
 *
 * <p>One batch holds every key's entries, in the order they arrived, so a flush that handles them
 * in index order keeps each key's order (and the order across keys) of an unbatched run. Entries
 * hold the results of whatever keyed state the record changed on arrival, so nothing in a batch
 * depends on when the batch is flushed. Not thread-safe: one per subtask.
 *
 * <pre>{@code
 * MicroBatch<String> batch = new MicroBatch<>(new BatchPolicy(2, 100));
 * batch.add("a", 1_000);                 // false: room for one more
 * boolean full = batch.add("b", 1_010);  // true: flush now
 * long due = batch.dueAtMs();            // 1_100: "a" arrived at 1_000
 * for (int i = 0; i < batch.size(); i++) {
 *     handle(batch.get(i));
 * }
 * batch.clear();
 * }</pre>
 *
 * @param <E> an entry: what one record asks of the kernel
 */
public final class MicroBatch<E> {

    private final BatchPolicy policy;
    private final List<E> entries;
    private long firstArrivalMs;

    /**
     * @param policy the size and timeout of a flush
     */
    public MicroBatch(BatchPolicy policy) {
        this.policy = policy;
        // Room for a full batch up front, but not for the largest allowed one.
        this.entries = new ArrayList<>(Math.min(policy.size(), 1024));
    }

    /** The size and timeout of a flush. */
    public BatchPolicy policy() {
        return policy;
    }

    /**
     * Appends {@code entry}, which arrived at processing time {@code nowMs}; true when the batch is
     * now full and must be flushed before the next entry.
     */
    public boolean add(E entry, long nowMs) {
        if (entries.isEmpty()) {
            firstArrivalMs = nowMs;
        }
        entries.add(entry);
        return entries.size() >= policy.size();
    }

    /** The processing time at which the oldest entry has waited the timeout; MAX_VALUE if empty. */
    public long dueAtMs() {
        if (entries.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long due = firstArrivalMs + policy.timeoutMs();
        return due < firstArrivalMs ? Long.MAX_VALUE : due;
    }

    /** Whether the oldest entry has waited the timeout at processing time {@code nowMs}. */
    public boolean isDue(long nowMs) {
        return nowMs >= dueAtMs();
    }

    /** Whether no entry waits. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The number of entries waiting. */
    public int size() {
        return entries.size();
    }

    /** The {@code i}-th entry to arrive, from 0. */
    public E get(int i) {
        return entries.get(i);
    }

    /** Forgets every entry, once they are flushed. */
    public void clear() {
        entries.clear();
    }
}
