package dev.quiver.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;

/**
 * A test that needs a client this machine lacks skips, and its reason names what is missing and
 * where to get it; one this machine has runs.
 */
class ExternalToolsTest {

    @Test
    void aMissingPythonModuleSkipsNamingTheModuleAndTheError() {
        String reason =
                Files.isExecutable(ExternalTools.PYTHON)
                        ? "cannot import quiver_no_such_module"
                        : ExternalTools.PYTHON + " is not there";

        assertThatThrownBy(
                        () ->
                                ExternalTools.assumePython(
                                        "ExternalToolsTest", "quiver_no_such_module"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void aMissingProgramSkipsNamingTheProgramAndItsPackage() {
        assertThatThrownBy(
                        () ->
                                ExternalTools.assumeOnPath(
                                        "ExternalToolsTest",
                                        "quiver-no-such-program",
                                        "quiver-pkg"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no quiver-no-such-program on the PATH (Debian: quiver-pkg)");
    }

    @Test
    void aProgramOnThePathIsFoundWhereItIs() {
        // sh is on the PATH of every machine this build runs on.
        assertThat(ExternalTools.assumeOnPath("ExternalToolsTest", "sh", "dash"))
                .isExecutable()
                .hasFileName("sh");
    }
}
