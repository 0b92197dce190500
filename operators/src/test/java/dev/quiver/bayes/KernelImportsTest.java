package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Kernels stay free of Flink, Kafka and Avro so they can be tested and benchmarked alone. The
 * package's one Flink wrapper ({@code *Function.java}) is the exception.
 */
class KernelImportsTest {

    private static final Path SOURCES = Paths.get("src/main/java/dev/quiver/bayes");
    private static final Pattern FORBIDDEN =
            Pattern.compile(
                    "^import\\s+(static\\s+)?org\\.apache\\.(flink|kafka|avro)\\.",
                    Pattern.MULTILINE);

    @Test
    void kernelSourcesImportNoFlinkKafkaOrAvro() throws IOException {
        assertThat(SOURCES).as("run from the operators module directory").isDirectory();
        final List<Path> kernels;
        try (Stream<Path> files = Files.list(SOURCES)) {
            kernels =
                    files.filter(file -> file.toString().endsWith(".java"))
                            .filter(
                                    file ->
                                            !file.getFileName()
                                                    .toString()
                                                    .endsWith("Function.java"))
                            .collect(Collectors.toList());
        }
        assertThat(kernels).isNotEmpty();
        for (Path kernel : kernels) {
            assertThat(FORBIDDEN.matcher(Files.readString(kernel)).find())
                    .as("%s imports Flink, Kafka or Avro", kernel.getFileName())
                    .isFalse();
        }
    }
}
