package dev.quiver.jobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

import java.time.Duration;

/**
 * The restart strategy of a Kafka run in this JVM ({@code quiver run}): Flink's default with
 * checkpoints, exponential delay, restarts without end, so a failure that comes back at every
 * restart (a checkpoint that cannot be written, a result the broker refuses) would keep the run
 * alive and silent for ever. Here it ends after {@link #ATTEMPTS} restarts in a row, with the
 * cause as the run's error; a failure that passes (a broker restart) is restarted from the last
 * checkpoint as before. A cluster's own restart strategy is never touched.
 *
 * <pre>{@code
 * if (LocalExecution.runsInThisJvm()) {
 *     EmbeddedRestarts.configure(config);
 * }
 * }</pre>
 */
final class EmbeddedRestarts {

    /** Restarts in a row before the run fails: about 75 s of back-off with the delays below. */
    static final int ATTEMPTS = 10;

    /** The first delay; each next one twice the last, up to {@link #MAX_BACKOFF}. */
    static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);

    /** The longest delay: a broker restarted in under a minute is waited for. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /**
     * How long a job must run without failing for its count of restarts to start again: long
     * enough that a failure coming back with every few checkpoints is counted as one that persists.
     */
    static final Duration RESET_AFTER = Duration.ofMinutes(10);

    private EmbeddedRestarts() {}

    /** Sets the bounded exponential-delay strategy in {@code config}. */
    static void configure(Configuration config) {
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                INITIAL_BACKOFF);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, MAX_BACKOFF);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                RESET_AFTER);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, ATTEMPTS);
    }
}
