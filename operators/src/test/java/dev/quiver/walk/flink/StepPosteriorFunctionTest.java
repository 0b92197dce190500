package dev.quiver.walk.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.NormalInverseGammaPosterior;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
import dev.quiver.schema.Observation;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.Simulations;
import dev.quiver.walk.StepPosterior;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkOptions;
import dev.quiver.walk.WalkResult;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The bayes stage of a posterior-driven walk under Flink's test harness: each observation leaves
 * with the predictive of its key's increments up to and including its own, through a snapshot and
 * restore too, and the walk stage simulates with that law.
 */
class StepPosteriorFunctionTest {

    private static final BayesOptions PRIOR =
            BayesOptions.builder()
                    .setModel("normal")
                    .setPriorMean(0.1)
                    .setPriorKappa(2)
                    .setPriorShape(3)
                    .setPriorScale(4)
                    .build();

    private static List<Observation> levels() {
        SplittableRandom random = new SplittableRandom(77L);
        Map<String, Double> level = new HashMap<>();
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            String key = "k" + random.nextInt(3);
            double next = level.getOrDefault(key, 100.0) + random.nextInt(-3, 5);
            level.put(key, next);
            out.add(WalkFunctionTest.observation("o" + i, key, next, 1000 + i));
        }
        return out;
    }

    @Test
    void eachObservationCarriesThePredictiveOfItsKeysIncrementsUpToItself() throws Exception {
        List<Observation> stream = levels();
        try (var harness = harness(PRIOR)) {
            harness.open();
            for (Observation o : stream) {
                harness.processElement(WalkFunctionTest.start(o), 0);
            }
            List<WalkStart> out = harness.extractOutputValues();
            assertThat(out).hasSize(stream.size());
            // The oracle: the bayes kernel fed each key's increments directly.
            Map<String, NormalInverseGammaPosterior> posteriors = new HashMap<>();
            Map<String, Double> last = new HashMap<>();
            for (int i = 0; i < stream.size(); i++) {
                Observation o = stream.get(i);
                NormalInverseGammaPosterior posterior =
                        posteriors.computeIfAbsent(
                                o.getKey(),
                                k -> NormalInverseGammaPosterior.withPrior(0.1, 2, 3, 4));
                Double previous = last.put(o.getKey(), o.getValue());
                if (previous != null) {
                    posterior.update(o.getValue() - previous);
                }
                WalkStart start = out.get(i);
                assertThat(start.observation).isEqualTo(o);
                assertThat(start.stepLaw(null)).isEqualTo(StepPosterior.predictive(posterior));
                assertThat(start.dof).isEqualTo(2 * posterior.alpha());
            }
            // A key's first observation walks with the prior predictive.
            assertThat(out.get(0).stepLaw(null))
                    .isEqualTo(
                            StepPosterior.predictive(
                                    NormalInverseGammaPosterior.withPrior(0.1, 2, 3, 4)));
        }
    }

    @Test
    void aStepTheKernelRefusesIsADeadLetterAndChangesNothing() throws Exception {
        try (var harness = harness(PRIOR)) {
            harness.open();
            harness.processElement(start("o1", "k", -9e99), 0);
            harness.processElement(start("o2", "k", 9e99), 0);
            harness.processElement(start("o3", "k", -9e99 + 1), 0);
            List<WalkStart> out = harness.extractOutputValues();
            assertThat(out).extracting(s -> s.observation.getId()).containsExactly("o1", "o3");
            NormalInverseGammaPosterior oneStep =
                    NormalInverseGammaPosterior.withPrior(0.1, 2, 3, 4);
            oneStep.update(-9e99 + 1 - -9e99);
            assertThat(out.get(1).stepLaw(null)).isEqualTo(StepPosterior.predictive(oneStep));
            assertThat(harness.getSideOutput(DeadLetters.TAG))
                    .singleElement()
                    .satisfies(
                            r ->
                                    assertThat(r.getValue().getReason())
                                            .startsWith("step from level -9.0E99 to 9.0E99:"));
        }
    }

    @Test
    void restoredStateContinuesExactlyLikeAnUninterruptedRun() throws Exception {
        List<Observation> stream = levels();
        List<WalkStart> uninterrupted;
        try (var harness = harness(PRIOR)) {
            harness.open();
            for (Observation o : stream) {
                harness.processElement(WalkFunctionTest.start(o), 0);
            }
            uninterrupted = harness.extractOutputValues();
        }
        OperatorSubtaskState snapshot;
        List<WalkStart> resumed = new ArrayList<>();
        try (var before = harness(PRIOR)) {
            before.open();
            for (int i = 0; i < 33; i++) {
                before.processElement(WalkFunctionTest.start(stream.get(i)), 0);
            }
            snapshot = before.snapshot(1L, 33L);
            resumed.addAll(before.extractOutputValues());
        }
        try (var after = harness(PRIOR)) {
            after.initializeState(snapshot);
            after.open();
            for (int i = 33; i < stream.size(); i++) {
                after.processElement(WalkFunctionTest.start(stream.get(i)), 0);
            }
            resumed.addAll(after.extractOutputValues());
        }
        assertThat(resumed).extracting(s -> s.stepLaw(null)).isEqualTo(laws(uninterrupted));

        BayesOptions otherPrior =
                BayesOptions.builder().setModel("normal").setPriorMean(0.2).build();
        try (var wrong = harness(otherPrior)) {
            wrong.initializeState(snapshot);
            wrong.open();
            assertThatThrownBy(() -> wrong.processElement(WalkFunctionTest.start(stream.get(0)), 0))
                    .hasMessageContaining("was written with another prior than this job's");
        }
    }

    @Test
    void onlyTheNormalModelLearnsSteps() {
        assertThatThrownBy(() -> new StepPosteriorFunction(BayesOptions.builder().build()))
                .hasMessage("the step posterior is the normal model, got beta-bernoulli");
    }

    /** The walk stage simulates a learned law exactly as the kernel does with it. */
    @Test
    void theWalkStageSimulatesWithTheLearnedLaw() throws Exception {
        WalkOptions options =
                new WalkOptions(
                        StepPosterior.predictive(
                                NormalInverseGammaPosterior.withPrior(0.1, 2, 3, 4)),
                        100,
                        300,
                        5.0,
                        11L,
                        1,
                        0,
                        1_000_000L,
                        64);
        WalkStart learned = start("o1", "k", 40.0);
        WalkModel law = WalkModel.studentT(0.25, 1.5, 9.0);
        learned.setStepLaw(law);
        try (var walk =
                new KeyedOneInputStreamOperatorTestHarness<String, WalkStart, WalkSummary>(
                        new MicroBatchKeyedOperator<>(new WalkFunction(options)),
                        s -> s.observation.getKey(),
                        Types.STRING)) {
            walk.open();
            walk.processElement(learned, 0);
            WalkSummary summary = walk.extractOutputValues().get(0);
            WalkResult direct = Simulations.simulate(options.spec(law), 11L, "k", 0, 40.0);
            assertThat(summary.getMean()).isEqualTo(direct.mean());
            assertThat(summary.getVariance()).isEqualTo(direct.variance());
            assertThat(summary.getHitProbability()).isEqualTo(direct.hitProbability());
            assertThat(summary.getSeed())
                    .contains("model=student-t(location=0.25, scale=1.5, dof=9.0)");
            assertThat(summary.getExact())
                    .containsEntry("mean", 40.0 + 100 * 0.25)
                    .containsEntry("variance", 100 * (1.5 * 1.5 * 9.0 / 7.0));
        }
    }

    private static List<WalkModel> laws(List<WalkStart> starts) {
        return starts.stream().map(s -> s.stepLaw(null)).toList();
    }

    private static WalkStart start(String id, String key, double level) {
        return WalkFunctionTest.start(WalkFunctionTest.observation(id, key, level, 0));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, WalkStart, WalkStart> harness(
            BayesOptions prior) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StepPosteriorFunction(prior)),
                s -> s.observation.getKey(),
                Types.STRING);
    }
}
