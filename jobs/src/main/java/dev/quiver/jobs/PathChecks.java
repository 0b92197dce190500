package dev.quiver.jobs;

import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * What stops this process from reading or writing a path an option names, as one phrase, or null
 * when nothing does: the checks behind the path options' converters, run before a command starts
 * any work. Access is tried rather than read from permission bits, which say nothing for root, ACLs
 * or a read-only file system: a file is opened, and writing where a missing path would go is probed
 * by creating and deleting an entry beside it. Nothing the path names is created.
 *
 * <pre>{@code
 * PathChecks.whyNotWritable("output file", Path.of("/proc/x/out.ndjson"), false);
 * // cannot create output file /proc/x/out.ndjson: cannot create /proc/x: no such file or directory
 * PathChecks.whyNotReadable(Path.of("/tmp")); // "/tmp is a directory, not a file"
 * }</pre>
 */
final class PathChecks {

    private static final String PROBE_PREFIX = ".quiver-probe-";

    private PathChecks() {}

    /** Why {@code file} cannot be read as a regular file, or null when it can. */
    static String whyNotReadable(Path file) {
        if (Files.isDirectory(file)) {
            return file + " is a directory, not a file";
        }
        if (!Files.exists(file)) {
            return "no such file: " + file;
        }
        if (!Files.isRegularFile(file)) {
            return file + " is not a regular file";
        }
        try (InputStream in = Files.newInputStream(file)) {
            return null;
        } catch (IOException e) {
            return "cannot read " + file + ": " + reason(e);
        }
    }

    /**
     * Why this process cannot write {@code target}, a directory if {@code directory}, else a file,
     * or null when it can: an existing one must be of that kind and writable, a missing one
     * creatable, with any missing parent directories. Messages call it {@code what} ("output
     * file", "checkpoint directory").
     */
    static String whyNotWritable(String what, Path target, boolean directory) {
        String named = what + " " + target;
        Path path = target.toAbsolutePath().normalize();
        if (Files.exists(path)) {
            if (Files.isDirectory(path) != directory) {
                return target + (directory ? " is not a directory" : " is a directory, not a file");
            }
            String problem = directory ? probeCreate(path, false) : probeWrite(path);
            return problem == null ? null : "cannot write to " + named + ": " + problem;
        }
        Path existing = path.getParent();
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (!Files.isDirectory(existing)) {
            return "cannot create " + named + ": " + existing + " is not a directory";
        }
        // The first entry a writer would create: the target itself, or its topmost missing parent.
        Path first = existing.resolve(path.getName(existing.getNameCount()));
        boolean createsDirectory = directory || !first.equals(path);
        String problem = probeCreate(existing, createsDirectory);
        if (problem == null) {
            return null;
        }
        return "cannot create "
                + named
                + ": "
                + (first.equals(path) ? problem : "cannot create " + first + ": " + problem);
    }

    /** Creates and deletes a directory or file in {@code dir}; why that failed, or null. */
    private static String probeCreate(Path dir, boolean directory) {
        try {
            Path probe =
                    directory
                            ? Files.createTempDirectory(dir, PROBE_PREFIX)
                            : Files.createTempFile(dir, PROBE_PREFIX, null);
            Files.delete(probe);
            return null;
        } catch (IOException e) {
            return reason(e);
        }
    }

    /**
     * Opens an existing file for writing without truncating it; why that failed, or null. A file
     * that is not regular (a device, a pipe, which an open could block on) is only asked.
     */
    private static String probeWrite(Path file) {
        if (!Files.isRegularFile(file)) {
            return Files.isWritable(file) ? null : "permission denied";
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
            return null;
        } catch (IOException e) {
            return reason(e);
        }
    }

    /**
     * Refuses an option's value for {@code problem}, if there is one, as picocli's conversion
     * error: bad usage, reported with the option's name.
     */
    static void refuse(String problem) {
        if (problem != null) {
            throw new TypeConversionException(problem);
        }
    }

    /** The operating system's reason for a failed file operation, in lower case. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        String reason = e instanceof FileSystemException f ? f.getReason() : null;
        if (reason != null && !reason.isEmpty()) {
            return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
