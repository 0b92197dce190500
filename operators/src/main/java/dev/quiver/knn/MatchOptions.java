package dev.quiver.knn;

import java.io.Serializable;

/**
 * The settings of the match job's operator. Immutable; build with {@link #builder()}, whose {@code
 * build()} checks the combination and names the option at fault.
 *
 * <pre>{@code
 * MatchOptions options = MatchOptions.builder()
 *     .metric(KnnMetric.L2).order(MatchOptions.Order.EVENT_TIME).ttlMs(60_000).build();
 * }</pre>
 *
 * @param metric distance ranking the neighbours
 * @param order when a query is answered, and against which vectors
 * @param ttlMs points expire this long (event time) after their timestamp; 0 for never
 * @param maxPoints most live points per namespace, the oldest evicted first; 0 for no limit
 * @param batchSize queries answered together on the brute-force path
 * @param batchTimeoutMs longest a query waits for its batch to fill
 * @param search which search path answers queries
 * @param bruteForceMinDimension with {@link Search#AUTO}, the dimension from which brute force
 *     answers instead of the tree
 * @param maxChecks points examined by approximate (best-bin-first) kNN; 0 for exact search
 * @param ratio Lowe's ratio for MATCH queries: match when d1 &lt; ratio * d2
 * @param backend compute backend of the brute-force path: {@code auto}, or a name {@code
 *     ComputeBackends.NAMES} lists ({@code nd4j-cpu}, {@code java}, ...)
 * @param maxDimension longest vector accepted
 */
public record MatchOptions(
        KnnMetric metric,
        Order order,
        long ttlMs,
        int maxPoints,
        int batchSize,
        long batchTimeoutMs,
        Search search,
        int bruteForceMinDimension,
        int maxChecks,
        float ratio,
        String backend,
        int maxDimension)
        implements Serializable {

    /** When queries are answered. */
    public enum Order {
        /** At once, against every vector processed before on the same partition. */
        ARRIVAL,
        /** When the watermark passes the query's time, against exactly the vectors up to it. */
        EVENT_TIME
    }

    /** Which search path answers queries. */
    public enum Search {
        /** Brute force from {@code bruteForceMinDimension} on, the kd-tree below. */
        AUTO,
        /** Always the kd-tree. */
        TREE,
        /** Always the batched brute force. */
        BRUTE
    }

    /**
     * Default dimension from which AUTO uses brute force: where kd-trees stop pruning. Measured by
     * bench/run-knn.sh on uniform data, n = 10^5, k = 10, one core: in two runs the batched brute
     * force led at d = 16 (488 vs 237 and 1,986 vs 689 queries/s), the tree led at d = 3 by a
     * factor of 60 to 130.
     */
    public static final int DEFAULT_BRUTE_FORCE_MIN_DIMENSION = 16;

    /** Starts a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** True when queries of a namespace of this dimension go to the brute-force path. */
    public boolean usesBruteForce(int dimension) {
        return search == Search.BRUTE
                || (search == Search.AUTO && dimension >= bruteForceMinDimension);
    }

    /** Builder of {@link MatchOptions}. */
    public static final class Builder {
        private KnnMetric metric = KnnMetric.SQUARED_L2;
        private Order order = Order.ARRIVAL;
        private long ttlMs;
        private int maxPoints;
        private int batchSize = 64;
        private long batchTimeoutMs = 10;
        private Search search = Search.AUTO;
        private int bruteForceMinDimension = DEFAULT_BRUTE_FORCE_MIN_DIMENSION;
        private int maxChecks;
        private float ratio = 0.8f;
        private String backend = "nd4j-cpu";
        private int maxDimension = 4096;

        private Builder() {}

        public Builder metric(KnnMetric metric) {
            this.metric = metric;
            return this;
        }

        public Builder order(Order order) {
            this.order = order;
            return this;
        }

        public Builder ttlMs(long ttlMs) {
            this.ttlMs = atLeast("ttl", ttlMs, 0);
            return this;
        }

        public Builder maxPoints(int maxPoints) {
            this.maxPoints = (int) atLeast("max-points", maxPoints, 0);
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = (int) atLeast("batch-size", batchSize, 1);
            return this;
        }

        public Builder batchTimeoutMs(long batchTimeoutMs) {
            this.batchTimeoutMs = atLeast("batch-timeout-ms", batchTimeoutMs, 0);
            return this;
        }

        public Builder search(Search search) {
            this.search = search;
            return this;
        }

        public Builder bruteForceMinDimension(int dimension) {
            this.bruteForceMinDimension = (int) atLeast("brute-force-min-dimension", dimension, 1);
            return this;
        }

        public Builder maxChecks(int maxChecks) {
            this.maxChecks = (int) atLeast("max-checks", maxChecks, 0);
            return this;
        }

        public Builder ratio(float ratio) {
            if (!(ratio > 0 && ratio <= 1)) {
                throw new IllegalArgumentException("ratio must be in (0, 1], got " + ratio);
            }
            this.ratio = ratio;
            return this;
        }

        public Builder backend(String backend) {
            this.backend = dev.quiver.compute.ComputeBackends.requireKnown(backend);
            return this;
        }

        public Builder maxDimension(int maxDimension) {
            this.maxDimension = (int) atLeast("max-dimension", maxDimension, 1);
            return this;
        }

        /** The options. */
        public MatchOptions build() {
            return new MatchOptions(
                    metric,
                    order,
                    ttlMs,
                    maxPoints,
                    batchSize,
                    batchTimeoutMs,
                    search,
                    bruteForceMinDimension,
                    maxChecks,
                    ratio,
                    backend,
                    maxDimension);
        }

        private static long atLeast(String option, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException(
                        option + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
