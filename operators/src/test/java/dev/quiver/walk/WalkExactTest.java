package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.junit.jupiter.api.Test;

/**
 * The closed forms of {@link WalkExact} against direct enumeration of every path (an independent,
 * straightforward computation) and against identities between them.
 */
class WalkExactTest {

    /**
     * Enumeration sums up to 2^20 exactly representable-ish products in double, and Hipparchus'
     * binomial log-probability (Loader's saddle point) is accurate to a few 1e-15 relative; 1e-11
     * relative leaves a wide margin without letting a wrong formula (off by a factor or a shift)
     * through.
     */
    private static final double RELATIVE = 1e-11;

    /** Sums of up to 10^6 terms of probability: rounding stays far below 1e-9. */
    private static final double SUM_TOLERANCE = 1e-9;

    private static void assertClose(double actual, double expected, String what) {
        assertThat(actual)
                .as(what)
                .isCloseTo(expected, within(RELATIVE * Math.abs(expected) + 1e-300));
    }

    /** Everything about one enumerated set of paths, computed from the definitions. */
    private static final class Enumerated {
        final double[] finalPmf;
        final double[] passagePmf;
        final double[] maximumPmf;
        final double[] firstReturnPmf;
        final double[] abovePmf;

        Enumerated(int n) {
            finalPmf = new double[2 * n + 1];
            passagePmf = new double[n + 1];
            maximumPmf = new double[n + 1];
            firstReturnPmf = new double[n + 1];
            abovePmf = new double[n + 1];
        }

        void add(int[] path, int n, int barrier, double weight) {
            int maximum = 0;
            int passage = 0;
            int firstReturn = 0;
            int above = 0;
            for (int t = 1; t <= n; t++) {
                maximum = Math.max(maximum, path[t]);
                if (passage == 0 && path[t] == barrier) {
                    passage = t;
                }
                if (firstReturn == 0 && path[t] == 0) {
                    firstReturn = t;
                }
                if (path[t - 1] > 0 || path[t] > 0) {
                    above++;
                }
            }
            finalPmf[path[n] + n] += weight;
            passagePmf[passage] += weight;
            maximumPmf[maximum] += weight;
            firstReturnPmf[firstReturn] += weight;
            abovePmf[above] += weight;
        }
    }

    private static Enumerated enumerateSimple(int n, double p, int barrier) {
        Enumerated e = new Enumerated(n);
        int[] path = new int[n + 1];
        for (int bits = 0; bits < (1 << n); bits++) {
            double weight = 1;
            for (int t = 1; t <= n; t++) {
                boolean up = ((bits >>> (t - 1)) & 1) == 1;
                path[t] = path[t - 1] + (up ? 1 : -1);
                weight *= up ? p : 1 - p;
            }
            e.add(path, n, barrier, weight);
        }
        return e;
    }

    private static Enumerated enumerateLazy(int n, double r, double p, int barrier) {
        Enumerated e = new Enumerated(n);
        int[] path = new int[n + 1];
        int paths = (int) Math.pow(3, n);
        for (int code = 0; code < paths; code++) {
            double weight = 1;
            int rest = code;
            for (int t = 1; t <= n; t++) {
                int move = rest % 3 - 1;
                rest /= 3;
                path[t] = path[t - 1] + move;
                weight *= move == 0 ? r : move == 1 ? (1 - r) * p : (1 - r) * (1 - p);
            }
            e.add(path, n, barrier, weight);
        }
        return e;
    }

