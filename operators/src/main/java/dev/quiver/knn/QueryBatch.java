package dev.quiver.knn;

import java.util.Arrays;

/**
 * A block of queries against one namespace, in flat primitive arrays: the unit of work the kNN
 * engine answers in one call, so the brute-force path can run one matrix product for all of them.
 * Reused between batches; grows as needed.
 *
 * <pre>{@code
 * QueryBatch batch = new QueryBatch(8);
 * batch.addKnn(vector, 10);
 * batch.addRadius(other, 0.5f);
 * }</pre>
 */
public final class QueryBatch {

    /** The kinds of query. */
    public enum Kind {
        /** The k nearest. */
        KNN,
        /** All within a radius. */
        RADIUS,
        /** The two nearest and Lowe's ratio test. */
        MATCH
    }

    private final int dimension;
    private float[] vectors;
    private Kind[] kinds;
    private int[] ks;
    private float[] radii;
    private int count;

    /** An empty batch of queries of {@code dimension} components. */
    public QueryBatch(int dimension) {
        this.dimension = dimension;
        this.vectors = new float[dimension * 8];
        this.kinds = new Kind[8];
        this.ks = new int[8];
        this.radii = new float[8];
    }

    /** Adds a kNN query. */
    public void addKnn(float[] vector, int k) {
        add(vector, Kind.KNN, k, 0f);
    }

    /** Adds a radius query; the radius is in the metric's reported unit. */
    public void addRadius(float[] vector, float radius) {
        add(vector, Kind.RADIUS, 0, radius);
    }

    /** Adds a ratio-test match query. */
    public void addMatch(float[] vector) {
        add(vector, Kind.MATCH, 2, 0f);
    }

    private void add(float[] vector, Kind kind, int k, float radius) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException(
                    "expected dimension " + dimension + ", got " + vector.length);
        }
        if (count == kinds.length) {
            int capacity = count * 2;
            vectors = Arrays.copyOf(vectors, capacity * dimension);
            kinds = Arrays.copyOf(kinds, capacity);
            ks = Arrays.copyOf(ks, capacity);
            radii = Arrays.copyOf(radii, capacity);
        }
        System.arraycopy(vector, 0, vectors, count * dimension, dimension);
        kinds[count] = kind;
        ks[count] = k;
        radii[count] = radius;
        count++;
    }

    /** Empties the batch, keeping its arrays. */
    public void clear() {
        count = 0;
    }

    public int count() {
        return count;
    }

    public int dimension() {
        return dimension;
    }

    /** Query vectors, query-major; only the first {@code count() * dimension()} are valid. */
    float[] vectors() {
        return vectors;
    }

    public Kind kind(int i) {
        return kinds[i];
    }

    public int k(int i) {
        return ks[i];
    }

    public float radius(int i) {
        return radii[i];
    }
}
