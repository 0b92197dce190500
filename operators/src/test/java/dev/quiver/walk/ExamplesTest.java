package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.bayes.NormalInverseGammaPosterior;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.WalkBatch;
import dev.quiver.compute.WalkKernel;
import dev.quiver.compute.WalkLaw;
import dev.quiver.compute.WalkTallies;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Runs the code of each public type's javadoc example, so the examples cannot rot. Keep each test
 * body in step with the {@code <pre>{@code ...}</pre>} block it names.
 */
class ExamplesTest {

    @Test
    void philoxExample() {
        int[] out = new int[4];
        Philox4x32.block(0, 0, 0, 0, 0, 0, out, 0);
        assertThat(out).containsExactly(0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8);
        long[] words = new long[8];
        new Philox4x32().fill(0, 0, 0, 0, 0, 0, words, 0, 4);
        assertThat(words[0]).isEqualTo(0xe169c58d_6627e8d5L);
    }

    @Test
    void walkStreamExample() {
        long key = WalkStream.streamKey(42L, WalkStream.keyHash("ad-7"));
        WalkStream stream = new WalkStream();
        stream.reset(key, 3L, 0, 100);
        int bits = stream.nextInt();
        double u = stream.nextDouble();
        assertThat(u).isBetween(0.0, 1.0);
        stream.reset(key, 3L, 0, 100);
        assertThat(stream.nextInt()).isEqualTo(bits);
    }

