package dev.quiver.io.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordFormat;
import dev.quiver.io.Traced;
import dev.quiver.knn.KnnMetric;
import dev.quiver.knn.MatchOptions;
import dev.quiver.knn.flink.MatchFunction;
import dev.quiver.knn.flink.QueryEventValidator;
import dev.quiver.knn.flink.VectorEventValidator;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.VectorOp;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shared operator metrics, read through an in-memory reporter from a real job on Flink's
 * MiniCluster: decode stages and the match operator count exactly the events, results and dead
 * letters sent, record one latency per result, and report their backend and index size.
 */
class OperatorMetricsTest {

    private static final TypeInformation<RawRecord> RAW = TypeInformation.of(RawRecord.class);

    @Test
    void decodeAndMatchCountWhatTheyReceiveEmitAndReject() throws Exception {
        NdjsonCodec<VectorEvent> vectorCodec = NdjsonCodec.of(VectorEvent.class);
        List<RawRecord> vectors = new ArrayList<>();
        vectors.add(raw("vectors", vectorCodec.encode(upsert("a", 0, 0))));
        vectors.add(raw("vectors", vectorCodec.encode(upsert("b", 1, 1))));
        vectors.add(raw("vectors", "not json"));
        vectors.add(raw("vectors", vectorCodec.encode(upsert("c", 2, 2))));
        vectors.add(raw("vectors", vectorCodec.encode(upsert("a", 3, 3))));
        vectors.add(raw("vectors", vectorCodec.encode(delete("c"))));
        vectors.add(raw("vectors", "{\"id\": 1}"));
        // Three components in a namespace of two: a dead letter of the match operator.
        vectors.add(
                raw(
                        "vectors",
                        vectorCodec.encode(
                                VectorEvent.newBuilder(upsert("d", 4, 4))
                                        .setVector(List.of(1f, 2f, 3f))
                                        .build())));
        NdjsonCodec<QueryEvent> queryCodec = NdjsonCodec.of(QueryEvent.class);
        List<RawRecord> queries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queries.add(raw("queries", queryCodec.encode(query("q" + i, i))));
        }
        queries.add(raw("queries", "\u0000\u0001"));

        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        JobID job = run(reporter, vectors, queries);

        Map<String, Metric> decodeVectors = operatorMetrics(reporter, job, "decode vectors");
        assertThat(count(decodeVectors, OperatorMetrics.EVENTS_IN)).isEqualTo(8);
        assertThat(count(decodeVectors, OperatorMetrics.EVENTS_OUT)).isEqualTo(6);
        assertThat(count(decodeVectors, OperatorMetrics.DEAD_LETTERS)).isEqualTo(2);
        assertThat(latencies(decodeVectors)).isEqualTo(6);
        assertThat(gauge(decodeVectors, OperatorMetrics.BACKEND)).isEqualTo("java");

        Map<String, Metric> decodeQueries = operatorMetrics(reporter, job, "decode queries");
        assertThat(count(decodeQueries, OperatorMetrics.EVENTS_IN)).isEqualTo(4);
        assertThat(count(decodeQueries, OperatorMetrics.EVENTS_OUT)).isEqualTo(3);
        assertThat(count(decodeQueries, OperatorMetrics.DEAD_LETTERS)).isEqualTo(1);

