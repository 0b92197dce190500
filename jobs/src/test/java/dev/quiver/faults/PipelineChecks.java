package dev.quiver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.DecodeException;
import dev.quiver.io.Topics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.WalkSummary;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reads the pipeline's result topics (read_committed) after a {@link PipelineWorkload} run and
 * checks them against its oracles: exactly one posterior update per observation and each key's last
 * posterior equal to the closed form; exactly one walk summary per triggering observation; exactly
 * one match per query, equal to brute force; no dead letters. Failures list the first ten missing
 * or duplicated ids.
 *
 * <pre>{@code
 * PipelineChecks.verify(cluster.bootstrap(), workload, Duration.ofMinutes(10));
 * }</pre>
 */
public final class PipelineChecks {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineChecks.class);

    /**
     * Relative tolerance on a reported squared distance: the job sums {@value
     * PipelineWorkload#DIMENSION} float products in float (relative error below d * 2^-24 = 5e-7
     * for d = 8), the oracle in double; 1e-5 leaves a margin of 20 and is far below the gap between
     * distinct neighbours of random points.
     */
    static final double DISTANCE_RELATIVE_TOLERANCE = 1e-5;

    /** Time to keep reading after every expected result arrived: three checkpoints' worth. */
    private static final Duration GRACE = Duration.ofSeconds(6);

    private PipelineChecks() {}

    /** Runs every check; {@code timeout} bounds the wait for each result topic. */
    public static void verify(String bootstrap, PipelineWorkload w, Duration timeout) {
        long start = System.nanoTime();
        verifyPosteriors(bootstrap, w, timeout);
        verifyWalks(bootstrap, w, timeout);
        verifyMatches(bootstrap, w, timeout);
        verifyNoDeadLetters(bootstrap);
        LOG.info("all checks passed in {} s", (System.nanoTime() - start) / 1_000_000_000);
    }

    static void verifyPosteriors(String bootstrap, PipelineWorkload w, Duration timeout) {
        AvroSingleObjectCodec<PosteriorUpdate> codec =
                AvroSingleObjectCodec.of(PosteriorUpdate.class);
        int n = w.observationCount();
        int[] counts = new int[n];
        int[] distinct = {0};
        double[][] last = new double[PipelineWorkload.KEYS][]; // n, alpha, beta
        List<String> unexpected = new ArrayList<>();
        long read =
                CommittedReader.readUntil(
                        bootstrap,
                        Topics.POSTERIORS,
                        r -> {
                            PosteriorUpdate u = decode(codec, r);
                            int i = index(u.getId(), 'o', n);
                            if (i < 0) {
                                unexpected.add(u.getKey() + "/" + u.getId());
                                return;
                            }
                            if (counts[i]++ == 0) {
                                distinct[0]++;
                            }
                            int key = Integer.parseInt(u.getKey().substring(1));
                            if (last[key] == null || last[key][0] < u.getN()) {
                                last[key] =
                                        new double[] {
                                            u.getN(),
                                            u.getParams().get("alpha"),
                                            u.getParams().get("beta")
                                        };
                            }
                        },
                        () -> distinct[0] == n,
                        GRACE,
                        timeout);
        LOG.info("posteriors: {} read, {} distinct observations of {}", read, distinct[0], n);
        assertThat(unexpected).as("posterior updates of unknown observations").isEmpty();
        assertExactlyOnce("posterior updates", 'o', counts, i -> true);
        double[][] closedForm = w.closedFormPosteriors();
        for (int key = 0; key < PipelineWorkload.KEYS; key++) {
            assertThat(new double[] {last[key][1], last[key][2]})
                    .as("final Beta posterior (alpha, beta) of key k" + key)
                    .containsExactly(closedForm[key]);
        }
        LOG.info("posteriors: every key's final (alpha, beta) equals the closed form");
    }

    static void verifyWalks(String bootstrap, PipelineWorkload w, Duration timeout) {
        AvroSingleObjectCodec<WalkSummary> codec = AvroSingleObjectCodec.of(WalkSummary.class);
        int n = w.observationCount();
        int expected = (int) IntStream.range(0, n).filter(PipelineWorkload::triggersWalk).count();
        int[] counts = new int[n];
        int[] distinct = {0};
        List<String> unexpected = new ArrayList<>();
        long read =
                CommittedReader.readUntil(
                        bootstrap,
                        Topics.WALKS,
                        r -> {
                            WalkSummary s = decode(codec, r);
                            int i = index(s.getId(), 'o', n);
                            if (i < 0 || !PipelineWorkload.triggersWalk(i)) {
                                unexpected.add(s.getKey() + "/" + s.getId());
                                return;
                            }
                            if (counts[i]++ == 0) {
                                distinct[0]++;
                            }
                        },
                        () -> distinct[0] == expected,
                        GRACE,
                        timeout);
        LOG.info("walks: {} read, {} distinct triggers of {}", read, distinct[0], expected);
        assertThat(unexpected).as("walk summaries of observations that trigger none").isEmpty();
        assertExactlyOnce("walk summaries", 'o', counts, PipelineWorkload::triggersWalk);
    }

    static void verifyMatches(String bootstrap, PipelineWorkload w, Duration timeout) {
        AvroSingleObjectCodec<MatchResult> codec = AvroSingleObjectCodec.of(MatchResult.class);
        int q = w.queryCount();
        int[] counts = new int[q];
        int[] distinct = {0};
        MatchResult[] answers = new MatchResult[q];
        List<String> unexpected = new ArrayList<>();
        long read =
                CommittedReader.readUntil(
                        bootstrap,
                        Topics.MATCHES,
                        r -> {
                            MatchResult m = decode(codec, r);
                            int i = index(m.getQueryId(), 'q', q);
                            if (i < 0) {
                                unexpected.add(m.getQueryId());
                                return;
                            }
                            if (counts[i]++ == 0) {
                                distinct[0]++;
                                answers[i] = m;
                            }
                        },
                        () -> distinct[0] == q,
                        GRACE,
                        timeout);
        LOG.info("matches: {} read, {} distinct queries of {}", read, distinct[0], q);
        assertThat(unexpected).as("matches of unknown queries").isEmpty();
        assertExactlyOnce("matches", 'q', counts, i -> true);
        checkAgainstBruteForce(w, answers);
    }

    /**
     * Each answer against brute force over the vectors its namespace's index held: the job reads a
     * namespace's vectors from one Kafka partition in publication order, and in arrival order a
     * query sees every vector processed before it, so an index of {@code indexSize} points holds
     * exactly the namespace's first {@code indexSize} vectors. The last answer of each namespace
     * must have seen all of them (the queries follow the vectors by minutes).
     */
    private static void checkAgainstBruteForce(PipelineWorkload w, MatchResult[] answers) {
        List<List<Integer>> byNamespace = new ArrayList<>();
        for (int ns = 0; ns < PipelineWorkload.NAMESPACES; ns++) {
            byNamespace.add(w.namespaceVectors(ns));
        }
        List<String> wrong =
                IntStream.range(0, answers.length)
                        .parallel()
                        .mapToObj(
                                q ->
                                        mismatch(
                                                w,
                                                q,
                                                answers[q],
                                                byNamespace.get(q % PipelineWorkload.NAMESPACES)))
                        .filter(m -> m != null)
                        .limit(10)
                        .toList();
        assertThat(wrong).as("answers that differ from brute force (first 10)").isEmpty();
        long[] largestIndex = new long[PipelineWorkload.NAMESPACES];
        for (int q = answers.length - PipelineWorkload.NAMESPACES; q < answers.length; q++) {
            largestIndex[q % PipelineWorkload.NAMESPACES] = answers[q].getIndexSize();
        }
        long[] vectorsPerNamespace = byNamespace.stream().mapToLong(List::size).toArray();
        assertThat(largestIndex)
                .as("index size at each namespace's last query: every vector indexed")
                .containsExactly(vectorsPerNamespace);
        LOG.info(
                "matches: all {} answers equal brute force over their namespace's indexed vectors"
                        + " (k={}, d={}); last index sizes {}",
                answers.length,
                PipelineWorkload.K,
                PipelineWorkload.DIMENSION,
                Arrays.toString(largestIndex));
    }

    private static String mismatch(
            PipelineWorkload w, int q, MatchResult answer, List<Integer> vectors) {
        int size = (int) answer.getIndexSize();
        if (size > vectors.size()) {
            return "q" + q + ": index size " + size + " > " + vectors.size() + " vectors";
        }
        float[] query = w.query(q);
        int k = Math.min(PipelineWorkload.K, size);
        // The k smallest distances, ascending, by insertion: no sort of all of them.
        double[] best = new double[k];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int p = 0; p < size; p++) {
            double dist = sqDist(query, w.vector(vectors.get(p)));
            if (k > 0 && dist < best[k - 1]) {
                int r = k - 1;
                while (r > 0 && best[r - 1] > dist) {
                    best[r] = best[r - 1];
                    r--;
                }
                best[r] = dist;
            }
        }
        if (answer.getNeighbors().size() != k) {
            return "q" + q + ": " + answer.getNeighbors().size() + " neighbours, expected " + k;
        }
        int ns = q % PipelineWorkload.NAMESPACES;
        for (int r = 0; r < k; r++) {
            var neighbor = answer.getNeighbors().get(r);
            int j = index(neighbor.getId(), 'v', w.vectorCount());
            // Namespace ns holds vectors ns, ns + NAMESPACES, ...: position j / NAMESPACES.
            if (j < 0
                    || j % PipelineWorkload.NAMESPACES != ns
                    || j / PipelineWorkload.NAMESPACES >= size) {
                return "q"
                        + q
                        + ": neighbour "
                        + neighbor.getId()
                        + " is not among the first "
                        + size
                        + " vectors of its namespace";
            }
            double exact = sqDist(query, w.vector(j));
            if (!close(neighbor.getDistance(), exact) || !close(neighbor.getDistance(), best[r])) {
                return "q"
                        + q
                        + " rank "
                        + r
                        + ": "
                        + neighbor.getId()
                        + " at "
                        + neighbor.getDistance()
                        + ", its true distance "
                        + exact
                        + ", brute-force rank-"
                        + r
                        + " distance "
                        + best[r];
            }
        }
        return null;
    }

    private static boolean close(double reported, double exact) {
        return Math.abs(reported - exact) <= DISTANCE_RELATIVE_TOLERANCE * Math.max(exact, 1e-12);
    }

    private static double sqDist(float[] a, float[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            double diff = (double) a[d] - b[d];
            sum += diff * diff;
        }
        return sum;
    }

    static void verifyNoDeadLetters(String bootstrap) {
        AvroSingleObjectCodec<DeadLetter> codec = AvroSingleObjectCodec.of(DeadLetter.class);
        List<String> reasons = new ArrayList<>();
        CommittedReader.readToEnd(
                bootstrap,
                Topics.DEAD_LETTER,
                r -> {
                    DeadLetter d = decode(codec, r);
                    reasons.add(
                            d.getSource()
                                    + "/"
                                    + d.getPartition()
                                    + "@"
                                    + d.getOffset()
                                    + ": "
                                    + d.getReason());
                },
                Duration.ofMinutes(2));
        LOG.info("dead letters: {}", reasons.size());
        assertThat(reasons).as("dead letters of a run without bad input").isEmpty();
    }

    /** Fails listing the first ten missing and duplicated ids among those {@code expected}. */
    static void assertExactlyOnce(
            String what, char prefix, int[] counts, java.util.function.IntPredicate expected) {
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        int missingCount = 0;
        int duplicatedCount = 0;
        for (int i = 0; i < counts.length; i++) {
            if (!expected.test(i)) {
                continue;
            }
            if (counts[i] == 0 && missingCount++ < 10) {
                missing.add(prefix + "" + i);
            }
            if (counts[i] > 1 && duplicatedCount++ < 10) {
                duplicated.add(prefix + "" + i + " x" + counts[i]);
            }
        }
        assertThat(missingCount + duplicatedCount)
                .as(
                        "%s: %d inputs without one, first %s; %d with several, first %s",
                        what, missingCount, missing, duplicatedCount, duplicated)
                .isZero();
    }

    /** The number in an id {@code <prefix><n>} with {@code 0 <= n < limit}, or -1. */
    static int index(String id, char prefix, int limit) {
        if (id == null || id.length() < 2 || id.charAt(0) != prefix) {
            return -1;
        }
        try {
            int i = Integer.parseInt(id.substring(1));
            return i < limit ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static <T extends org.apache.avro.specific.SpecificRecord> T decode(
            AvroSingleObjectCodec<T> codec, ConsumerRecord<byte[], byte[]> r) {
        try {
            return codec.decode(r.value());
        } catch (DecodeException e) {
            throw new AssertionError(
                    r.topic()
                            + "/"
                            + r.partition()
                            + "@"
                            + r.offset()
                            + " is not a "
                            + codec.type().getSimpleName(),
                    e);
        }
    }
}
