package dev.quiver.ensemble;

import dev.quiver.ensemble.EnsembleModels.MemberFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Every file a model reads: the model file named on the command line, and the member files its
 * composition names, which must resolve, links followed, to regular files inside the composition's
 * folder (the folder of the model file as it was named).
 *
 * <p>Member names are compared as real paths ({@link Path#toRealPath}), not as text: a member
 * {@code link.json} that is a symbolic link, or lies in a linked folder, can point anywhere, and
 * {@code publish-model} would copy that outside file's bytes into the record it publishes. A link
 * whose target stays inside the folder is read (a Kubernetes ConfigMap mounts its files as such
 * links).
 *
 * <p>Only regular files are read, and their type is checked before they are opened: opening a
 * FIFO blocks until something writes to it, and a device such as {@code /dev/zero} never ends. A
 * file is read from the real path that was checked, its last component opened without following
 * links, so a file swapped for a link after the check is refused rather than followed; and it is
 * read no further than {@link LoadLimits#maxBytes()}, however much it grew since.
 */
final class ModelFiles {

    private ModelFiles() {}

    /**
     * The bytes of the model file {@code file}, which the user named, so links are followed, to a
     * regular file.
     */
    static byte[] readModel(Path file, LoadLimits limits) throws IOException {
        return readRegularFile(file.toRealPath(), "model file " + file.getFileName(), limits);
    }

    /** The member files of the composition {@code file}, read from inside its folder only. */
    static MemberFiles beside(Path file, LoadLimits limits) throws IOException {
        Path folder = file.toAbsolutePath().getParent().toRealPath();
        return name ->
                readRegularFile(insideFolder(folder, name), "member file '" + name + "'", limits);
    }

    /**
     * The real path of member {@code name} of the composition in {@code folder} (itself a real
     * path), refused if it resolves outside the folder.
     */
    private static Path insideFolder(Path folder, String name) throws IOException {
        Path relative;
        try {
            relative = Path.of(name);
        } catch (InvalidPathException e) {
            throw new ModelFormatException(
                    "member '" + name + "' is not a valid path: " + e.getReason());
        }
        if (relative.isAbsolute()) {
            throw new ModelFormatException(
                    "member '"
                            + name
                            + "' is an absolute path; members are relative to the composition"
                            + " folder");
        }
        Path named = folder.resolve(relative);
        // The text check refuses '../x.json' even when no such file exists; the real path then
        // catches links, whose targets the text does not show.
        if (!named.normalize().startsWith(folder)) {
            throw outside(name);
        }
        Path real = named.toRealPath();
        if (!real.startsWith(folder)) {
            throw outside(name);
        }
        return real;
    }

    private static ModelFormatException outside(String name) {
        return new ModelFormatException(
                "member '" + name + "' resolves outside the composition folder");
    }

    /** The bytes of the regular file at the real path {@code real}, named {@code what}. */
    private static byte[] readRegularFile(Path real, String what, LoadLimits limits)
            throws IOException {
        BasicFileAttributes attributes =
                Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new ModelFormatException(
                    what + " is not a regular file (" + kindOf(attributes) + ")");
        }
        limits.checkSize(attributes.size(), what);
        byte[] bytes;
        try (InputStream in =
                Files.newInputStream(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes((int) Math.min(limits.maxBytes() + 1, Integer.MAX_VALUE - 8));
        }
        limits.checkSize(bytes.length, what);
        return bytes;
    }

    private static String kindOf(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        return "a FIFO, socket or device";
    }
}
