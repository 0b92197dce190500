package dev.quiver.jobs;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;

/**
 * A command-line option naming a path, declared in code by the factory of its kind: a file to read
 * ({@code FILE}, checked by {@link ReadableFileConverter}) or a directory to write into ({@code
 * DIR}, checked by {@link WritableDirectoryConverter}). The kind owns the label and the check, so
 * a command gives only the option's name and description; {@link CommandWithOptionsInCode} adds it
 * to the command, and after parsing {@link #path()} is the path given, or null.
 *
 * <pre>{@code
 * final PathOption out = PathOption.requiredDirectory("--out", "Directory to write into.");
 * ...
 * Files.createDirectories(out.path());
 * }</pre>
 */
public final class PathOption {

    private final OptionSpec spec;

    private PathOption(
            String option,
            String paramLabel,
            ITypeConverter<Path> converter,
            boolean required,
            String description) {
        this.spec =
                OptionSpec.builder(option)
                        .type(Path.class)
                        .paramLabel(paramLabel)
                        .converters(converter)
                        .required(required)
                        .description(description)
                        .build();
    }

    /** A file to read, if given. */
    public static PathOption file(String option, String description) {
        return new PathOption(option, "FILE", new ReadableFileConverter(), false, description);
    }

    /** A file to read, which must be given. */
    public static PathOption requiredFile(String option, String description) {
        return new PathOption(option, "FILE", new ReadableFileConverter(), true, description);
    }

    /** A directory to write into, created if missing, if given. */
    public static PathOption directory(String option, String description) {
        return new PathOption(option, "DIR", new WritableDirectoryConverter(), false, description);
    }

    /** A directory to write into, created if missing, which must be given. */
    public static PathOption requiredDirectory(String option, String description) {
        return new PathOption(option, "DIR", new WritableDirectoryConverter(), true, description);
    }

    /** The path given, or null. */
    public Path path() {
        return spec.getValue();
    }

    /** Adds the option to a command's spec ({@link CommandWithOptionsInCode}). */
    public void addTo(CommandSpec command) {
        command.addOption(spec);
    }

    /** The option, for an argument group of the command's or a stage's file option. */
    public OptionSpec spec() {
        return spec;
    }
}
