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
 * Rules of the operators module that neither the compiler nor the class files can check: nothing
 * prints to the console, and every public type documents itself with an example. The layers are
 * checked on the class files by {@link LayerRulesTest}.
 */
class SourceRulesTest {

    private static final Path MAIN = Path.of("src/main/java/dev/quiver");

    private static final Pattern PUBLIC_TYPE =
            Pattern.compile(
                    "^public (?:final |abstract |sealed )*(?:class|interface|enum|record) ",
                    Pattern.MULTILINE);

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