    @Test
    void simpleWalkLawsEqualEnumerationOfEveryPath() {
        int[] stepCounts = {1, 2, 5, 12, 20};
        double[] ps = {0.5, 0.3, 0.85};
        int[] barriers = {1, 3, -2};
        for (int n : stepCounts) {
            for (double p : ps) {
                for (int a : barriers) {
                    String label = "n=" + n + " p=" + p + " a=" + a;
                    WalkExact exact =
                            WalkExact.of(
                                    new WalkSpec(
                                            WalkModel.simple(p), n, 1, a, WalkSpec.Track.PATH));
                    Enumerated e = enumerateSimple(n, p, a);
                    for (int k = -n; k <= n; k++) {
                        assertClose(
                                exact.finalProbability(k), e.finalPmf[k + n], label + " S_n=" + k);
                    }
                    double hit = 0;
                    for (int m = 1; m <= n; m++) {
                        assertClose(
                                exact.passageProbability(m), e.passagePmf[m], label + " T=" + m);
                        assertClose(
                                exact.firstReturnProbability(m),
                                e.firstReturnPmf[m],
                                label + " return at " + m);
                        hit += e.passagePmf[m];
                    }
                    assertClose(exact.hitProbability(), hit, label + " hit");
                    assertClose(
                            exact.returnProbability(), 1 - e.firstReturnPmf[0], label + " return");
                    double tail = 0;
                    for (int level = n; level >= 0; level--) {
                        tail += e.maximumPmf[level];
                        assertClose(exact.maximumAtLeast(level), tail, label + " M>=" + level);
                    }
                    if (p == 0.5 && n % 2 == 0) {
                        for (int k = 0; k <= n; k++) {
                            assertClose(
                                    exact.aboveProbability(k), e.abovePmf[k], label + " A=" + k);
                        }
                    } else {
                        assertThat(exact.aboveProbability(0)).isNaN();
                    }
                }
            }
        }
    }

    @Test
    void lazyWalkLawsEqualEnumerationOfEveryPath() {
        for (int n : new int[] {1, 4, 9}) {
            for (double[] rp : new double[][] {{0.3, 0.5}, {0.6, 0.2}}) {
                int a = 2;
                WalkExact exact =
                        WalkExact.of(
                                new WalkSpec(
                                        WalkModel.lazy(rp[0], rp[1]),
                                        n,
                                        1,
                                        a,
                                        WalkSpec.Track.PATH));
                Enumerated e = enumerateLazy(n, rp[0], rp[1], a);
                String label = "lazy n=" + n + " r=" + rp[0] + " p=" + rp[1];
                for (int k = -n; k <= n; k++) {
                    assertClose(exact.finalProbability(k), e.finalPmf[k + n], label + " S_n=" + k);
                }
                double hit = 0;
                for (int m = 1; m <= n; m++) {
                    assertClose(exact.passageProbability(m), e.passagePmf[m], label + " T=" + m);
                    hit += e.passagePmf[m];
                }
                assertClose(exact.hitProbability(), hit, label + " hit");
                assertThat(exact.maximumAtLeast(1)).isNaN();
                assertThat(exact.returnProbability()).isNaN();
            }
        }
    }

    @Test
    void lazyWalkWithoutLazinessIsTheSimpleWalk() {
        WalkExact lazy =
                WalkExact.of(new WalkSpec(WalkModel.lazy(0, 0.4), 300, 1, 5, WalkSpec.Track.PATH));
        WalkExact simple =
                WalkExact.of(new WalkSpec(WalkModel.simple(0.4), 300, 1, 5, WalkSpec.Track.PATH));
        for (int k = -300; k <= 300; k++) {
            assertClose(lazy.finalProbability(k), simple.finalProbability(k), "S_n=" + k);
        }
        assertClose(lazy.hitProbability(), simple.hitProbability(), "hit");
    }

