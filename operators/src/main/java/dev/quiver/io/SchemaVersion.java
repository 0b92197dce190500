package dev.quiver.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One version of one of Quiver's record schemas, as a reader in any language needs it: the schema
 * as standalone JSON, its version number and the fingerprint its messages carry.
 *
 * <p>Versions count from 1 in the order the schema history lists them ({@link
 * QuiverSchemas#history}); the current schema comes after the last of them. That is the numbering of
 * the history files ({@code <Type>-v<N>.avsc}) and of the golden messages.
 *
 * <pre>{@code
 * for (SchemaVersion v : SchemaVersion.all()) {
 *   Path file = dir.resolve(v.name() + "-v" + v.version() + ".avsc");
 *   Files.writeString(file, v.standaloneJson());
 *   String onTheWire = v.wireFingerprintHex();   // bytes 2..9 of every message it writes
 * }
 * }</pre>
 *
 * @param type the generated record class the version belongs to
 * @param version 1 for the first schema the type shipped with, counting up
 * @param current whether writers write this version today
 * @param schema the schema itself
 */
public record SchemaVersion(
        Class<? extends SpecificRecord> type, int version, boolean current, Schema schema) {

    /** A Java-only hint the generated classes carry on every string; no other reader needs it. */
    private static final String JAVA_STRING_PROPERTY = "avro.java.string";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Every version of every record type, type by type in {@link QuiverSchemas#recordTypes()}
     * order, oldest first.
     *
     * @throws IllegalStateException if the schema history lists a bad schema
     */
    public static List<SchemaVersion> all() {
        List<SchemaVersion> all = new ArrayList<>();
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            List<Schema> older = QuiverSchemas.history(type);
            for (int i = 0; i < older.size(); i++) {
                all.add(new SchemaVersion(type, i + 1, false, older.get(i)));
            }
            all.add(
                    new SchemaVersion(
                            type, older.size() + 1, true, SpecificData.get().getSchema(type)));
        }
        return List.copyOf(all);
    }

    /** The record's simple name, {@code Observation}. */
    public String name() {
        return type.getSimpleName();
    }

    /**
     * The fingerprint as Avro's {@code SchemaNormalization.parsingFingerprint64} returns it: the
     * CRC-64-AVRO of the schema's Parsing Canonical Form as a signed 64-bit number.
     */
    public long fingerprint() {
        return SingleObjectFormat.fingerprint(schema);
    }

    /**
     * The fingerprint as its messages carry it in bytes 2 to 9, after the {@code C3 01} marker:
     * {@link #fingerprint()} little-endian, as lowercase hex in wire order.
     */
    public String wireFingerprintHex() {
        return HexFormat.of().formatHex(SingleObjectFormat.fingerprintBytes(fingerprint()));
    }

    /**
     * The schema as pretty-printed JSON that parses alone: every named type it uses is defined where
     * it is first used (Avro writes a named type in full once, then by name), and the Java-only
     * {@code avro.java.string} hints are left out. Its fingerprint is {@link #fingerprint()}: the
     * Parsing Canonical Form keeps neither docs nor such properties.
     */
    public String standaloneJson() {
        try {
            JsonNode tree = JSON.readTree(schema.toString());
            removeJavaStringHints(tree);
            // Parsed again so that Avro prints it: a string without its hint is "string" again.
            return new Schema.Parser().parse(JSON.writeValueAsString(tree)).toString(true);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Avro printed a schema that is not JSON: " + name(), e);
        }
    }

    private static void removeJavaStringHints(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(JAVA_STRING_PROPERTY);
        }
        for (JsonNode child : node) {
            removeJavaStringHints(child);
        }
    }
}