    @Test
    void keyHashExample() {
        assertThat(WalkStream.keyHash("")).isEqualTo(0xcbf29ce484222325L);
        assertThat(WalkStream.keyHash("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    }

    @Test
    void walkModelExample() {
        WalkModel fair = WalkModel.simple(0.5);
        WalkModel drift = WalkModel.simple(0.55);
        WalkModel lazy = WalkModel.lazy(0.2, 0.5);
        WalkModel gauss = WalkModel.gaussian(0.0, 2.0);
        WalkModel predictive = WalkModel.studentT(0.1, 1.5, 7.0);
        assertThat(fair.isLattice()).isTrue();
        assertThat(fair.isFair()).isTrue();
        assertThat(drift.isFair()).isFalse();
        assertThat(lazy.stepMean()).isZero();
        assertThat(gauss.stepVariance()).isEqualTo(4.0);
        assertThat(predictive.name()).isEqualTo("student-t");
    }

    @Test
    void walkSpecExample() {
        WalkSpec spec = new WalkSpec(WalkModel.simple(0.5), 1000, 10_000, 20, WalkSpec.Track.PATH);
        assertThat(spec.work()).isEqualTo(10_000_000L);
        WalkSpec cheap = WalkSpec.finalPositions(WalkModel.gaussian(0, 1), 100, 1000);
        assertThat(cheap.hasBarrier()).isFalse();
    }

    @Test
    void walkResultExample() {
        WalkSpec spec = new WalkSpec(WalkModel.simple(0.5), 100, 10_000, 10, WalkSpec.Track.PATH);
        WalkResult result = new WalkResult();
        new JavaWalkSimulator()
                .simulate(
                        spec,
                        new WalkBatch(
                                42L,
                                new long[] {WalkStream.keyHash("k")},
                                new long[] {0L},
                                new double[] {50.0},
                                1),
                        new WalkResult[] {result});
        // Tolerances: about four standard errors (sd 10 / sqrt(10^4) for the mean; the binomial
        // error 0.0047 of the hit proportion).
        assertThat(result.mean()).isCloseTo(50, within(0.4));
        assertThat(result.quantile(0.5)).isCloseTo(50, within(2.0));
        assertThat(result.hitProbability()).isCloseTo(0.32, within(0.02));
        for (int i = 0; i < result.binCount(); i++) {
            double level = result.binLevel(i);
            long paths = result.binPaths(i);
            assertThat(level % 2).isZero();
            assertThat(paths).isPositive();
        }
    }

    @Test
    void walkSimulatorExample() {
        WalkSimulator simulator = new JavaWalkSimulator();
        WalkSpec spec = WalkSpec.finalPositions(WalkModel.simple(0.5), 1000, 4096);
        long[] keys = {WalkStream.keyHash("a"), WalkStream.keyHash("b")};
        long[] sequences = {7L, 0L};
        double[] starts = {100.0, -3.0};
        WalkResult[] out = {new WalkResult(), new WalkResult()};
        simulator.simulate(spec, new WalkBatch(42L, keys, sequences, starts, 2), out);
        // sd of the mean: sqrt(1000 / 4096) = 0.49; four of them.
        assertThat(out[1].mean()).isCloseTo(-3, within(2.0));
    }

    @Test
    void javaWalkSimulatorExample() {
        JavaWalkSimulator simulator = new JavaWalkSimulator();
        WalkSpec spec =
                new WalkSpec(WalkModel.gaussian(0.1, 1.0), 250, 2000, 5.0, WalkSpec.Track.PATH);
        WalkResult[] out = {new WalkResult()};
        simulator.simulate(
                spec,
                new WalkBatch(
                        1L,
                        new long[] {WalkStream.keyHash("k")},
                        new long[] {0L},
                        new double[] {0.0},
                        1),
                out);
        double hit = out[0].hitProbability();
        assertThat(hit).isBetween(0.0, 1.0);
    }

    @Test
    void walkExactExample() {
        WalkSpec spec = new WalkSpec(WalkModel.simple(0.5), 100, 10_000, 10, WalkSpec.Track.PATH);
        WalkExact exact = WalkExact.of(spec);
        assertThat(exact.finalProbability(0)).isCloseTo(0.0796, within(1e-4));
        assertThat(exact.hitProbability()).isCloseTo(0.3197, within(1e-4));
        assertThat(exact.returnProbability()).isCloseTo(0.9204, within(1e-4));
        WalkResult result = Simulations.simulate(spec, 42L, "k", 0, 50.0);
        List<WalkEstimate> rows = exact.estimates(result);
        assertThat(rows).extracting(WalkEstimate::name).contains("mean", "hitProbability");
    }

    @Test
    void walkEstimateExample() {
        WalkEstimate hit = new WalkEstimate("hitProbability", 0.31, 0.3, 0.005);
        assertThat(hit.zScore()).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void walkMemoryExample() {
        WalkSpec spec =
                new WalkSpec(WalkModel.gaussian(0, 1), 1, 100_000_000, 1, WalkSpec.Track.PATH);
        long kept = WalkMemory.inMemoryBytes(spec);
        long replayed = WalkMemory.inPassesBytes(spec);
        long least = WalkMemory.leastBytes(spec);
        assertThat(kept).isBetween(1_600_000_000L, 1_601_000_000L);
        assertThat(replayed).isBetween(3_000_000L, 5_000_000L);
        assertThat(least).isEqualTo(replayed);
    }

    @Test
    void walkOptionsExample() {
        WalkOptions options =
                new WalkOptions(
                        WalkModel.simple(0.5), 1000, 10_000, 20, 42L, 1, 0, 50_000_000L, 64);
        WalkSpec spec = options.spec();
        assertThat(spec.track()).isEqualTo(WalkSpec.Track.PATH);
        long[] trigger = WalkOptions.parseTrigger("500ms");
        assertThat(trigger).containsExactly(1, 500);
        WalkSpec learned = options.spec(WalkModel.studentT(0.0, 1.0, 5.0));
        assertThat(learned.steps()).isEqualTo(1000);
        assertThat(learned.barrier()).isEqualTo(20);
        assertThat(learned.model().name()).isEqualTo("student-t");
    }

    @Test
    void stepPosteriorExample() {
        StepPosterior steps =
                StepPosterior.withPrior(NormalInverseGammaPosterior.withPrior(0.0, 1.0, 2.0, 2.0));
        steps.observe(100.0);
        WalkModel prior = steps.predictive();
        assertThat(prior.location()).isZero();
        assertThat(prior.scale()).isCloseTo(Math.sqrt(2.0), within(1e-15));
        assertThat(prior.dof()).isEqualTo(4.0);
        steps.observe(101.5);
        steps.observe(101.0);
        assertThat(steps.increments().getN()).isEqualTo(2.0);
        WalkModel next = steps.predictive();
        assertThat(next.location()).isCloseTo(1.0 / 3.0, within(1e-15));
        assertThat(next.dof()).isEqualTo(6.0);
    }


    @Test
    void pathCountsExample() {
        PathCounts passage = new PathCounts();
        passage.clear(100);
        passage.add(7);
        assertThat(passage.count(7)).isEqualTo(1);
        assertThat(passage.count(101)).isZero();
    }

    @Test
    void levelHistogramExample() {
        LevelHistogram histogram = new LevelHistogram();
        histogram.startEqualWidth(-1.0, 1.0, 2, 100.0);
        histogram.count(0.25);
        assertThat(histogram.level(1)).isEqualTo(100.5);
        assertThat(histogram.paths(1)).isEqualTo(1);
    }

    @Test
    void walkLawsExample() {
        WalkSpec spec = new WalkSpec(WalkModel.lazy(0.2, 0.5), 100, 1000, 5, WalkSpec.Track.PATH);
        WalkLaw law = WalkLaws.of(spec, Long.MAX_VALUE);
        assertThat(WalkLaws.spec(law)).isEqualTo(spec);
    }

    @Test
    void javaWalkKernelAndProviderExample() {
        WalkSpec spec = WalkSpec.finalPositions(WalkModel.simple(0.5), 100, 1000);
        try (WalkKernel walks = new JavaWalkKernel()) {
            WalkTallies out =
                    new WalkTallies(new double[] {0.5});
            walks.simulate(
                    WalkLaws.of(spec, Long.MAX_VALUE),
                    new WalkBatch(
                            42L,
                            new long[] {WalkStream.keyHash("k")},
                            new long[] {0L},
                            new double[] {50.0},
                            1),
                    out);
            // 1000 paths of 100 fair steps: the mean's standard error is about 0.32.
            assertThat(out.mean(0)).isCloseTo(50.0, org.assertj.core.api.Assertions.within(1.6));
        }
        try (ComputeBackend part = new JavaWalkProvider().open()) {
            assertThat(part.walks().backend()).isEqualTo("java");
        }
    }
}
