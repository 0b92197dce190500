package dev.quiver.walk;

import java.io.Serializable;
import java.util.Locale;

/**
 * The settings of the walk job: what each simulation computes ({@link #spec()}), the job seed, when
 * a key's observation triggers a simulation, and the most work one event may ask for.
 *
 * <p>Triggers, parsed by {@link #parseTrigger}: {@code every} observation; {@code N}, every N-th
 * observation of a key (its 1st, N+1-th, ...); {@code <ms>ms}, the first observation of a key and
 * then the first whose event time is at least that many milliseconds after the last simulated one.
 * All three depend only on a key's observations in order, so a replay triggers the same
 * simulations.
 *
 * <pre>{@code
 * WalkOptions options = new WalkOptions(
 *         WalkModel.simple(0.5), 1000, 10_000, 20, 42L, 1, 0, 50_000_000L);
 * WalkSpec spec = options.spec();        // PATH tracking because a barrier is set
 * long[] trigger = WalkOptions.parseTrigger("500ms"); // {1, 500}
 * }</pre>
 *
 * @param model the step law
 * @param steps steps per path
 * @param paths paths per simulation
 * @param barrier the barrier relative to the start; NaN for none
 * @param seed the job seed of every random stream
 * @param triggerEvery simulate on every this-many-th observation of a key (1 = every one)
 * @param triggerIntervalMs when positive, simulate at most once per this event-time interval
 * @param maxWork the most {@code steps * paths} one event may run; more is a dead letter
 */
public record WalkOptions(
        WalkModel model,
        int steps,
        int paths,
        double barrier,
        long seed,
        int triggerEvery,
        long triggerIntervalMs,
        long maxWork)
        implements Serializable {

    /** Checks the values; the spec's own checks run here too, at build time. */
    public WalkOptions {
        spec(model, steps, paths, barrier);
        if (triggerEvery < 1) {
            throw new IllegalArgumentException("trigger count must be >= 1, got " + triggerEvery);
        }
        if (triggerIntervalMs < 0) {
            throw new IllegalArgumentException(
                    "trigger interval must be >= 0 ms, got " + triggerIntervalMs);
        }
        if (maxWork < 1) {
            throw new IllegalArgumentException("max-work must be >= 1, got " + maxWork);
        }
    }

    private static WalkSpec spec(WalkModel model, int steps, int paths, double barrier) {
        return new WalkSpec(
                model,
                steps,
                paths,
                barrier,
                Double.isNaN(barrier) ? WalkSpec.Track.FINAL : WalkSpec.Track.PATH);
    }

    /** The simulation of every event: path tracking only when a barrier is set. */
    public WalkSpec spec() {
        return spec(model, steps, paths, barrier);
    }

    /**
     * {@code every} as {@code {1, 0}}, {@code N} as {@code {N, 0}}, {@code <ms>ms} as {@code {1,
     * ms}}: the trigger count and interval.
     *
     * @throws IllegalArgumentException for anything else, naming the value
     */
    public static long[] parseTrigger(String trigger) {
        String text = trigger.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.equals("every")) {
                return new long[] {1, 0};
            }
            if (text.endsWith("ms")) {
                long ms = Long.parseLong(text.substring(0, text.length() - 2));
                if (ms > 0) {
                    return new long[] {1, ms};
                }
            } else {
                long count = Long.parseLong(text);
                if (count >= 1 && count <= Integer.MAX_VALUE) {
                    return new long[] {count, 0};
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(
                "trigger must be 'every', a count N >= 1 or an interval like '500ms', got '"
                        + trigger
                        + "'");
    }

    /**
     * Whether the observation numbered {@code sequence} (0-based, per key) at event time {@code
     * tsMs} triggers, given the event time of the key's last simulation ({@code Long.MIN_VALUE} for
     * none).
     */
    public boolean triggers(long sequence, long tsMs, long lastSimulatedTsMs) {
        if (sequence % triggerEvery != 0) {
            return false;
        }
        return triggerIntervalMs == 0
                || lastSimulatedTsMs == Long.MIN_VALUE
                || tsMs - lastSimulatedTsMs >= triggerIntervalMs;
    }

    /** Null when the configured work is allowed, else the dead-letter reason. */
    public String excessWorkReason() {
        long work = (long) steps * paths;
        return work > maxWork
                ? "simulation work steps * paths = " + work + " exceeds --max-work " + maxWork
                : null;
    }
}
