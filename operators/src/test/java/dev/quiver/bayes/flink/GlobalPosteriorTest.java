package dev.quiver.bayes.flink;

import static dev.quiver.bayes.flink.BayesFunctionTest.last;
import static dev.quiver.bayes.flink.BayesFunctionTest.observation;
import static dev.quiver.bayes.flink.BayesFunctionTest.traced;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.bayes.BayesOptions;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code --global} under Flink's test harness: several bayes subtasks send key-group partials to
 * one {@link GlobalPosteriorFunction}, whose posterior must equal the closed-form Beta posterior
 * over every key's window, also across a snapshot restored at another parallelism.
 */
class GlobalPosteriorTest {

    private static final int MAX_PARALLELISM = 128;
    private static final int KEYS = 40;
    private static final int WINDOW = 10;
    private static final double PRIOR_ALPHA = 2;
    private static final double PRIOR_BETA = 3;

    private static final BayesOptions OPTIONS =
            BayesOptions.builder()
                    .setPriorAlpha(PRIOR_ALPHA)
                    .setPriorBeta(PRIOR_BETA)
                    .setWindow(WINDOW)
                    .setGlobal(true)
                    .setGlobalIntervalMs(1000)
                    .build();

    /** The closed form: every key's last WINDOW values, and the latest event time. */
    private final Map<String, Deque<Double>> windows = new HashMap<>();

    private long maxTs = Long.MIN_VALUE;

    @Test
    void globalPosteriorOfTwoSubtasksEqualsTheClosedFormOverEveryKeysWindow() throws Exception {
        List<Observation> stream = stream(new SplittableRandom(21), 0, 2000);
        List<Subtask> subtasks = subtasks(2, null);
        try (Global global = globalHarness(null)) {
            run(stream, subtasks, global, 0);
            endOfInput(subtasks, global);

            PosteriorUpdate result = last(global.extractOutputValues());
            assertEqualsClosedForm(result);
            assertThat(global.extractOutputValues())
                    .allSatisfy(
                            u -> {
                                assertThat(u.getKey()).isEqualTo("*");
                                assertThat(u.getScope()).isEqualTo("global");
                                assertThat(u.getLogPredictive()).isNull();
                            });
        } finally {
            close(subtasks);
        }
    }

    @Test
    void restoredAtThreeSubtasksFromTwoTheGlobalPosteriorStaysExact() throws Exception {
        List<Observation> first = stream(new SplittableRandom(31), 0, 1500);
        List<Subtask> before = subtasks(2, null);
        OperatorSubtaskState[] snapshots = new OperatorSubtaskState[2];
        OperatorSubtaskState globalSnapshot;
        try (Global global = globalHarness(null)) {
            run(first, before, global, 0);
            // Changes made after the last send stay unsent in the snapshot: they must be sent after
            // the restore, by the subtask that then owns their key group.
            SplittableRandom random = new SplittableRandom(33);
            for (int i = 0; i < 50; i++) {
                Observation o = observation("late" + i, "k" + random.nextInt(KEYS), 1, 1500 + i);
                remember(o);
                before.get(subtaskOf(o, 2)).processElement(traced(o), o.getTs().toEpochMilli());
            }
            for (int i = 0; i < 2; i++) {
                snapshots[i] = before.get(i).snapshot(1L, 1L);
            }
            globalSnapshot = global.snapshot(1L, 1L);
        } finally {
            close(before);
        }

        OperatorSubtaskState packaged = AbstractStreamOperatorTestHarness.repackageState(snapshots);
        List<Subtask> after = subtasks(3, packaged);
        try (Global global = globalHarness(globalSnapshot)) {
            // With no new input, the restored timers send what was unsent at the snapshot.
            for (Subtask subtask : after) {
                subtask.setProcessingTime(10_000);
            }
            forward(after, global);
            assertEqualsClosedForm(last(global.extractOutputValues()));

            List<Observation> second = stream(new SplittableRandom(32), 1550, 3000);
            run(second, after, global, 10_000);
            endOfInput(after, global);
            assertEqualsClosedForm(last(global.extractOutputValues()));
        } finally {
            close(after);
        }
    }

