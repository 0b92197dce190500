package dev.quiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.ensemble.flink.ModelsInput;
import dev.quiver.ensemble.flink.ScoreFunction;
import dev.quiver.io.InputEnd;
import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordFormat;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.MicroBatchBroadcastOperator;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
import dev.quiver.io.flink.OperatorMetrics;
import dev.quiver.knn.MatchOptions;
import dev.quiver.knn.flink.MatchFunction;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.Observation;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.Score;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkOptions;
import dev.quiver.walk.flink.WalkFunction;
import dev.quiver.walk.flink.WalkStart;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The {@code backend} metric of the operators that compute through a backend, read from a real job
 * on Flink's MiniCluster: each reports the backend whose capability it really uses, given by name.
 * Match's brute force runs on the given backend's distances, {@code auto} resolved to the one it
 * chose; walk and score run on Java's walks and forests when the given backend (nd4j-cpu) has none
 * of its own.
 */
class OperatorBackendMetricsTest {

    private static final TypeInformation<Traced<VectorEvent>> VECTORS =
            new TypeHint<Traced<VectorEvent>>() {}.getTypeInfo();
    private static final TypeInformation<Traced<QueryEvent>> QUERIES =
            new TypeHint<Traced<QueryEvent>>() {}.getTypeInfo();
    private static final TypeInformation<Traced<Observation>> OBSERVATIONS =
            new TypeHint<Traced<Observation>>() {}.getTypeInfo();

    @Test
    void matchWalkAndScoreReportTheBackendTheyRunOn() throws Exception {
        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        reporter.addToConfiguration(new Configuration()));
        env.setParallelism(1);
        addMatch(env, "java", "match-java");
        addMatch(env, "auto", "match-auto");
        Traced<Observation> observation = traced(observation());
        env.fromData(List.of(WalkStart.of(observation)), TypeInformation.of(WalkStart.class))
                .keyBy(start -> start.observation.getKey())
                .transform(
                        "walk",
                        TypeInformation.of(WalkSummary.class),
                        new MicroBatchKeyedOperator<>(
                                new WalkFunction(
                                        new WalkOptions(
                                                WalkModel.simple(0.5),
                                                10,
                                                10,
                                                2,
                                                1L,
                                                1,
                                                0,
                                                1L << 20,
                                                64),
                                        "nd4j-cpu")))
                .name("walk")
                .sinkTo(new DiscardingSink<>());
        ModelsInput noModels = new ModelsInput(RecordFormat.AVRO, 1 << 20, InputEnd.none(), 10);
        env.fromData(List.of(observation), OBSERVATIONS)
                .connect(
                        env.fromData(List.of(raw("no model")), TypeInformation.of(RawRecord.class))
                                .broadcast())
                .transform(
                        "score",
                        TypeInformation.of(Score.class),
                        new MicroBatchBroadcastOperator<>(
                                new ScoreFunction("m", null, noModels, "nd4j-cpu"),
                                List.of(ScoreFunction.MODELS)))
                .name("score")
                .sinkTo(new DiscardingSink<>());
        JobID job = env.executeAsync("operator backends").getJobExecutionResult().get().getJobID();

        String auto = dev.quiver.compute.ComputeBackends.autoChoice();
        assertThat(backend(reporter, job, "match-java")).isEqualTo("java");
        assertThat(backend(reporter, job, "match-auto")).isEqualTo(auto);
        assertThat(backend(reporter, job, "walk")).isEqualTo("java");
        assertThat(backend(reporter, job, "score")).isEqualTo("java");
    }

    private static void addMatch(StreamExecutionEnvironment env, String backend, String name) {
        MatchOptions options =
                MatchOptions.builder()
                        .search(MatchOptions.Search.BRUTE)
                        .backend(backend)
                        .batchSize(1)
                        .build();
        VectorEvent vector =
                VectorEvent.newBuilder()
                        .setId("a")
                        .setNamespace("n")
                        .setTs(Instant.ofEpochMilli(1))
                        .setVector(List.of(1f, 2f))
                        .build();
        QueryEvent query =
                QueryEvent.newBuilder()
                        .setId("q")
                        .setNamespace("n")
                        .setTs(Instant.ofEpochMilli(2))
                        .setVector(List.of(0f, 0f))
                        .setK(1)
                        .build();
        env.fromData(List.of(traced(vector)), VECTORS)
                .connect(env.fromData(List.of(traced(query)), QUERIES))
                .keyBy(v -> v.record.getNamespace(), q -> q.record.getNamespace())
                .process(new MatchFunction(options))
                .returns(MatchResult.class)
                .name(name)
                .sinkTo(new DiscardingSink<>());
    }

    private static Object backend(InMemoryReporter reporter, JobID job, String operator) {
        List<OperatorMetricGroup> groups = reporter.findOperatorMetricGroups(job, operator);
        assertThat(groups).as("metric groups of %s", operator).hasSize(1);
        Map<String, Metric> metrics = reporter.getMetricsByGroup(groups.get(0));
        assertThat(metrics).as(operator).containsKey(OperatorMetrics.BACKEND);
        return ((Gauge<?>) metrics.get(OperatorMetrics.BACKEND)).getValue();
    }

    private static Observation observation() {
        return Observation.newBuilder()
                .setId("o")
                .setKey("k")
                .setTs(Instant.ofEpochMilli(1))
                .setValue(1.0)
                .build();
    }

    private static <T> Traced<T> traced(T record) {
        return Traced.of(record, raw(record.toString()));
    }

    private static RawRecord raw(String text) {
        return RawRecord.of("test", 0, 0, text.getBytes(StandardCharsets.UTF_8));
    }
}
