package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.WalkBatch;
import dev.quiver.compute.WalkKernel;
import dev.quiver.compute.WalkLaw;
import dev.quiver.compute.WalkTallies;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * The java backend's walks capability against {@link JavaWalkSimulator} itself, bit for bit: every
 * walk model, final positions and path statistics, with and without a barrier, in memory and in
 * passes, for a batch of keys, sequences and starts; and the law's round trip through {@link
 * WalkLaws}.
 */
class JavaWalkKernelTest {

    private static final long SEED = 20_261_207L;

    private static final double[] PROBABILITIES =
            WalkExact.QUANTILE_PROBABILITIES.stream().mapToDouble(Double::doubleValue).toArray();

    private static final String[] KEYS = {"a", "b", "ad-7", "", "ключ"};
    private static final long[] SEQUENCES = {0, 1, 5, 1L << 40, -1};
    private static final double[] STARTS = {0, 10.5, -3, 1e6, 2};

    private static List<WalkSpec> specs() {
        List<WalkSpec> specs = new ArrayList<>();
        for (WalkModel model :
                List.of(
                        WalkModel.simple(0.5),
                        WalkModel.simple(0.3),
                        WalkModel.lazy(0.25, 0.6),
                        WalkModel.gaussian(0.1, 2),
                        WalkModel.studentT(0.2, 1.5, 3.5),
                        WalkModel.studentT(0, 1, 1.5))) {
            double barrier = model.isLattice() ? 4 : 3.5;
            specs.add(WalkSpec.finalPositions(model, 90, 700));
            specs.add(new WalkSpec(model, 90, 700, barrier, WalkSpec.Track.PATH));
            specs.add(new WalkSpec(model, 65, 300, Double.NaN, WalkSpec.Track.PATH));
        }
        // Enough paths that a budget of the passes' size runs these in passes.
        specs.add(WalkSpec.finalPositions(WalkModel.gaussian(0.1, 2), 3, 300_000));
        specs.add(
                new WalkSpec(WalkModel.studentT(0, 1, 2.5), 5, 300_000, 1.5, WalkSpec.Track.PATH));
        return specs;
    }

    @Test
    void talliesAreTheSimulatorsResultsBitForBitInMemoryAndInPasses() {
        long[] hashes = new long[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            hashes[i] = WalkStream.keyHash(KEYS[i]);
        }
        int inPasses = 0;
        try (ComputeBackend backend = ComputeBackends.byName("java")) {
            WalkKernel kernel = backend.walks();
            assertThat(kernel.backend()).isEqualTo("java");
            WalkTallies tallies = new WalkTallies(PROBABILITIES);
            for (WalkSpec spec : specs()) {
                List<Long> budgets = new ArrayList<>(List.of(Long.MAX_VALUE));
                if (!spec.model().isLattice()) {
                    budgets.add(WalkMemory.inPassesBytes(spec));
                }
                for (long budget : budgets) {
                    inPasses += WalkMemory.runsInPasses(spec, budget) ? 1 : 0;
                    WalkLaw law = WalkLaws.of(spec, budget);
                    assertThat(WalkLaws.spec(law)).isEqualTo(spec);
                    kernel.simulate(
                            law,
                            new WalkBatch(SEED, hashes, SEQUENCES, STARTS, KEYS.length),
                            tallies);
                    WalkResult[] expected = new WalkResult[KEYS.length];
                    for (int i = 0; i < KEYS.length; i++) {
                        expected[i] = new WalkResult();
                    }
                    new JavaWalkSimulator(budget)
                            .simulate(
                                    spec,
                                    new WalkBatch(SEED, hashes, SEQUENCES, STARTS, KEYS.length),
                                    expected);
                    assertThat(tallies.count()).isEqualTo(KEYS.length);
                    for (int i = 0; i < KEYS.length; i++) {
                        assertSame(
                                spec + " budget " + budget + " key " + i, expected[i], tallies, i);
                    }
                }
            }
        }
        assertThat(inPasses).as("simulations run in passes").isGreaterThanOrEqualTo(2);
    }

