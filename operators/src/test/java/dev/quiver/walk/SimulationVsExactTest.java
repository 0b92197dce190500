package dev.quiver.walk;

import static dev.quiver.walk.GoodnessOfFit.P_VALUE_THRESHOLD;
import static dev.quiver.walk.GoodnessOfFit.Z_THRESHOLD;

import static org.assertj.core.api.Assertions.assertThat;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/**
 * Simulated laws against the exact ones, over fixed seeds: every goodness-of-fit p-value must
 * exceed {@link GoodnessOfFit#P_VALUE_THRESHOLD} and every z-score stay within {@link
 * GoodnessOfFit#Z_THRESHOLD}; the power checks at the end show the same tests reject a wrong law.
 */
class SimulationVsExactTest {

    private static final long[] SEEDS = {1L, 2L, 3L};
    private static final int PATHS = 20_000;

    private static WalkSpec path(WalkModel model, int n, double barrier) {
        return new WalkSpec(model, n, PATHS, barrier, WalkSpec.Track.PATH);
    }

    private static double[] finalLaw(WalkExact exact, int n) {
        double[] law = new double[2 * n + 1];
        for (int k = -n; k <= n; k++) {
            law[k + n] = exact.finalProbability(k);
        }
        return law;
    }

    private static long[] finalCounts(WalkResult result, int n) {
        long[] counts = new long[2 * n + 1];
        for (int k = -n; k <= n; k++) {
            counts[k + n] = result.finalCount(k);
        }
        return counts;
    }

    @Test
    void finalPositionsFitTheirExactLaw() {
        Object[][] cases = {
            {WalkModel.simple(0.5), new int[] {1, 7, 63, 64, 65, 100, 1000}},
            {WalkModel.simple(0.3), new int[] {10, 101, 1000}},
            {WalkModel.simple(0.7), new int[] {33}},
            {WalkModel.lazy(0.25, 0.6), new int[] {20, 300}},
            {WalkModel.lazy(0, 0.5), new int[] {99}},
        };
        for (Object[] c : cases) {
            WalkModel model = (WalkModel) c[0];
            for (int n : (int[]) c[1]) {
                for (WalkSpec.Track track : WalkSpec.Track.values()) {
                    WalkSpec spec = new WalkSpec(model, n, PATHS, Double.NaN, track);
                    double[] law = finalLaw(WalkExact.of(spec), n);
                    for (long seed : SEEDS) {
                        WalkResult result = Simulations.simulate(spec, seed, "key", 0, 0);
                        assertThat(GoodnessOfFit.chiSquare(law, finalCounts(result, n)))
                                .as("%s n=%d %s seed %d", model, n, track, seed)
                                .isGreaterThan(P_VALUE_THRESHOLD);
                    }
                }
            }
        }
    }

    @Test
    void runningMaximumFitsTheReflectionPrinciple() {
        Object[][] cases = {
            {WalkModel.simple(0.5), 50}, {WalkModel.simple(0.5), 999},
            {WalkModel.simple(0.4), 200}, {WalkModel.simple(0.6), 200},
        };
        for (Object[] c : cases) {
            WalkModel model = (WalkModel) c[0];
            int n = (int) c[1];
            WalkSpec spec = path(model, n, Double.NaN);
            WalkExact exact = WalkExact.of(spec);
            double[] law = new double[n + 1];
            for (int a = 0; a <= n; a++) {
                law[a] = exact.maximumAtLeast(a) - exact.maximumAtLeast(a + 1);
            }
            for (long seed : SEEDS) {
                WalkResult result = Simulations.simulate(spec, seed, "max", 0, 0);
                long[] counts = new long[n + 1];
                for (int a = 0; a <= n; a++) {
                    counts[a] = result.maximumCount(a);
                }
                assertThat(GoodnessOfFit.chiSquare(law, counts))
                        .as("%s n=%d seed %d", model, n, seed)
                        .isGreaterThan(P_VALUE_THRESHOLD);
            }
        }
    }

