package dev.quiver.cli;

import dev.quiver.schema.Observation;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded synthetic input for the demo and {@code quiver publish --generate}: Bernoulli observations
 * over a fixed set of keys (each key with its own success probability), optionally with uniform
 * random features for the score job, and uniform random vectors and queries. The same seed gives
 * the same records.
 *
 * <pre>{@code
 * SyntheticStreams streams = new SyntheticStreams(42, 50, 8, "default", 1_700_000_000_000L);
 * Observation first = streams.observation(0);
 * Observation scored = new SyntheticStreams(42, 50, 8, "default", 1_700_000_000_000L, 30)
 *         .observation(0); // 30 features in [0, 1)
 * }</pre>
 */
public final class SyntheticStreams {

    private final SplittableRandom random;
    private final int keys;
    private final int dim;
    private final String namespace;
    private final long startTs;
    private final int features;
    private final double[] successProbability;

    /**
     * @param seed the seed of every draw
     * @param keys how many observation keys ({@code key-00} ...)
     * @param dim the dimension of vectors and queries
     * @param namespace the namespace of vectors and queries
     * @param startTs event time of record 0; record i is {@code startTs + i} milliseconds
     */
    public SyntheticStreams(long seed, int keys, int dim, String namespace, long startTs) {
        this(seed, keys, dim, namespace, startTs, 0);
    }

    /**
     * As {@link #SyntheticStreams(long, int, int, String, long)}, each observation with {@code
     * features} features drawn uniformly from [0, 1) after its value (so the first observation's
     * key and value are those of the same seed without features; later ones differ). With 0
     * features the records are those of the five-argument constructor.
     *
     * @param features features per observation, 0 for none
     */
    public SyntheticStreams(
            long seed, int keys, int dim, String namespace, long startTs, int features) {
        if (keys < 1 || dim < 1) {
            throw new IllegalArgumentException(
                    "keys and dim must be positive, got " + keys + " and " + dim);
        }
        if (features < 0) {
            throw new IllegalArgumentException("features must not be negative, got " + features);
        }
        this.features = features;
        this.random = new SplittableRandom(seed);
        this.keys = keys;
        this.dim = dim;
        this.namespace = namespace;
        this.startTs = startTs;
        this.successProbability = new double[keys];
        SplittableRandom perKey = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        for (int k = 0; k < keys; k++) {
            successProbability[k] = 0.05 + 0.9 * perKey.nextDouble();
        }
    }

    /** The name of key {@code k}. */
    public static String keyName(int k) {
        return String.format("key-%02d", k);
    }

    /** The true success probability of key {@code k}, which its posterior should approach. */
    public double successProbability(int k) {
        return successProbability[k];
    }

    /**
     * Observation {@code i}: a random key, value 1 with that key's probability, else 0, and the
     * features.
     */
    public Observation observation(long i) {
        int k = random.nextInt(keys);
        double value = random.nextDouble() < successProbability[k] ? 1.0 : 0.0;
        List<Double> drawn = new ArrayList<>(features);
        for (int f = 0; f < features; f++) {
            drawn.add(random.nextDouble());
        }
        return Observation.newBuilder()
                .setId("obs-" + i)
                .setKey(keyName(k))
                .setTs(Instant.ofEpochMilli(startTs + i))
                .setValue(value)
                .setFeatures(drawn)
                .build();
    }

    /** Vector {@code i}: an upsert of a uniform random point in [0, 1)^dim. */
    public VectorEvent vector(long i) {
        return VectorEvent.newBuilder()
                .setId("vec-" + i)
                .setNamespace(namespace)
                .setTs(Instant.ofEpochMilli(startTs + i))
                .setVector(point())
                .build();
    }

    /** Query {@code i}: the 10 nearest neighbours of a uniform random point. */
    public QueryEvent query(long i) {
        return QueryEvent.newBuilder()
                .setId("query-" + i)
                .setNamespace(namespace)
                .setTs(Instant.ofEpochMilli(startTs + i))
                .setVector(point())
                .build();
    }

    private List<Float> point() {
        List<Float> vector = new ArrayList<>(dim);
        for (int d = 0; d < dim; d++) {
            vector.add((float) random.nextDouble());
        }
        return vector;
    }
}
