package dev.quiver.jobs;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The watermarks of the stages that work in event time (match, and walk with an interval trigger),
 * a picocli mixin: bounded out-of-orderness behind the largest event time seen ({@code
 * --max-out-of-orderness-ms}), and a source partition idle for long enough ({@code
 * --idle-timeout-ms}) no longer holding them back. When late input is a dead letter is each
 * stage's to say, in its docs.
 *
 * <pre>{@code
 * quiver run match --order event-time --max-out-of-orderness-ms 2000 --idle-timeout-ms 0
 * quiver run walk --trigger 60000ms --max-out-of-orderness-ms 5000
 * }</pre>
 */
final class WatermarkOptions {

    @Option(
            names = "--max-out-of-orderness-ms",
            defaultValue = "1000",
            description =
                    "Watermark delay behind the largest event time seen: how late input may be"
                            + " (default: ${DEFAULT-VALUE}).")
    long maxOutOfOrdernessMs;

    @Option(
            names = "--idle-timeout-ms",
            defaultValue = "5000",
            description =
                    "A source partition without records this long stops holding the watermark"
                            + " back; 0 never (default: ${DEFAULT-VALUE}).")
    long idleTimeoutMs;

    /** The watermark delay behind the largest event time seen, in milliseconds. */
    long maxOutOfOrdernessMs() {
        return maxOutOfOrdernessMs;
    }

    /**
     * Throws naming both options unless neither is negative.
     *
     * @throws IllegalArgumentException naming the options and their values
     */
    void checkNotNegative() {
        if (maxOutOfOrdernessMs < 0 || idleTimeoutMs < 0) {
            throw new IllegalArgumentException(
                    "--max-out-of-orderness-ms and --idle-timeout-ms must be >= 0, got "
                            + maxOutOfOrdernessMs
                            + " and "
                            + idleTimeoutMs);
        }
    }

    /**
     * Watermarks {@code --max-out-of-orderness-ms} behind the largest event time seen; with {@code
     * --idle-timeout-ms > 0}, a partition without records that long is skipped, else never.
     */
    <T> WatermarkStrategy<T> strategy(SerializableTimestampAssigner<T> eventTime) {
        return boundedOutOfOrderness(idleTimeoutMs, eventTime);
    }

    /**
     * Watermarks {@code --max-out-of-orderness-ms} behind the largest event time seen, never
     * skipping an idle input: for a source whose end ends its watermarks (a file's one reader).
     */
    <T> WatermarkStrategy<T> strategyWithoutIdleness(SerializableTimestampAssigner<T> eventTime) {
        return boundedOutOfOrderness(0, eventTime);
    }

    private <T> WatermarkStrategy<T> boundedOutOfOrderness(
            long idleMs, SerializableTimestampAssigner<T> eventTime) {
        WatermarkStrategy<T> strategy =
                WatermarkStrategy.<T>forBoundedOutOfOrderness(
                                Duration.ofMillis(maxOutOfOrdernessMs))
                        .withTimestampAssigner(eventTime);
        return idleMs > 0 ? strategy.withIdleness(Duration.ofMillis(idleMs)) : strategy;
    }
}
