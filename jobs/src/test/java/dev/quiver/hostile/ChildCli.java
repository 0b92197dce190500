package dev.quiver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.cli.QuiverCli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code quiver} as {@code bin/quiver} does, in a child JVM of its own, with a small heap and
 * a wall-clock bound: a record that makes a job allocate beyond its means ends the child with an
 * out-of-memory exit instead of going unnoticed in the test JVM's 3 GB, and a hang ends the test.
 *
 * <pre>{@code
 * CliRun run = ChildCli.run(dir, "run", "bayes", "--input", "obs.ndjson", "--output", "out.ndjson");
 * assertThat(run.exit()).isZero();
 * }</pre>
 */
final class ChildCli {

    /**
     * The child's heap: 1.5 times the smallest that ran the good records of every job of this
     * suite, alone, in both modes (32 MiB; file runs ran in 28 MiB, Kafka runs ran out of memory in
     * 28 and everything in 24, on 2026-12-07). A record that costs memory in proportion to what it
     * claims ends the run; {@code -Dquiver.hostile.heapMb} sets another to find the floor again.
     */
    static final int HEAP_MB = Integer.getInteger("quiver.hostile.heapMb", 48);

    /**
     * Flink's network buffers are direct memory, which the JVM otherwise caps at the heap size: at
     * 48 MiB the MiniCluster could not allocate them (and the CLI hung). Capped apart from the
     * heap.
     */
    private static final int DIRECT_MB = 128;

    /** Longest a run may take: far above a run's 10-40 s on a loaded 2-core machine. */
    static final Duration RUN_BOUND =
            Duration.ofSeconds(Long.getLong("quiver.hostile.runBoundSeconds", 240));

    /** The JVM options bin/quiver starts the CLI with: Flink's opens on Java 17. */
    private static final Pattern OPENS = Pattern.compile("--add-(?:opens|exports)=\\S+");

    private static final Logger LOG = LoggerFactory.getLogger(ChildCli.class);

    private ChildCli() {}

    /** What one child run returned and printed. */
    record CliRun(int exit, List<String> stderr, String stdout, Path logFile) {

        /** Standard error without the {@code logs: FILE} notice that {@code run} prints first. */
        List<String> errorLines() {
            if (!stderr.isEmpty() && stderr.get(0).equals("logs: " + logFile)) {
                return stderr.subList(1, stderr.size());
            }
            return stderr;
        }

        /** For assertion messages: the exit code, what it printed and where its log is. */
        String describe() {
            return "exit "
                    + exit
                    + ", stderr "
                    + stderr
                    + ", stdout '"
                    + stdout
                    + "', log "
                    + logFile;
        }

        /** Exit 0, nothing on stdout and nothing on stderr but the log notice. */
        void assertSucceededQuietly() {
            assertThat(exit).as(describe()).isZero();
            assertThat(errorLines()).as(describe()).isEmpty();
            assertThat(stdout).as(describe()).isEmpty();
        }

        /**
         * Refused as the CLI refuses: exit {@code code} and one line on stderr, {@code quiver:
         * ...}, that contains {@code cause}; no stack trace.
         */
        void assertRefused(int code, String cause) {
            assertThat(errorLines())
                    .as(describe())
                    .singleElement()
                    .asString()
                    .startsWith("quiver: ")
                    .contains(cause);
            assertThat(exit).as(describe()).isEqualTo(code);
            assertThat(stdout).as(describe()).isEmpty();
        }
    }

    /**
     * Runs {@code quiver args...} in a child JVM; its command line, output and log go to files in a
     * new folder under {@code dir}.
     *
     * @throws AssertionError if it runs longer than {@link #RUN_BOUND} (it is killed first)
     */
    static CliRun run(Path dir, String... args) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory(dir, "cli");
        Path out = work.resolve("stdout.txt");
        Path err = work.resolve("stderr.txt");
        Path log = work.resolve("quiver.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + HEAP_MB + "m");
        command.add("-XX:MaxDirectMemorySize=" + DIRECT_MB + "m");
        // An out-of-memory error ends the child at once with exit 3, whichever thread it hits.
        command.add("-XX:+ExitOnOutOfMemoryError");
        // Short runs: C1 alone and one GC thread cost a third less CPU on two shared cores.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.addAll(binQuiverOpens());
        command.add("-Dquiver.log.file=" + log);
        command.add("-cp");
        command.add(classpath());
        command.add(QuiverCli.class.getName());
        command.addAll(List.of(args));
        Files.write(work.resolve("command.txt"), command);
        long start = System.nanoTime();
        Process child =
                new ProcessBuilder(command)
                        .directory(work.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        if (!child.waitFor(RUN_BOUND.toSeconds(), TimeUnit.SECONDS)) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(
                    "quiver "
                            + String.join(" ", args)
                            + " ran longer than "
                            + RUN_BOUND.toSeconds()
                            + " s and was killed; its log: "
                            + log);
        }
        LOG.info(
                "quiver {}: exit {} after {} s",
                String.join(" ", args),
                child.exitValue(),
                String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return new CliRun(child.exitValue(), Files.readAllLines(err), Files.readString(out), log);
    }

    /**
     * The test JVM's classpath with this checkout's module jars replaced by their classes folders,
     * as bin/quiver runs: failsafe runs against the packaged jars, and the job jar, shaded for a
     * cluster that brings its own logging, leaves out the CLI's logging configuration.
     */
    private static String classpath() {
        Path root = Checkout.root().toAbsolutePath().normalize();
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            boolean moduleJar =
                    path.startsWith(root)
                            && path.getFileName().toString().endsWith(".jar")
                            && path.getParent().getFileName().toString().equals("target");
            entries.add(moduleJar ? path.resolveSibling("classes").toString() : entry);
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The --add-opens and --add-exports of bin/quiver, so the child runs as the CLI runs. */
    private static List<String> binQuiverOpens() throws IOException {
        Matcher m = OPENS.matcher(Files.readString(Checkout.root().resolve("bin/quiver")));
        List<String> opens = new ArrayList<>();
        while (m.find()) {
            opens.add(m.group());
        }
        assertThat(opens).as("--add-opens in bin/quiver").isNotEmpty();
        return opens;
    }
}
