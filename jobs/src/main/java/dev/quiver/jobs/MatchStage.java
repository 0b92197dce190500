package dev.quiver.jobs;

import dev.quiver.io.Topics;
import dev.quiver.io.Traced;
import dev.quiver.knn.KnnMetric;
import dev.quiver.knn.MatchOptions;
import dev.quiver.knn.flink.MatchFunction;
import dev.quiver.knn.flink.QueryEventValidator;
import dev.quiver.knn.flink.VectorEventValidator;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The match stage: vectors and queries in, one {@code MatchResult} per valid query out, against a
 * per-namespace kd-tree index that grows and shrinks with the vector stream. Holds the family's
 * options as a picocli mixin; {@link JobRegistry#MATCH} makes it {@code quiver run match} and the
 * main class {@link MatchJob}.
 *
 * <pre>{@code
 * quiver run match --vectors vectors.ndjson --queries queries.ndjson --output matches.ndjson
 * }</pre>
 */
public final class MatchStage implements Stage {

    /** The description of each of the match stage's topics. */
    private static final String DEFAULT_TOPIC = "Default: ${DEFAULT-VALUE}.";

    @Option(
            names = "--vectors",
            paramLabel = "FILE",
            description = "Vectors from this NDJSON file (with --queries).")
    Path vectorsFile;

    @Option(
            names = "--queries",
            paramLabel = "FILE",
            description = "Queries from this NDJSON file (with --vectors).")
    Path queriesFile;

    @Option(
            names = "--order",
            defaultValue = "arrival",
            description =
                    "arrival: a query sees every vector processed before it (lowest latency);"
                            + " event-time: a query at time t sees exactly the vectors up to t"
                            + " (deterministic). Default: ${DEFAULT-VALUE}.")
    String order;

    @Option(
            names = "--max-out-of-orderness-ms",
            defaultValue = "1000",
            description =
                    "Watermark delay behind the largest event time seen (default:"
                            + " ${DEFAULT-VALUE}).")
    long maxOutOfOrdernessMs;

    @Option(
            names = "--idle-timeout-ms",
            defaultValue = "5000",
            description =
                    "A source partition without records this long stops holding the watermark back"
                            + " (default: ${DEFAULT-VALUE}).")
    long idleTimeoutMs;

    @Option(
            names = "--ttl",
            defaultValue = "0",
            converter = DurationConverter.class,
            description =
                    "Points expire this long after their event time, e.g. 10m; 0 never (default).")
    long ttlMs;

    @Option(
            names = "--max-points",
            defaultValue = "0",
            description = "Most points per namespace, oldest evicted; 0 no limit (default).")
    int maxPoints;

    @Option(
            names = "--metric",
            defaultValue = "squared-l2",
            description = "squared-l2, l2 or cosine (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(
            names = "--search",
            defaultValue = "auto",
            description = "auto, tree or brute (default: ${DEFAULT-VALUE}).")
    String search;

    @Option(
            names = "--brute-force-min-dimension",
            defaultValue = "" + MatchOptions.DEFAULT_BRUTE_FORCE_MIN_DIMENSION,
            description =
                    "With --search auto, brute force from this dimension on (default:"
                            + " ${DEFAULT-VALUE}).")
    int bruteForceMinDimension;

    @Option(
            names = "--batch-size",
            defaultValue = "64",
            description = "Queries per brute-force batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--batch-timeout-ms",
            defaultValue = "10",
            description = "Longest a query waits for its batch (default: ${DEFAULT-VALUE}).")
    long batchTimeoutMs;

    @Option(
            names = "--max-checks",
            defaultValue = "0",
            description =
                    "Approximate kNN by best-bin-first, examining at most this many points; 0 exact"
                            + " (default).")
    int maxChecks;

    @Option(
            names = "--ratio",
            defaultValue = "0.8",
            description = "Lowe's ratio for MATCH queries (default: ${DEFAULT-VALUE}).")
    float ratio;

    @Option(
            names = "--backend",
            defaultValue = "nd4j-cpu",
            description =
                    "Brute-force compute backend: nd4j-cpu or java (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(
            names = "--max-dimension",
            defaultValue = "4096",
            description = "Longest vector accepted (default: ${DEFAULT-VALUE}).")
    int maxDimension;

    final TopicOption vectorsTopic =
            TopicOption.described("--vectors-topic", Topics.VECTORS, DEFAULT_TOPIC);

    final TopicOption queriesTopic =
            TopicOption.described("--queries-topic", Topics.QUERIES, DEFAULT_TOPIC);

    final TopicOption matchesTopic =
            TopicOption.described("--matches-topic", Topics.MATCHES, DEFAULT_TOPIC);

    @Override
    public List<TopicOption> topics() {
        return List.of(vectorsTopic, queriesTopic, matchesTopic);
    }

    @Override
    public Map<String, Path> fileInputs() {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("--vectors", vectorsFile);
        files.put("--queries", queriesFile);
        return files;
    }

    @Override
    public void check() {
        options();
    }

    /** The operator's options from the command line; messages name the bad option. */
    MatchOptions options() {
        return MatchOptions.builder()
                .metric(KnnMetric.fromOptionName(metric))
                .order(parse(MatchOptions.Order.class, "--order", order))
                .ttlMs(ttlMs)
                .maxPoints(maxPoints)
                .batchSize(batchSize)
                .batchTimeoutMs(batchTimeoutMs)
                .search(parse(MatchOptions.Search.class, "--search", search))
                .bruteForceMinDimension(bruteForceMinDimension)
                .maxChecks(maxChecks)
                .ratio(ratio)
                .backend(backend)
                .maxDimension(maxDimension)
                .build();
    }

    /**
     * Adds the match stage: decode vectors and queries, assign event time, match by namespace,
     * write results; dead letters go to the context.
     */
    @Override
    public void addTo(StageContext context) {
        MatchOptions options = options();
        SingleOutputStreamOperator<Traced<VectorEvent>> vectors =
                context.decode(
                        context.source(vectorsTopic.topic(), vectorsFile),
                        VectorEvent.class,
                        new VectorEventValidator(options.metric(), options.maxDimension()),
                        "decode vectors",
                        "match-decode-vectors");
        SingleOutputStreamOperator<Traced<QueryEvent>> queries =
                context.decode(
                        context.source(queriesTopic.topic(), queriesFile),
                        QueryEvent.class,
                        new QueryEventValidator(options.metric(), options.maxDimension()),
                        "decode queries",
                        "match-decode-queries");
        SingleOutputStreamOperator<MatchResult> matches =
                vectors.assignTimestampsAndWatermarks(this.<VectorEvent>watermarks())
                        .uid("match-vector-watermarks")
                        .connect(
                                queries.assignTimestampsAndWatermarks(this.<QueryEvent>watermarks())
                                        .uid("match-query-watermarks"))
                        .keyBy(v -> v.record.getNamespace(), q -> q.record.getNamespace())
                        .process(new MatchFunction(options))
                        .returns(MatchResult.class)
                        .name("match")
                        // The kd-trees' points live in this operator's state: a savepoint finds
                        // them by uid after an upgrade.
                        .uid("match");
        context.io()
                .sink(matches, MatchResult.class, matchesTopic.topic(), MatchResult::getNamespace);
        context.collectDeadLetters(vectors, queries, matches);
    }

    /** Event time from the record's ts, bounded out-of-orderness, idle partitions skipped. */
    private <T> WatermarkStrategy<Traced<T>> watermarks() {
        WatermarkStrategy<Traced<T>> strategy =
                WatermarkStrategy.<Traced<T>>forBoundedOutOfOrderness(
                                Duration.ofMillis(maxOutOfOrdernessMs))
                        .withTimestampAssigner(
                                (traced, previous) ->
                                        traced.record instanceof VectorEvent v
                                                ? v.getTs().toEpochMilli()
                                                : ((QueryEvent) traced.record)
                                                        .getTs()
                                                        .toEpochMilli());
        return idleTimeoutMs > 0
                ? strategy.withIdleness(Duration.ofMillis(idleTimeoutMs))
                : strategy;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    option
                            + " must be one of "
                            + java.util.Arrays.stream(type.getEnumConstants())
                                    .map(
                                            c ->
                                                    c.name()
                                                            .toLowerCase(java.util.Locale.ROOT)
                                                            .replace('_', '-'))
                                    .toList()
                            + ", got '"
                            + value
                            + "'");
        }
    }
}
