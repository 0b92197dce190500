package dev.quiver.jobs;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;

/**
 * The watermarks of the stages that work in event time (match, and walk with an interval trigger):
 * bounded out-of-orderness behind the largest event time seen, and a source partition idle for
 * long enough no longer holding them back.
 *
 * <pre>{@code
 * decoded.assignTimestampsAndWatermarks(Watermarks.boundedOutOfOrderness(1000, 5000, eventTime));
 * }</pre>
 */
final class Watermarks {

    private Watermarks() {}

    /**
     * Watermarks {@code maxOutOfOrdernessMs} behind the largest event time seen; with {@code
     * idleTimeoutMs > 0}, a partition without records that long is skipped, else never.
     */
    static <T> WatermarkStrategy<T> boundedOutOfOrderness(
            long maxOutOfOrdernessMs,
            long idleTimeoutMs,
            SerializableTimestampAssigner<T> eventTime) {
        WatermarkStrategy<T> strategy =
                WatermarkStrategy.<T>forBoundedOutOfOrderness(
                                Duration.ofMillis(maxOutOfOrdernessMs))
                        .withTimestampAssigner(eventTime);
        return idleTimeoutMs > 0
                ? strategy.withIdleness(Duration.ofMillis(idleTimeoutMs))
                : strategy;
    }
}