    @Test
    void probabilitiesSumToOneForLargeN() {
        for (int n : new int[] {1000, 10_001, 1_000_000}) {
            for (double p : new double[] {0.5, 0.3}) {
                WalkExact exact =
                        WalkExact.of(
                                new WalkSpec(WalkModel.simple(p), n, 1, 25, WalkSpec.Track.PATH));
                double finals = 0;
                double mean = 0;
                for (int k = -n; k <= n; k++) {
                    finals += exact.finalProbability(k);
                    mean += k * exact.finalProbability(k);
                }
                assertThat(finals).as("n=%d p=%s", n, p).isCloseTo(1, within(SUM_TOLERANCE));
                assertThat(mean).isCloseTo(n * (2 * p - 1), within(1e-9 * n));
                double maximum = 0;
                for (int a = 0; a <= n; a++) {
                    double pa = exact.maximumAtLeast(a) - exact.maximumAtLeast(a + 1);
                    assertThat(pa).as("P(M = %d)", a).isGreaterThanOrEqualTo(-1e-15);
                    maximum += pa;
                }
                assertThat(maximum).isCloseTo(1, within(SUM_TOLERANCE));
                assertThat(exact.hitProbability()).isBetween(0.0, 1.0);
                if (p == 0.5 && n % 2 == 0) {
                    double above = 0;
                    for (int k = 0; k <= n; k++) {
                        above += exact.aboveProbability(k);
                    }
                    assertThat(above).isCloseTo(1, within(SUM_TOLERANCE));
                }
            }
        }
    }

    /** Local limit theorem: P(S_2m = 0) = sqrt(1 / (pi m)) (1 - 1/(8m) + ...), checked far out. */
    @Test
    void returnProbabilityAtLargeNFollowsTheLocalLimit() {
        int n = 2_000_000;
        double u = Math.exp(WalkExact.simpleLogProbability(n, 0, 0.5));
        double m = n / 2.0;
        assertThat(u).isCloseTo(Math.sqrt(1 / (Math.PI * m)) * (1 - 1 / (8 * m)), within(1e-15));
    }

    /** Renewal equation of the generating functions, U(s) = 1 + F(s) U(s). */
    @Test
    void returnProbabilitiesSatisfyTheRenewalEquation() {
        for (double p : new double[] {0.5, 0.3, 0.9}) {
            int n = 400;
            WalkExact exact =
                    WalkExact.of(
                            new WalkSpec(
                                    WalkModel.simple(p), n, 1, Double.NaN, WalkSpec.Track.PATH));
            for (int m = 2; m <= n; m += 2) {
                double renewal = 0;
                for (int k = 2; k <= m; k += 2) {
                    renewal +=
                            exact.firstReturnProbability(k)
                                    * Math.exp(WalkExact.simpleLogProbability(m - k, 0, p));
                }
                assertClose(renewal, Math.exp(WalkExact.simpleLogProbability(m, 0, p)), "u_" + m);
            }
        }
    }

    /** Feller III.3: for the fair walk, P(no return within 2k) = u_2k. */
    @Test
    void fairWalkAvoidsZeroWithProbabilityU() {
        for (int n : new int[] {2, 10, 1000, 100_000}) {
            WalkExact exact =
                    WalkExact.of(
                            new WalkSpec(
                                    WalkModel.simple(0.5), n, 1, Double.NaN, WalkSpec.Track.PATH));
            assertThat(1 - exact.returnProbability())
                    .isCloseTo(Math.exp(WalkExact.simpleLogProbability(n, 0, 0.5)), within(1e-10));
        }
    }

    /** The hitting-time sum and the (weighted) reflection principle agree, for every p. */
    @Test
    void hittingTimeSumEqualsReflection() {
        int n = 2000;
        for (double p : new double[] {0.5, 0.45, 0.6}) {
            for (int a : new int[] {1, 10, 50, -7}) {
                WalkExact hitting =
                        WalkExact.of(
                                new WalkSpec(WalkModel.simple(p), n, 1, a, WalkSpec.Track.PATH));
                double reflection =
                        a > 0
                                ? hitting.maximumAtLeast(a)
                                : WalkExact.of(
                                                new WalkSpec(
                                                        WalkModel.simple(1 - p),
                                                        n,
                                                        1,
                                                        -a,
                                                        WalkSpec.Track.PATH))
                                        .maximumAtLeast(-a);
                assertThat(hitting.hitProbability())
                        .as("p=%s a=%d", p, a)
                        .isCloseTo(reflection, within(1e-10));
            }
        }
    }

