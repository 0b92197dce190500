package dev.quiver.walk.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.BatchPolicy;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
import dev.quiver.schema.HistogramBin;
import dev.quiver.schema.Observation;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.Simulations;
import dev.quiver.walk.WalkEstimate;
import dev.quiver.walk.WalkExact;
import dev.quiver.walk.WalkMemory;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkOptions;
import dev.quiver.walk.WalkResult;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The walk operator under Flink's test harness: triggers, reproducibility, snapshot and restore.
 */
class WalkFunctionTest {

    private static final WalkOptions EVERY =
            new WalkOptions(WalkModel.simple(0.5), 200, 500, 8, 42L, 1, 0, 1_000_000L, 64);

    private static final WalkOptions INTERVAL =
            new WalkOptions(WalkModel.gaussian(0, 1), 10, 10, Double.NaN, 1L, 1, 100, 1000L, 64);

    @Test
    void eachObservationSimulatesFromItsValueWithItsKeysSequence() throws Exception {
        try (var harness = harness(EVERY)) {
            harness.open();
            harness.processElement(start(observation("o1", "a", 100.0, 1000)), 0);
            harness.processElement(start(observation("o2", "b", -5.0, 1001)), 0);
            harness.processElement(start(observation("o3", "a", 102.0, 1002)), 0);
            List<WalkSummary> out = harness.extractOutputValues();
            assertThat(out).hasSize(3);
            WalkSummary third = out.get(2);
            assertThat(third.getKey()).isEqualTo("a");
            assertThat(third.getId()).isEqualTo("o3");
            assertThat(third.getSteps()).isEqualTo(200);
            assertThat(third.getPaths()).isEqualTo(500);
            assertThat(third.getSeed()).contains("seed=42", "key=a", "sequence=1");
            // The same simulation straight from the kernel: key "a", its second observation.
            WalkResult direct = Simulations.simulate(EVERY.spec(), 42L, "a", 1, 102.0);
            assertThat(third.getMean()).isEqualTo(direct.mean());
            assertThat(third.getVariance()).isEqualTo(direct.variance());
            assertThat(third.getHitProbability()).isEqualTo(direct.hitProbability());
            assertThat(third.getQuantiles()).containsEntry("0.5", direct.quantile(0.5));
            long paths = 0;
            for (HistogramBin bin : third.getHistogram()) {
                paths += bin.getCount();
                assertThat(bin.getPosition()).isBetween(102.0 - 200, 102.0 + 200);
            }
            assertThat(paths).isEqualTo(500);
            WalkExact exact = WalkExact.of(EVERY.spec());
            assertThat(third.getExact())
                    .containsEntry("mean", 102.0)
                    .containsEntry("variance", 200.0)
                    .containsEntry("hitProbability", exact.hitProbability());
            // Simulated beside exact, and the z-score of the difference, for every statistic
            // the kernel estimates; with 500 paths and a fixed seed none is beyond 3.29 (0.1%).
            for (WalkEstimate estimate : exact.estimates(direct)) {
                assertThat(third.getSimulated())
                        .containsEntry(estimate.name(), estimate.simulated());
                if (Double.isFinite(estimate.zScore())) {
                    assertThat(third.getZScores())
                            .containsEntry(estimate.name(), estimate.zScore());
                    assertThat(Math.abs(estimate.zScore())).isLessThan(3.29);
                }
            }
            assertThat(third.getZScores()).containsKeys("mean", "variance", "hitProbability");
            assertThat(out.get(1).getSeed()).contains("key=b", "sequence=0");
        }
    }

    @Test
    void countTriggerSimulatesEveryNthObservationOfAKey() throws Exception {
        WalkOptions everyThird =
                new WalkOptions(WalkModel.simple(0.5), 10, 10, Double.NaN, 1L, 3, 0, 1000L, 64);
        try (var harness = harness(everyThird)) {
            harness.open();
            for (int i = 0; i < 7; i++) {
                harness.processElement(start(observation("o" + i, "k", 0, 1000 + i)), 0);
            }
            assertThat(harness.extractOutputValues())
                    .extracting(WalkSummary::getId)
                    .containsExactly("o0", "o3", "o6");
        }
    }

