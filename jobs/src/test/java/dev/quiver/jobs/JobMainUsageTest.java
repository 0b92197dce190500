package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The job mains a cluster runs report bad usage on one line, as {@code quiver run} does. */
class JobMainUsageTest {

    @Test
    void anUnknownOptionIsOneLineAndExitCodeTwo() {
        assertThat(stderrOfMain(JobRegistry.BAYES, "--no-such-option"))
                .containsExactly(
                        "quiver: Unknown option: '--no-such-option' (see 'bayes --help')");
    }

    @Test
    void anOutOfRangeValueIsOneLineAndExitCodeTwo() {
        assertThat(stderrOfMain(JobRegistry.WALK, "--steps", "-5"))
                .singleElement()
                .asString()
                .startsWith("quiver: ")
                .contains("steps")
                .endsWith("(see 'walk --help')");
    }

    @Test
    void aNegativeWatermarkOptionOfTheWalkIsOneLineAndExitCodeTwo() {
        assertThat(stderrOfMain(JobRegistry.WALK, "--idle-timeout-ms", "-1"))
                .containsExactly(
                        "quiver: --max-out-of-orderness-ms and --idle-timeout-ms must be >= 0, got"
                                + " 1000 and -1 (see 'walk --help')");
    }

    @Test
    void aNegativeWatermarkOptionOfTheMatchIsOneLineAndExitCodeTwo() {
        assertThat(stderrOfMain(JobRegistry.MATCH, "--max-out-of-orderness-ms", "-5"))
                .containsExactly(
                        "quiver: --max-out-of-orderness-ms and --idle-timeout-ms must be >= 0, got"
                                + " -5 and 5000 (see 'match --help')");
    }

    private static java.util.List<String> stderrOfMain(JobFamily<?> family, String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(() -> family.main(args))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(family.name() + " job failed, exit code 2");
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
