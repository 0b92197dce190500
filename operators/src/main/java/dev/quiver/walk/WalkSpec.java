package dev.quiver.walk;

import java.util.Objects;

/**
 * What one simulation computes: the step law, {@code steps} steps on each of {@code paths} paths,
 * an optional barrier, and whether path statistics are tracked or only final positions.
 *
 * <p>Positions are relative to the start while simulating ({@code S_0 = 0}); a result reports
 * absolute levels {@code start + S}. The {@code barrier} {@code a} is relative too: the level
 * {@code start + a}. It is NaN for none, otherwise nonzero and finite, and an integer for lattice
 * models.
 *
 * <p>{@link Track#FINAL} computes the final position only (histogram, mean, variance, quantiles);
 * {@link Track#PATH} adds the running maximum, first passage to the barrier, first return to the
 * start and the number of steps spent above it, each defined in {@link WalkResult}.
 *
 * <pre>{@code
 * WalkSpec spec = new WalkSpec(WalkModel.simple(0.5), 1000, 10_000, 20, WalkSpec.Track.PATH);
 * long work = spec.work(); // 10^7 steps
 * WalkSpec cheap = WalkSpec.finalPositions(WalkModel.gaussian(0, 1), 100, 1000);
 * }</pre>
 *
 * @param model the step law
 * @param steps steps per path, {@code 1 <= steps <= MAX_STEPS}
 * @param paths simulated paths, at least 1
 * @param barrier the level, relative to the start, whose first passage is tracked; NaN for none
 * @param track final positions only, or path statistics as well
 */
public record WalkSpec(WalkModel model, int steps, int paths, double barrier, Track track) {

    /** What to compute per path. */
    public enum Track {
        /** Final positions only: the cheapest simulation. */
        FINAL,
        /** Final positions and the path statistics (maximum, passage, return, time above start). */
        PATH
    }

    /**
     * Most steps per path: 2^28 keeps every path well inside the 2^34 words of its stream, even for
     * Student-t steps that read several words each.
     */
    public static final int MAX_STEPS = 1 << 28;

    /** Checks the ranges above. */
    public WalkSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(track, "track");
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException(
                    "steps must be in [1, " + MAX_STEPS + "], got " + steps);
        }
        if (paths < 1) {
            throw new IllegalArgumentException("paths must be at least 1, got " + paths);
        }
        if (!Double.isNaN(barrier)) {
            if (barrier == 0 || Double.isInfinite(barrier)) {
                throw new IllegalArgumentException(
                        "barrier must be nonzero and finite (or NaN for none), got " + barrier);
            }
            if (model.isLattice() && barrier != Math.rint(barrier)) {
                throw new IllegalArgumentException(
                        "barrier of a lattice walk must be an integer, got " + barrier);
            }
        }
    }

    /** Final positions only, no barrier. */
    public static WalkSpec finalPositions(WalkModel model, int steps, int paths) {
        return new WalkSpec(model, steps, paths, Double.NaN, Track.FINAL);
    }

    /** True when a barrier is set. */
    public boolean hasBarrier() {
        return !Double.isNaN(barrier);
    }

    /** Steps simulated in all: {@code steps * paths}. */
    public long work() {
        return (long) steps * paths;
    }
}
