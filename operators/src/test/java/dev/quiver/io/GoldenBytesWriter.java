package dev.quiver.io;

import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the golden message of every record type for the current schema version, where it is
 * missing; shipped files are never rewritten. Run from the operators module directory when a schema
 * version changes:
 *
 * <pre>{@code
 * java -cp target/test-classes:target/classes:$(cat cp.txt) dev.quiver.io.GoldenBytesWriter
 * }</pre>
 */
final class GoldenBytesWriter {

    private GoldenBytesWriter() {}

    public static void main(String[] args) throws IOException {
        Path directory = Path.of("src/test/resources").resolve(GoldenBytesTest.DIRECTORY);
        Files.createDirectories(directory);
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            Path file =
                    directory.resolve(
                            GoldenBytesTest.name(type, GoldenBytesTest.currentVersion(type)));
            if (!Files.exists(file)) {
                SpecificRecord sample = SampleRecords.populated(type);
                Files.write(file, AvroSingleObjectCodecTest.codecFor(sample).encode(sample));
            }
        }
    }
}
