package dev.quiver.knn;

/**
 * The distance a kNN index ranks by. Every metric is computed internally as a squared Euclidean
 * distance (cosine on vectors normalised at insert and query time), so pruning never takes a square
 * root; {@link #fromSquaredL2(float)} converts to the reported unit only for output.
 *
 * <pre>{@code
 * float reported = KnnMetric.L2.fromSquaredL2(sqDist); // sqrt(sqDist)
 * }</pre>
 */
public enum KnnMetric {
    /** Squared Euclidean distance (the default): sum of squared component differences. */
    SQUARED_L2,
    /** Euclidean distance. */
    L2,
    /**
     * Cosine distance {@code 1 - cos(a, b)}, computed as {@code |a - b|^2 / 2} on vectors scaled to
     * unit length; a zero vector has no direction and is rejected.
     */
    COSINE;

    /** True when vectors must be scaled to unit length before indexing or querying. */
    public boolean normalises() {
        return this == COSINE;
    }

    /** The reported distance for an internal squared Euclidean distance. */
    public float fromSquaredL2(float sqDist) {
        return switch (this) {
            case SQUARED_L2 -> sqDist;
            case L2 -> (float) Math.sqrt(sqDist);
            case COSINE -> sqDist * 0.5f;
        };
    }

    /** The internal squared Euclidean distance for a reported distance (radius queries). */
    public float toSquaredL2(float distance) {
        return switch (this) {
            case SQUARED_L2 -> distance;
            case L2 -> distance * distance;
            case COSINE -> distance * 2f;
        };
    }

    /** The metric's name as users type it: {@code squared-l2}, {@code l2}, {@code cosine}. */
    public String optionName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Parses {@link #optionName()}; the message lists the known names. */
    public static KnnMetric fromOptionName(String name) {
        for (KnnMetric metric : values()) {
            if (metric.optionName().equals(name)) {
                return metric;
            }
        }
        throw new IllegalArgumentException(
                "unknown metric '" + name + "'; known: squared-l2, l2, cosine");
    }

    /**
     * Scales {@code v[off .. off + d)} to unit length in place. The caller guarantees a non-zero
     * vector (validators reject zero vectors under the cosine metric).
     */
    public static void normalise(float[] v, int off, int d) {
        double sumOfSquares = 0;
        for (int i = off; i < off + d; i++) {
            sumOfSquares += (double) v[i] * v[i];
        }
        float scale = (float) (1.0 / Math.sqrt(sumOfSquares));
        for (int i = off; i < off + d; i++) {
            v[i] *= scale;
        }
    }
}
