package dev.quiver.hostile;

import org.apache.avro.specific.SpecificRecord;

/**
 * One input record of a hostile run: its bytes as sent (an NDJSON line without its terminator, or a
 * Kafka record value; null is a Kafka tombstone), the kind of hostility, the id a result for it
 * would carry (null when it has none), and what must come of it.
 *
 * <pre>{@code
 * Entry bad = Entry.deadLetter("truncated", bytes, "truncated");
 * Entry good = Entry.result("good", "g7", bytes, observation);
 * }</pre>
 */
record Entry(String kind, String id, byte[] bytes, Outcome outcome) {

    /** What the job must make of an entry. */
    sealed interface Outcome {}

    /** A result for {@code record} (as decoded), whose value the job's oracle gives. */
    record Result(SpecificRecord record) implements Outcome {}

    /** Exactly one dead letter whose reason contains {@code reason}, with the original bytes. */
    record DeadLetter(String reason) implements Outcome {}

    /** Nothing at all: a blank NDJSON line is skipped, though it counts as a line. */
    record Skipped() implements Outcome {}

    static Entry result(String kind, String id, byte[] bytes, SpecificRecord record) {
        return new Entry(kind, id, bytes, new Result(record));
    }

    static Entry deadLetter(String kind, byte[] bytes, String reason) {
        return deadLetter(kind, null, bytes, reason);
    }

    static Entry deadLetter(String kind, String id, byte[] bytes, String reason) {
        return new Entry(kind, id, bytes, new DeadLetter(reason));
    }

    static Entry skipped(String kind, byte[] bytes) {
        return new Entry(kind, null, bytes, new Skipped());
    }

    /** The decoded record of a result entry, else null. */
    SpecificRecord record() {
        return outcome instanceof Result r ? r.record() : null;
    }

    @Override
    public String toString() {
        return kind
                + (id == null ? "" : " " + id)
                + " ("
                + (bytes == null ? "tombstone" : bytes.length + " bytes")
                + ", "
                + outcome
                + ")";
    }
}
