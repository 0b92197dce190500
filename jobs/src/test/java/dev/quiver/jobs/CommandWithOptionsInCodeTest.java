package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Options declared in code reach a command built the plain way, {@code new CommandLine(command)}:
 * in its help, its parsing and its usage errors, labelled and checked by their kind.
 */
class CommandWithOptionsInCodeTest {

    @Command(name = "example")
    static final class ExampleCommand extends CommandWithOptionsInCode {
        final PathOption file = PathOption.requiredFile("--file", "The file to read.");
        final PathOption out = PathOption.directory("--out", "Where to write.");
        final TopicOption topic =
                TopicOption.optional(
                        "--topic", "quiver.models", "Topic (default: ${DEFAULT-VALUE}).");

        @Override
        protected void addOptionsTo(CommandSpec command) {
            file.addTo(command);
            out.addTo(command);
            topic.addTo(command);
        }
    }

    @Test
    void theOptionsAreParsedIntoTheirHolders(@TempDir Path dir) throws IOException {
        Path input = Files.writeString(dir.resolve("in.ndjson"), "");
        ExampleCommand command = new ExampleCommand();

        new CommandLine(command)
                .parseArgs("--file", input.toString(), "--out", dir.resolve("new").toString());

        assertThat(command.file.path()).isEqualTo(input);
        assertThat(command.out.path()).isEqualTo(dir.resolve("new"));
        assertThat(command.topic.topic()).isEqualTo("quiver.models");
        assertThat(Files.exists(dir.resolve("new"))).isFalse();
    }

    @Test
    void helpShowsEachKindsLabelAndTheDefault() {
        String help =
                new CommandLine(new ExampleCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(help)
                .contains("--file=FILE")
                .contains("[--out=DIR]")
                .contains("[--topic=TOPIC]")
                .contains("Topic (default: quiver.models).");
    }

    @Test
    void eachKindRefusesWhatItCannotUseAndARequiredOneMustBeGiven(@TempDir Path dir)
            throws IOException {
        Path regularFile = Files.writeString(dir.resolve("not-a-directory"), "");

        assertThatThrownBy(() -> new CommandLine(new ExampleCommand()).parseArgs())
                .isInstanceOf(ParameterException.class)
                .hasMessage("Missing required option: '--file=FILE'");
        assertThatThrownBy(
                        () ->
                                new CommandLine(new ExampleCommand())
                                        .parseArgs("--file", dir.toString()))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--file")
                .hasMessageContaining(dir + " is a directory, not a file");
        assertThatThrownBy(
                        () ->
                                new CommandLine(new ExampleCommand())
                                        .parseArgs(
                                                "--file",
                                                regularFile.toString(),
                                                "--out",
                                                regularFile.toString()))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--out")
                .hasMessageContaining(regularFile + " is not a directory");
    }
}
