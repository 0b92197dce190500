package dev.quiver.ensemble.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.ModelFormatException;
import dev.quiver.ensemble.Oracles;
import dev.quiver.ensemble.ScoreBuffer;
import dev.quiver.ensemble.TreeEnsemble;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.InputEnd;
import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordFormat;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.BatchPolicy;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.MicroBatchBroadcastOperator;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.Score;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;

import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The score operator under Flink's broadcast test harness, against the kernel scoring directly. */
class ScoreFunctionTest {

    private static byte[] json;
    private static byte[] ubj;
    private static double[][] rows;
    private static TreeEnsemble direct;

    @BeforeAll
    static void read() throws IOException {
        json = Oracles.bytes("xgb_bc_binary.json");
        ubj = Oracles.bytes("xgb_bc_binary.ubj");
        rows = Oracles.csv("breast_cancer_test_with_nan.csv", 30);
        direct = EnsembleModels.fromXgboost(json);
    }

    private static final AvroSingleObjectCodec<ModelUpdate> UPDATES =
            AvroSingleObjectCodec.of(ModelUpdate.class);

    /** The models input of a job started with an empty models topic. */
    private static final ModelsInput EMPTY_AT_START =
            new ModelsInput(RecordFormat.AVRO, 1 << 20, InputEnd.none(), 100);

    private static ScoreFunction function(ModelUpdate initial) {
        return new ScoreFunction("churn", initial, EMPTY_AT_START);
    }

    private static BroadcastOperatorTestHarness<Traced<Observation>, RawRecord, Score>
            harness(ScoreFunction function, int subtask) throws Exception {
        return new BroadcastOperatorTestHarness<>(
                new MicroBatchBroadcastOperator<>(function, List.of(ScoreFunction.MODELS)),
                4,
                2,
                subtask);
    }

    private static Traced<Observation> observation(int i, double[] features) {
        List<Double> list = new ArrayList<>();
        for (double f : features) {
            list.add(f);
        }
        Observation observation =
                Observation.newBuilder()
                        .setId("o" + i)
                        .setKey("k" + (i % 3))
                        .setTs(Instant.ofEpochMilli(1000L + i))
                        .setValue(0)
                        .setFeatures(list)
                        .build();
        return Traced.of(observation, RawRecord.of("obs", 0, i, new byte[] {(byte) i}));
    }

    /** Version {@code version} of churn as the models topic holds it, at offset {@code version}. */
    private static RawRecord update(long version, byte[] bytes) {
        return raw(
                ScoreFunction.update("churn", version, bytes, Instant.ofEpochMilli(version)),
                0,
                version);
    }

    private static RawRecord raw(ModelUpdate update, int partition, long offset) {
        return RawRecord.of("models", partition, offset, UPDATES.encode(update));
    }

    private static double expected(int row) {
        ScoreBuffer out = direct.newBuffer(1);
        float[] x = new float[30];
        for (int f = 0; f < 30; f++) {
            x[f] = (float) rows[row][f];
        }
        direct.score(x, 1, 30, out);
        return out.prediction(0);
    }

    private static List<String> reasons(
            BroadcastOperatorTestHarness<Traced<Observation>, RawRecord, Score> h) {
        List<String> reasons = new ArrayList<>();
        if (h.getSideOutput(DeadLetters.TAG) == null) {
            return reasons; // the harness has no queue until something is sent to the side output
        }
        for (StreamRecord<DeadLetter> dead : h.getSideOutput(DeadLetters.TAG)) {
            reasons.add(dead.getValue().getReason());
        }
        return reasons;
    }

