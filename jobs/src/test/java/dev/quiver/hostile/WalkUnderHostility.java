package dev.quiver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.WalkBatch;
import dev.quiver.schema.Observation;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.JavaWalkSimulator;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkResult;
import dev.quiver.walk.WalkSpec;
import dev.quiver.walk.WalkStream;

import org.apache.avro.specific.SpecificRecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The walk job (fair ±1 steps) under hostile observations. A start it cannot walk from is a dead
 * letter; every good observation's summary equals the kernel's simulation at the coordinates the
 * job must use: the job seed, the key, and the observation's number among its key's good ones, so a
 * hostile record that took a number would shift every later summary of its key.
 */
final class WalkUnderHostility extends ObservationJob {

    private static final int STEPS = 64;
    private static final int PATHS = 256;
    private static final long SEED = 11;

    WalkUnderHostility() {
        super("walk", "--walks-topic", WalkSummary.class);
    }

    @Override
    List<String> options() {
        return List.of(
                "--steps",
                String.valueOf(STEPS),
                "--paths",
                String.valueOf(PATHS),
                "--seed",
                String.valueOf(SEED));
    }

    @Override
    double goodValue(SplittableRandom random) {
        return random.nextInt(-50, 51);
    }

    @Override
    void semanticCases(EntryMix<Observation> cases) {
        emptyKeyAndNonFiniteValues(cases, "walk start value must be finite, got ");
    }

    @Override
    void checkResults(List<List<Entry>> sent, List<SpecificRecord> results) {
        WalkSpec spec =
                new WalkSpec(WalkModel.simple(0.5), STEPS, PATHS, Double.NaN, WalkSpec.Track.FINAL);
        assertSummariesAreTheKernels(sent.get(0), uniqueById(results), spec, SEED);
    }

    /**
     * Every observation among {@code sent} that expects a result has exactly the summary the kernel
     * simulates at its coordinates (the job seed, its key and its number among its key's such
     * observations), and there is no other.
     */
    static void assertSummariesAreTheKernels(
            List<Entry> sent, Map<String, WalkSummary> byId, WalkSpec spec, long seed) {
        JavaWalkSimulator simulator = new JavaWalkSimulator();
        Map<String, Long> numbers = new HashMap<>();
        int expected = 0;
        for (Entry entry : sent) {
            if (!(entry.record() instanceof Observation o)) {
                continue;
            }
            expected++;
            long number = numbers.merge(o.getKey(), 1L, Long::sum) - 1;
            WalkResult[] kernel = {new WalkResult()};
            simulator.simulate(
                    spec,
                    new WalkBatch(
                            seed,
                            new long[] {WalkStream.keyHash(o.getKey())},
                            new long[] {number},
                            new double[] {o.getValue()},
                            1),
                    kernel);
            WalkSummary summary = byId.get(entry.id());
            assertThat(summary).as("the walk summary of %s", entry).isNotNull();
            assertThat(summary.getSeed()).contains(" sequence=" + number + " ");
            assertThat(summary.getMean()).as("mean of %s", entry.id()).isEqualTo(kernel[0].mean());
            assertThat(summary.getVariance())
                    .as("variance of %s", entry.id())
                    .isEqualTo(kernel[0].variance());
            assertThat(summary.getQuantiles().get("0.5"))
                    .as("median of %s", entry.id())
                    .isEqualTo(kernel[0].quantile(0.5));
        }
        assertThat(byId).as("walk summaries, one per good observation").hasSize(expected);
    }
}
