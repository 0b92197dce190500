package dev.quiver.bayes.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.bayes.BayesOptions;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The bayes operator under Flink's test harness, per key: every emission checked against the
 * closed-form Beta posterior computed here (windows, forgetting, prequential scores), the emission
 * policies including processing-time timers, dead letters with their original bytes, and real
 * snapshots restored into a fresh operator.
 */
class BayesFunctionTest {

    private static final double PRIOR_ALPHA = 2;
    private static final double PRIOR_BETA = 3;

    private static final AvroSingleObjectCodec<Observation> CODEC =
            AvroSingleObjectCodec.of(Observation.class);

    @Test
    void emitsTheClosedFormPosteriorAndPrequentialScoreAfterEveryObservation() throws Exception {
        try (var harness = harness(options().build())) {
            harness.open();
            Map<String, double[]> counts = new HashMap<>();
            Map<String, Double> logScores = new HashMap<>();
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < 300; i++) {
                int k = random.nextInt(3);
                double value = random.nextDouble() < 0.3 * (k + 1) ? 1 : 0;
                harness.processElement(traced(observation("o" + i, "k" + k, value, i)), i);

                double[] sf = counts.computeIfAbsent("k" + k, key -> new double[2]);
                double alphaBefore = PRIOR_ALPHA + sf[0];
                double betaBefore = PRIOR_BETA + sf[1];
                // Beta-Bernoulli predictive: P(1) = alpha / (alpha + beta) before the update.
                double logPredictive =
                        Math.log(
                                (value == 1 ? alphaBefore : betaBefore)
                                        / (alphaBefore + betaBefore));
                double logScore = logScores.merge("k" + k, logPredictive, Double::sum);
                sf[value == 1 ? 0 : 1]++;

                PosteriorUpdate update = last(harness.extractOutputValues());
                double alpha = PRIOR_ALPHA + sf[0];
                double beta = PRIOR_BETA + sf[1];
                assertThat(update.getKey()).isEqualTo("k" + k);
                assertThat(update.getId()).isEqualTo("o" + i);
                assertThat(update.getTs()).isEqualTo(Instant.ofEpochMilli(i));
                assertThat(update.getScope()).isEqualTo("key");
                assertThat(update.getParams())
                        .containsEntry("alpha", alpha)
                        .containsEntry("beta", beta);
                assertThat(update.getN()).isEqualTo(sf[0] + sf[1]);
                assertThat(update.getMean()).isEqualTo(alpha / (alpha + beta));
                assertThat(update.getMle()).isEqualTo(sf[0] / (sf[0] + sf[1]));
                assertThat(update.getLogPredictive()).isCloseTo(logPredictive, within(1e-14));
                assertThat(update.getLogScore()).isCloseTo(logScore, within(1e-12));
            }
            assertThat(harness.extractOutputValues()).hasSize(300);
        }
    }

    @Test
    void windowPosteriorEqualsTheClosedFormOverEachKeysLastNObservations() throws Exception {
        int window = 7;
        try (var harness = harness(options().setWindow(window).build())) {
            harness.open();
            Map<String, Deque<Double>> lastN = new HashMap<>();
            SplittableRandom random = new SplittableRandom(12);
            for (int i = 0; i < 400; i++) {
                String key = "k" + random.nextInt(4);
                double value = random.nextInt(2);
                Deque<Double> windowed = lastN.computeIfAbsent(key, k -> new ArrayDeque<>());
                double[] before = betaOf(windowed);
                harness.processElement(traced(observation("o" + i, key, value, i)), i);
                windowed.addLast(value);
                if (windowed.size() > window) {
                    windowed.removeFirst();
                }

                PosteriorUpdate update = last(harness.extractOutputValues());
                double[] after = betaOf(windowed);
                assertThat(update.getParams())
                        .as("observation %d of %s", i, key)
                        .containsEntry("alpha", after[0])
                        .containsEntry("beta", after[1]);
                assertThat(update.getN()).isEqualTo(windowed.size());
                // The prequential score is the window posterior's prediction before the update.
                assertThat(update.getLogPredictive())
                        .isCloseTo(
                                Math.log(
                                        (value == 1 ? before[0] : before[1])
                                                / (before[0] + before[1])),
                                within(1e-14));
            }
        }
    }

    @Test
    void decayWeighsAnObservationTUpdatesAgoByLambdaToTheT() throws Exception {
        double lambda = 0.9;
        try (var harness = harness(options().setDecay(lambda).build())) {
            harness.open();
            List<Double> values = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(13);
            for (int i = 0; i < 200; i++) {
                double value = random.nextInt(2);
                values.add(value);
                harness.processElement(traced(observation("o" + i, "k", value, i)), i);

                double successes = 0;
                double failures = 0;
                for (int j = 0; j < values.size(); j++) {
                    double weight = Math.pow(lambda, values.size() - 1 - j);
                    successes += values.get(j) * weight;
                    failures += (1 - values.get(j)) * weight;
                }
                PosteriorUpdate update = last(harness.extractOutputValues());
                // Each of up to 200 multiply-adds rounds once: 200 ulps is below 1e-13 relative.
                assertThat(update.getParams().get("alpha"))
                        .isCloseTo(
                                PRIOR_ALPHA + successes, within(1e-13 * (PRIOR_ALPHA + successes)));
                assertThat(update.getParams().get("beta"))
                        .isCloseTo(PRIOR_BETA + failures, within(1e-13 * (PRIOR_BETA + failures)));
                assertThat(update.getN())
                        .isCloseTo(successes + failures, within(1e-13 * (successes + failures)));
            }
        }
    }

    @Test
    void emitEveryNthObservationOfAKeyCarriesEverythingSoFar() throws Exception {
        try (var harness = harness(options().setEmit("3").build())) {
            harness.open();
            for (int i = 0; i < 10; i++) {
                harness.processElement(traced(observation("a" + i, "a", 1, i)), i);
                harness.processElement(traced(observation("b" + i, "b", 0, i)), i);
            }
            List<PosteriorUpdate> out = harness.extractOutputValues();
            assertThat(out)
                    .extracting(PosteriorUpdate::getId)
                    .containsExactly("a2", "b2", "a5", "b5", "a8", "b8");
            assertThat(out)
                    .extracting(PosteriorUpdate::getN)
                    .containsExactly(3.0, 3.0, 6.0, 6.0, 9.0, 9.0);
            // Skipped observations still count in the score: three predictions of a "1" so far.
            double logScore = Math.log(2.0 / 5) + Math.log(3.0 / 6) + Math.log(4.0 / 7);
            assertThat(out.get(0).getLogScore()).isCloseTo(logScore, within(1e-14));
        }
    }

    @Test
    void intervalEmissionSendsEachKeysLatestPosteriorAtMostOncePerInterval() throws Exception {
        try (var harness = harness(options().setEmit("100ms").build())) {
            harness.open();
            harness.setProcessingTime(0);
            for (int i = 0; i < 5; i++) {
                harness.processElement(traced(observation("a" + i, "a", 1, i)), i);
            }
            harness.setProcessingTime(40);
            harness.processElement(traced(observation("b0", "b", 0, 10)), 10);
            harness.setProcessingTime(99);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.setProcessingTime(100);
            assertThat(harness.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            u -> {
                                assertThat(u.getId()).isEqualTo("a4");
                                assertThat(u.getN()).isEqualTo(5.0);
                                assertThat(u.getLatencyMs()).isEqualTo(100);
                            });

            harness.setProcessingTime(140);
            assertThat(harness.extractOutputValues())
                    .extracting(PosteriorUpdate::getId)
                    .containsExactly("a4", "b0");

            harness.setProcessingTime(150);
            harness.processElement(traced(observation("a5", "a", 0, 20)), 20);
            harness.setProcessingTime(160);
            harness.processElement(traced(observation("a6", "a", 1, 21)), 21);
            harness.setProcessingTime(249);
            assertThat(harness.extractOutputValues()).hasSize(2);
            harness.setProcessingTime(250);
            assertThat(last(harness.extractOutputValues()))
                    .satisfies(
                            u -> {
                                assertThat(u.getId()).isEqualTo("a6");
                                assertThat(u.getN()).isEqualTo(7.0);
                                assertThat(u.getParams()).containsEntry("alpha", PRIOR_ALPHA + 6);
                            });
            // Nothing changed: no more emissions.
            harness.setProcessingTime(10_000);
            assertThat(harness.extractOutputValues()).hasSize(3);
        }
    }

    @Test
    void intervalEmissionStillPendingWhenABoundedInputEndsGoesOut() throws Exception {
        try (var harness = harness(options().setEmit("1s").build())) {
            harness.open();
            harness.setProcessingTime(0);
            harness.processElement(traced(observation("a0", "a", 1, 0)), 0);
            harness.processElement(traced(observation("b0", "b", 1, 0)), 0);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processWatermark(Long.MAX_VALUE);

            assertThat(harness.extractOutputValues())
                    .extracting(PosteriorUpdate::getId)
                    .containsExactlyInAnyOrder("a0", "b0");
        }
    }

    @Test
    void observationTheKernelRejectsIsADeadLetterWithItsOriginalBytes() throws Exception {
        try (var harness = harness(options().build())) {
            harness.open();
            harness.processElement(traced(observation("o0", "k", 1, 0)), 0);
            Traced<Observation> bad = traced(observation("o1", "k", 2.5, 1));
            harness.processElement(bad, 1);
            harness.processElement(traced(observation("o2", "k", 0, 2)), 2);

            List<PosteriorUpdate> out = harness.extractOutputValues();
            assertThat(out).extracting(PosteriorUpdate::getId).containsExactly("o0", "o2");
            assertThat(last(out).getN()).isEqualTo(2.0);
            assertThat(harness.getSideOutput(DeadLetters.TAG))
                    .singleElement()
                    .extracting(StreamRecord::getValue)
                    .satisfies(
                            dead -> {
                                assertThat(dead.getReason())
                                        .isEqualTo("beta-bernoulli needs value 0 or 1, got 2.5");
                                assertThat(bytes(dead)).isEqualTo(bad.origin.payload);
                                assertThat(dead.getSource()).isEqualTo(bad.origin.source);
                                assertThat(dead.getOffset()).isEqualTo(bad.origin.offset);
                            });
        }
    }

    @Test
    void restoredWindowAndScoresContinueExactlyLikeAnUninterruptedRun() throws Exception {
        BayesOptions options = options().setWindow(5).build();
        List<Observation> stream = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            stream.add(observation("o" + i, "k" + random.nextInt(5), random.nextInt(2), i));
        }

        List<PosteriorUpdate> uninterrupted;
        try (var harness = harness(options)) {
            harness.open();
            for (int i = 0; i < stream.size(); i++) {
                harness.processElement(traced(stream.get(i)), i);
            }
            uninterrupted = harness.extractOutputValues();
        }

        OperatorSubtaskState snapshot;
        List<PosteriorUpdate> resumed = new ArrayList<>();
        try (var before = harness(options)) {
            before.open();
            for (int i = 0; i < 120; i++) {
                before.processElement(traced(stream.get(i)), i);
            }
            snapshot = before.snapshot(1L, 120L);
            resumed.addAll(before.extractOutputValues());
        }
        try (var after = harness(options)) {
            after.initializeState(snapshot);
            after.open();
            for (int i = 120; i < stream.size(); i++) {
                after.processElement(traced(stream.get(i)), i);
            }
            resumed.addAll(after.extractOutputValues());
        }
        assertThat(resumed).isEqualTo(withoutLatency(uninterrupted, resumed));
    }

    @Test
    void intervalEmissionPendingAtASnapshotFiresAfterTheRestore() throws Exception {
        BayesOptions options = options().setEmit("100ms").build();
        OperatorSubtaskState snapshot;
        try (var before = harness(options)) {
            before.open();
            before.setProcessingTime(0);
            before.processElement(traced(observation("a0", "a", 1, 0)), 0);
            snapshot = before.snapshot(1L, 1L);
            assertThat(before.extractOutputValues()).isEmpty();
        }
        try (var after = harness(options)) {
            after.initializeState(snapshot);
            after.open();
            after.setProcessingTime(100);
            assertThat(after.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            u -> {
                                assertThat(u.getId()).isEqualTo("a0");
                                assertThat(u.getParams()).containsEntry("alpha", PRIOR_ALPHA + 1);
                            });
        }
    }

    @Test
    void stateWrittenWithAnotherPriorFailsLoudlyInsteadOfMixingPriors() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness(options().build())) {
            before.open();
            before.processElement(traced(observation("a0", "a", 1, 0)), 0);
            snapshot = before.snapshot(1L, 1L);
        }
        BayesOptions otherPrior = BayesOptions.builder().setPriorAlpha(1).setPriorBeta(1).build();
        try (var after = harness(otherPrior)) {
            after.initializeState(snapshot);
            after.open();
            assertThatThrownBy(() -> after.processElement(traced(observation("a1", "a", 1, 1)), 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("state of key 'a'")
                    .hasMessageContaining("another model, prior or configuration");
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static BayesOptions.Builder options() {
        return BayesOptions.builder().setPriorAlpha(PRIOR_ALPHA).setPriorBeta(PRIOR_BETA);
    }

    /** Beta(alpha, beta) after the prior is updated with {@code values}. */
    private static double[] betaOf(Deque<Double> values) {
        double successes = 0;
        for (double v : values) {
            successes += v;
        }
        return new double[] {PRIOR_ALPHA + successes, PRIOR_BETA + values.size() - successes};
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Traced<Observation>, PosteriorUpdate>
            harness(BayesOptions options) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new MicroBatchKeyedOperator<>(new BayesFunction(options)),
                traced -> traced.record.getKey(),
                Types.STRING);
    }

    /** The observation with its Avro bytes as the origin, as the decode step emits it. */
    static Traced<Observation> traced(Observation observation) {
        return Traced.of(
                observation,
                RawRecord.of(
                        "quiver.observations",
                        0,
                        observation.getTs().toEpochMilli(),
                        CODEC.encode(observation)));
    }

    static Observation observation(String id, String key, double value, long ts) {
        return Observation.newBuilder()
                .setId(id)
                .setKey(key)
                .setTs(Instant.ofEpochMilli(ts))
                .setValue(value)
                .build();
    }

    /** Latency is wall-clock and differs between runs; everything else must be identical. */
    private static List<PosteriorUpdate> withoutLatency(
            List<PosteriorUpdate> expected, List<PosteriorUpdate> actual) {
        assertThat(actual).hasSameSizeAs(expected);
        List<PosteriorUpdate> aligned = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            PosteriorUpdate copy = PosteriorUpdate.newBuilder(expected.get(i)).build();
            copy.setLatencyMs(actual.get(i).getLatencyMs());
            aligned.add(copy);
        }
        return aligned;
    }

    private static byte[] bytes(DeadLetter dead) {
        ByteBuffer buffer = dead.getPayload().duplicate();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    static <T> T last(List<T> values) {
        return values.get(values.size() - 1);
    }
}
