package dev.quiver.jobs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Finds the newest completed checkpoint a job left under its checkpoint directory. */
final class CompletedCheckpoints {

    private CompletedCheckpoints() {}

    /**
     * The {@code chk-N} folder with the highest N that holds a {@code _metadata} file. A job that
     * was just cancelled may still be deleting older checkpoints while this looks: folders that
     * vanish during the walk are passed over rather than failing it.
     */
    static Path latest(Path root) throws IOException {
        Path[] newest = {null};
        int[] newestNumber = {-1};
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        String name = dir.getFileName().toString();
                        if (!name.startsWith("chk-")) {
                            return FileVisitResult.CONTINUE;
                        }
                        int number = Integer.parseInt(name.substring(4));
                        if (number > newestNumber[0] && Files.exists(dir.resolve("_metadata"))) {
                            newest[0] = dir;
                            newestNumber[0] = number;
                        }
                        return FileVisitResult.SKIP_SUBTREE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e)
                            throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e)
                            throws IOException {
                        if (e != null && !(e instanceof NoSuchFileException)) {
                            throw e;
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
        if (newest[0] == null) {
            throw new AssertionError("no completed checkpoint under " + root);
        }
        return newest[0];
    }
}