    @Test
    void firstPassageTimesFitTheHittingTimeTheorem() {
        Object[][] cases = {
            {WalkModel.simple(0.5), 300, 5}, {WalkModel.simple(0.5), 64, -1},
            {WalkModel.simple(0.55), 100, -3}, {WalkModel.lazy(0.4, 0.5), 100, 2},
        };
        for (Object[] c : cases) {
            WalkModel model = (WalkModel) c[0];
            int n = (int) c[1];
            int a = (int) c[2];
            WalkSpec spec = path(model, n, a);
            WalkExact exact = WalkExact.of(spec);
            double[] law = new double[n + 1];
            law[0] = 1 - exact.hitProbability(); // index 0: not hit within n steps
            for (int t = 1; t <= n; t++) {
                law[t] = exact.passageProbability(t);
            }
            for (long seed : SEEDS) {
                WalkResult result = Simulations.simulate(spec, seed, "passage", 0, 0);
                long[] counts = new long[n + 1];
                long hits = 0;
                for (int t = 1; t <= n; t++) {
                    counts[t] = result.passageCount(t);
                    hits += counts[t];
                }
                counts[0] = PATHS - hits;
                assertThat(GoodnessOfFit.chiSquare(law, counts))
                        .as("%s n=%d a=%d seed %d", model, n, a, seed)
                        .isGreaterThan(P_VALUE_THRESHOLD);
            }
        }
    }

    @Test
    void firstReturnTimesFitTheirExactLaw() {
        Object[][] cases = {
            {WalkModel.simple(0.5), 200},
            {WalkModel.simple(0.45), 100},
            {WalkModel.simple(0.5), 129},
        };
        for (Object[] c : cases) {
            WalkModel model = (WalkModel) c[0];
            int n = (int) c[1];
            WalkSpec spec = path(model, n, Double.NaN);
            WalkExact exact = WalkExact.of(spec);
            double[] law = new double[n + 1];
            law[0] = 1 - exact.returnProbability();
            for (int t = 1; t <= n; t++) {
                law[t] = exact.firstReturnProbability(t);
            }
            for (long seed : SEEDS) {
                WalkResult result = Simulations.simulate(spec, seed, "return", 0, 0);
                long[] counts = new long[n + 1];
                for (int t = 1; t <= n; t++) {
                    counts[t] = result.returnCount(t);
                }
                counts[0] = Math.round(PATHS * (1 - result.returnProbability()));
                assertThat(GoodnessOfFit.chiSquare(law, counts))
                        .as("%s n=%d seed %d", model, n, seed)
                        .isGreaterThan(P_VALUE_THRESHOLD);
            }
        }
    }

    @Test
    void stepsAboveTheStartFollowTheDiscreteArcsineLaw() {
        for (int n : new int[] {20, 100, 1000}) {
            WalkSpec spec = path(WalkModel.simple(0.5), n, Double.NaN);
            WalkExact exact = WalkExact.of(spec);
            double[] law = new double[n + 1];
            for (int k = 0; k <= n; k++) {
                law[k] = exact.aboveProbability(k);
            }
            for (long seed : SEEDS) {
                WalkResult result = Simulations.simulate(spec, seed, "arcsine", 0, 0);
                long[] counts = new long[n + 1];
                for (int k = 0; k <= n; k++) {
                    counts[k] = result.aboveCount(k);
                }
                assertThat(GoodnessOfFit.kolmogorovSmirnov(law, counts))
                        .as("KS n=%d seed %d", n, seed)
                        .isGreaterThan(P_VALUE_THRESHOLD);
                assertThat(GoodnessOfFit.chiSquare(law, counts))
                        .as("chi-square n=%d seed %d", n, seed)
                        .isGreaterThan(P_VALUE_THRESHOLD);
            }
        }
    }

