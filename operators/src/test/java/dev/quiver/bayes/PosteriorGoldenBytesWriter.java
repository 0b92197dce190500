package dev.quiver.bayes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes the golden state of every posterior family for the current serial version, where it is
 * missing; shipped files are never rewritten. Run from the operators module directory when a family
 * or serial version is added:
 *
 * <pre>{@code
 * java -cp target/test-classes:target/classes:$(cat cp.txt) dev.quiver.bayes.PosteriorGoldenBytesWriter
 * }</pre>
 */
final class PosteriorGoldenBytesWriter {

    private PosteriorGoldenBytesWriter() {}

    public static void main(String[] args) throws IOException {
        final Path directory =
                Path.of("src/test/resources").resolve(PosteriorGoldenBytes.DIRECTORY);
        Files.createDirectories(directory);
        for (Map.Entry<String, Supplier<ConjugatePosterior>> sample :
                PosteriorGoldenBytes.currentSamples().entrySet()) {
            writeIfMissing(directory.resolve(sample.getKey()), sample.getValue().get().toBytes());
        }
        for (Map.Entry<String, Supplier<ChangePointDetector>> sample :
                PosteriorGoldenBytes.currentDetectorSamples().entrySet()) {
            writeIfMissing(directory.resolve(sample.getKey()), sample.getValue().get().toBytes());
        }
    }

    private static void writeIfMissing(Path file, byte[] state) throws IOException {
        if (!Files.exists(file)) {
            Files.write(file, state);
        }
    }
}
