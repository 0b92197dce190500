package dev.quiver.knn;

/**
 * Lowe's ratio test (Lowe 2004): the nearest neighbour is a match only when it is clearly nearer
 * than the second, {@code d1 < ratio * d2} on Euclidean distances, evaluated on squared distances
 * as {@code sq1 < ratio^2 * sq2} in double, so no square root is taken and the product of the float
 * operands is exact. The kd-tree and the brute-force path both decide through here.
 *
 * <pre>{@code
 * boolean match = RatioTest.passes(sq1, sq2, 0.8f);
 * }</pre>
 */
public final class RatioTest {

    private RatioTest() {}

    /**
     * True when the nearest (squared distance {@code sq1}) passes against the second ({@code sq2}).
     * Two equally near neighbours never pass; with no second neighbour there is no match.
     */
    public static boolean passes(float sq1, float sq2, float ratio) {
        return (double) sq1 < (double) ratio * ratio * sq2;
    }
}
