package dev.quiver.io;

import java.io.Serializable;

/**
 * Says whether a decoded record is valid for the job that reads it; an invalid record becomes a
 * dead letter with the returned reason. Implementations live beside the kernel whose rules they
 * apply, so the decode step and the kernel cannot disagree.
 *
 * <pre>{@code
 * RecordValidator<Observation> v = obs -> obs.getKey().isEmpty() ? "empty key" : null;
 * }</pre>
 *
 * @param <T> the decoded record type
 */
@FunctionalInterface
public interface RecordValidator<T> extends Serializable {

    /** Returns null when the record is valid, else a one-line reason naming the bad value. */
    String invalidReason(T record);

    /** A validator that accepts everything. */
    static <T> RecordValidator<T> acceptAll() {
        return record -> null;
    }
}
