package dev.quiver.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the secured broker's SCRAM users: one {@code name:password} a line, UTF-8. The name is a
 * principal name ({@link PrincipalNames}); the password is everything after the first colon, with
 * surrounding blanks removed, and may hold colons. Blank lines and lines starting with {@code #}
 * are skipped. A name may appear once.
 *
 * <p>A refused line is reported by file and line number only: a line may hold a password, so its
 * text is never repeated in a message or a log.
 */
final class ScramUsersFile {
    private static final Logger LOG = LoggerFactory.getLogger(ScramUsersFile.class);

    private ScramUsersFile() {}

    /**
     * The users of {@code file}, name to password, in file order.
     *
     * @throws IllegalArgumentException with one line naming the file and line of a bad entry
     */
    static Map<String, String> read(Path file) {
        List<String> lines = readLines(file);
        if (OwnerOnlyFiles.isOpenToOthers(file)) {
            LOG.warn("{} holds passwords but others may read it; chmod 600 it", file);
        }
        Map<String, String> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(
                        where
                                + ": expected name:password (line not shown, it may hold a"
                                + " password)");
            }
            String name;
            try {
                name = PrincipalNames.check(line.substring(0, colon).strip(), "user name");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            String password = line.substring(colon + 1).strip();
            if (password.isEmpty()) {
                throw new IllegalArgumentException(where + ": user " + name + " has no password");
            }
            if (users.putIfAbsent(name, password) != null) {
                throw new IllegalArgumentException(where + ": user " + name + " appears twice");
            }
        }
        return Collections.unmodifiableMap(users);
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("cannot read " + file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