    /** For p = 1/2 the reflection principle is P(M_n >= a) = 2 P(S_n > a) + P(S_n = a). */
    @Test
    void fairMaximumIsTheReflectedBinomialTail() {
        int n = 5001;
        WalkExact exact =
                WalkExact.of(
                        new WalkSpec(WalkModel.simple(0.5), n, 1, Double.NaN, WalkSpec.Track.PATH));
        BinomialDistribution ups = new BinomialDistribution(n, 0.5);
        for (int a = 1; a <= 300; a += 7) {
            // S_n > a  <=>  ups > (n + a) / 2
            int threshold = Math.floorDiv(n + a, 2);
            double greater = 1 - ups.cumulativeProbability(threshold);
            double equal = (n + a) % 2 == 0 ? ups.probability((n + a) / 2) : 0;
            assertThat(exact.maximumAtLeast(a)).isCloseTo(2 * greater + equal, within(1e-12));
        }
    }

    @Test
    void arcsineLawIsSymmetricAndUShaped() {
        int n = 200;
        WalkExact exact =
                WalkExact.of(
                        new WalkSpec(WalkModel.simple(0.5), n, 1, Double.NaN, WalkSpec.Track.PATH));
        for (int k = 0; k <= n; k += 2) {
            assertClose(exact.aboveProbability(k), exact.aboveProbability(n - k), "A=" + k);
            assertThat(exact.aboveProbability(k + 1)).isZero();
        }
        assertThat(exact.aboveProbability(0)).isGreaterThan(exact.aboveProbability(n / 2) * 5);
    }

    @Test
    void continuousModelsHaveMomentsAndNormalQuantiles() {
        WalkExact gauss =
                WalkExact.of(WalkSpec.finalPositions(WalkModel.gaussian(0.5, 2), 100, 10));
        assertThat(gauss.mean()).isEqualTo(50.0);
        assertThat(gauss.variance()).isEqualTo(400.0);
        assertThat(gauss.quantile(0.5)).isCloseTo(50.0, within(1e-9));
        assertThat(gauss.quantile(0.975)).isCloseTo(50 + 1.959963984540054 * 20, within(1e-8));
        assertThat(gauss.fourthCentralMoment()).isEqualTo(3 * 400.0 * 400.0);
        assertThat(gauss.hasFinalDistribution()).isFalse();

        WalkExact t = WalkExact.of(WalkSpec.finalPositions(WalkModel.studentT(1, 2, 6), 10, 10));
        assertThat(t.mean()).isEqualTo(10.0);
        assertThat(t.variance()).isCloseTo(10 * 4 * 6 / 4.0, within(1e-12));
        // kurtosis of t_6 is 3 + 6/(6-4) = 6; mu_4 of the sum = 3 Var^2 + n kappa_4.
        assertThat(t.fourthCentralMoment())
                .isCloseTo(3 * 60.0 * 60.0 + 10 * 3 * 6.0 * 6.0, within(1e-9));
        assertThat(t.quantile(0.5)).isNaN();
        assertThat(
                        WalkExact.of(WalkSpec.finalPositions(WalkModel.studentT(0, 1, 1), 10, 10))
                                .mean())
                .isNaN();
    }

    @Test
    void lazyWalkBeyondTheBoundHasMomentsOnly() {
        WalkExact exact =
                WalkExact.of(
                        new WalkSpec(
                                WalkModel.lazy(0.5, 0.5),
                                WalkExact.LAZY_MAX_STEPS + 1,
                                1,
                                3,
                                WalkSpec.Track.PATH));
        assertThat(exact.hasFinalDistribution()).isFalse();
        assertThat(exact.hitProbability()).isNaN();
        assertThat(exact.variance()).isEqualTo(0.5 * (WalkExact.LAZY_MAX_STEPS + 1));
    }
}