    @Test
    void everyReportedZScoreIsSmall() {
        WalkSpec[] specs = {
            path(WalkModel.simple(0.5), 500, 12),
            path(WalkModel.simple(0.5), 1, 1),
            path(WalkModel.simple(0.35), 400, -20),
            path(WalkModel.lazy(0, 0.5), 250, 6),
            path(WalkModel.lazy(0.3, 0.7), 150, 10),
            path(WalkModel.gaussian(0.05, 1.3), 200, 4.5),
            path(WalkModel.studentT(-0.1, 0.8, 7), 20, -2),
            WalkSpec.finalPositions(WalkModel.simple(0.5), 4096, PATHS),
        };
        for (WalkSpec spec : specs) {
            WalkExact exact = WalkExact.of(spec);
            for (long seed : SEEDS) {
                WalkResult result = Simulations.simulate(spec, seed, "z", 11, 100.0);
                int checked = 0;
                for (WalkEstimate estimate : exact.estimates(result)) {
                    if (!Double.isNaN(estimate.zScore())) {
                        checked++;
                        assertThat(Math.abs(estimate.zScore()))
                                .as(
                                        "%s %s seed %d: %s",
                                        spec.model(), estimate.name(), seed, estimate)
                                .isLessThan(Z_THRESHOLD);
                    }
                }
                assertThat(checked).as("z-scores of %s", spec.model()).isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void gaussianFinalPositionsAreNormal() {
        for (int n : new int[] {1, 10, 100}) {
            WalkSpec spec = WalkSpec.finalPositions(WalkModel.gaussian(0.2, 1.5), n, PATHS);
            NormalDistribution law = new NormalDistribution(0.2 * n, 1.5 * Math.sqrt(n));
            for (long seed : SEEDS) {
                double[] finals =
                        Simulations.simulate(spec, seed, "g", 0, 0).sortedFinalPositions();
                assertThat(new KolmogorovSmirnovTest().kolmogorovSmirnovTest(law, finals))
                        .as("n=%d seed %d", n, seed)
                        .isGreaterThan(P_VALUE_THRESHOLD);
            }
        }
    }

    @Test
    void studentTStepsFollowTheTLaw() {
        for (double dof : new double[] {0.7, 1, 3, 7.5}) {
            WalkSpec spec = WalkSpec.finalPositions(WalkModel.studentT(0.5, 2, dof), 1, PATHS);
            TDistribution law = new TDistribution(dof);
            for (long seed : SEEDS) {
                double[] finals =
                        Simulations.simulate(spec, seed, "t", 0, 0).sortedFinalPositions();
                for (int i = 0; i < finals.length; i++) {
                    finals[i] = (finals[i] - 0.5) / 2;
                }
                assertThat(new KolmogorovSmirnovTest().kolmogorovSmirnovTest(law, finals))
                        .as("dof=%s seed %d", dof, seed)
                        .isGreaterThan(P_VALUE_THRESHOLD);
            }
        }
    }

    /** The checks reject a law that is slightly off: p = 0.52 instead of 0.5. */
    @Test
    void theChecksRejectAWrongLaw() {
        int n = 1000;
        WalkSpec spec = path(WalkModel.simple(0.5), n, 20);
        WalkExact wrong = WalkExact.of(path(WalkModel.simple(0.52), n, 20));
        WalkResult result = Simulations.simulate(spec, 1L, "power", 0, 0);
        assertThat(GoodnessOfFit.chiSquare(finalLaw(wrong, n), finalCounts(result, n)))
                .isLessThan(1e-6);
        double[] maximumLaw = new double[n + 1];
        long[] maximumCounts = new long[n + 1];
        for (int a = 0; a <= n; a++) {
            maximumLaw[a] = wrong.maximumAtLeast(a) - wrong.maximumAtLeast(a + 1);
            maximumCounts[a] = result.maximumCount(a);
        }
        assertThat(GoodnessOfFit.chiSquare(maximumLaw, maximumCounts)).isLessThan(1e-6);
        double meanZ = (result.mean() - wrong.mean()) / Math.sqrt(wrong.variance() / PATHS);
        assertThat(Math.abs(meanZ)).isGreaterThan(10);
        // The arcsine law of 1000 steps against that of 998 (the walk two steps short).
        WalkExact shorter = WalkExact.of(path(WalkModel.simple(0.5), n - 2, Double.NaN));
        double[] arcsine = new double[n + 1];
        long[] above = new long[n + 1];
        for (int k = 0; k <= n; k++) {
            arcsine[k] = shorter.aboveProbability(k);
            above[k] = result.aboveCount(k);
        }
        assertThat(GoodnessOfFit.chiSquare(arcsine, above)).isLessThan(1e-6);
    }
}