    @Test
    void badArgumentsAreRefusedAsTheSimulatorRefusesThem() {
        WalkKernel kernel = new JavaWalkKernel();
        WalkTallies tallies = new WalkTallies(PROBABILITIES);
        WalkLaw law = WalkLaws.of(WalkSpec.finalPositions(WalkModel.simple(0.5), 10, 10), 1L << 20);
        assertThatThrownBy(
                        () ->
                                kernel.simulate(
                                        law,
                                        new WalkBatch(
                                                1L,
                                                new long[1],
                                                new long[1],
                                                new double[1],
                                                2),
                                        tallies))
                .hasMessageContaining("count = 2");
        assertThatThrownBy(
                        () ->
                                kernel.simulate(
                                        law,
                                        new WalkBatch(
                                                1L,
                                                new long[1],
                                                new long[1],
                                                new double[] {Double.NaN},
                                                1),
                                        tallies))
                .hasMessageContaining("must be finite");
        WalkLaw bad =
                new WalkLaw(
                        WalkLaw.Kind.SIMPLE,
                        1.5,
                        0,
                        0,
                        0,
                        Double.NaN,
                        10,
                        10,
                        Double.NaN,
                        false,
                        Long.MAX_VALUE);
        assertThatThrownBy(
                        () ->
                                kernel.simulate(
                                        bad,
                                        new WalkBatch(
                                                1L,
                                                new long[1],
                                                new long[1],
                                                new double[1],
                                                1),
                                        tallies))
                .hasMessageContaining("p must be in [0, 1]");
    }

    /** Bits, so that NaN equals NaN and -0 differs from +0. */
    private static long bits(double value) {
        return Double.doubleToRawLongBits(value);
    }

    private static void assertSame(String what, WalkResult expected, WalkTallies tallies, int i) {
        assertThat(bits(tallies.mean(i))).as("%s mean", what).isEqualTo(bits(expected.mean()));
        assertThat(bits(tallies.variance(i)))
                .as("%s variance", what)
                .isEqualTo(bits(expected.variance()));
        for (int j = 0; j < PROBABILITIES.length; j++) {
            assertThat(bits(tallies.quantile(i, j)))
                    .as("%s quantile %s", what, PROBABILITIES[j])
                    .isEqualTo(bits(expected.quantile(PROBABILITIES[j])));
        }
        assertThat(tallies.binCount(i)).as("%s bins", what).isEqualTo(expected.binCount());
        for (int b = 0; b < expected.binCount(); b++) {
            assertThat(bits(tallies.binLevel(i, b)))
                    .as("%s bin %d", what, b)
                    .isEqualTo(bits(expected.binLevel(b)));
            assertThat(tallies.binPaths(i, b))
                    .as("%s bin %d", what, b)
                    .isEqualTo(expected.binPaths(b));
        }
        assertThat(tallies.hits(i)).as("%s hits", what).isEqualTo(expected.hits());
        assertThat(bits(tallies.hitProbability(i)))
                .as("%s hit", what)
                .isEqualTo(bits(expected.hitProbability()));
        assertThat(bits(tallies.maximumMean(i)))
                .as("%s maximum", what)
                .isEqualTo(bits(expected.maximumMean()));
        assertThat(bits(tallies.returnProbability(i)))
                .as("%s return", what)
                .isEqualTo(bits(expected.returnProbability()));
        assertThat(bits(tallies.meanFractionAbove(i)))
                .as("%s above", what)
                .isEqualTo(bits(expected.meanFractionAbove()));
        WalkExact exact = WalkExact.of(expected.spec());
        assertThat(exact.estimates(tallies, i, expected.start()))
                .as("%s estimates", what)
                .isEqualTo(exact.estimates(expected));
    }
}
