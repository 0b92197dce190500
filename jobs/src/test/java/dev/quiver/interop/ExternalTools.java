package dev.quiver.interop;

import static org.assertj.core.api.Assertions.assertThat;

import static java.nio.charset.StandardCharsets.UTF_8;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clients that nobody here wrote, run as child processes: Debian's /usr/bin/python3 with the
 * modules of docs/python.md, and kcat. A test that needs one skips, saying why on stderr, where it
 * is missing (Debian: {@code apt-get install python3-avro python3-confluent-kafka kcat}), so the
 * build passes on a machine with only Java.
 *
 * <pre>{@code
 * ExternalTools.assumePython("MyTest", "avro.io", "confluent_kafka");
 * Path codec = ExternalTools.writeDocumentedModules(dir.resolve("py"));
 * String out = ExternalTools.runPython(codec, Duration.ofSeconds(60), "script.py", "arg");
 * }</pre>
 */
public final class ExternalTools {

    /** The Python that Debian's python3-* packages install into. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    /** The Python modules docs/python.md defines. */
    private static final List<String> DOCUMENTED_MODULES =
            List.of("quiver_avro.py", "quiver_kafka.py");

    private static final Pattern LIBRDKAFKA_VERSION = Pattern.compile("librdkafka (\\S+)");

    private ExternalTools() {}

    /** Skips the calling test, saying why, unless {@link #PYTHON} can import every module. */
    public static void assumePython(String test, String... modules)
            throws IOException, InterruptedException {
        String reason = null;
        if (!Files.isExecutable(PYTHON)) {
            reason = PYTHON + " is not there";
        } else {
            Finished probe =
                    run(
                            List.of(
                                    PYTHON.toString(),
                                    "-c",
                                    "import " + String.join(", ", modules)),
                            Duration.ofSeconds(30));
            if (probe.exit() != 0) {
                // The last line of a traceback names the error: "No module named 'avro'".
                List<String> lines = probe.stderr().strip().lines().toList();
                String why = lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
                reason =
                        PYTHON
                                + " cannot import "
                                + String.join(", ", modules)
                                + " (Debian: python3-avro, python3-confluent-kafka): "
                                + why;
            }
        }
        skipUnless(test, reason);
    }

    /** Skips the calling test, saying why, unless {@code kcat} is on the PATH; returns it. */
    public static Path assumeKcat(String test) {
        return assumeOnPath(test, "kcat", "kcat");
    }

    /**
     * Skips the calling test, saying why, unless {@code program} is on the PATH; returns it.
     *
     * @param debianPackage the package that installs it, for the reason
     */
    static Path assumeOnPath(String test, String program, String debianPackage) {
        Optional<Path> found = onPath(program);
        skipUnless(
                test,
                found.isEmpty()
                        ? "no " + program + " on the PATH (Debian: " + debianPackage + ")"
                        : null);
        return found.get();
    }

