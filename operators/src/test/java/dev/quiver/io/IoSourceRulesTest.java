package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The codecs are plain Java: no Flink, no console output, an example on every public type. */
class IoSourceRulesTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/quiver/io");
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile("^public (?:final |abstract )*(?:class|interface|enum|record) ",
          Pattern.MULTILINE);

  @Test
  void sourcesImportNoFlinkAndPrintNothing() throws IOException {
    for (Path file : sources()) {
      String text = Files.readString(file);
      assertThat(text)
          .as(file.toString())
          .doesNotContain("import org.apache.flink")
          .doesNotContain("System.out")
          .doesNotContain("System.err")
          .doesNotContain("printStackTrace");
    }
  }

  @Test
  void everyPublicTypeHasASummaryAndAnExample() throws IOException {
    int publicTypes = 0;
    for (Path file : sources()) {
      String text = Files.readString(file);
      Matcher declaration = PUBLIC_TYPE.matcher(text);
      if (!declaration.find()) {
        continue;
      }
      publicTypes++;
      String before = text.substring(0, declaration.start());
      int javadoc = before.lastIndexOf("/**");
      assertThat(javadoc).as("javadoc of %s", file).isPositive();
      String doc = before.substring(javadoc);
      assertThat(doc).as("javadoc of %s", file).contains("<pre>{@code");
    }
    assertThat(publicTypes).isEqualTo(4);
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.list(SOURCES)) {
      List<Path> java =
          files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList());
      assertThat(java).isNotEmpty();
      return java;
    }
  }
}
