package dev.quiver.jobs;

import picocli.CommandLine;

import java.nio.file.Path;

/**
 * Reads an option naming a directory the command writes into (a broker's data, a run directory):
 * an existing directory this process can write to, or a path where it can create one. Anything
 * else is refused before the command starts, as bad usage (exit 2) with one line naming the cause.
 *
 * <pre>{@code
 * @Option(names = "--data-dir", converter = WritableDirectoryConverter.class) Path dataDir;
 * // quiver: Invalid value for option '--data-dir': /etc/hosts is not a directory
 * }</pre>
 */
public final class WritableDirectoryConverter implements CommandLine.ITypeConverter<Path> {

    @Override
    public Path convert(String value) {
        Path dir = Path.of(value);
        PathChecks.refuse(PathChecks.whyNotWritable("directory", dir, true));
        return dir;
    }
}
