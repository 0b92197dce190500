package dev.quiver.cli;

import dev.quiver.io.SchemaVersion;
import dev.quiver.jobs.CommandWithOptionsInCode;
import dev.quiver.jobs.PathOption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code quiver schemas}: writes every record schema readers accept, each as an {@code .avsc} that
 * parses alone, and {@code fingerprints.json}, the fingerprint each version's messages carry. It
 * is what a consumer or producer in another language needs: its own Avro library may compute
 * another fingerprint for the same schema (python3-avro 1.11 keeps logical types in its canonical
 * form), so the fingerprints are given, not left to be computed.
 *
 * <pre>{@code
 * quiver schemas --out schemas/
 * # schemas/Observation.avsc ...                 the current version of each record
 * # schemas/history/PosteriorUpdate-v1.avsc ...  older versions readers still accept
 * # schemas/fingerprints.json                    name, version, file and fingerprint of each
 * }</pre>
 */
@Command(
        name = "schemas",
        mixinStandardHelpOptions = true,
        description =
                "Write every record schema (current and older versions readers accept) as"
                        + " standalone .avsc files, with fingerprints.json, for clients in any"
                        + " language.")
final class SchemasCommand extends CommandWithOptionsInCode implements Callable<Integer> {

    static final String HISTORY_DIRECTORY = "history";
    static final String FINGERPRINTS_FILE = "fingerprints.json";

    private static final String FORMAT =
            "Avro single-object encoding: bytes 0-1 are the marker C3 01, bytes 2-9 the writer"
                    + " schema's fingerprint, then the record in Avro binary encoding";
    private static final String WIRE_FINGERPRINT =
            "bytes 2-9 of a message, as hex in wire order: the CRC-64-AVRO of the schema's Parsing"
                    + " Canonical Form, least significant byte first";
    private static final String PARSING_FINGERPRINT_64 =
            "the same fingerprint as the signed 64-bit number Java Avro's"
                    + " SchemaNormalization.parsingFingerprint64 returns; its little-endian bytes"
                    + " are wireFingerprint";

    @Spec CommandSpec spec;

    final PathOption out =
            PathOption.requiredDirectory(
                    "--out",
                    "Directory to write into, created if missing; files there are replaced.");

    @Override
    protected void addOptionsTo(CommandSpec command) {
        out.addTo(command);
    }

    @Override
    public Integer call() throws IOException {
        Path dir = out.path();
        List<SchemaVersion> versions = SchemaVersion.all();
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        index.put("format", FORMAT);
        ObjectNode fields = index.putObject("fields");
        fields.put("wireFingerprint", WIRE_FINGERPRINT);
        fields.put("parsingFingerprint64", PARSING_FINGERPRINT_64);
        ArrayNode schemas = index.putArray("schemas");

        Files.createDirectories(dir.resolve(HISTORY_DIRECTORY));
        int older = 0;
        for (SchemaVersion version : versions) {
            String file = fileOf(version);
            Files.writeString(dir.resolve(file), version.standaloneJson() + "\n");
            older += version.current() ? 0 : 1;
            schemas.addObject()
                    .put("name", version.name())
                    .put("fullName", version.schema().getFullName())
                    .put("version", version.version())
                    .put("current", version.current())
                    .put("file", file)
                    .put("wireFingerprint", version.wireFingerprintHex())
                    .put("parsingFingerprint64", version.fingerprint());
        }
        Files.writeString(
                dir.resolve(FINGERPRINTS_FILE),
                json.writerWithDefaultPrettyPrinter().writeValueAsString(index) + "\n");
        spec.commandLine()
                .getOut()
                .printf(
                        "wrote %d schemas (%d current, %d older) and %s to %s%n",
                        versions.size(),
                        versions.size() - older,
                        older,
                        FINGERPRINTS_FILE,
                        dir);
        return 0;
    }

    /** Where a version goes, relative to {@code --out}: {@code history/} for older ones. */
    static String fileOf(SchemaVersion version) {
        return version.current()
                ? version.name() + ".avsc"
                : HISTORY_DIRECTORY + "/" + version.name() + "-v" + version.version() + ".avsc";
    }
}
