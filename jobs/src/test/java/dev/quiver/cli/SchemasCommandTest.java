package dev.quiver.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.QuiverSchemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code quiver schemas}: every file parses alone with a fresh parser, every fingerprint is Avro's
 * and what Quiver's encoder writes, and every version the shipped schema history lists is there.
 */
class SchemasCommandTest {

    @TempDir Path dir;

    @Test
    void everyWrittenSchemaParsesAloneWithAFreshParser() throws IOException {
        Path out = export(dir.resolve("out"));

        List<Path> files;
        try (Stream<Path> walk = Files.walk(out)) {
            files = walk.filter(f -> f.toString().endsWith(".avsc")).toList();
        }

        assertThat(files).hasSize(fingerprints(out).size());
        for (Path file : files) {
            Schema parsed = new Schema.Parser().parse(file.toFile());
            assertThat(parsed.getNamespace()).as(file.toString()).isEqualTo("dev.quiver.schema");
        }
        // The current schema of every record, under its own name, as the Java classes have it.
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            Path file = out.resolve(type.getSimpleName() + ".avsc");
            assertThat(fingerprintOf(new Schema.Parser().parse(file.toFile())))
                    .isEqualTo(
                            SchemaNormalization.parsingFingerprint64(
                                    SpecificData.get().getSchema(type)));
        }
        // MatchResult uses QueryEvent's QueryMode: it must carry its own definition.
        assertThat(Files.readString(out.resolve("MatchResult.avsc"))).contains("\"KNN\"");
    }

    @Test
    void fingerprintsAreAvrosAndWhatTheEncoderWritesOnTheWire() throws IOException {
        Path out = export(dir.resolve("out"));
        Set<String> currentSeen = new HashSet<>();

        for (JsonNode entry : fingerprints(out)) {
            Schema schema = new Schema.Parser().parse(out.resolve(entry.get("file").asText()).toFile());
            long expected = fingerprintOf(schema);
            byte[] littleEndian =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(expected).array();

            assertThat(entry.get("parsingFingerprint64").asLong())
                    .as(entry.toString())
                    .isEqualTo(expected);
            assertThat(entry.get("wireFingerprint").asText())
                    .isEqualTo(HexFormat.of().formatHex(littleEndian));
            assertThat(entry.get("fullName").asText()).isEqualTo(schema.getFullName());
            if (entry.get("current").asBoolean()) {
                currentSeen.add(entry.get("name").asText());
                Class<? extends SpecificRecord> type = typeNamed(schema.getFullName());
                byte[] written = encode(type);
                assertThat(HexFormat.of().formatHex(written, 2, 10))
                        .as(type.getSimpleName())
                        .isEqualTo(entry.get("wireFingerprint").asText());
                assertThat(entry.get("file").asText()).isEqualTo(type.getSimpleName() + ".avsc");
            }
        }
        assertThat(currentSeen)
                .containsExactlyInAnyOrderElementsOf(
                        QuiverSchemas.recordTypes().stream().map(Class::getSimpleName).toList());
    }

    @Test
    void everyVersionTheShippedHistoryListsIsWrittenUnderItsName() throws IOException {
        Path out = export(dir.resolve("out"));
        List<String> listed = listedHistory();

        assertThat(listed).isNotEmpty();
        List<String> historyFiles = new ArrayList<>();
        for (JsonNode entry : fingerprints(out)) {
            if (!entry.get("current").asBoolean()) {
                historyFiles.add(entry.get("file").asText());
            }
        }
        List<String> expectedFiles = new ArrayList<>();
        for (String path : listed) {
            String file = "history/" + path.substring(path.lastIndexOf('/') + 1);
            expectedFiles.add(file);
            Schema shipped;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
                shipped = new Schema.Parser().parse(in);
            }
            assertThat(new Schema.Parser().parse(out.resolve(file).toFile()))
                    .as(file)
                    .isEqualTo(shipped);
        }
        assertThat(historyFiles).containsExactlyElementsOf(expectedFiles);
    }

    @Test
    void outThatIsAFileIsBadUsageInOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("regular.txt"), "not a directory\n");

        Outcome outcome = run("schemas", "--out", file.toString());

        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.errorLine())
                .startsWith("quiver: ")
                .contains(file + " is not a directory")
                .endsWith("(see 'quiver schemas --help')");
    }

    @Test
    void missingOutIsBadUsageInOneLine() {
        Outcome outcome = run("schemas");

        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.errorLine()).contains("'--out=DIR'");
    }

    @Test
    void aFileWhereTheHistoryGoesIsAFailureInOneLine() throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.writeString(out.resolve("history"), "in the way\n");

        Outcome outcome = run("schemas", "--out", out.toString());

        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.errorLine()).startsWith("quiver: ").contains("history");
    }

    // ---------------------------------------------------------------------------------------------

    /** Runs {@code quiver schemas --out out} and checks it succeeded and said so; returns out. */
    static Path export(Path out) {
        StringWriter stdout = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = QuiverCli.withLogNotice(QuiverCli.commandLine());
        cli.setOut(new PrintWriter(stdout, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("schemas", "--out", out.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(stdout.toString()).startsWith("wrote ").contains(" and fingerprints.json to ");
        return out;
    }

    /** A failed command's exit code and the one line it wrote on stderr. */
    private record Outcome(int exit, String errorLine) {}

    /** Runs a command that must fail, checking that it wrote exactly one line on stderr. */
    private static Outcome run(String... args) {
        StringWriter err = new StringWriter();
        var cli = QuiverCli.withLogNotice(QuiverCli.commandLine());
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute(args);

        assertThat(err.toString().lines()).as(err.toString()).hasSize(1);
        return new Outcome(exit, err.toString().strip());
    }

    private static JsonNode fingerprints(Path out) throws IOException {
        JsonNode index = new ObjectMapper().readTree(out.resolve("fingerprints.json").toFile());
        assertThat(index.get("fields").get("wireFingerprint").asText()).contains("wire order");
        return index.get("schemas");
    }

    private static long fingerprintOf(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The paths the shipped schema history lists (the jobs tests see only the main one). */
    private static List<String> listedHistory() throws IOException {
        List<String> paths = new ArrayList<>();
        for (var url :
                java.util.Collections.list(
                        SchemasCommandTest.class
                                .getClassLoader()
                                .getResources(QuiverSchemas.HISTORY_RESOURCE))) {
            try (InputStream in = url.openStream()) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .lines()
                        .map(line -> line.replaceAll("#.*", "").strip())
                        .filter(line -> !line.isEmpty())
                        .forEach(paths::add);
            }
        }
        return paths;
    }

    private static Class<? extends SpecificRecord> typeNamed(String fullName) {
        return QuiverSchemas.recordTypes().stream()
                .filter(t -> t.getName().equals(fullName))
                .findFirst()
                .orElseThrow();
    }

    /** A record of {@code type} encoded by Quiver's codec. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] encode(Class<? extends SpecificRecord> type) {
        SpecificRecord record = (SpecificRecord) minimal(SpecificData.get().getSchema(type));
        return AvroSingleObjectCodec.of((Class) type).encode(record);
    }

    /** The smallest value of {@code schema} that the generated classes accept. */
    private static Object minimal(Schema schema) {
        return switch (schema.getType()) {
            case RECORD -> {
                SpecificRecord record =
                        (SpecificRecord) SpecificData.get().newRecord(null, schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), minimal(field.schema()));
                }
                yield record;
            }
            case ENUM -> SpecificData.get().createEnum(schema.getEnumSymbols().get(0), schema);
            case ARRAY -> List.of();
            case MAP -> new HashMap<String, Object>();
            case UNION -> minimal(schema.getTypes().get(0));
            case NULL -> null;
            case STRING -> "x";
            case BYTES -> ByteBuffer.allocate(0);
            case INT -> 0;
            case LONG ->
                    schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
                            ? Instant.EPOCH
                            : 0L;
            case FLOAT -> 0f;
            case DOUBLE -> 0d;
            case BOOLEAN -> false;
            case FIXED ->
                    SpecificData.get().createFixed(null, new byte[schema.getFixedSize()], schema);
        };
    }
}
