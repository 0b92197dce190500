package dev.quiver.bayes.flink;

import static dev.quiver.bayes.flink.BayesFunctionTest.traced;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.bayes.BayesOptions;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.BatchPolicy;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.MicroBatch;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The bayes operator in micro-batches: for every variant the job supports (the models, windows,
 * forgetting, change points, every N-th and interval emission, the global partials) the results,
 * their stream timestamps, their order and the dead letters are those of an unbatched run at batch
 * sizes 7 and 1000, and a snapshot taken at a barrier in the middle of a batch restores exactly
 * once. Only {@code latencyMs}, wall-clock, may differ.
 */
class BayesMicroBatchTest {

    /** Processing time advances this much per observation, so interval timers fire in between. */
    private static final long TICK_MS = 7;

    /** Observations per stream. */
    private static final int EVENTS = 120;

    /** The restore tests take their snapshot from this observation on, inside a batch. */
    private static final int SNAPSHOT_AT = 25;

    /** Batches flushed only when full, at barriers, watermarks and the end: never on timeout. */
    private static final long NEVER_DUE_MS = 3_600_000;

    /** A job variant: its options and the observations it is fed. */
    record Variant(String name, BayesOptions options, List<Observation> stream) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Variant> variants() {
        return Stream.of(
                new Variant(
                        "beta-bernoulli with bad values",
                        BayesOptions.builder().build(),
                        stream(r -> r.nextInt(10) == 0 ? 2.5 : r.nextInt(2), null, null)),
                new Variant(
                        "beta-bernoulli window 5",
                        BayesOptions.builder().setWindow(5).build(),
                        stream(r -> r.nextInt(2), null, null)),
                new Variant(
                        "normal with forgetting and change points",
                        BayesOptions.builder()
                                .setModel("normal")
                                .setDecay(0.95)
                                .setChangepoint(true)
                                .setMaxRunLength(40)
                                .build(),
                        stream(r -> r.nextGaussian() * 2 + 5, null, null)),
                new Variant(
                        "normal window 9 with change points",
                        BayesOptions.builder()
                                .setModel("normal")
                                .setWindow(9)
                                .setChangepoint(true)
                                .setMaxRunLength(40)
                                .build(),
                        stream(r -> r.nextGaussian() + (r.nextInt(2) == 0 ? 0 : 4), null, null)),
                new Variant(
                        "dirichlet every 3rd, categories over the limit",
                        BayesOptions.builder()
                                .setModel("dirichlet")
                                .setMaxCategories(3)
                                .setEmit("3")
                                .build(),
                        stream(r -> 0, r -> "c" + r.nextInt(4), null)),
                new Variant(
                        "blr window 8",
                        BayesOptions.builder().setModel("blr").setDimension(2).setWindow(8).build(),
                        stream(
                                r -> r.nextGaussian(),
                                null,
                                r -> List.of(r.nextGaussian(), 1.0 + r.nextInt(3)))),
                new Variant(
                        "gamma-poisson global",
                        BayesOptions.builder()
                                .setModel("gamma-poisson")
                                .setGlobal(true)
                                .setGlobalIntervalMs(50)
                                .build(),
                        stream(r -> r.nextInt(6), null, null)),
                new Variant(
                        "beta-bernoulli interval 40ms",
                        BayesOptions.builder().setEmit("40ms").build(),
                        stream(r -> r.nextInt(2), null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void batchSizesSevenAndAThousandGiveTheUnbatchedResultsInOrder(Variant variant)
            throws Exception {
        Run unbatched = run(variant, BatchPolicy.UNBATCHED);
        assertThat(unbatched.results).isNotEmpty();
        for (int size : new int[] {7, 1000}) {
            Run batched = run(variant, new BatchPolicy(size, NEVER_DUE_MS));
            assertThat(batched.results).as("batch size %d", size).isEqualTo(unbatched.results);
            assertThat(batched.deadLetters)
                    .as("dead letters at batch size %d", size)
                    .isEqualTo(unbatched.deadLetters);
            assertThat(batched.partials)
                    .as("global partials at batch size %d", size)
                    .isEqualTo(unbatched.partials);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void aSnapshotInTheMiddleOfABatchRestoresExactlyOnce(Variant variant) throws Exception {
        Run unbatched = run(variant, BatchPolicy.UNBATCHED);
        BatchPolicy seven = new BatchPolicy(7, NEVER_DUE_MS);
        Run resumed = new Run();
        OperatorSubtaskState snapshot;
        int snapshotAt;
        try (var before = harness(variant.options(), seven)) {
            before.open();
            // From the 25th observation on, at the first one that leaves results waiting.
            int next = 0;
            while (next < SNAPSHOT_AT || waiting(before).isEmpty()) {
                feed(before, variant.stream(), next++);
            }
            snapshotAt = next;
            int beforeBarrier = before.extractOutputValues().size();
            before.prepareSnapshotPreBarrier(1L);
            assertThat(before.extractOutputValues().size())
                    .as("results waiting in the batch go out before the barrier")
                    .isGreaterThan(beforeBarrier);
            snapshot = before.snapshot(1L, snapshotAt);
            resumed.collect(before);
            // After the barrier, then lost in the failure: replayed below.
            feed(before, variant.stream(), snapshotAt);
        }
        try (var after = harness(variant.options(), seven)) {
            after.initializeState(snapshot);
            after.open();
            for (int i = snapshotAt; i < EVENTS; i++) {
                feed(after, variant.stream(), i);
            }
            end(after);
            resumed.collect(after);
        }
        assertThat(resumed.results).isEqualTo(unbatched.results);
        assertThat(resumed.deadLetters).isEqualTo(unbatched.deadLetters);
    }

    /** A batch that is not full goes out when its oldest result has waited the timeout. */
    @Test
    void aBatchThatIsNotFullIsFlushedWhenItsOldestResultIsDue() throws Exception {
        try (var harness = harness(BayesOptions.builder().build(), new BatchPolicy(1000, 50))) {
            harness.open();
            harness.setProcessingTime(0);
            harness.processElement(traced(observation(0, "a", 1, null, null)), 0);
            harness.setProcessingTime(30);
            harness.processElement(traced(observation(1, "b", 0, null, null)), 1);
            harness.processElement(traced(observation(2, "a", 1, null, null)), 2);
            harness.setProcessingTime(49);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.setProcessingTime(50);
            List<PosteriorUpdate> out = harness.extractOutputValues();
            assertThat(out).extracting(PosteriorUpdate::getId).containsExactly("o0", "o1", "o2");
            assertThat(out).extracting(PosteriorUpdate::getN).containsExactly(1.0, 1.0, 2.0);
            // Every result's latency includes its wait in the batch: at least what the test's
            // clock says, measured on the wall clock, so never less than zero.
            assertThat(out).allSatisfy(u -> assertThat(u.getLatencyMs()).isNotNegative());
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** What one run emitted: results with their stream timestamps, dead letters, partials. */
    private static final class Run {
        final List<String> results = new ArrayList<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();
        final List<String> partials = new ArrayList<>();

        void collect(Harness h) {
            for (StreamRecord<? extends PosteriorUpdate> record : h.extractOutputStreamRecords()) {
                PosteriorUpdate copy = PosteriorUpdate.newBuilder(record.getValue()).build();
                // Latency is wall-clock; everything else must be identical.
                copy.setLatencyMs(0L);
                String timestamp =
                        record.hasTimestamp() ? Long.toString(record.getTimestamp()) : "-";
                results.add(timestamp + " " + copy);
            }
            var dead = h.getSideOutput(DeadLetters.TAG);
            if (dead != null) {
                for (StreamRecord<DeadLetter> r : dead) {
                    // When it was written is wall-clock; everything else must be identical.
                    DeadLetter copy = DeadLetter.newBuilder(r.getValue()).build();
                    copy.setTs(Instant.EPOCH);
                    deadLetters.add(copy);
                }
            }
            var sent = h.getSideOutput(BayesFunction.PARTIALS);
            if (sent != null) {
                for (StreamRecord<KeyGroupPartial[]> r : sent) {
                    for (KeyGroupPartial partial : r.getValue()) {
                        partials.add(
                                partial.keyGroup
                                        + " "
                                        + partial.maxTs
                                        + " "
                                        + Arrays.toString(partial.state));
                    }
                }
            }
        }
    }

    private static Run run(Variant variant, BatchPolicy policy) throws Exception {
        Run run = new Run();
        try (var harness = harness(variant.options(), policy)) {
            harness.open();
            for (int i = 0; i < EVENTS; i++) {
                feed(harness, variant.stream(), i);
            }
            end(harness);
            run.collect(harness);
        }
        return run;
    }

    /** The results waiting in the harness's batch. */
    private static MicroBatch<?> waiting(Harness h) {
        var operator = (MicroBatchKeyedOperator<?, ?, ?>) h.getOperator();
        return ((BayesFunction) operator.getUserFunction()).waiting();
    }

    /** Observation {@code i} at processing time {@code i * TICK_MS}, firing the timers due. */
    private static void feed(Harness h, List<Observation> stream, int i) throws Exception {
        h.setProcessingTime(i * TICK_MS);
        h.processElement(traced(stream.get(i)), i);
    }

    /** The end of a bounded input: the final watermark, then the operator's finish. */
    private static void end(Harness h) throws Exception {
        h.processWatermark(Long.MAX_VALUE);
        h.getOperator().finish();
    }

    private static Harness harness(BayesOptions options, BatchPolicy policy) throws Exception {
        return new Harness(options, policy);
    }

    /** The bayes operator, batching by {@code policy}, under Flink's keyed test harness. */
    private static final class Harness
            extends KeyedOneInputStreamOperatorTestHarness<
                    String, Traced<Observation>, PosteriorUpdate> {
        Harness(BayesOptions options, BatchPolicy policy) throws Exception {
            super(
                    new MicroBatchKeyedOperator<>(new BayesFunction(options, policy)),
                    traced -> traced.record.getKey(),
                    Types.STRING);
        }
    }

    /** {@link #EVENTS} observations over five keys, from a fixed seed. */
    private static List<Observation> stream(
            Function<SplittableRandom, Number> value,
            Function<SplittableRandom, String> category,
            Function<SplittableRandom, List<Double>> features) {
        SplittableRandom random = new SplittableRandom(23);
        List<Observation> stream = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String key = "k" + random.nextInt(5);
            stream.add(
                    observation(
                            i,
                            key,
                            value.apply(random).doubleValue(),
                            category == null ? null : category.apply(random),
                            features == null ? null : features.apply(random)));
        }
        return stream;
    }

    private static Observation observation(
            int i, String key, double value, String category, List<Double> features) {
        Observation.Builder builder =
                Observation.newBuilder()
                        .setId("o" + i)
                        .setKey(key)
                        .setTs(Instant.ofEpochMilli(1_000 + i))
                        .setValue(value)
                        .setCategory(category);
        if (features != null) {
            builder.setFeatures(features);
        }
        return builder.build();
    }
}
