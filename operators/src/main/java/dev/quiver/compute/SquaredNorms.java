package dev.quiver.compute;

/**
 * Squared Euclidean norms of float rows, accumulated in {@code double}.
 *
 * <p>Products of two floats are exact in double, so the only error is the double sum's (relative
 * {@code d * 2^-53}, far below a float rounding): callers treat the result as exact before their
 * own rounding to float. Four independent sums break the chain of dependent additions that would
 * otherwise cost an add latency per coordinate; the order of summation changes only bits below that
 * bound.
 *
 * <pre>{@code
 * double norm = SquaredNorms.of(new float[] {3f, 4f}, 0, 2); // 25.0
 * }</pre>
 */
public final class SquaredNorms {

    private SquaredNorms() {}

    /** The squared norm of {@code values[offset, offset + dimension)}. */
    public static double of(float[] values, int offset, int dimension) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < dimension; k += 4) {
            double v0 = values[offset + k];
            double v1 = values[offset + k + 1];
            double v2 = values[offset + k + 2];
            double v3 = values[offset + k + 3];
            s0 += v0 * v0;
            s1 += v1 * v1;
            s2 += v2 * v2;
            s3 += v3 * v3;
        }
        for (; k < dimension; k++) {
            double v = values[offset + k];
            s0 += v * v;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
