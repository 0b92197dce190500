package dev.quiver.walk;

import java.io.Serializable;
import java.util.Locale;

/**
 * The settings of the walk job: what each simulation computes ({@link #spec()}), the job seed, when
 * a key's observation triggers a simulation, and the most work and memory one event may ask for.
 *
 * <p>Triggers, parsed by {@link #parseTrigger}: {@code every} observation; {@code N}, every N-th
 * observation of a key (its 1st, N+1-th, ...); {@code <ms>ms}, per key and per event-time interval
 * {@code [j ms, (j + 1) ms)} (aligned to the epoch), the latest observation of the interval
 * (largest event time, ties to the later arrival), simulated when the watermark closes the interval
 * ({@link #intervalLastMs}). Count triggers depend only on a key's observations in order; the
 * interval trigger also on which interval each observation falls in, so a replay triggers the same
 * simulations as long as no observation arrives after the watermark has closed its interval.
 *
 * <pre>{@code
 * WalkOptions options = new WalkOptions(
 *         WalkModel.simple(0.5), 1000, 10_000, 20, 42L, 1, 0, 50_000_000L, 64);
 * WalkSpec spec = options.spec();        // PATH tracking because a barrier is set
 * long[] trigger = WalkOptions.parseTrigger("500ms"); // {1, 500}
 * WalkSpec learned = options.spec(WalkModel.studentT(0.0, 1.0, 5.0)); // same n, M and barrier
 * }</pre>
 *
 * @param model the step law
 * @param steps steps per path
 * @param paths paths per simulation
 * @param barrier the barrier relative to the start; NaN for none
 * @param seed the job seed of every random stream
 * @param triggerEvery simulate on every this-many-th observation of a key (1 = every one)
 * @param triggerIntervalMs when positive, simulate the latest observation of each event-time
 *     interval of this many milliseconds
 * @param maxWork the most {@code steps * paths} one event may run; more is a dead letter
 * @param maxMemoryMb the most memory, in MiB, one simulation may hold ({@link WalkMemory}): a
 *     real-valued walk that needs more in memory runs in passes, one that needs more even so is a
 *     dead letter
 */
public record WalkOptions(
        WalkModel model,
        int steps,
        int paths,
        double barrier,
        long seed,
        int triggerEvery,
        long triggerIntervalMs,
        long maxWork,
        long maxMemoryMb)
        implements Serializable {

    private static final long BYTES_PER_MB = 1L << 20;

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
        if (maxMemoryMb < 1 || maxMemoryMb > Long.MAX_VALUE / BYTES_PER_MB) {
            throw new IllegalArgumentException(
                    "max-memory-mb must be in [1, "
                            + Long.MAX_VALUE / BYTES_PER_MB
                            + "], got "
                            + maxMemoryMb);
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
     * The simulation of an event whose step law was learned for its key: these steps, paths and
     * barrier with {@code stepLaw}.
     *
     * @throws IllegalArgumentException if the barrier does not suit {@code stepLaw}
     */
    public WalkSpec spec(WalkModel stepLaw) {
        return spec(stepLaw, steps, paths, barrier);
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

    /** True for the interval trigger ({@code <ms>ms}), false for the count triggers. */
    public boolean triggersOnInterval() {
        return triggerIntervalMs > 0;
    }

    /**
     * Count triggers: whether the observation numbered {@code sequence} (0-based, per key) is
     * simulated.
     */
    public boolean countTriggers(long sequence) {
        return sequence % triggerEvery == 0;
    }

    /**
     * Interval trigger: the last millisecond of the interval holding event time {@code tsMs},
     * {@code floor(tsMs / I) I + I - 1}; the watermark closes the interval when it reaches this
     * time. Clamped to {@code Long.MAX_VALUE} in the last interval before overflow.
     */
    public long intervalLastMs(long tsMs) {
        long first = Math.floorDiv(tsMs, triggerIntervalMs) * triggerIntervalMs;
        return first > Long.MAX_VALUE - (triggerIntervalMs - 1)
                ? Long.MAX_VALUE
                : first + (triggerIntervalMs - 1);
    }

    /** Null when the configured work is allowed, else the dead-letter reason. */
    public String excessWorkReason() {
        long work = (long) steps * paths;
        return work > maxWork
                ? "simulation work steps * paths = " + work + " exceeds --max-work " + maxWork
                : null;
    }

    /** The memory budget of one simulation, in bytes. */
    public long maxMemoryBytes() {
        return maxMemoryMb * BYTES_PER_MB;
    }

    /**
     * Null when a simulation fits in {@code --max-memory-mb}, in memory or in passes, else the
     * dead-letter reason. Every step law of the job's spec needs the same memory, a learned one
     * included (real-valued like the predictive it starts from).
     */
    public String excessMemoryReason() {
        long least = WalkMemory.leastBytes(spec());
        if (least <= maxMemoryBytes()) {
            return null;
        }
        long leastMb = (least + BYTES_PER_MB - 1) / BYTES_PER_MB;
        return "simulation memory: "
                + steps
                + " steps of a "
                + model.name()
                + " walk need at least "
                + leastMb
                + " MiB, more than --max-memory-mb "
                + maxMemoryMb;
    }
}
