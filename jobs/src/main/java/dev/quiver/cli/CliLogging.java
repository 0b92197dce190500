package dev.quiver.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Sends Flink and Kafka logs to a file so the terminal shows progress and results; {@code
 * --verbose} shows them on stderr too. Must run before anything touches Log4j.
 *
 * <pre>{@code
 * CliLogging.configure(verbose);
 * err.println("logs: " + CliLogging.logFile());
 * }</pre>
 */
final class CliLogging {

    private static final String LOG_FILE_PROPERTY = "quiver.log.file";

    private CliLogging() {}

    static void configure(boolean verbose) {
        if (System.getProperty(LOG_FILE_PROPERTY) == null) {
            String stamp =
                    LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Path file =
                    Path.of(
                            System.getProperty("java.io.tmpdir"),
                            "quiver",
                            "logs",
                            "quiver-" + stamp + "-" + ProcessHandle.current().pid() + ".log");
            System.setProperty(LOG_FILE_PROPERTY, file.toString());
        }
        System.setProperty("quiver.console.level", verbose ? "ALL" : "OFF");
        System.setProperty("log4j2.configurationFile", "quiver-cli-log4j2.xml");
        // Log4j's own status messages (e.g. Flink's placeholder-count mismatches) would reach the
        // terminal.
        System.setProperty("log4j2.statusLoggerLevel", verbose ? "WARN" : "ERROR");
    }

    /** The log file of this process, or a note that logging goes elsewhere. */
    static String logFile() {
        String file = System.getProperty(LOG_FILE_PROPERTY);
        return file == null ? "(as configured by log4j2)" : file;
    }
}
