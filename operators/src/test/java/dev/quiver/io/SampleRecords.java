package dev.quiver.io;

import dev.quiver.schema.ChangePoint;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.HistogramBin;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Neighbor;
import dev.quiver.schema.Observation;
import dev.quiver.schema.ParameterEstimate;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.QueryMode;
import dev.quiver.schema.Score;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.VectorOp;
import dev.quiver.schema.WalkSummary;

import org.apache.avro.specific.SpecificRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixed records of every Quiver type: a populated one (NaN features, maps, nested arrays, every
 * optional field set) and a sparse one (nulls in unions, empty arrays and maps). Golden bytes are
 * written from {@link #populated}: change it only together with them.
 */
public final class SampleRecords {
    public static final Instant TS = Instant.ofEpochMilli(1_700_000_000_000L);

    private SampleRecords() {}

    /** Every sample, populated and sparse, of all nine types. */
    public static List<SpecificRecord> all() {
        List<SpecificRecord> all = new ArrayList<>();
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            all.add(populated(type));
            all.add(sparse(type));
        }
        return all;
    }

    public static SpecificRecord populated(Class<? extends SpecificRecord> type) {
        if (type == VectorEvent.class) {
            return VectorEvent.newBuilder()
                    .setId("v-1")
                    .setNamespace("products")
                    .setTs(TS)
                    .setOp(VectorOp.UPSERT)
                    .setVector(List.of(0.25f, -1.5f, Float.NaN, 3.0e-7f))
                    .setAttributes(map("color", "red", "size", "L"))
                    .build();
        }
        if (type == QueryEvent.class) {
            return QueryEvent.newBuilder()
                    .setId("q-1")
                    .setNamespace("products")
                    .setTs(TS)
                    .setVector(List.of(0.1f, 0.2f, -0.3f))
                    .setK(5)
                    .setRadius(2.5f)
                    .setMode(QueryMode.RADIUS)
                    .build();
        }
        if (type == Observation.class) {
            return Observation.newBuilder()
                    .setId("obs-1")
                    .setKey("ad-7")
                    .setTs(TS)
                    .setValue(1.0)
                    .setFeatures(List.of(0.5, Double.NaN, -2.25, 1e-300))
                    .setLabel(1.0)
                    .setCategory("sports")
                    .build();
        }
        if (type == PosteriorUpdate.class) {
            return PosteriorUpdate.newBuilder()
                    .setKey("ad-7")
                    .setId("obs-1")
                    .setTs(TS)
                    .setModel("beta-bernoulli")
                    .setN(12.0)
                    .setParams(map("alpha", 3.0, "beta", 11.0))
                    .setMean(3.0 / 14.0)
                    .setVariance(0.011224489795918367)
                    .setCiLow(0.0466)
                    .setCiHigh(0.4545)
                    .setMle(0.16666666666666666)
                    .setMap(0.16666666666666666)
                    .setLatencyMs(3L)
                    .setParameters(
                            List.of(
                                    new ParameterEstimate("mu", 0.2, 0.01, 0.0, 0.4, 0.25, 0.2),
                                    new ParameterEstimate(
                                            "p[red]", 0.5, 0.02, 0.2, 0.8, null, null)))
                    .setLogPredictive(-0.6931471805599453)
                    .setLogScore(-7.25)
                    .setChangepoint(new ChangePoint(12L, 0.03, 5, 1e-12))
                    .setScope("key")
                    .build();
        }
        if (type == MatchResult.class) {
            return MatchResult.newBuilder()
                    .setQueryId("q-1")
                    .setNamespace("products")
                    .setTs(TS)
                    .setMode(QueryMode.MATCH)
                    .setNeighbors(List.of(new Neighbor("v-1", 0.5), new Neighbor("v-2", 1.25)))
                    .setMatched("v-1")
                    .setExact(true)
                    .setIndexSize(1000L)
                    .setLatencyMs(2L)
                    .build();
        }
        if (type == WalkSummary.class) {
            return WalkSummary.newBuilder()
                    .setKey("sensor-3")
                    .setId("obs-9")
                    .setTs(TS)
                    .setSteps(100L)
                    .setPaths(10_000L)
                    .setMean(0.12)
                    .setVariance(99.5)
                    .setQuantiles(map("0.05", -16.4, "0.5", 0.0, "0.95", 16.4))
                    .setHistogram(List.of(new HistogramBin(-2.0, 10L), new HistogramBin(0.0, 50L)))
                    .setHitProbability(0.25)
                    .setExact(map("mean", 0.0, "variance", 100.0))
                    .setSimulated(map("mean", 0.12, "variance", 99.5))
                    .setZScores(map("mean", 1.2, "variance", -0.35))
                    .setSeed("job=1;key=sensor-3;trigger=obs-9")
                    .setLatencyMs(40L)
                    .build();
        }
        if (type == Score.class) {
            return Score.newBuilder()
                    .setId("obs-1")
                    .setKey("ad-7")
                    .setTs(TS)
                    .setModelId("ctr")
                    .setModelVersion(4L)
                    .setMargin(List.of(0.3, -1.2))
                    .setProbabilities(List.of(0.4, 0.6))
                    .setPrediction(1.0)
                    .setLatencyMs(1L)
                    .build();
        }
        if (type == ModelUpdate.class) {
            return ModelUpdate.newBuilder()
                    .setModelId("ctr")
                    .setVersion(4L)
                    .setFormat("xgboost-ubj")
                    .setPayload(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xFF, '{', '\n'}))
                    .setTs(TS)
                    .build();
        }
        if (type == DeadLetter.class) {
            return DeadLetter.newBuilder()
                    .setSource("quiver.observations")
                    .setPartition(3)
                    .setOffset(12_345L)
                    .setReason("unknown field 'foo'")
                    .setPayload(
                            ByteBuffer.wrap("{\"foo\":1}\n\u00e9".getBytes(StandardCharsets.UTF_8)))
                    .setTs(TS)
                    .build();
        }
        throw new IllegalArgumentException("no sample for " + type);
    }

    /**
     * What the golden message of {@code type} written with schema {@code version} decodes to: the
     * populated sample, with the fields added after that version at their defaults.
     */
    public static SpecificRecord populated(Class<? extends SpecificRecord> type, int version) {
        SpecificRecord current = populated(type);
        if (type == PosteriorUpdate.class && version == 1) {
            return PosteriorUpdate.newBuilder((PosteriorUpdate) current)
                    .setParameters(List.of())
                    .setLogPredictive(null)
                    .setLogScore(null)
                    .setChangepoint(null)
                    .setScope("key")
                    .build();
        }
        if (type == WalkSummary.class && version == 1) {
            return WalkSummary.newBuilder((WalkSummary) current)
                    .setSimulated(Map.of())
                    .setZScores(Map.of())
                    .build();
        }
        return current;
    }

    public static SpecificRecord sparse(Class<? extends SpecificRecord> type) {
        if (type == VectorEvent.class) {
            return VectorEvent.newBuilder()
                    .setId("v-1")
                    .setTs(TS)
                    .setOp(VectorOp.DELETE)
                    .setVector(List.of())
                    .build();
        }
        if (type == QueryEvent.class) {
            return QueryEvent.newBuilder().setId("q-2").setTs(TS).setVector(List.of(1f)).build();
        }
        if (type == Observation.class) {
            return Observation.newBuilder().setKey("").setTs(Instant.EPOCH).setValue(-0.0).build();
        }
        if (type == PosteriorUpdate.class) {
            return PosteriorUpdate.newBuilder()
                    .setKey("k")
                    .setTs(TS)
                    .setModel("gamma-poisson")
                    .setN(0.0)
                    .setParams(Map.of())
                    .setMean(Double.NaN)
                    .setVariance(Double.NaN)
                    .setCiLow(Double.NaN)
                    .setCiHigh(Double.NaN)
                    .setLatencyMs(0L)
                    .build();
        }
        if (type == MatchResult.class) {
            return MatchResult.newBuilder()
                    .setQueryId("q-2")
                    .setNamespace("default")
                    .setTs(TS)
                    .setMode(QueryMode.KNN)
                    .setNeighbors(List.of())
                    .setExact(false)
                    .setIndexSize(0L)
                    .setLatencyMs(0L)
                    .build();
        }
        if (type == WalkSummary.class) {
            return WalkSummary.newBuilder()
                    .setKey("k")
                    .setTs(TS)
                    .setSteps(0L)
                    .setPaths(0L)
                    .setMean(0.0)
                    .setVariance(0.0)
                    .setQuantiles(Map.of())
                    .setHistogram(List.of())
                    .setSeed("")
                    .setLatencyMs(Long.MAX_VALUE)
                    .build();
        }
        if (type == Score.class) {
            return Score.newBuilder()
                    .setKey("k")
                    .setTs(TS)
                    .setModelId("m")
                    .setModelVersion(Long.MIN_VALUE)
                    .setMargin(List.of(Double.NaN))
                    .setPrediction(Double.NaN)
                    .setLatencyMs(0L)
                    .build();
        }
        if (type == ModelUpdate.class) {
            return ModelUpdate.newBuilder()
                    .setModelId("m")
                    .setVersion(0L)
                    .setFormat("quiver-ensemble")
                    .setPayload(ByteBuffer.wrap(new byte[0]))
                    .setTs(TS)
                    .build();
        }
        if (type == DeadLetter.class) {
            return DeadLetter.newBuilder()
                    .setSource("file:/tmp/in.ndjson")
                    .setPartition(-1)
                    .setOffset(1L)
                    .setReason("")
                    .setPayload(ByteBuffer.wrap(new byte[0]))
                    .setTs(TS)
                    .build();
        }
        throw new IllegalArgumentException("no sample for " + type);
    }

    private static <V> Map<String, V> map(Object... keysAndValues) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            V value = (V) keysAndValues[i + 1];
            map.put((String) keysAndValues[i], value);
        }
        return map;
    }

    /**
     * Asserts two records hold the same values, field by field. Avro's generated {@code equals}
     * compares primitive doubles with {@code ==}, so a record holding NaN never equals itself; here
     * doubles and floats compare exactly, with NaN equal to NaN.
     */
    public static void assertSameRecord(Object actual, Object expected) {
        org.assertj.core.api.Assertions.assertThat(actual)
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .withComparatorForType(Float::compare, Float.class)
                .isEqualTo(expected);
    }
}