    /**
     * Interval trigger: per key and 100 ms interval, the latest observation by event time (ties to
     * the later arrival) is simulated when the watermark closes the interval, so the last
     * observations of a key get their summary too; one behind a closed interval is a dead letter.
     */
    @Test
    void intervalTriggerSimulatesEachIntervalsLatestObservationWhenTheWatermarkClosesIt()
            throws Exception {
        try (var harness = harness(INTERVAL)) {
            harness.open();
            long[] times = {0, 50, 99, 120, 100, 150, 150, 250, 260};
            String[] keys = {"k", "k", "k", "k", "k", "k", "k", "k", "j"};
            for (int i = 0; i < times.length; i++) {
                harness.processElement(start(observation("o" + i, keys[i], i, times[i])), 0);
            }
            assertThat(harness.extractOutputValues()).isEmpty();
            harness.processWatermark(98);
            assertThat(harness.extractOutputValues()).isEmpty();
            harness.processWatermark(99);
            assertThat(harness.extractOutputValues())
                    .extracting(WalkSummary::getId)
                    .containsExactly("o2");
            // Interval [100, 200) is closed: o9 at 180 is late, o10 at 210 joins [200, 300).
            harness.processWatermark(199);
            harness.processElement(start(observation("o9", "k", 9, 180)), 0);
            harness.processElement(start(observation("o10", "k", 10, 210)), 0);
            // The final watermark of a bounded input closes every interval left.
            harness.processWatermark(Long.MAX_VALUE);
            List<WalkSummary> out = harness.extractOutputValues();
            // Timers fire in time order; keys with timers at the same time in any order.
            assertThat(out.subList(0, 2))
                    .extracting(WalkSummary::getId)
                    .containsExactly("o2", "o6");
            assertThat(out.subList(2, 4))
                    .extracting(WalkSummary::getId)
                    .containsExactlyInAnyOrder("o7", "o8");
            // o6 ties o5 at 150 and arrived later; o7 (250) beats o10 (210) in [200, 300).
            assertThat(out.get(1).getSeed()).contains("sequence=6");
            WalkSummary o7 = byId(out, "o7");
            assertThat(o7.getSeed()).contains("key=k", "sequence=7");
            assertThat(byId(out, "o8").getSeed()).contains("key=j", "sequence=0");
            WalkResult direct = Simulations.simulate(INTERVAL.spec(), 1L, "k", 7, 7.0);
            assertThat(o7.getMean()).isEqualTo(direct.mean());
            assertThat(o7.getTs()).isEqualTo(Instant.ofEpochMilli(250));
            assertThat(harness.getSideOutput(DeadLetters.TAG))
                    .singleElement()
                    .satisfies(
                            r ->
                                    assertThat(r.getValue().getReason())
                                            .isEqualTo(
                                                    "late observation: event time 180 is in the"
                                                            + " trigger interval ending at 199,"
                                                            + " already closed by the watermark"
                                                            + " 199"));
        }
    }

    /** Pending intervals and their timers are in the snapshot: a restore loses none. */
    @Test
    void intervalTriggerRestoresPendingIntervalsFromASnapshot() throws Exception {
        long[] times = {0, 40, 130, 170, 230, 310, 390, 420};
        List<WalkSummary> uninterrupted;
        try (var harness = harness(INTERVAL)) {
            harness.open();
            for (int i = 0; i < times.length; i++) {
                harness.processElement(start(observation("o" + i, "k", i, times[i])), 0);
                harness.processWatermark(times[i] - 50);
            }
            harness.processWatermark(Long.MAX_VALUE);
            uninterrupted = harness.extractOutputValues();
        }
        assertThat(uninterrupted)
                .extracting(WalkSummary::getId)
                .containsExactly("o1", "o3", "o4", "o6", "o7");
        OperatorSubtaskState snapshot;
        List<WalkSummary> resumed = new ArrayList<>();
        try (var before = harness(INTERVAL)) {
            before.open();
            for (int i = 0; i < 4; i++) {
                before.processElement(start(observation("o" + i, "k", i, times[i])), 0);
                before.processWatermark(times[i] - 50);
            }
            snapshot = before.snapshot(1L, 4L);
            resumed.addAll(before.extractOutputValues());
        }
        try (var after = harness(INTERVAL)) {
            after.initializeState(snapshot);
            after.open();
            // Watermarks are not in a checkpoint: the restored job starts without one.
            for (int i = 4; i < times.length; i++) {
                after.processElement(start(observation("o" + i, "k", i, times[i])), 0);
                after.processWatermark(times[i] - 50);
            }
            after.processWatermark(Long.MAX_VALUE);
            resumed.addAll(after.extractOutputValues());
        }
        assertThat(withoutLatency(resumed)).isEqualTo(withoutLatency(uninterrupted));
    }

