package dev.quiver.hostile;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the checkout and the shared oracles are: the build passes both ({@code quiver.checkout},
 * {@code quiver.oracles}) to surefire and failsafe alike.
 */
final class Checkout {

    private Checkout() {}

    /** The repository root. */
    static Path root() {
        return Path.of(System.getProperty("quiver.checkout", ".."));
    }

    /** A file of the reference outputs made by other tools ({@code ../shared/oracles}). */
    static Path oracle(String name) {
        Path dir = Path.of(System.getProperty("quiver.oracles", "../../shared/oracles"));
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("oracle file missing: " + file);
        }
        return file;
    }
}
