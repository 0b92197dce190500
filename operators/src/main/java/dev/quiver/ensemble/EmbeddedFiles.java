package dev.quiver.ensemble;

import static dev.quiver.ensemble.ModelDocument.string;

import dev.quiver.ensemble.EnsembleModels.MemberFiles;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The {@code "files"} field of a composition: its member files embedded, so that the document is
 * self-contained and can travel where there is no file system (a {@code ModelUpdate} record).
 *
 * <pre>
 * {"files": {"churn-a.json": "&lt;base64 of the file's bytes&gt;", ...}, "format": ..., ...}
 * </pre>
 *
 * <p>The field is written first in the composition's object by {@link #embed}, keyed by each
 * member's name as the composition writes it; a member name is then looked up only there.
 */
final class EmbeddedFiles {

    static final String FIELD = "files";

    private EmbeddedFiles() {}

    /**
     * The member files of a composition read from {@code files} (the parsed field at {@code path}):
     * names absent from it cannot be read, and a value that is not base64 is refused.
     */
    static MemberFiles reader(Map<String, Object> files, String path) {
        return name -> {
            if (!files.containsKey(name)) {
                throw new IOException("not among the files embedded in " + path);
            }
            String text = string(files, name, path);
            try {
                return Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(
                        path + "['" + name + "'] is not base64: " + e.getMessage(), e);
            }
        };
    }

    /**
     * The JSON composition {@code composition} with {@code files} embedded as its first field.
     *
     * @throws ModelFormatException if the composition is not a JSON object (UBJSON compositions
     *     cannot be rewritten)
     */
    static byte[] embed(byte[] composition, Map<String, byte[]> files) {
        int open = 0;
        while (open < composition.length && isJsonSpaceOrBom(composition[open])) {
            open++;
        }
        if (EnsembleModels.isUbjson(composition)
                || open == composition.length
                || composition[open] != '{') {
            throw new ModelFormatException(
                    "only a JSON composition can have its member files embedded");
        }
        StringWriter field = new StringWriter();
        field.append('"').append(FIELD).append("\": {");
        String separator = "";
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            field.append(separator);
            quote(file.getKey(), field);
            field.append(": \"").append(Base64.getEncoder().encodeToString(file.getValue()));
            field.append('"');
            separator = ", ";
        }
        field.append("}, ");
        byte[] inserted = field.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[composition.length + inserted.length];
        System.arraycopy(composition, 0, out, 0, open + 1);
        System.arraycopy(inserted, 0, out, open + 1, inserted.length);
        System.arraycopy(
                composition,
                open + 1,
                out,
                open + 1 + inserted.length,
                composition.length - open - 1);
        return out;
    }

    /** JSON whitespace, or a byte of the UTF-8 byte order mark. */
    private static boolean isJsonSpaceOrBom(byte b) {
        return b == ' '
                || b == '\t'
                || b == '\n'
                || b == '\r'
                || b == (byte) 0xEF
                || b == (byte) 0xBB
                || b == (byte) 0xBF;
    }

    private static void quote(String text, StringWriter out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
