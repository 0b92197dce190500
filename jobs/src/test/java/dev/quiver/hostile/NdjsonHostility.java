package dev.quiver.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * NDJSON lines that no job may decode, built from a valid line of the input type: each is a dead
 * letter whatever the job, with a reason the decoder states for its kind, except blank lines, which
 * are skipped.
 *
 * <pre>{@code
 * List<Entry> bad = NdjsonHostility.cases(RecordShape.OBSERVATION, line, random, 300_000);
 * }</pre>
 */
final class NdjsonHostility {

    /** Levels of a nesting bomb: far beyond any parser's default depth limit. */
    static final int NESTING = 100_000;

    private NdjsonHostility() {}

    /**
     * The hostile lines, derived from {@code template} (a valid line of {@code shape}'s type) and
     * {@code random}; {@code maxRecordBytes} is the job's {@code --max-record-bytes}.
     */
    static List<Entry> cases(
            RecordShape<?> shape, String template, SplittableRandom random, int maxRecordBytes) {
        String key = shape.keyField();
        String array = shape.arrayField();
        List<Entry> cases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cases.add(dead("garbage", garbage(random), "malformed JSON"));
        }
        cases.add(Entry.skipped("empty line", new byte[0]));
        cases.add(Entry.skipped("whitespace line", " \t  ".getBytes(UTF_8)));
        int cut = 1 + random.nextInt(template.length() - 1);
        cases.add(dead("truncated", template.substring(0, cut), "malformed JSON"));
        for (String notObject : List.of("[1,2,3]", "\"text\"", "42", "null", "true")) {
            cases.add(dead("not an object", notObject, "not a JSON object"));
        }
        cases.add(
                dead(
                        "wrong type",
                        JsonLines.with(template, "ts", "\"yesterday\""),
                        "field 'ts': expected an integer"));
        cases.add(
                dead(
                        "wrong type",
                        JsonLines.with(template, key, "42"),
                        "field '" + key + "': expected a string"));
        cases.add(
                dead(
                        "wrong type",
                        JsonLines.with(template, array, "{}"),
                        "field '" + array + "': expected an array"));
        cases.add(
                dead(
                        "wrong type",
                        JsonLines.with(template, array, "[\"1\"]"),
                        "field '" + array + "[0]': expected a number"));
        cases.add(
                dead("missing field", JsonLines.without(template, "ts"), "field 'ts' is required"));
        cases.add(
                dead(
                        "missing field",
                        JsonLines.without(template, shape.requiredField()),
                        "field '" + shape.requiredField() + "' is required"));
        // The decoder maps fields by the schema and refuses any it does not know.
        cases.add(
                dead(
                        "extra field",
                        JsonLines.with(template, "colour", "\"red\""),
                        "unknown field 'colour'"));
        cases.add(dead("duplicate field", "{\"ts\":1," + template.substring(1), "Duplicate field"));
        cases.add(
                dead(
                        "huge number",
                        JsonLines.with(template, array, "[1e309]"),
                        "out of range for " + shape.numberKind()));
        cases.add(
                dead(
                        "huge number",
                        JsonLines.with(template, "ts", "1e309"),
                        "out of range for a long"));
        cases.add(
                dead(
                        "huge number",
                        JsonLines.with(template, "ts", "123456789012345678901234567890"),
                        "out of range for a long"));
        cases.add(dead("deep nesting", "[".repeat(NESTING), "not a JSON object: got an array"));
        cases.add(
                dead(
                        "deep nesting",
                        JsonLines.with(template, array, "[".repeat(NESTING)),
                        "field '" + array + "[0]': expected a number, got an array"));
        for (int bytes : new int[] {maxRecordBytes + 1, 2 * maxRecordBytes + 77}) {
            cases.add(
                    dead(
                            "oversize",
                            JsonLines.with(template, "id", "\"" + "x".repeat(bytes) + "\""),
                            "exceeds the limit of " + maxRecordBytes));
        }
        return cases;
    }

    /** Printable ASCII that cannot start a JSON value. */
    private static String garbage(SplittableRandom random) {
        StringBuilder text = new StringBuilder("#");
        int length = random.nextInt(120);
        for (int i = 0; i < length; i++) {
            text.append((char) (' ' + random.nextInt(95)));
        }
        return text.toString();
    }

    private static Entry dead(String kind, String line, String reason) {
        return Entry.deadLetter(kind, line.getBytes(UTF_8), reason);
    }
}
