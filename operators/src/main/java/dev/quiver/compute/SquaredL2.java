package dev.quiver.compute;

/**
 * The one definition of a squared Euclidean distance between two stored float vectors: {@code sum_k
 * (a_k - b_k)^2}, summed in dimension order into a {@code float} accumulator. Every search path
 * (kd-tree, brute force, the plain-Java kernel, any backend's re-ranking) ranks by exactly this
 * value, so two paths that find the same neighbours report the same bits and break ties the same
 * way.
 *
 * <pre>{@code
 * float[] coords = {0f, 0f, 3f, 4f};                        // two points, d = 2
 * float sqDist = SquaredL2.distance(coords, 0, coords, 2, 2); // 25f
 * }</pre>
 */
public final class SquaredL2 {

    private SquaredL2() {}

    /**
     * The squared distance between {@code a[aOff, aOff + d)} and {@code b[bOff, bOff + d)}. Java
     * evaluates {@code float} arithmetic strictly (no fused multiply-add, no reassociation), so the
     * result is the same on every JVM. Allocates nothing; does not check bounds beyond the array
     * accesses themselves.
     */
    public static float distance(float[] a, int aOff, float[] b, int bOff, int d) {
        float sum = 0f;
        for (int k = 0; k < d; k++) {
            float diff = a[aOff + k] - b[bOff + k];
            sum += diff * diff;
        }
        return sum;
    }

    /**
     * The relative error bound {@code gamma_{d+2}} of {@link #distance}: two roundings per term
     * (the difference and its square) and {@code d - 1} for the sum give {@code |distance - D| <=
     * gamma_{d+2} D + d Float.MIN_VALUE / 2}, {@code D} the exact squared distance of the two float
     * vectors and the last term gradual underflow (Higham, <i>Accuracy and Stability of Numerical
     * Algorithms</i>, Lemma 3.1).
     */
    public static double relativeErrorBound(int d) {
        return ComputeBackend.gamma(d + 2);
    }
}
