package dev.quiver.cli;

import dev.quiver.compute.SquaredL2;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.Topics;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.Neighbor;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo's input: first a set of vectors, then observations (one in {@value #BAD_RECORD_EVERY}
 * deliberately broken) interleaved with kNN queries; and what a correct pipeline must answer for
 * them, computed independently: closed-form Beta posteriors and brute-force neighbours.
 *
 * <pre>{@code
 * DemoStream stream = new DemoStream(new SyntheticStreams(42, 50, 8, "default", now), 2000);
 * stream.publish(bootstrap, 20_000, 10.0);
 * }</pre>
 */
final class DemoStream {

    /** One observation in this many is deliberately broken, to show the dead-letter path. */
    static final int BAD_RECORD_EVERY = 200;

    /** One kNN query follows this many observations. */
    static final int QUERY_EVERY = 20;

    private final SyntheticStreams streams;
    private final int vectorCount;
    private final Map<String, double[]> successesFailures = new ConcurrentHashMap<>();
    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();
    private final Map<String, QueryEvent> queries = new ConcurrentHashMap<>();

    /** Opened when a match result shows the whole vector set indexed. */
    private final CountDownLatch indexComplete = new CountDownLatch(1);

    private volatile long published;
    private volatile long invalid;

    DemoStream(SyntheticStreams streams, int vectorCount) {
        this.streams = streams;
        this.vectorCount = vectorCount;
    }

    /**
     * Publishes the vectors, then {@code count} observations and their queries over about {@code
     * seconds}.
     */
    void publish(String bootstrap, long count, double seconds) {
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        try (RecordSender vectorSender =
                        new RecordSender(
                                KafkaClients.producer(bootstrap),
                                InputType.vector,
                                Topics.VECTORS);
                RecordSender querySender =
                        new RecordSender(
                                KafkaClients.producer(bootstrap), InputType.query, Topics.QUERIES);
                RecordSender observationSender =
                        new RecordSender(
                                KafkaClients.producer(bootstrap),
                                InputType.observation,
                                Topics.OBSERVATIONS)) {
            for (int i = 0; i < vectorCount; i++) {
                VectorEvent vector = streams.vector(i);
                vectorSender.send(vector);
                vectors.put(vector.getId(), toArray(vector.getVector()));
            }
            vectorSender.flush();
            awaitFullIndex(querySender);
            Pacer pacer = new Pacer(count / seconds);
            for (long i = 0; i < count; i++) {
                Observation observation = streams.observation(i);
                if (i % BAD_RECORD_EVERY == BAD_RECORD_EVERY - 1) {
                    observationSender.sendRaw(
                            observation.getKey().getBytes(StandardCharsets.UTF_8),
                            brokenRecord(i / BAD_RECORD_EVERY, observation, codec));
                    invalid++;
                } else {
                    observationSender.send(observation);
                    double[] counts =
                            successesFailures.computeIfAbsent(
                                    observation.getKey(), k -> new double[2]);
                    counts[observation.getValue() == 1.0 ? 0 : 1]++;
                }
                if (i % QUERY_EVERY == 0) {
                    QueryEvent query = streams.query(i);
                    querySender.send(query);
                    queries.put(query.getId(), query);
                }
                published = i + 1;
                pacer.await(i + 1);
            }
            observationSender.flush();
            querySender.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends probe queries until one is answered against every vector: the job reads the vector and
     * query topics side by side, so only then does every later query see the full index, and its
     * answer can be checked against brute force over all vectors.
     */
    private void awaitFullIndex(RecordSender querySender) throws InterruptedException {
        for (int probe = 0; probe < 120 && indexComplete.getCount() > 0; probe++) {
            QueryEvent query = streams.query(-1 - probe);
            query.setId("probe-" + probe);
            querySender.send(query);
            querySender.flush();
            queries.put(query.getId(), query);
            indexComplete.await(1, TimeUnit.SECONDS);
        }
    }

    /** Called by the reader of quiver.matches: a result answered against all vectors. */
    void sawMatch(MatchResult result) {
        if (result.getIndexSize() == vectorCount) {
            indexComplete.countDown();
        }
    }

    /** Cycles through the kinds of bad input a job must survive. */
    private static byte[] brokenRecord(
            long n, Observation observation, AvroSingleObjectCodec<Observation> codec) {
        return switch ((int) (n % 3)) {
            case 0 -> {
                observation.setValue(2.0);
                yield codec.encode(observation);
            }
            case 1 -> "this is not Avro".getBytes(StandardCharsets.UTF_8);
            default -> {
                byte[] bytes = codec.encode(observation);
                yield Arrays.copyOf(bytes, bytes.length / 2);
            }
        };
    }

    long published() {
        return published;
    }

    long invalidPublished() {
        return invalid;
    }

    long validPublished() {
        return published - invalid;
    }

    long queriesPublished() {
        return queries.size();
    }

    int vectorCount() {
        return vectorCount;
    }

    int keysSeen() {
        return successesFailures.size();
    }

    double trueProbability(String key) {
        return streams.successProbability(Integer.parseInt(key.substring(key.indexOf('-') + 1)));
    }

    /**
     * True when the update's Beta parameters equal Beta(1 + successes, 1 + failures) over
     * everything sent.
     */
    boolean matchesClosedForm(PosteriorUpdate update) {
        double[] counts = successesFailures.get(update.getKey());
        return counts != null
                && update.getParams().get("alpha") == 1 + counts[0]
                && update.getParams().get("beta") == 1 + counts[1];
    }

    /** True when the result lists exactly the brute-force neighbours over all vectors. */
    boolean matchesBruteForce(MatchResult result) {
        QueryEvent query = queries.get(result.getQueryId());
        float[] q = toArray(query.getVector());
        List<Neighbor> all = new ArrayList<>(vectors.size());
        vectors.forEach(
                (id, v) ->
                        all.add(
                                new Neighbor(
                                        id, (double) SquaredL2.distance(q, 0, v, 0, q.length))));
        all.sort(Comparator.comparingDouble(Neighbor::getDistance).thenComparing(Neighbor::getId));
        return result.getNeighbors().equals(all.subList(0, Math.min(query.getK(), all.size())));
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
