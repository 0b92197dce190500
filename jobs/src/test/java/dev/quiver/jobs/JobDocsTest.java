package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every family in {@link JobRegistry} has its page, {@code docs/jobs/NAME.md}, and the page names
 * every long option of the family's stage (its own options, read from the picocli command; the
 * options every job shares are documented once, elsewhere). A new family or option without its
 * documentation fails here.
 *
 * <pre>{@code
 * ./mvnw -pl jobs -am test -Dtest=JobDocsTest -Dsurefire.failIfNoSpecifiedTests=false
 * }</pre>
 */
class JobDocsTest {

    @TestFactory
    Stream<DynamicTest> everyFamilyHasAPageNamingEachOfItsOptions() {
        Path docs = repositoryRoot().resolve("docs").resolve("jobs");
        return JobRegistry.all().stream()
                .map(
                        family ->
                                DynamicTest.dynamicTest(
                                        family.name(),
                                        () -> {
                                            Path page = docs.resolve(family.name() + ".md");
                                            assertThat(page).isRegularFile();
                                            String text =
                                                    Files.readString(page, StandardCharsets.UTF_8);
                                            assertThat(text)
                                                    .as("options named on " + page)
                                                    .contains(longOptionNames(family));
                                        }));
    }

    /** The long names of the options the family's stage adds, as {@code --name}. */
    static List<String> longOptionNames(JobFamily<?> family) {
        return family.commandLine().getCommandSpec().mixins().get("stage").options().stream()
                .map(OptionSpec::longestName)
                .filter(name -> name.startsWith("--"))
                .toList();
    }

    /**
     * The repository root: Maven's multi-module directory when the build passes it on, else the
     * nearest directory above the working directory with the parent pom and the jobs module.
     */
    private static Path repositoryRoot() {
        String fromMaven = System.getProperty("maven.multiModuleProjectDirectory");
        if (fromMaven != null) {
            return Path.of(fromMaven);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("jobs"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                new IOException("no repository root above " + Path.of("").toAbsolutePath()));
    }
}
