package dev.quiver.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.StringWriter;
import java.util.Map;

/**
 * Everything logged at INFO and above, by every logger of this JVM (Quiver, Flink, Kafka's clients
 * and broker), while it is open, with the stack traces of logged exceptions; the root logger's own
 * appenders are set aside meanwhile so the test output stays quiet.
 *
 * <pre>{@code
 * try (CapturedLogs logs = CapturedLogs.start()) {
 *     ... run something ...
 *     assertThat(logs.text()).doesNotContain(secret);
 * }
 * }</pre>
 */
final class CapturedLogs implements AutoCloseable {

    private final StringWriter text = new StringWriter();
    private final LoggerContext context;
    private final LoggerConfig root;
    private final Level level;
    private final Map<String, Appender> setAside;
    private final Appender appender;

    private CapturedLogs() {
        context = (LoggerContext) LogManager.getContext(false);
        root = context.getConfiguration().getRootLogger();
        level = root.getLevel();
        setAside = Map.copyOf(root.getAppenders());
        setAside.keySet().forEach(root::removeAppender);
        appender =
                WriterAppender.newBuilder()
                        .setName("captured-" + System.nanoTime())
                        .setTarget(text)
                        .setLayout(
                                PatternLayout.newBuilder()
                                        .withPattern("%p %c - %m%n%throwable")
                                        .build())
                        .build();
        appender.start();
        root.addAppender(appender, Level.INFO, null);
        root.setLevel(Level.INFO);
        context.updateLoggers();
    }

    /** Starts capturing. */
    static CapturedLogs start() {
        return new CapturedLogs();
    }

    /** What was logged so far. */
    String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    @Override
    public void close() {
        root.removeAppender(appender.getName());
        appender.stop();
        setAside.values().forEach(a -> root.addAppender(a, null, null));
        root.setLevel(level);
        context.updateLoggers();
    }
}
