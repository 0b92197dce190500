package dev.quiver.jobs;

import picocli.CommandLine;

import java.nio.file.Path;

/**
 * Reads an option naming a file to read, refusing, before the command starts, a path that is
 * missing, a directory, or a file this process cannot open: each is bad usage (exit 2) with one
 * line naming the cause, not a failure halfway through the command.
 *
 * <pre>{@code
 * @Option(names = "--input", converter = ReadableFileConverter.class) Path file;
 * // quiver: Invalid value for option '--input': /data is a directory, not a file
 * }</pre>
 */
public final class ReadableFileConverter implements CommandLine.ITypeConverter<Path> {

    @Override
    public Path convert(String value) {
        Path file = Path.of(value);
        PathChecks.refuse(PathChecks.whyNotReadable(file));
        return file;
    }
}
