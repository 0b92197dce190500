package dev.quiver.hostile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Edits one NDJSON line field by field with raw JSON text, which may be anything a hostile writer
 * sends: {@code NaN}, {@code 1e309}, a string where a number belongs, or text that is not JSON.
 *
 * <pre>{@code
 * String line = JsonLines.with("{\"key\":\"a\",\"value\":1}", Map.of("value", "NaN"));
 * // {"key":"a","value":NaN}
 * }</pre>
 */
final class JsonLines {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {}

    /** {@code line} with each field set to its raw JSON text, in place or appended. */
    static String with(String line, Map<String, String> rawByField) {
        ObjectNode object = parse(line);
        rawByField.forEach((field, raw) -> object.putRawValue(field, new RawValue(raw)));
        return write(object);
    }

    /** {@code line} with {@code field} set to the raw JSON text {@code raw}. */
    static String with(String line, String field, String raw) {
        return with(line, Map.of(field, raw));
    }

    /** {@code line} without {@code field}. */
    static String without(String line, String field) {
        ObjectNode object = parse(line);
        object.remove(field);
        return write(object);
    }

    private static ObjectNode parse(String line) {
        try {
            return (ObjectNode) MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(ObjectNode object) {
        try {
            return MAPPER.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
