package dev.quiver.bayes.flink;

import static dev.quiver.bayes.flink.BayesFunctionTest.harness;
import static dev.quiver.bayes.flink.BayesFunctionTest.last;
import static dev.quiver.bayes.flink.BayesFunctionTest.observation;
import static dev.quiver.bayes.flink.BayesFunctionTest.traced;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.ChangePointDetector;
import dev.quiver.schema.ChangePoint;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code --changepoint} under Flink's test harness: every result's change point equals a {@link
 * ChangePointDetector} fed that key's observations directly, kept as the operator keeps it (state
 * bytes between observations); also across a snapshot restored into a fresh operator, and in
 * interval emissions.
 */
class ChangePointFunctionTest {

    private static final double HAZARD = 50;
    private static final int MAX_RUN_LENGTH = 100;
    private static final int SHORT_RUN_WINDOW = 5;

    private static final BayesOptions OPTIONS =
            BayesOptions.builder()
                    .setModel("normal")
                    .setChangepoint(true)
                    .setHazard(HAZARD)
                    .setMaxRunLength(MAX_RUN_LENGTH)
                    .setShortRunWindow(SHORT_RUN_WINDOW)
                    .build();

    @Test
    void everyResultCarriesTheDetectorsViewOfItsKey() throws Exception {
        List<Observation> stream = piecewise(new SplittableRandom(41), 600);
        Map<String, byte[]> detectors = new HashMap<>();
        try (var harness = harness(OPTIONS)) {
            harness.open();
            for (int i = 0; i < stream.size(); i++) {
                Observation o = stream.get(i);
                harness.processElement(traced(o), i);

                ChangePointDetector direct = detector(detectors.get(o.getKey()));
                var expected = direct.update(ObservationAdapter.toKernel(o));
                detectors.put(o.getKey(), direct.toBytes());
                PosteriorUpdate update = last(harness.extractOutputValues());
                assertThat(update.getModel()).isEqualTo("normal");
                assertThat(update.getChangepoint())
                        .as("observation %d of %s", i, o.getKey())
                        .isEqualTo(
                                new ChangePoint(
                                        expected.mapRunLength(),
                                        expected.probRunLengthBelow(),
                                        SHORT_RUN_WINDOW,
                                        expected.truncatedMass()));
            }
        }
    }

    @Test
    void restoredDetectorsContinueExactlyLikeAnUninterruptedRun() throws Exception {
        List<Observation> stream = piecewise(new SplittableRandom(42), 400);
        List<PosteriorUpdate> uninterrupted;
        try (var harness = harness(OPTIONS)) {
            harness.open();
            for (int i = 0; i < stream.size(); i++) {
                harness.processElement(traced(stream.get(i)), i);
            }
            uninterrupted = harness.extractOutputValues();
        }

        OperatorSubtaskState snapshot;
        List<PosteriorUpdate> resumed = new ArrayList<>();
        try (var before = harness(OPTIONS)) {
            before.open();
            for (int i = 0; i < 250; i++) {
                before.processElement(traced(stream.get(i)), i);
            }
            snapshot = before.snapshot(1L, 250L);
            resumed.addAll(before.extractOutputValues());
        }
        try (var after = harness(OPTIONS)) {
            after.initializeState(snapshot);
            after.open();
            for (int i = 250; i < stream.size(); i++) {
                after.processElement(traced(stream.get(i)), i);
            }
            resumed.addAll(after.extractOutputValues());
        }
        assertThat(resumed).hasSameSizeAs(uninterrupted);
        for (int i = 0; i < resumed.size(); i++) {
            assertThat(resumed.get(i).getChangepoint())
                    .isEqualTo(uninterrupted.get(i).getChangepoint());
            assertThat(resumed.get(i).getParams()).isEqualTo(uninterrupted.get(i).getParams());
        }
    }

    @Test
    void intervalEmissionCarriesTheChangePointAfterTheLatestObservation() throws Exception {
        BayesOptions options =
                BayesOptions.builder()
                        .setModel("normal")
                        .setChangepoint(true)
                        .setHazard(HAZARD)
                        .setMaxRunLength(MAX_RUN_LENGTH)
                        .setShortRunWindow(SHORT_RUN_WINDOW)
                        .setEmit("100ms")
                        .build();
        ChangePointDetector direct = detector(null);
        ChangePoint expected = null;
        try (var harness = harness(options)) {
            harness.open();
            harness.setProcessingTime(0);
            SplittableRandom random = new SplittableRandom(43);
            for (int i = 0; i < 30; i++) {
                Observation o = observation("o" + i, "k", random.nextGaussian(), i);
                harness.processElement(traced(o), i);
                var summary = direct.update(ObservationAdapter.toKernel(o));
                direct = ChangePointDetector.fromBytes(direct.toBytes());
                expected =
                        new ChangePoint(
                                summary.mapRunLength(),
                                summary.probRunLengthBelow(),
                                SHORT_RUN_WINDOW,
                                summary.truncatedMass());
            }
            harness.setProcessingTime(100);

            assertThat(harness.extractOutputValues())
                    .singleElement()
                    .extracting(PosteriorUpdate::getChangepoint)
                    .isEqualTo(expected);
        }
    }

    @Test
    void detectorStateWrittenWithAnotherHazardFailsLoudly() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness(OPTIONS)) {
            before.open();
            before.processElement(traced(observation("a0", "a", 1.5, 0)), 0);
            snapshot = before.snapshot(1L, 1L);
        }
        BayesOptions otherHazard =
                BayesOptions.builder()
                        .setModel("normal")
                        .setChangepoint(true)
                        .setHazard(HAZARD + 1)
                        .setMaxRunLength(MAX_RUN_LENGTH)
                        .setShortRunWindow(SHORT_RUN_WINDOW)
                        .build();
        try (var after = harness(otherHazard)) {
            after.initializeState(snapshot);
            after.open();
            assertThatThrownBy(() -> after.processElement(traced(observation("a1", "a", 1, 1)), 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("change-point state")
                    .hasMessageContaining("--hazard");
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** A new detector with the test's options, or one read from its bytes. */
    private static ChangePointDetector detector(byte[] bytes) {
        return bytes == null
                ? ChangePointDetector.create(0, 1, 1, 1, HAZARD, MAX_RUN_LENGTH, SHORT_RUN_WINDOW)
                : ChangePointDetector.fromBytes(bytes);
    }

    /** Three keys of unit-variance Gaussian values whose mean jumps by 8 every 60 observations. */
    private static List<Observation> piecewise(SplittableRandom random, int count) {
        List<Observation> out = new ArrayList<>();
        int[] seen = new int[3];
        for (int i = 0; i < count; i++) {
            int k = random.nextInt(3);
            double mean = 8.0 * ((seen[k]++ / 60) % 2);
            out.add(observation("o" + i, "k" + k, mean + random.nextGaussian(), i));
        }
        return out;
    }
}
