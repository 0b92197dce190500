package dev.quiver.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Names the field of a JSON line whose bytes are not valid UTF-8, for the dead letter's reason.
 *
 * <p>Runs only on a line already refused, so it may allocate: it decodes the line leniently
 * (malformed bytes become U+FFFD), walks the tokens up to the first bad character and reports the
 * path of the string that holds it, such as {@code "field 'attributes.colour': not valid UTF-8 at
 * byte 41"}. A bad byte in a name says so ({@code "a name is not valid UTF-8 at byte 3"}); one
 * outside any string gives the byte alone.
 *
 * <pre>{@code
 * int bad = StrictUtf8.malformedAt(line, 0, line.length);
 * if (bad >= 0) {
 *   throw new DecodeException(JsonUtf8Locator.reason(line, bad));
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
final class JsonUtf8Locator {
    private JsonUtf8Locator() {}

    /**
     * The reason for {@code line}, whose first ill-formed sequence starts at byte {@code bad}.
     */
    static String reason(byte[] line, int bad) {
        String detail = StrictUtf8.malformedReason(bad);
        // Everything before the bad byte is well-formed, so it decodes to the same characters in
        // the lenient text, and the bad sequence is the character right after them.
        int badChar = new String(line, 0, bad, StandardCharsets.UTF_8).length();
        String text = new String(line, StandardCharsets.UTF_8);
        try (JsonParser p = JsonRecordReader.JSON.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null
                    && p.currentTokenLocation().getCharOffset() <= badChar) {
                if (t != JsonToken.VALUE_STRING && t != JsonToken.FIELD_NAME) {
                    continue;
                }
                p.getText(); // reads the string to its closing quote
                if (badChar < p.currentLocation().getCharOffset()) {
                    JsonStreamContext context = p.getParsingContext();
                    return t == JsonToken.FIELD_NAME
                            ? at(context.getParent(), FieldProblem.value("a name is " + detail))
                            : at(context, FieldProblem.value(detail));
                }
            }
        } catch (JacksonException e) {
            // The bad character broke the JSON where it stands: it is in no string.
        } catch (IOException e) {
            throw new IllegalStateException("a String parser does not do I/O", e);
        }
        return detail;
    }

    /** The problem's reason with the path of {@code context}, innermost level first. */
    private static String at(JsonStreamContext context, FieldProblem problem) {
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                problem.atIndex(c.getCurrentIndex());
            } else {
                problem.inField(c.getCurrentName());
            }
        }
        return problem.reason();
    }
}
