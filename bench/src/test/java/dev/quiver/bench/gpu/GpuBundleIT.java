package dev.quiver.bench.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * The GPU bundle that the package phase assembled ({@code target/quiver-gpu-check.tgz}; see
 * bench/gpu/README.md), checked where there is no GPU, so that it cannot rot between the runs on a
 * GPU machine: its size fits the transfer limit, it holds the CUDA kernels wherever the build had
 * nvcc, its Java runtime finds the tests tagged gpu and runs the benchmark (on the java backend, at
 * small sizes), and run.sh says "no CUDA device" with its own exit status.
 */
class GpuBundleIT {

    /** The GPU machine's transfer takes 64 MiB; the bundle keeps a margin below it. */
    private static final long MAX_BYTES = 60_000_000L;

    private static final String FATBIN = "dev/quiver/compute/cuda/quiver-kernels.fatbin";

    @TempDir static Path unpacked;

    private static Path bundle;

    @BeforeAll
    static void unpack() throws Exception {
        Path tgz = Path.of(System.getProperty("quiver.gpuBundle", "target/quiver-gpu-check.tgz"));
        assertThat(tgz).as("the bundle the package phase writes").isRegularFile();
        assertThat(Files.size(tgz)).as("bundle size in bytes").isLessThan(MAX_BYTES);
        Result tar = run(List.of("tar", "-xzf", tgz.toString(), "-C", unpacked.toString()));
        assertThat(tar.status()).as(tar.output()).isZero();
        bundle = unpacked.resolve("quiver-gpu-check");
    }

    @Test
    void holdsTheRuntimeTheJarsTheTestsAndTheOracles() throws IOException {
        assertThat(bundle.resolve("jre/bin/java")).isExecutable();
        assertThat(bundle.resolve("run.sh")).isExecutable();
        assertThat(bundle.resolve("README.md")).isRegularFile();
        assertThat(bundle.resolve("oracles/xgb_synth_d6_100t.json")).isRegularFile();
        assertThat(bundle.resolve("oracles/xgb_synth_rows_100k.f32")).isRegularFile();
        assertThat(names(bundle.resolve("lib")))
                .anyMatch(n -> n.matches("quiver-operators-.*[0-9T]\\.jar"))
                .anyMatch(n -> n.matches("quiver-bench-.*-gpu-check\\.jar"))
                .anyMatch(n -> n.startsWith("javacpp-") && n.endsWith("-linux-x86_64.jar"))
                .anyMatch(n -> n.startsWith("cuda-") && n.endsWith("-linux-x86_64.jar"))
                .anyMatch(n -> n.startsWith("slf4j-simple-"))
                .noneMatch(n -> n.startsWith("nd4j") || n.startsWith("openblas")
                        || n.startsWith("flink") || n.startsWith("kafka"));
        assertThat(names(bundle.resolve("test-lib")))
                .anyMatch(n -> n.startsWith("junit-platform-console-standalone-"))
                .anyMatch(n -> n.matches("quiver-operators-.*-tests\\.jar"));
    }

    @Test
    void holdsTheCudaKernelsWhenTheBuildHadNvcc() throws IOException {
        Assumptions.assumeTrue(nvccPresent(),
                "no nvcc here (or -Dquiver.nvcc=none), so the build made no CUDA kernels");
        Path jar;
        try (Stream<Path> jars = Files.list(bundle.resolve("lib"))) {
            jar = jars.filter(p -> p.getFileName().toString()
                            .matches("quiver-operators-.*[0-9T]\\.jar"))
                    .findFirst()
                    .orElseThrow();
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(zip.getEntry(FATBIN)).as(FATBIN + " in " + jar.getFileName()).isNotNull();
        }
    }

    @Test
    void saysNoCudaDeviceWithItsOwnExitStatus() throws Exception {
        Assumptions.assumeFalse(Files.exists(Path.of("/dev/nvidia0")),
                "this machine has an NVIDIA GPU, so run.sh would run the check instead");
        Result result = run(List.of(bundle.resolve("run.sh").toString(),
                unpacked.resolve("out").toString()));
        assertThat(result.output()).contains("no CUDA device");
        assertThat(result.status()).as(result.output()).isEqualTo(3);
    }

    @Test
    void findsTheGpuTestsWithItsOwnJavaRuntime() throws Exception {
        Result result = run(List.of(bundle.resolve("run.sh").toString(), "--list-tests"));
        assertThat(result.status()).as(result.output()).isZero();
        assertThat(result.output()).contains("tests found").doesNotContain("Exception");
    }

    @Test
    void runsTheBenchmarkOnTheJavaBackendInADryRun() throws Exception {
        Path out = unpacked.resolve("dry-run");
        Result result = run(List.of(bundle.resolve("run.sh").toString(), "--dry-run",
                out.toString()));
        assertThat(result.status()).as(result.output()).isZero();
        String report = Files.readString(out.resolve("report.md"), StandardCharsets.UTF_8);
        assertThat(report)
                .contains("## (a) kNN", "## (b) Random walks", "## (c) Trees", "bit-identical",
                        "Benchmark: passed")
                .doesNotContain("**Failed:**", "**NO**");
    }

    /** As the operators' build decides: -Dquiver.nvcc, else nvcc on PATH or in /usr/local/cuda. */
    private static boolean nvccPresent() {
        String nvcc = System.getProperty("quiver.nvcc", "");
        if (nvcc.equals("none")) {
            return false;
        }
        if (!nvcc.isEmpty()) {
            return true;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvcc"))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private record Result(int status, String output) {}

    /** Runs {@code command}, its output to a file so that a hung command cannot block the read. */
    private static Result run(List<String> command) throws Exception {
        Path log = Files.createTempFile(unpacked, "command", ".log");
        Process process =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in 120 s: "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
