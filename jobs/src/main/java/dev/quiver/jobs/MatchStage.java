package dev.quiver.jobs;

import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordValidator;
import dev.quiver.io.Topics;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.LateInInputFunction;
import dev.quiver.knn.KnnMetric;
import dev.quiver.knn.MatchOptions;
import dev.quiver.knn.flink.MatchFunction;
import dev.quiver.knn.flink.QueryEventValidator;
import dev.quiver.knn.flink.VectorEventValidator;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

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

    final FileOption vectorsFile =
            FileOption.input("--vectors", "Vectors from this NDJSON file (with --queries).");

    final FileOption queriesFile =
            FileOption.input("--queries", "Queries from this NDJSON file (with --vectors).");

    @Mixin WatermarkOptions watermarks;

    @Option(
            names = "--order",
            description =
                    "arrival: a query sees every vector processed before it (lowest latency; the"
                            + " default with Kafka); event-time: a query at time t sees exactly the"
                            + " vectors up to t (deterministic). Files are always read in"
                            + " event-time order: two files have no arrival order that a run"
                            + " could repeat.")
    String order;

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
                    "Brute-force compute backend: auto, cuda, nd4j-cpu or java (default:"
                            + " ${DEFAULT-VALUE}).")
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
            TopicOption.describedResult("--matches-topic", Topics.MATCHES, DEFAULT_TOPIC);

    @Override
    public List<TopicOption> topics() {
        return List.of(vectorsTopic, queriesTopic, matchesTopic);
    }

    @Override
    public List<FileOption> files() {
        return List.of(vectorsFile, queriesFile);
    }

    @Override
    public void check() {
        watermarks.checkNotNegative();
        options();
    }

    /** The operator's options from the command line; messages name the bad option. */
    MatchOptions options() {
        return MatchOptions.builder()
                .metric(KnnMetric.fromOptionName(metric))
                .order(order())
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
     * The order queries are answered in: as given, else arrival with Kafka and event time with
     * files, where arrival is refused.
     */
    private MatchOptions.Order order() {
        boolean files = vectorsFile.file() != null || queriesFile.file() != null;
        if (order == null) {
            return files ? MatchOptions.Order.EVENT_TIME : MatchOptions.Order.ARRIVAL;
        }
        MatchOptions.Order given = parse(MatchOptions.Order.class, "--order", order);
        if (files && given == MatchOptions.Order.ARRIVAL) {
            throw new IllegalArgumentException(
                    "--order arrival needs Kafka: two files have no arrival order that a run could"
                            + " repeat, so files are read in event-time order");
        }
        return given;
    }

    /**
     * Adds the match stage: decode vectors and queries, assign event time, match by namespace,
     * write results; dead letters go to the context.
     */
    @Override
    public void addTo(StageContext context) {
        MatchOptions options = options();
        SingleOutputStreamOperator<Traced<VectorEvent>> vectors =
                timed(
                        context,
                        context.source(vectorsTopic.topic(), vectorsFile.file()),
                        VectorEvent.class,
                        new VectorEventValidator(options.metric(), options.maxDimension()),
                        "vector");
        SingleOutputStreamOperator<Traced<QueryEvent>> queries =
                timed(
                        context,
                        context.source(queriesTopic.topic(), queriesFile.file()),
                        QueryEvent.class,
                        new QueryEventValidator(options.metric(), options.maxDimension()),
                        "query");
        SingleOutputStreamOperator<MatchResult> matches =
                vectors.connect(queries)
                        .keyBy(v -> v.record.getNamespace(), q -> q.record.getNamespace())
                        .process(new MatchFunction(options))
                        .returns(MatchResult.class)
                        .name("match")
                        // The kd-trees' points live in this operator's state: a savepoint finds
                        // them by uid after an upgrade.
                        .uid("match");
        context.io()
                .sink(matches, MatchResult.class, matchesTopic.topic(), MatchResult::getNamespace);
        context.collectDeadLetters(matches);
    }

    /**
     * One input decoded and given event time and watermarks; its dead letters go to the context.
     * A file is decoded by its one reader in the file's order, and a line late within its own file
     * is a dead letter there, so that no line is judged late by the pace at which the two files
     * happen to be read, and no reader is ever idle (the end of a file ends its watermarks).
     */
    private <T extends SpecificRecord> SingleOutputStreamOperator<Traced<T>> timed(
            StageContext context,
            DataStream<RawRecord> raw,
            Class<T> type,
            RecordValidator<T> validator,
            String what) {
        String plural = what.equals("query") ? "queries" : what + "s";
        SingleOutputStreamOperator<Traced<T>> decoded =
                context.decode(raw, type, validator, "decode " + plural, "match-decode-" + plural);
        context.collectDeadLetters(decoded);
        SerializableTimestampAssigner<Traced<T>> eventTime = MatchStage::eventTime;
        if (context.usesKafka()) {
            return decoded.assignTimestampsAndWatermarks(watermarks.strategy(eventTime))
                    .uid("match-" + what + "-watermarks");
        }
        decoded.setParallelism(raw.getParallelism());
        SingleOutputStreamOperator<Traced<T>> inOrder =
                decoded.process(
                                new LateInInputFunction<>(
                                        watermarks.maxOutOfOrdernessMs(), eventTime))
                        .returns(decoded.getType())
                        .name("late " + plural)
                        .uid("match-late-" + plural)
                        .setParallelism(raw.getParallelism());
        context.collectDeadLetters(inOrder);
        // Without idleness: a file's one reader is never idle, the file's end ends its watermarks.
        return inOrder.assignTimestampsAndWatermarks(watermarks.strategyWithoutIdleness(eventTime))
                .uid("match-" + what + "-watermarks")
                .setParallelism(raw.getParallelism());
    }

    /** A vector's or query's ts, its event time. */
    private static <T> long eventTime(Traced<T> traced, long previous) {
        return traced.record instanceof VectorEvent v
                ? v.getTs().toEpochMilli()
                : ((QueryEvent) traced.record).getTs().toEpochMilli();
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
