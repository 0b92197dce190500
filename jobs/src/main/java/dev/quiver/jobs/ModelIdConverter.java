package dev.quiver.jobs;

import picocli.CommandLine;

/**
 * Reads a model id option ({@code --model-id}, {@code --score-model-id}) and refuses, as bad
 * usage, an id that cannot name a model: a model id is 1 to {@value #MAX_LENGTH} characters, not
 * blank, without control characters and without whitespace at either end.
 *
 * <p>Why these bounds: the id is the record key of the models topic, the id a score job waits
 * for, and a field of every {@code Score}. A blank id cannot be told from a missing one, an id with
 * whitespace at an end differs from the id it looks like, a control character breaks the one-line
 * messages and logs that name it, and an id is repeated in every score, so its length is bounded.
 *
 * <pre>{@code
 * @Option(names = "--model-id", converter = ModelIdConverter.class) String modelId;
 * }</pre>
 */
public final class ModelIdConverter implements CommandLine.ITypeConverter<String> {

    /** The most characters in a model id. */
    public static final int MAX_LENGTH = 128;

    @Override
    public String convert(String value) {
        String reason = invalidReason(value);
        if (reason != null) {
            throw new CommandLine.TypeConversionException(reason);
        }
        return value;
    }

    /** Why {@code id} is not a model id, or null if it is one. */
    public static String invalidReason(String id) {
        String rule =
                "; a model id is 1 to "
                        + MAX_LENGTH
                        + " characters, without control characters or whitespace at its ends";
        if (id.isBlank()) {
            return "the model id is empty or blank" + rule;
        }
        if (id.length() > MAX_LENGTH) {
            return "the model id has " + id.length() + " characters" + rule;
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return String.format(
                        "the model id has a control character (U+%04X) at index %d%s",
                        (int) id.charAt(i), i, rule);
            }
        }
        if (Character.isWhitespace(id.charAt(0))
                || Character.isWhitespace(id.charAt(id.length() - 1))) {
            return "the model id '" + id + "' begins or ends with whitespace" + rule;
        }
        return null;
    }
}