    @Test
    void scoresWithTheInitialModelThenSwapsToANewVersion() throws Exception {
        ScoreFunction function = function(ScoreFunction.update("churn", 0, json, Instant.EPOCH));
        try (var h = harness(function, 0)) {
            h.open();
            for (int i = 0; i < 10; i++) {
                h.processElement(observation(i, rows[i]), i);
            }
            // The same trees in UBJSON as version 1, then a different model as version 2: the
            // first tree of the breast-cancer model alone, written as inline trees.
            h.processBroadcastElement(update(1, ubj), 10);
            for (int i = 10; i < 20; i++) {
                h.processElement(observation(i, rows[i]), i);
            }
            h.processBroadcastElement(update(2, stump()), 20);
            for (int i = 20; i < 30; i++) {
                h.processElement(observation(i, rows[i]), i);
            }
            List<Score> scores = h.extractOutputValues();
            assertThat(scores).hasSize(30);
            for (int i = 0; i < 30; i++) {
                Score score = scores.get(i);
                assertThat(score.getId()).isEqualTo("o" + i);
                assertThat(score.getModelId()).isEqualTo("churn");
                assertThat(score.getModelVersion()).isEqualTo(i < 10 ? 0 : i < 20 ? 1 : 2);
                double x7 = (float) rows[i][7];
                double stumpMargin = Double.isNaN(x7) || x7 < 0.05f ? 0.5 : -0.5;
                double stumpP = 1.0 / (1.0 + Math.exp(-stumpMargin));
                assertThat(score.getPrediction()).isEqualTo(i < 20 ? expected(i) : stumpP);
                assertThat(score.getProbabilities()).hasSize(2);
                assertThat(score.getMargin()).hasSize(1);
            }
            assertThat(reasons(h)).isEmpty();
        }
    }

    /**
     * Rows wait in batches across keys, yet each is scored with the version in use when it arrived:
     * a new version flushes the waiting rows first. Every batch size gives the unbatched scores in
     * the same order, and the rows still waiting are flushed before the checkpoint barrier.
     */
    @Test
    void batchesScoreEachRowWithTheVersionItArrivedUnderAsUnbatched() throws Exception {
        List<Score> unbatched = swapRun(BatchPolicy.UNBATCHED, 30);
        assertThat(unbatched).hasSize(30);
        assertThat(unbatched).extracting(Score::getModelVersion).contains(0L, 1L, 2L);
        for (int size : new int[] {7, 1000}) {
            assertThat(withoutLatency(swapRun(new BatchPolicy(size, 3_600_000), size == 7 ? 27 : 20)))
                    .as("batch size %d", size)
                    .isEqualTo(withoutLatency(unbatched));
        }
    }

    /**
     * Versions 0, 1 (the same trees) and 2 (a stump), ten rows each and a row of the wrong width
     * (a dead letter) among them; {@code beforeBarrier} scores must be out before the barrier.
     */
    private static List<Score> swapRun(BatchPolicy policy, int beforeBarrier) throws Exception {
        ScoreFunction function =
                new ScoreFunction(
                        "churn",
                        ScoreFunction.update("churn", 0, json, Instant.EPOCH),
                        EMPTY_AT_START,
                        policy);
        try (var h = harness(function, 0)) {
            h.open();
            for (int i = 0; i < 30; i++) {
                if (i == 10) {
                    h.processBroadcastElement(update(1, ubj), i);
                }
                if (i == 20) {
                    h.processBroadcastElement(update(2, stump()), i);
                }
                if (i == 15) {
                    h.processElement(observation(99, new double[] {1, 2}), i);
                }
                h.processElement(observation(i, rows[i]), i);
            }
            assertThat(h.extractOutputValues()).hasSize(beforeBarrier);
            h.prepareSnapshotPreBarrier(1L);
            assertThat(reasons(h)).singleElement().asString().contains("takes 30 features, got 2");
            return h.extractOutputValues();
        }
    }

    private static List<Score> withoutLatency(List<Score> scores) {
        List<Score> copies = new ArrayList<>();
        for (Score s : scores) {
            Score copy = Score.newBuilder(s).build();
            copy.setLatencyMs(0L);
            copies.add(copy);
        }
        return copies;
    }

    @Test
    void badUpdatesAreDeadLettersAndTheModelInUseStays() throws Exception {
        ScoreFunction function = function(ScoreFunction.update("churn", 0, json, Instant.EPOCH));
        try (var h = harness(function, 0)) {
            h.open();
            h.processBroadcastElement(update(1, Arrays.copyOf(ubj, 5000)), 1);
            h.processBroadcastElement(update(0, ubj), 2);
            ModelUpdate unknown = ScoreFunction.update("churn", 3, json, Instant.EPOCH);
            unknown.setFormat("onnx");
            h.processBroadcastElement(raw(unknown, 0, 3), 3);
            h.processBroadcastElement(
                    raw(ScoreFunction.update("other", 9, new byte[] {1}, Instant.EPOCH), 0, 4), 4);
            h.processBroadcastElement(RawRecord.of("models", 0, 5, new byte[] {1, 2}), 5);
            h.processElement(observation(0, rows[0]), 6);
            assertThat(reasons(h))
                    .satisfiesExactly(
                            r -> assertThat(r).contains("version 1").contains("truncated"),
                            r -> assertThat(r).contains("version 0 is not newer than version 0"),
                            r -> assertThat(r).contains("unknown model format 'onnx'"),
                            r -> assertThat(r).contains("not Avro single-object encoding"));
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(s -> assertThat(s.getModelVersion()).isZero())
                    .satisfies(s -> assertThat(s.getPrediction()).isEqualTo(expected(0)));
        }
    }

