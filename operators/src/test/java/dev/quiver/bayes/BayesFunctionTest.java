package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The bayes operator under Flink's test harness: per-key updates, and a real snapshot and restore.
 */
class BayesFunctionTest {

    private static final BayesOptions OPTIONS =
            BayesOptions.builder().setPriorAlpha(2).setPriorBeta(3).build();

    @Test
    void emitsTheClosedFormPosteriorAfterEveryObservation() throws Exception {
        try (var harness = harness()) {
            harness.open();
            int[] successes = new int[3];
            int[] failures = new int[3];
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < 300; i++) {
                int k = random.nextInt(3);
                boolean success = random.nextDouble() < 0.3 * (k + 1);
                harness.processElement(observation("o" + i, "k" + k, success ? 1 : 0), i);
                if (success) {
                    successes[k]++;
                } else {
                    failures[k]++;
                }
                PosteriorUpdate update = last(harness.extractOutputValues());
                double alpha = 2 + successes[k];
                double beta = 3 + failures[k];
                assertThat(update.getKey()).isEqualTo("k" + k);
                assertThat(update.getId()).isEqualTo("o" + i);
                assertThat(update.getParams())
                        .containsEntry("alpha", alpha)
                        .containsEntry("beta", beta);
                assertThat(update.getN()).isEqualTo(successes[k] + failures[k]);
                assertThat(update.getMean()).isEqualTo(alpha / (alpha + beta));
                assertThat(update.getMle())
                        .isEqualTo((double) successes[k] / (successes[k] + failures[k]));
            }
        }
    }

    @Test
    void restoredStateContinuesExactlyLikeAnUninterruptedRun() throws Exception {
        List<Observation> stream = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            stream.add(observation("o" + i, "k" + random.nextInt(5), random.nextInt(2)));
        }

        List<PosteriorUpdate> uninterrupted;
        try (var harness = harness()) {
            harness.open();
            for (int i = 0; i < stream.size(); i++) {
                harness.processElement(stream.get(i), i);
            }
            uninterrupted = harness.extractOutputValues();
        }

        OperatorSubtaskState snapshot;
        List<PosteriorUpdate> resumed = new ArrayList<>();
        try (var before = harness()) {
            before.open();
            for (int i = 0; i < 120; i++) {
                before.processElement(stream.get(i), i);
            }
            snapshot = before.snapshot(1L, 120L);
            resumed.addAll(before.extractOutputValues());
        }
        try (var after = harness()) {
            after.initializeState(snapshot);
            after.open();
            for (int i = 120; i < stream.size(); i++) {
                after.processElement(stream.get(i), i);
            }
            resumed.addAll(after.extractOutputValues());
        }
        assertThat(resumed).isEqualTo(withoutLatency(uninterrupted, resumed));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Observation, PosteriorUpdate>
            harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new BayesFunction(OPTIONS)),
                Observation::getKey,
                Types.STRING);
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

    private static Observation observation(String id, String key, double value) {
        return Observation.newBuilder()
                .setId(id)
                .setKey(key)
                .setTs(Instant.ofEpochMilli(1000))
                .setValue(value)
                .build();
    }

    private static <T> T last(List<T> values) {
        return values.get(values.size() - 1);
    }
}
