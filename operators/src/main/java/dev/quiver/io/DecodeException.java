package dev.quiver.io;

/**
 * A record that cannot be decoded; the message is the reason that goes into a dead letter.
 *
 * <p>The reason is one line that names the problem, for example {@code "unknown field 'foo'"} or
 * {@code "truncated: the message ends at byte 12 inside field 'ts'"}. Line breaks in a reason are
 * replaced by spaces so that a reason can always be printed on one line, and half of a surrogate
 * pair (a reason may quote bad input) by U+FFFD so that a dead letter can always be written as
 * UTF-8.
 *
 * <pre>{@code
 * try {
 *   Observation o = AvroSingleObjectCodec.of(Observation.class).decode(bytes);
 * } catch (DecodeException e) {
 *   deadLetter.setReason(e.getMessage());
 * }
 * }</pre>
 *
 * <p>The exception carries no stack trace: bad input is an expected, per-event outcome, the reason
 * says everything needed, and a flood of garbage must not cost a stack walk per record.
 */
public final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A decode failure with the given one-line reason. */
    public DecodeException(String reason) {
        super(oneLine(reason), null, false, false);
    }

    /** A decode failure with the given one-line reason, caused by {@code cause}. */
    public DecodeException(String reason, Throwable cause) {
        super(oneLine(reason), cause, false, false);
    }

    private static String oneLine(String reason) {
        if (reason == null) {
            return "undecodable record";
        }
        return StrictUtf8.withoutUnpairedSurrogates(
                reason.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' '));
    }
}
