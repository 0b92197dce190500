package dev.quiver.kafka;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes the secured broker's files whole or not at all: into a temporary sibling that is then
 * renamed over the target. A secret file is created owner-only (rw-------) before a byte is
 * written, so its contents are never readable by others, not even for a moment.
 */
final class OwnerOnlyFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {}

    static void write(Path file, byte[] bytes, boolean secret) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temporary);
            if (secret && isPosix(file)) {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(temporary);
            }
            Files.write(temporary, bytes);
            Files.move(
                    temporary,
                    file,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("cannot write " + file + ": another process is", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code file} is readable or writable by anyone but its owner (POSIX only). */
    static boolean isOpenToOthers(Path file) {
        if (!isPosix(file)) {
            return false;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.stream()
                    .anyMatch(
                            p -> !OWNER_ONLY.contains(p) && p != PosixFilePermission.OWNER_EXECUTE);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isPosix(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null
                && parent.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
