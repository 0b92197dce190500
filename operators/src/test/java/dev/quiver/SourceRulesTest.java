package dev.quiver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Rules of the operators module that the compiler cannot check: kernels stay free of Flink, Kafka
 * and Avro (only a package's {@code *Function} wraps them); nothing prints to the console; every
 * public type documents itself with an example.
 */
class SourceRulesTest {

    private static final Path MAIN = Path.of("src/main/java/dev/quiver");

    /** Packages holding the operator-free code of the job families; io and compute are excluded. */
    private static final List<String> KERNEL_PACKAGES = List.of("bayes", "knn", "walk", "ensemble");

    private static final Pattern FORBIDDEN_IN_KERNELS =
            Pattern.compile(
                    "^import\\s+(static\\s+)?org\\.apache\\.(flink|kafka|avro)\\.",
                    Pattern.MULTILINE);
    private static final Pattern PUBLIC_TYPE =
            Pattern.compile(
                    "^public (?:final |abstract |sealed )*(?:class|interface|enum|record) ",
                    Pattern.MULTILINE);

    @Test
    void kernelsImportNoFlinkKafkaOrAvro() throws IOException {
        for (String pkg : KERNEL_PACKAGES) {
            List<Path> kernels =
                    javaFiles(MAIN.resolve(pkg)).stream()
                            .filter(f -> !f.getFileName().toString().endsWith("Function.java"))
                            .toList();
            assertThat(kernels).as("kernel sources of %s", pkg).isNotEmpty();
            for (Path kernel : kernels) {
                assertThat(FORBIDDEN_IN_KERNELS.matcher(Files.readString(kernel)).find())
                        .as("%s imports Flink, Kafka or Avro", kernel)
                        .isFalse();
            }
        }
    }

    @Test
    void computeBackendsImportNoFlinkKafkaOrAvro() throws IOException {
        for (Path backend : javaFiles(MAIN.resolve("compute"))) {
            assertThat(FORBIDDEN_IN_KERNELS.matcher(Files.readString(backend)).find())
                    .as("%s imports Flink, Kafka or Avro", backend)
                    .isFalse();
        }
    }

    /** The GPU backend and every kernel must run without ND4J on the classpath. */
    @Test
    void onlyTheNd4jBackendImportsNd4j() throws IOException {
        Path nd4jBackend = MAIN.resolve("compute/Nd4jCpuBackend.java");
        for (Path file : javaFiles(MAIN)) {
            if (!file.equals(nd4jBackend)) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain("org.nd4j");
            }
        }
        assertThat(Files.readString(nd4jBackend)).contains("import org.nd4j.");
    }

    @Test
    void nothingPrintsToTheConsole() throws IOException {
        for (Path file : javaFiles(MAIN)) {
            assertThat(Files.readString(file))
                    .as(file.toString())
                    .doesNotContain("System.out")
                    .doesNotContain("System.err")
                    .doesNotContain("printStackTrace");
        }
    }

    @Test
    void everyPublicTypeHasJavadocWithAnExample() throws IOException {
        int publicTypes = 0;
        for (Path file : javaFiles(MAIN)) {
            String text = Files.readString(file);
            Matcher declaration = PUBLIC_TYPE.matcher(text);
            if (!declaration.find()) {
                continue;
            }
            publicTypes++;
            String before = text.substring(0, declaration.start());
            int javadoc = before.lastIndexOf("/**");
            assertThat(javadoc).as("javadoc of %s", file).isPositive();
            assertThat(before.substring(javadoc)).as("javadoc of %s", file).contains("<pre>{@code");
        }
        assertThat(publicTypes).isGreaterThan(10);
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        assertThat(dir).as("run from the operators module directory").isDirectory();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("package-info.java"))
                    .toList();
        }
    }
}