    @Test
    void onlySubtaskZeroReportsABadUpdate() throws Exception {
        ScoreFunction function = function(ScoreFunction.update("churn", 0, json, Instant.EPOCH));
        try (var h = harness(function, 1)) {
            h.open();
            h.processBroadcastElement(update(1, new byte[] {'{'}), 1);
            assertThat(reasons(h)).isEmpty();
        }
    }

    @Test
    void mismatchedOrMissingFeaturesAreDeadLetters() throws Exception {
        byte[] noMissingRule =
                ("{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"trees\","
                                + " \"features\": 2, \"trees\": [{\"feature\": 0, \"threshold\": 1,"
                                + " \"left\": {\"leaf\": 1}, \"right\": {\"leaf\": 2}}]}")
                        .getBytes(StandardCharsets.UTF_8);
        try (var h = harness(function(null), 0)) {
            h.open();
            h.processElement(observation(0, new double[] {0.5, 1}), 0);
            h.processBroadcastElement(update(1, noMissingRule), 1);
            h.processElement(observation(1, new double[] {0.5, 1, 2}), 2);
            h.processElement(observation(2, new double[] {Double.NaN, 1}), 3);
            h.processElement(observation(3, new double[] {3, Double.NaN}), 4);
            assertThat(reasons(h))
                    .satisfiesExactly(
                            r -> assertThat(r).contains("no model 'churn' has been published"),
                            r -> assertThat(r).contains("takes 2 features, got 3"),
                            r -> assertThat(r).contains("feature 0 is NaN"),
                            r -> assertThat(r).contains("feature 1 is NaN"));
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void theModelInUseIsRestoredFromACheckpoint() throws Exception {
        OperatorSubtaskState snapshot;
        ModelUpdate initial = ScoreFunction.update("churn", 0, json, Instant.EPOCH);
        try (var h = harness(function(initial), 0)) {
            h.open();
            h.processBroadcastElement(update(7, ubj), 1);
            snapshot = h.snapshot(1L, 2L);
        }
        try (var h = harness(function(initial), 0)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processElement(observation(5, rows[5]), 3);
            h.processBroadcastElement(update(6, json), 4);
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(s -> assertThat(s.getModelVersion()).isEqualTo(7))
                    .satisfies(s -> assertThat(s.getPrediction()).isEqualTo(expected(5)));
            assertThat(reasons(h)).singleElement().asString().contains("not newer than version 7");
        }
    }

    /** The inline single-tree model on feature 7, whose predictions differ from the oracle's. */
    private static byte[] stump() {
        return ("{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"trees\","
                        + " \"objective\": \"binary:logistic\", \"features\": 30,"
                        + " \"trees\": [{\"feature\": 7, \"threshold\": 0.05,"
                        + " \"missing\": \"left\", \"left\": {\"leaf\": 0.5},"
                        + " \"right\": {\"leaf\": -0.5}}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static ScoreFunction waitingFor(Map<Integer, Long> endAtStart, int maxHeld) {
        return new ScoreFunction(
                "churn",
                null,
                new ModelsInput(RecordFormat.AVRO, 1 << 20, InputEnd.of(endAtStart), maxHeld));
    }

    @Test
    void observationsWaitUntilTheModelsInputIsReadToItsEndAtStart() throws Exception {
        try (var h = harness(waitingFor(Map.of(0, 2L, 1, 0L), 100), 0)) {
            h.open();
            h.processElement(observation(0, rows[0]), 0);
            h.processElement(observation(1, rows[1]), 1);
            h.processBroadcastElement(
                    raw(ScoreFunction.update("churn", 1, ubj, Instant.EPOCH), 0, 0), 2);
            // Undecodable, and then another model's update: both count as read.
            h.processBroadcastElement(RawRecord.of("models", 0, 1, new byte[] {1, 2}), 3);
            h.processElement(observation(2, rows[2]), 4);
            h.processBroadcastElement(
                    raw(ScoreFunction.update("churn", 2, stump(), Instant.EPOCH), 1, 0), 5);
            assertThat(h.extractOutputValues()).as("partition 0 not read to offset 2").isEmpty();
            h.processBroadcastElement(
                    raw(ScoreFunction.update("other", 9, json, Instant.EPOCH), 0, 2), 6);
            h.processElement(observation(3, rows[3]), 7);

            assertThat(h.extractOutputValues())
                    .extracting(Score::getId, Score::getModelVersion)
                    .containsExactly(
                            tuple("o0", 2L), tuple("o1", 2L), tuple("o2", 2L), tuple("o3", 2L));
            assertThat(reasons(h)).singleElement().asString().contains("not Avro");
        }
    }

    @Test
    void observationsBeyondTheBoundOfHeldOnesAreDeadLetters() throws Exception {
        try (var h = harness(waitingFor(Map.of(0, 0L), 2), 0)) {
            h.open();
            for (int i = 0; i < 3; i++) {
                h.processElement(observation(i, rows[i]), i);
            }
            assertThat(reasons(h))
                    .singleElement()
                    .asString()
                    .contains("not read yet up to where it ended at the start")
                    .contains("2 observations are held already");
            h.processBroadcastElement(
                    raw(ScoreFunction.update("churn", 1, json, Instant.EPOCH), 0, 0), 3);
            assertThat(h.extractOutputValues())
                    .extracting(Score::getId)
                    .containsExactly("o0", "o1");
        }
    }

    @Test
    void heldObservationsAndTheModelsReadSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(waitingFor(Map.of(0, 1L), 100), 0)) {
            h.open();
            h.processElement(observation(0, rows[0]), 0);
            h.processBroadcastElement(
                    raw(ScoreFunction.update("churn", 1, json, Instant.EPOCH), 0, 0), 1);
            snapshot = h.snapshot(1L, 2L);
            assertThat(h.extractOutputValues()).isEmpty();
        }
        // Restarted while offset 1 is still unread: o0 waits for it.
        try (var h = harness(waitingFor(Map.of(0, 1L), 100), 0)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processElement(observation(1, rows[1]), 2);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processBroadcastElement(
                    raw(ScoreFunction.update("churn", 2, stump(), Instant.EPOCH), 0, 1), 3);
            assertThat(h.extractOutputValues())
                    .extracting(Score::getId, Score::getModelVersion)
                    .containsExactly(tuple("o0", 2L), tuple("o1", 2L));
        }
        // Restarted where offset 0 was the end: what the checkpoint read counts, o0 goes first.
        try (var h = harness(waitingFor(Map.of(0, 0L), 100), 0)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processElement(observation(1, rows[1]), 2);
            assertThat(h.extractOutputValues())
                    .extracting(Score::getId, Score::getModelVersion)
                    .containsExactly(tuple("o0", 1L), tuple("o1", 1L));
            assertThat(h.extractOutputValues().get(0).getPrediction()).isEqualTo(expected(0));
        }
    }

    @Test
    void aSnapshotFromBeforeTheModelOffsetsWereKeptScoresAtOnce() throws Exception {
        // The operator as it was: the model in use in broadcast state, no offsets, nothing held.
        BroadcastProcessFunction<Traced<Observation>, RawRecord, Score> before =
                new BroadcastProcessFunction<>() {
                    @Override
                    public void processElement(
                            Traced<Observation> value, ReadOnlyContext ctx, Collector<Score> out) {}

                    @Override
                    public void processBroadcastElement(
                            RawRecord value, Context ctx, Collector<Score> out) throws Exception {
                        ctx.getBroadcastState(ScoreFunction.MODELS)
                                .put("churn", UPDATES.decode(value.payload));
                    }
                };
        OperatorSubtaskState snapshot;
        try (var h =
                new BroadcastOperatorTestHarness<>(
                        new CoBroadcastWithNonKeyedOperator<>(
                                before, List.of(ScoreFunction.MODELS)),
                        4,
                        2,
                        0)) {
            h.open();
            h.processBroadcastElement(update(4, json), 0);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(waitingFor(Map.of(0, 9L), 100), 0)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processElement(observation(0, rows[0]), 1);
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(s -> assertThat(s.getModelVersion()).isEqualTo(4));
        }
    }

    @Test
    void anInvalidInitialModelFailsAtConstruction() {
        assertThatThrownBy(
                        () ->
                                function(
                                        ScoreFunction.update(
                                                "churn", 0, new byte[] {'{'}, Instant.EPOCH)))
                .isInstanceOf(ModelFormatException.class);
    }
}