    @Test
    void eachSubtaskSendsItsChangedPartialsAtMostOncePerInterval() throws Exception {
        BayesOptions options =
                BayesOptions.builder()
                        .setGlobal(true)
                        .setGlobalIntervalMs(1000)
                        .setEmit("100ms")
                        .build();
        try (Subtask subtask = new Subtask(options, 1, 0)) {
            subtask.open();
            subtask.setProcessingTime(0);
            for (int i = 0; i < 200; i++) {
                subtask.processElement(traced(observation("o" + i, "k" + (i % 30), i % 2, i)), i);
                subtask.setProcessingTime(i * 3L);
            }
            // Per-key emission timers fire all along; none of them may send partials early.
            assertThat(subtask.extractOutputValues()).isNotEmpty();
            assertThat(subtask.getSideOutput(BayesFunction.PARTIALS)).isNull();

            subtask.setProcessingTime(1000);
            assertThat(subtask.getSideOutput(BayesFunction.PARTIALS)).hasSize(1);
            subtask.processElement(traced(observation("x", "k1", 1, 300)), 300);
            subtask.setProcessingTime(1999);
            assertThat(subtask.getSideOutput(BayesFunction.PARTIALS)).hasSize(1);
            subtask.setProcessingTime(2000);
            assertThat(subtask.getSideOutput(BayesFunction.PARTIALS)).hasSize(2);
            subtask.setProcessingTime(10_000);
            assertThat(subtask.getSideOutput(BayesFunction.PARTIALS)).hasSize(2);
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Observations {@code from} to {@code to} over KEYS keys, remembered for the closed form. */
    private List<Observation> stream(SplittableRandom random, int from, int to) {
        List<Observation> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Observation o =
                    observation("o" + i, "k" + random.nextInt(KEYS), random.nextInt(2), 1000 + i);
            remember(o);
            out.add(o);
        }
        return out;
    }

    private void remember(Observation o) {
        Deque<Double> window = windows.computeIfAbsent(o.getKey(), k -> new ArrayDeque<>());
        window.addLast(o.getValue());
        if (window.size() > WINDOW) {
            window.removeFirst();
        }
        maxTs = Math.max(maxTs, o.getTs().toEpochMilli());
    }

    private void assertEqualsClosedForm(PosteriorUpdate global) {
        double successes = 0;
        double n = 0;
        for (Deque<Double> window : windows.values()) {
            for (double v : window) {
                successes += v;
                n++;
            }
        }
        assertThat(global.getParams())
                .containsEntry("alpha", PRIOR_ALPHA + successes)
                .containsEntry("beta", PRIOR_BETA + n - successes);
        assertThat(global.getN()).isEqualTo(n);
        assertThat(global.getTs()).isEqualTo(Instant.ofEpochMilli(maxTs));
    }

    /**
     * Routes each observation to the subtask that owns its key, advancing processing time by 100 ms
     * every 50 observations, and passes every batch of partials on to the global merge at once.
     */
    private static void run(
            List<Observation> stream, List<Subtask> subtasks, Global global, long startMs)
            throws Exception {
        long now = startMs;
        for (int i = 0; i < stream.size(); i++) {
            Observation o = stream.get(i);
            subtasks.get(subtaskOf(o, subtasks.size()))
                    .processElement(traced(o), o.getTs().toEpochMilli());
            if (i % 50 == 49) {
                now += 100;
                for (Subtask subtask : subtasks) {
                    subtask.setProcessingTime(now);
                }
                forward(subtasks, global);
            }
        }
    }

    private static void endOfInput(List<Subtask> subtasks, Global global) throws Exception {
        for (Subtask subtask : subtasks) {
            subtask.processWatermark(Long.MAX_VALUE);
        }
        forward(subtasks, global);
    }

    private static void forward(List<Subtask> subtasks, Global global) throws Exception {
        for (Subtask subtask : subtasks) {
            var partials = subtask.getSideOutput(BayesFunction.PARTIALS);
            while (partials != null && !partials.isEmpty()) {
                global.processElement(partials.poll().getValue(), 0);
            }
        }
    }

    private static int subtaskOf(Observation o, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                o.getKey(), MAX_PARALLELISM, parallelism);
    }

    private static List<Subtask> subtasks(int parallelism, OperatorSubtaskState restoreFrom)
            throws Exception {
        List<Subtask> subtasks = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            Subtask subtask = new Subtask(OPTIONS, parallelism, i);
            if (restoreFrom != null) {
                subtask.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                restoreFrom, MAX_PARALLELISM, 2, parallelism, i));
            }
            subtask.open();
            subtasks.add(subtask);
        }
        return subtasks;
    }

    private static Global globalHarness(OperatorSubtaskState restoreFrom) throws Exception {
        Global global = new Global();
        if (restoreFrom != null) {
            global.initializeState(restoreFrom);
        }
        global.open();
        return global;
    }

    private static void close(List<Subtask> subtasks) throws Exception {
        for (Subtask subtask : subtasks) {
            subtask.close();
        }
    }

    /** One subtask of the bayes operator, of {@code parallelism}, with 128 key groups. */
    private static final class Subtask
            extends KeyedOneInputStreamOperatorTestHarness<
                    String, Traced<Observation>, PosteriorUpdate> {
        Subtask(BayesOptions options, int parallelism, int index) throws Exception {
            super(
                    new MicroBatchKeyedOperator<>(new BayesFunction(options)),
                    traced -> traced.record.getKey(),
                    Types.STRING,
                    MAX_PARALLELISM,
                    parallelism,
                    index);
        }
    }

    /** The global merge, keyed by its one constant key. */
    private static final class Global
            extends KeyedOneInputStreamOperatorTestHarness<
                    String, KeyGroupPartial[], PosteriorUpdate> {
        Global() throws Exception {
            super(
                    new KeyedProcessOperator<>(new GlobalPosteriorFunction(OPTIONS)),
                    batch -> GlobalPosteriorFunction.KEY,
                    Types.STRING);
        }
    }
}
