package dev.quiver.bayes;

/**
 * Argument checks shared by the posteriors, so every model words the same mistake the same way.
 *
 * <pre>{@code
 * PosteriorChecks.checkDecay(0.99);
 * }</pre>
 */
final class PosteriorChecks {

    private PosteriorChecks() {}

    /** Throws unless {@code 0 < lambda <= 1}. */
    static void checkDecay(double lambda) {
        checkDecay("decay", lambda);
    }

    /** Throws unless {@code 0 < lambda <= 1}, naming it {@code name}; returns it. */
    static double checkDecay(String name, double lambda) {
        if (!(lambda > 0.0 && lambda <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], got " + lambda);
        }
        return lambda;
    }

    /** Throws unless {@code value} is finite and {@code > 0}; names it as a prior parameter. */
    static double checkPrior(String name, double value) {
        if (!(Double.isFinite(value) && value > 0.0)) {
            throw new IllegalArgumentException(
                    "prior " + name + " must be finite and > 0, got " + value);
        }
        return value;
    }
}
