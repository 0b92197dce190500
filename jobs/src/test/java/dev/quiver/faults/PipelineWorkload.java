package dev.quiver.faults;

import dev.quiver.faults.SteadyPublisher.Outgoing;
import dev.quiver.faults.SteadyPublisher.RecordSource;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.Topics;
import dev.quiver.schema.Observation;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the fault tests publish to the whole pipeline, and its oracles. Observation {@code i} has id
 * {@code o<i>}, key {@code k<i mod keys>} and a Bernoulli value (each key its own success
 * probability); vector {@code j} has id {@code v<j>} in namespace {@code ns<j mod namespaces>};
 * query {@code q} has id {@code q<q>} in namespace {@code ns<q mod namespaces>}. Every value and
 * component is drawn up front from one seed, so the oracles know them: the Beta(1, 1)-Bernoulli
 * posterior of each key in closed form, which observations trigger a walk, and each namespace's
 * vectors in the order its (single) Kafka partition holds them.
 *
 * <pre>{@code
 * PipelineWorkload w = new PipelineWorkload(1_000_000, 20_000, 180_000, 20261127L);
 * SteadyPublisher.start("observations", bootstrap, 4000, w.observations(), Map.of());
 * }</pre>
 */
public final class PipelineWorkload {

    /** Observation keys. */
    public static final int KEYS = 1000;

    /** Vector and query namespaces. */
    public static final int NAMESPACES = 4;

    /** Vector dimension. */
    public static final int DIMENSION = 8;

    /** Neighbours asked for by each query. */
    public static final int K = 5;

    /** The pipeline's walk stage simulates every this-many-th observation of a key. */
    public static final int WALK_EVERY = 100;

    /**
     * Two trees over three features, for the pipeline's score stage in the fault tests: it answers
     * every observation with three features; only its answers matter, not what it models.
     */
    static final String TREE_MODEL =
            """
            {"format": "quiver-ensemble", "version": 1, "type": "trees", "features": 3,
             "base_margin": 0.5,
             "trees": [{"feature": 0, "threshold": 0.5, "missing": "left",
                        "left": {"feature": 1, "threshold": 0.3, "missing": "right",
                                 "left": {"leaf": -1.25}, "right": {"leaf": 0.75}},
                        "right": {"leaf": 2}},
                       {"feature": 2, "threshold": 0.6, "missing": "left",
                        "left": {"leaf": 0.125}, "right": {"leaf": -0.5}}]}
            """;

    private static final AvroSingleObjectCodec<Observation> OBSERVATIONS =
            AvroSingleObjectCodec.of(Observation.class);
    private static final AvroSingleObjectCodec<VectorEvent> VECTORS =
            AvroSingleObjectCodec.of(VectorEvent.class);
    private static final AvroSingleObjectCodec<QueryEvent> QUERIES =
            AvroSingleObjectCodec.of(QueryEvent.class);

    private final int observations;
    private final BitSet successes;
    private final float[][] vectors;
    private final float[][] queries;

    /** Draws every value from {@code seed}. */
    public PipelineWorkload(int observations, int vectors, int queries, long seed) {
        this.observations = observations;
        SplittableRandom random = new SplittableRandom(seed);
        SplittableRandom values = random.split();
        this.successes = new BitSet(observations);
        for (int i = 0; i < observations; i++) {
            int key = i % KEYS;
            double p = 0.1 + 0.8 * key / KEYS;
            successes.set(i, values.nextDouble() < p);
        }
        this.vectors = points(random.split(), vectors);
        this.queries = points(random.split(), queries);
    }

    private static float[][] points(SplittableRandom random, int n) {
        float[][] points = new float[n][DIMENSION];
        for (float[] p : points) {
            for (int d = 0; d < DIMENSION; d++) {
                p[d] = (float) random.nextDouble();
            }
        }
        return points;
    }

    /** Number of observations. */
    public int observationCount() {
        return observations;
    }

    /** Number of vectors. */
    public int vectorCount() {
        return vectors.length;
    }

    /** Number of queries. */
    public int queryCount() {
        return queries.length;
    }

    /** Whether observation {@code i} is a success (value 1). */
    public boolean success(int i) {
        return successes.get(i);
    }

    /**
     * The closed-form Beta(1 + successes, 1 + failures) posterior of every key: [key][alpha, beta].
     */
    public double[][] closedFormPosteriors() {
        double[][] alphaBeta = new double[KEYS][];
        for (int key = 0; key < KEYS; key++) {
            alphaBeta[key] = new double[] {1, 1};
        }
        for (int i = 0; i < observations; i++) {
            alphaBeta[i % KEYS][successes.get(i) ? 0 : 1]++;
        }
        return alphaBeta;
    }

    /**
     * Whether observation {@code i} triggers a walk: the walk stage numbers each key's observations
     * from 0 in arrival order (its Kafka partition's order) and simulates numbers 0, 100, 200, ...
     */
    public static boolean triggersWalk(int i) {
        return (i / KEYS) % WALK_EVERY == 0;
    }

    /** Vector {@code j}'s components. */
    public float[] vector(int j) {
        return vectors[j];
    }

    /** Query {@code q}'s components. */
    public float[] query(int q) {
        return queries[q];
    }

    /** The global indices of namespace {@code ns}'s vectors, in publication order. */
    public List<Integer> namespaceVectors(int ns) {
        List<Integer> ids = new ArrayList<>();
        for (int j = ns; j < vectors.length; j += NAMESPACES) {
            ids.add(j);
        }
        return ids;
    }

    /** The observations, each stamped with the time it is published. */
    public RecordSource observations() {
        return i -> {
            if (i >= observations) {
                return null;
            }
            int n = (int) i;
            Observation o =
                    Observation.newBuilder()
                            .setId("o" + n)
                            .setKey("k" + (n % KEYS))
                            .setTs(Instant.now())
                            .setValue(successes.get(n) ? 1.0 : 0.0)
                            .build();
            return new Outgoing(
                    Topics.OBSERVATIONS, bytes(o.getKey()), OBSERVATIONS.encode(o), o.getId());
        };
    }

    /** Every vector, then every query, each stamped with the time it is published. */
    public RecordSource vectorsThenQueries() {
        return i -> {
            if (i < vectors.length) {
                int j = (int) i;
                VectorEvent v =
                        VectorEvent.newBuilder()
                                .setId("v" + j)
                                .setNamespace(namespace(j))
                                .setTs(Instant.now())
                                .setVector(boxed(vectors[j]))
                                .build();
                return new Outgoing(
                        Topics.VECTORS, bytes(v.getNamespace()), VECTORS.encode(v), v.getId());
            }
            if (i < vectors.length + queries.length) {
                int q = (int) (i - vectors.length);
                QueryEvent query =
                        QueryEvent.newBuilder()
                                .setId("q" + q)
                                .setNamespace(namespace(q))
                                .setTs(Instant.now())
                                .setVector(boxed(queries[q]))
                                .setK(K)
                                .build();
                return new Outgoing(
                        Topics.QUERIES,
                        bytes(query.getNamespace()),
                        QUERIES.encode(query),
                        query.getId());
            }
            return null;
        };
    }

    /** The namespace of vector or query number {@code n}. */
    public static String namespace(int n) {
        return "ns" + (n % NAMESPACES);
    }

    static List<Float> boxed(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
