package dev.quiver.knn;

import java.util.List;

/**
 * Stateless checks of one vector shared by the vector and query validators.
 *
 * <pre>{@code
 * String reason = VectorChecks.invalidReason(List.of(1f, Float.NaN), KnnMetric.L2, 4096);
 * // "component 1 is NaN"
 * }</pre>
 */
public final class VectorChecks {

    private VectorChecks() {}

    /** Null when the vector is usable, else a one-line reason. */
    public static String invalidReason(List<Float> vector, KnnMetric metric, int maxDimension) {
        if (vector.isEmpty()) {
            return "empty vector";
        }
        if (vector.size() > maxDimension) {
            return "vector of "
                    + vector.size()
                    + " components exceeds the limit of "
                    + maxDimension;
        }
        boolean allZero = true;
        for (int i = 0; i < vector.size(); i++) {
            float x = vector.get(i);
            if (Float.isNaN(x)) {
                return "component " + i + " is NaN";
            }
            if (Float.isInfinite(x)) {
                return "component " + i + " is infinite";
            }
            allZero &= x == 0f;
        }
        if (allZero && metric.normalises()) {
            return "a zero vector has no direction for the cosine metric";
        }
        return null;
    }
}