    private static void skipUnless(String test, String reason) {
        if (reason != null) {
            System.err.println(test + " skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The librdkafka version confluent_kafka runs on, as {@code confluent_kafka.libversion()}. */
    public static String librdkafkaOfPython() throws IOException, InterruptedException {
        return run(
                        List.of(
                                PYTHON.toString(),
                                "-c",
                                "import confluent_kafka; print(confluent_kafka.libversion()[0])"),
                        Duration.ofSeconds(30))
                .assertSucceeded()
                .stdoutText()
                .strip();
    }

    /** The librdkafka version {@code kcat} runs on, from the "librdkafka X" of {@code kcat -V}. */
    public static String librdkafkaOfKcat(Path kcat) throws IOException, InterruptedException {
        String said =
                run(List.of(kcat.toString(), "-V"), Duration.ofSeconds(30))
                        .assertSucceeded()
                        .stdoutText();
        Matcher version = LIBRDKAFKA_VERSION.matcher(said);
        assertThat(version.find()).as("librdkafka version in kcat -V: %s", said).isTrue();
        return version.group(1);
    }

    /**
     * The modules of docs/python.md, each a block that starts with its file name ({@code #
     * quiver_avro.py}, {@code # quiver_kafka.py}), as files in {@code into}.
     */
    public static Path writeDocumentedModules(Path into) throws IOException {
        String doc = Files.readString(repositoryRoot().resolve("docs/python.md"));
        Files.createDirectories(into);
        for (String module : DOCUMENTED_MODULES) {
            String start = "```python\n# " + module + "\n";
            int from = doc.indexOf(start);
            assertThat(from).as("docs/python.md has a block starting %s", start).isNotNegative();
            int to = doc.indexOf("\n```", from + start.length());
            Files.writeString(
                    into.resolve(module), doc.substring(from + "```python\n".length(), to));
        }
        return into;
    }

    /** A script of jobs/src/test/python. */
    public static Path pythonScript(String name) {
        return repositoryRoot().resolve("jobs/src/test/python").resolve(name);
    }

    /**
     * Runs {@link #PYTHON} with {@code modules} on its path; asserts it exits 0 within {@code
     * bound} and returns its stdout.
     */
    public static String runPython(Path modules, Duration bound, String... args)
            throws IOException, InterruptedException {
        return startPython(modules, args).await(bound).assertSucceeded().stdoutText();
    }

    /** Starts {@link #PYTHON} with {@code modules} on its path. */
    public static Running startPython(Path modules, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
        command.addAll(List.of(args));
        return start(
                command, Map.of("PYTHONPATH", modules.toString(), "PYTHONDONTWRITEBYTECODE", "1"));
    }

    /** Runs {@code command}; fails the test if it runs longer than {@code bound}. */
    public static Finished run(List<String> command, Duration bound)
            throws IOException, InterruptedException {
        return start(command, Map.of()).await(bound);
    }

    /** Starts {@code command} with {@code environment} added to this JVM's. */
    public static Running start(List<String> command, Map<String, String> environment)
            throws IOException {
        Path out = Files.createTempFile("external-tool", ".out");
        Path err = Files.createTempFile("external-tool", ".err");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
        builder.environment().putAll(environment);
        return new Running(command, builder.start(), out, err);
    }

    /** A child process started, its output going to temporary files. */
    public record Running(List<String> command, Process process, Path out, Path err) {

        /**
         * The first line it printed, once it has; fails the test if none came within {@code bound}
         * or it ended first.
         */
        public String firstLine(Duration bound) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            while (System.nanoTime() < deadline) {
                String printed = Files.readString(out);
                if (printed.contains("\n")) {
                    return printed.substring(0, printed.indexOf('\n'));
                }
                assertThat(process.isAlive())
                        .as("%s is running; stderr: %s", command, Files.readString(err))
                        .isTrue();
                Thread.sleep(50);
            }
            throw new AssertionError(command + " printed no line within " + bound);
        }

        /**
         * How it ended; kills it and fails the test if it runs longer than {@code bound}. Its
         * output files are deleted.
         */
        public Finished await(Duration bound) throws IOException, InterruptedException {
            try {
                boolean exited = process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
                if (!exited) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                assertThat(exited)
                        .as(
                                "%s finished within %s; stderr: %s",
                                command, bound, Files.readString(err))
                        .isTrue();
                return new Finished(
                        command,
                        process.exitValue(),
                        Files.readAllBytes(out),
                        Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }

    /** How a child process ended: its exit code, stdout as bytes, stderr as text. */
    public record Finished(List<String> command, int exit, byte[] stdout, String stderr) {

        /** This, after asserting exit code 0. */
        public Finished assertSucceeded() {
            assertThat(exit).as("exit code of %s; stderr: %s", command, stderr).isZero();
            return this;
        }

        /** Standard output as UTF-8 text. */
        public String stdoutText() {
            return new String(stdout, UTF_8);
        }
    }

    /** The checkout's root: failsafe passes it, surefire runs in the module's folder. */
    public static Path repositoryRoot() {
        return Path.of(
                System.getProperty(
                        "quiver.checkout",
                        System.getProperty("maven.multiModuleProjectDirectory", "..")));
    }
}
