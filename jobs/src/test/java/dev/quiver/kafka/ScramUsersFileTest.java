package dev.quiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class ScramUsersFileTest {
    @TempDir Path dir;

    @Test
    void readsNamesAndPasswordsSkippingCommentsAndBlankLines() throws Exception {
        Path file =
                write(
                        "# pipeline users",
                        "",
                        "alice:s3cret",
                        "  bob :  pass:with:colons  ",
                        "svc.match-1:x");

        assertThat(ScramUsersFile.read(file))
                .containsExactly(
                        Map.entry("alice", "s3cret"),
                        Map.entry("bob", "pass:with:colons"),
                        Map.entry("svc.match-1", "x"));
    }

    @Test
    void aLineWithoutAColonIsRefusedByNumberWithoutRepeatingIt() throws Exception {
        Path file = write("alice:ok", "bobhunter2");

        assertThatThrownBy(() -> ScramUsersFile.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file + " line 2")
                .hasMessageContaining("name:password")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anEmptyPasswordADuplicateABadOrReservedNameAreRefused() throws Exception {
        assertThatThrownBy(() -> ScramUsersFile.read(write("alice:")))
                .hasMessageContaining("line 1")
                .hasMessageContaining("alice has no password");
        assertThatThrownBy(() -> ScramUsersFile.read(write("alice:a", "alice:b")))
                .hasMessageContaining("line 2")
                .hasMessageContaining("alice appears twice");
        assertThatThrownBy(() -> ScramUsersFile.read(write("al ice:secret-one")))
                .hasMessageContaining("line 1")
                .hasMessageContaining("'al ice'")
                .hasMessageNotContaining("secret-one");
        assertThatThrownBy(() -> ScramUsersFile.read(write("quiver-broker:secret")))
                .hasMessageContaining("reserved for the broker");
    }

    private Path write(String... lines) throws Exception {
        Path file = Files.createTempFile(dir, "users", ".txt");
        return Files.write(file, java.util.List.of(lines));
    }
}