        Map<String, Metric> match = operatorMetrics(reporter, job, "match");
        assertThat(count(match, OperatorMetrics.EVENTS_IN)).isEqualTo(6 + 3);
        assertThat(count(match, OperatorMetrics.EVENTS_OUT)).isEqualTo(3);
        assertThat(count(match, OperatorMetrics.DEAD_LETTERS)).isEqualTo(1);
        assertThat(latencies(match)).isEqualTo(3);
        assertThat(gauge(match, OperatorMetrics.BACKEND)).isEqualTo("nd4j-cpu");
        // a and b; c was deleted and d rejected.
        assertThat(gauge(match, OperatorMetrics.INDEX_SIZE)).isEqualTo(2L);
        // On the CPU nothing falls back and no device memory is held.
        assertThat(gauge(match, OperatorMetrics.BACKEND_FALLBACKS)).isEqualTo(0L);
        assertThat(gauge(match, OperatorMetrics.DEVICE_MEMORY)).isEqualTo(0L);
        assertThat((Long) gauge(match, OperatorMetrics.BACKEND_BATCHES)).isNotNegative();
        assertThat(reporter.findMetrics(job, OperatorMetrics.BACKEND_GROUP).keySet())
                .anySatisfy(id -> assertThat(id).contains("match").contains("nd4j-cpu"));
    }

    private static JobID run(
            InMemoryReporter reporter, List<RawRecord> vectors, List<RawRecord> queries)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        reporter.addToConfiguration(new Configuration()));
        // One subtask per operator, so the order of the vectors (and the index) is fixed.
        env.setParallelism(1);
        MatchOptions options =
                MatchOptions.builder().search(MatchOptions.Search.BRUTE).batchSize(1).build();
        SingleOutputStreamOperator<Traced<VectorEvent>> decodedVectors =
                env.fromData(vectors, RAW)
                        .process(
                                DecodeFunction.traced(
                                        VectorEvent.class,
                                        RecordFormat.NDJSON,
                                        1 << 20,
                                        new VectorEventValidator(KnnMetric.SQUARED_L2, 16)))
                        .returns(new TypeHint<Traced<VectorEvent>>() {})
                        .name("decode vectors");
        SingleOutputStreamOperator<Traced<QueryEvent>> decodedQueries =
                env.fromData(queries, RAW)
                        .process(
                                DecodeFunction.traced(
                                        QueryEvent.class,
                                        RecordFormat.NDJSON,
                                        1 << 20,
                                        new QueryEventValidator(KnnMetric.SQUARED_L2, 16)))
                        .returns(new TypeHint<Traced<QueryEvent>>() {})
                        .name("decode queries");
        DataStream<MatchResult> results =
                decodedVectors
                        .connect(decodedQueries)
                        .keyBy(v -> v.record.getNamespace(), q -> q.record.getNamespace())
                        .process(new MatchFunction(options))
                        .returns(MatchResult.class)
                        .name("match");
        results.sinkTo(new DiscardingSink<>());
        return env.executeAsync("operator metrics").getJobExecutionResult().get().getJobID();
    }

    private static Map<String, Metric> operatorMetrics(
            InMemoryReporter reporter, JobID job, String operator) {
        List<OperatorMetricGroup> groups = reporter.findOperatorMetricGroups(job, operator);
        assertThat(groups).as("metric groups of %s", operator).hasSize(1);
        return reporter.getMetricsByGroup(groups.get(0));
    }

    private static long count(Map<String, Metric> metrics, String name) {
        assertThat(metrics).containsKey(name);
        return ((Counter) metrics.get(name)).getCount();
    }

    private static long latencies(Map<String, Metric> metrics) {
        assertThat(metrics).containsKey(OperatorMetrics.LATENCY);
        return ((Histogram) metrics.get(OperatorMetrics.LATENCY)).getCount();
    }

    private static Object gauge(Map<String, Metric> metrics, String name) {
        assertThat(metrics).containsKey(name);
        return ((Gauge<?>) metrics.get(name)).getValue();
    }

    private static RawRecord raw(String source, String line) {
        return RawRecord.of(source, 0, 0, line.getBytes(StandardCharsets.UTF_8));
    }

    private static VectorEvent upsert(String id, float x, long ts) {
        return VectorEvent.newBuilder()
                .setId(id)
                .setNamespace("n")
                .setTs(Instant.ofEpochMilli(ts))
                .setVector(List.of(x, x))
                .build();
    }

    private static VectorEvent delete(String id) {
        return VectorEvent.newBuilder()
                .setId(id)
                .setNamespace("n")
                .setTs(Instant.ofEpochMilli(5))
                .setOp(VectorOp.DELETE)
                .setVector(List.of())
                .build();
    }

    private static QueryEvent query(String id, long ts) {
        return QueryEvent.newBuilder()
                .setId(id)
                .setNamespace("n")
                .setTs(Instant.ofEpochMilli(ts))
                .setVector(List.of(0.5f, 0.5f))
                .setK(1)
                .build();
    }
}