    @Test
    void restoredStateContinuesExactlyLikeAnUninterruptedRun() throws Exception {
        List<Observation> stream = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 60; i++) {
            stream.add(
                    observation("o" + i, "k" + random.nextInt(4), random.nextInt(100), 1000 + i));
        }
        List<WalkSummary> uninterrupted;
        try (var harness = harness(EVERY)) {
            harness.open();
            for (Observation o : stream) {
                harness.processElement(start(o), 0);
            }
            uninterrupted = harness.extractOutputValues();
        }
        OperatorSubtaskState snapshot;
        List<WalkSummary> resumed = new ArrayList<>();
        try (var before = harness(EVERY)) {
            before.open();
            for (int i = 0; i < 35; i++) {
                before.processElement(start(stream.get(i)), 0);
            }
            snapshot = before.snapshot(1L, 35L);
            // Processed after the checkpoint, then lost in the failure: replayed below.
            before.processElement(start(stream.get(35)), 0);
            resumed.addAll(before.extractOutputValues().subList(0, 35));
        }
        try (var after = harness(EVERY)) {
            after.initializeState(snapshot);
            after.open();
            for (int i = 35; i < stream.size(); i++) {
                after.processElement(start(stream.get(i)), 0);
            }
            resumed.addAll(after.extractOutputValues());
        }
        assertThat(withoutLatency(resumed)).isEqualTo(withoutLatency(uninterrupted));
    }

    /**
     * Batches across keys and step laws (the job's, and learned ones that differ per observation)
     * give the summaries of an unbatched run, in the same order, whatever the batch size; a
     * snapshot taken at a barrier in the middle of a batch and restored continues exactly once.
     */
    @Test
    void batchedSimulationsEqualUnbatchedOnesInOrderAndRestoreExactlyOnce() throws Exception {
        WalkOptions options =
                new WalkOptions(WalkModel.simple(0.5), 30, 40, 4, 11L, 1, 0, 1_000_000L, 64);
        List<WalkStart> stream = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 50; i++) {
            Observation o =
                    observation("o" + i, "k" + random.nextInt(5), random.nextInt(50), 1000 + i);
            WalkStart start = start(o);
            if (i % 3 == 0) {
                start.setStepLaw(WalkModel.studentT(0.1 * (i % 4), 1.5, 4 + i % 2));
            }
            stream.add(start);
        }
        List<WalkSummary> unbatched = run(options, BatchPolicy.UNBATCHED, stream);
        assertThat(unbatched).hasSize(stream.size());
        for (int size : new int[] {7, 1000}) {
            assertThat(withoutLatency(run(options, new BatchPolicy(size, 3_600_000), stream)))
                    .as("batch size %d", size)
                    .isEqualTo(withoutLatency(unbatched));
        }

        OperatorSubtaskState snapshot;
        List<WalkSummary> resumed = new ArrayList<>();
        BatchPolicy seven = new BatchPolicy(7, 3_600_000);
        try (var before = harness(options, seven)) {
            before.open();
            for (int i = 0; i < 25; i++) {
                before.processElement(stream.get(i), 0);
            }
            assertThat(before.extractOutputValues()).as("three full batches").hasSize(21);
            before.prepareSnapshotPreBarrier(1L);
            snapshot = before.snapshot(1L, 25L);
            resumed.addAll(before.extractOutputValues());
            // After the barrier, then lost in the failure: replayed below.
            before.processElement(stream.get(25), 0);
        }
        try (var after = harness(options, seven)) {
            after.initializeState(snapshot);
            after.open();
            for (int i = 25; i < stream.size(); i++) {
                after.processElement(stream.get(i), 0);
            }
            after.getOperator().finish();
            resumed.addAll(after.extractOutputValues());
        }
        assertThat(withoutLatency(resumed)).isEqualTo(withoutLatency(unbatched));
    }

    private static List<WalkSummary> run(
            WalkOptions options, BatchPolicy policy, List<WalkStart> stream) throws Exception {
        try (var harness = harness(options, policy)) {
            harness.open();
            for (WalkStart start : stream) {
                harness.processElement(start, 0);
            }
            harness.getOperator().finish();
            return harness.extractOutputValues();
        }
    }

    @Test
    void validatorRejectsEmptyKeysNonFiniteStartsExcessWorkAndExcessMemory() {
        WalkObservationValidator validator = new WalkObservationValidator(EVERY);
        assertThat(validator.invalidReason(observation("x", "k", 1, 0))).isNull();
        assertThat(validator.invalidReason(observation("x", "", 1, 0))).contains("empty key");
        assertThat(validator.invalidReason(observation("x", "k", Double.NaN, 0)))
                .contains("finite, got NaN");
        WalkOptions small =
                new WalkOptions(WalkModel.simple(0.5), 200, 500, 8, 42L, 1, 0, 99_999L, 64);
        assertThat(new WalkObservationValidator(small).invalidReason(observation("x", "k", 1, 0)))
                .isEqualTo("simulation work steps * paths = 100000 exceeds --max-work 99999");
        WalkOptions longLattice =
                new WalkOptions(WalkModel.simple(0.5), 1_000_000, 1, 8, 42L, 1, 0, 1_000_000L, 16);
        long neededMb = (WalkMemory.leastBytes(longLattice.spec()) + (1 << 20) - 1) >> 20;
        assertThat(neededMb).isGreaterThan(16);
        assertThat(
                        new WalkObservationValidator(longLattice)
                                .invalidReason(observation("x", "k", 1, 0)))
                .isEqualTo(
                        "simulation memory: 1000000 steps of a simple walk need at least "
                                + neededMb
                                + " MiB, more than --max-memory-mb 16");
    }

    /** Paths cost memory only while kept: past the budget, a real-valued walk runs in passes. */
    @Test
    void manyPathsOfARealValuedWalkAreNoDeadLetter() {
        WalkOptions manyPaths =
                new WalkOptions(
                        WalkModel.gaussian(0, 1), 1, 100_000_000, 1, 1L, 1, 0, 100_000_000L, 16);
        assertThat(WalkMemory.inMemoryBytes(manyPaths.spec())).isGreaterThan(16L << 20);
        assertThat(
                        new WalkObservationValidator(manyPaths)
                                .invalidReason(observation("x", "k", 1, 0)))
                .isNull();
    }

    @Test
    void triggersParseOrNameTheBadValue() {
        assertThat(WalkOptions.parseTrigger("every")).containsExactly(1, 0);
        assertThat(WalkOptions.parseTrigger("25")).containsExactly(25, 0);
        assertThat(WalkOptions.parseTrigger("500ms")).containsExactly(1, 500);
        for (String bad : new String[] {"0", "-3", "0ms", "soon", "5s"}) {
            assertThatThrownBy(() -> WalkOptions.parseTrigger(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(
                        () ->
                                new WalkOptions(
                                        WalkModel.simple(0.5), 10, 10, 1.5, 1L, 1, 0, 100L, 64))
                .hasMessageContaining("integer, got 1.5");
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, WalkStart, WalkSummary> harness(
            WalkOptions options) throws Exception {
        return harness(options, BatchPolicy.UNBATCHED);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, WalkStart, WalkSummary> harness(
            WalkOptions options, BatchPolicy policy) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new MicroBatchKeyedOperator<>(new WalkFunction(options, policy)),
                start -> start.observation.getKey(),
                Types.STRING);
    }

    /** The observation as the walk stage receives it, with made-up origin coordinates. */
    static WalkStart start(Observation observation) {
        byte[] payload = observation.getId().getBytes(StandardCharsets.UTF_8);
        return WalkStart.of(Traced.of(observation, RawRecord.of("test", 0, 0L, payload)));
    }

    private static WalkSummary byId(List<WalkSummary> summaries, String id) {
        return summaries.stream().filter(s -> id.equals(s.getId())).findFirst().orElseThrow();
    }

    /** Latency is wall-clock; everything else must be identical. */
    static List<WalkSummary> withoutLatency(List<WalkSummary> summaries) {
        List<WalkSummary> copies = new ArrayList<>();
        for (WalkSummary s : summaries) {
            WalkSummary copy = WalkSummary.newBuilder(s).build();
            copy.setLatencyMs(0L);
            copies.add(copy);
        }
        return copies;
    }

    static Observation observation(String id, String key, double value, long tsMs) {
        return Observation.newBuilder()
                .setId(id)
                .setKey(key)
                .setTs(Instant.ofEpochMilli(tsMs))
                .setValue(value)
                .build();
    }
}
