package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class run in a fresh JVM, for what only a process of its own shows: a job jar on its own
 * classpath, a heap smaller than the test's. The JVM gets the module opens this test JVM got from
 * the build (Flink needs them on Java 17).
 */
final class ChildJvm {

    private ChildJvm() {}

    /**
     * Runs {@code mainClass} with {@code args} and asserts that it exits 0 within 3 minutes (the
     * failure shows its output, kept in a log under {@code dir}).
     *
     * @param jvmOptions options before the classpath, such as {@code -Xmx128m}
     */
    static void runToSuccess(
            Path dir, List<String> jvmOptions, String classpath, String mainClass, List<String> args)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
                .forEach(command::add);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        Path log = Files.createTempFile(dir, "jvm", ".log");
        Process jvm =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        boolean finished = jvm.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            jvm.destroyForcibly().waitFor();
        }
        assertThat(finished).as("finished within 3 minutes: %s", Files.readString(log)).isTrue();
        assertThat(jvm.exitValue()).as(Files.readString(log)).isZero();
    }
}
