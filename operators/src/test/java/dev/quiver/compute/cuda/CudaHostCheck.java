package dev.quiver.compute.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code host_check}, the host-only program that the operators build compiles with nvcc from
 * the CUDA kernels' headers ({@code src/test/cuda/host_check.cu}), on inputs a test writes, and
 * returns its output for a bit-for-bit comparison with the Java kernels. Inputs and outputs are raw
 * little-endian binary, so every bit of a float or double crosses unchanged.
 *
 * <p>Where the build found no nvcc there is no program, and {@link #assumeBuilt()} skips the test,
 * saying why.
 */
public final class CudaHostCheck {

    /** Where the build puts the program (the {@code cuda} profile of operators/pom.xml). */
    static final Path PROGRAM =
            Path.of(System.getProperty("quiver.cuda.hostCheck", "target/cuda/host_check"));

    private static final long TIMEOUT_SECONDS = 300;

    private static volatile boolean reasonPrinted;

    private CudaHostCheck() {}

    /** Skips the calling test, with the reason, when the build made no host_check. */
    public static void assumeBuilt() {
        if (!Files.isExecutable(PROGRAM)) {
            String reason =
                    PROGRAM.toAbsolutePath()
                            + " was not built (no nvcc on PATH, at /usr/local/cuda/bin/nvcc or"
                            + " given as -Dquiver.nvcc=PATH, or -Dquiver.nvcc=none), so the CUDA"
                            + " kernels' host check is skipped";
            // Surefire's console shows only a count of skipped tests; say why once per run.
            if (!reasonPrinted) {
                reasonPrinted = true;
                System.err.println("[cuda] " + reason);
            }
            Assumptions.abort(reason);
        }
    }

    /** A little-endian buffer of {@code bytes} bytes for a command's input. */
    public static ByteBuffer input(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Runs {@code host_check COMMAND IN OUT} on the bytes written to {@code input} (up to its
     * position) and returns OUT, little-endian, positioned at 0. Fails the test when the program
     * exits with anything but 0.
     */
    public static ByteBuffer run(String command, ByteBuffer input)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("quiver-host-check");
        try {
            Path in = dir.resolve("in.bin");
            Path out = dir.resolve("out.bin");
            Path log = dir.resolve("stderr.txt");
            Files.write(in, java.util.Arrays.copyOf(input.array(), input.position()));
            Process process =
                    new ProcessBuilder(
                                    PROGRAM.toAbsolutePath().toString(),
                                    command,
                                    in.toString(),
                                    out.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            String messages = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished)
                    .as("host_check %s finished in %d s", command, TIMEOUT_SECONDS)
                    .isTrue();
            assertThat(process.exitValue()).as("host_check %s: %s", command, messages).isZero();
            return ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
