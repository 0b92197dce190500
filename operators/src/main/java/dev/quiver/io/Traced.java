package dev.quiver.io;

/**
 * A decoded record together with the raw input it came from, for operators that can only judge a
 * record with their state (a vector whose dimension does not match its namespace) and must still
 * dead-letter it with its original bytes. Costs the raw bytes once more on the wire, so only
 * streams that need it carry it. A Flink POJO.
 *
 * <pre>{@code
 * Traced<VectorEvent> traced = Traced.of(vector, raw);
 * ctx.output(DeadLetters.TAG, DeadLetters.of(traced.origin, "expected dimension 8, got 3"));
 * }</pre>
 *
 * @param <T> the record type
 */
public final class Traced<T> {
    /** The decoded, statelessly valid record. */
    public T record;

    /** Where it came from and its original bytes. */
    public RawRecord origin;

    /** For Flink's POJO serializer. */
    public Traced() {}

    /** Pairs a record with its origin. */
    public static <T> Traced<T> of(T record, RawRecord origin) {
        Traced<T> traced = new Traced<>();
        traced.record = record;
        traced.origin = origin;
        return traced;
    }

    @Override
    public String toString() {
        return record + " from " + origin;
    }
}
