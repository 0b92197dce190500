package dev.quiver.compute;

import java.util.Objects;

/**
 * What a {@link WalkKernel} simulates, in primitives: the step law, {@code steps} steps on each of
 * {@code paths} paths, an optional barrier, whether path statistics are tracked, and the memory one
 * simulation may hold. {@code dev.quiver.walk.WalkLaws} converts a {@code WalkSpec} to it and back;
 * the meaning of every field is that of {@code WalkModel} and {@code WalkSpec}.
 *
 * <pre>{@code
 * WalkLaw law = new WalkLaw(WalkLaw.Kind.SIMPLE, 0.5, 0, 0, 0, Double.NaN,
 *         1000, 4096, 20, true, Long.MAX_VALUE); // fair +-1 walk, barrier at start + 20
 * law.hasBarrier(); // true
 * }</pre>
 *
 * @param kind the step law
 * @param p probability of an up step (simple and lazy laws), else NaN
 * @param r probability of staying put (lazy), else 0
 * @param location mean of a Gaussian step or location of a Student-t one, else 0
 * @param scale standard deviation of a Gaussian step or scale of a Student-t one, else 0
 * @param dof degrees of freedom of a Student-t step, else NaN
 * @param steps steps per path, at least 1
 * @param paths paths per simulation, at least 1
 * @param barrier level relative to the start whose first passage is tracked; NaN for none
 * @param trackPaths whether maxima, passages, returns and time above the start are tracked
 * @param maxMemoryBytes most bytes one simulation may hold; {@code Long.MAX_VALUE} for no bound
 */
public record WalkLaw(
        Kind kind,
        double p,
        double r,
        double location,
        double scale,
        double dof,
        int steps,
        int paths,
        double barrier,
        boolean trackPaths,
        long maxMemoryBytes) {

    /** The step laws, as {@code WalkModel.Kind}. */
    public enum Kind {
        SIMPLE,
        LAZY,
        GAUSSIAN,
        STUDENT_T
    }

    /** Checks the counts; a kernel checks the law's parameters as {@code WalkModel} does. */
    public WalkLaw {
        Objects.requireNonNull(kind, "kind");
        if (steps < 1 || paths < 1) {
            throw new IllegalArgumentException(
                    "steps and paths must be at least 1, got " + steps + " and " + paths);
        }
        if (maxMemoryBytes < 1) {
            throw new IllegalArgumentException(
                    "memory budget must be positive, got " + maxMemoryBytes + " bytes");
        }
    }

    /** True when a barrier is set. */
    public boolean hasBarrier() {
        return !Double.isNaN(barrier);
    }
}
