package dev.quiver.knn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the golden point state of the current serial version where it is missing; shipped files
 * are never rewritten. Run from the operators module directory when the serial version changes:
 *
 * <pre>{@code
 * java -cp target/test-classes:target/classes:$(cat cp.txt) dev.quiver.knn.PointGoldenBytesWriter
 * }</pre>
 */
final class PointGoldenBytesWriter {

    private PointGoldenBytesWriter() {}

    public static void main(String[] args) throws IOException {
        final Path directory = Path.of("src/test/resources").resolve(PointGoldenBytes.DIRECTORY);
        Files.createDirectories(directory);
        for (Map.Entry<String, PointGoldenBytes.Sample> sample :
                PointGoldenBytes.currentSamples().entrySet()) {
            final Path file = directory.resolve(sample.getKey());
            if (!Files.exists(file)) {
                Files.write(file, sample.getValue().toBytes());
            }
        }
    }
}
