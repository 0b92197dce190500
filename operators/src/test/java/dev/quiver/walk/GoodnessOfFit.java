package dev.quiver.walk;

import org.hipparchus.stat.inference.ChiSquareTest;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;

import java.util.ArrayList;
import java.util.List;

/** Goodness-of-fit p-values of simulated counts against exact probabilities. */
final class GoodnessOfFit {

    /**
     * Every comparison of a simulation with an exact law must reach this p-value. With fixed seeds
     * a test either always passes or always fails; 0.001 makes a correct simulator fail a given
     * check with probability 1/1000 when the seeds are first chosen, while the power checks show
     * that a wrong law (p off by 0.02, a wrong formula) gives p-values far below it.
     */
    static final double P_VALUE_THRESHOLD = 0.001;

    /** |z| below 3.29 is the same two-sided 0.001 threshold for a single z-score. */
    static final double Z_THRESHOLD = 3.29;

    /** Pearson's rule of thumb: pool bins until each expects at least five observations. */
    private static final double MIN_EXPECTED = 5;

    private GoodnessOfFit() {}

    /**
     * Pearson chi-square p-value (Hipparchus {@link ChiSquareTest}) of {@code observed[i]} against
     * {@code probabilities[i] * total}, after pooling consecutive bins until each expects at least
     * five (a short last group joins the one before). An observation in a bin of probability 0 is
     * impossible under the law and gives 0. The probabilities must sum to 1 (to 1e-9).
     */
    static double chiSquare(double[] probabilities, long[] observed) {
        double sum = 0;
        long total = 0;
        for (int i = 0; i < probabilities.length; i++) {
            sum += probabilities[i];
            total += observed[i];
            if (probabilities[i] == 0 && observed[i] > 0) {
                return 0;
            }
        }
        if (Math.abs(sum - 1) > 1e-9) {
            throw new IllegalArgumentException("probabilities sum to " + sum);
        }
        List<double[]> groups = new ArrayList<>();
        double expected = 0;
        long seen = 0;
        for (int i = 0; i < probabilities.length; i++) {
            expected += probabilities[i] * total;
            seen += observed[i];
            if (expected >= MIN_EXPECTED) {
                groups.add(new double[] {expected, seen});
                expected = 0;
                seen = 0;
            }
        }
        if (expected > 0 || seen > 0) {
            double[] last = groups.get(groups.size() - 1);
            last[0] += expected;
            last[1] += seen;
        }
        if (groups.size() < 2) {
            throw new IllegalArgumentException("fewer than two bins after pooling");
        }
        double[] expectedCounts = new double[groups.size()];
        long[] observedCounts = new long[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            expectedCounts[g] = groups.get(g)[0];
            observedCounts[g] = (long) groups.get(g)[1];
        }
        return new ChiSquareTest().chiSquareTest(expectedCounts, observedCounts);
    }

    /**
     * Kolmogorov-Smirnov p-value of counts on an ordered discrete support: {@code D = max |F_M -
     * F|} over the support points, and the asymptotic Kolmogorov law {@code P(sqrt(M) D > t) = 1 -
     * K(t)} (Hipparchus {@link KolmogorovSmirnovTest#ksSum}). For a discrete law this p-value is
     * conservative (larger than the exact one), so passing it is weaker evidence than for a
     * continuous law; the chi-square test beside it is the sharper check.
     */
    static double kolmogorovSmirnov(double[] probabilities, long[] observed) {
        long total = 0;
        for (long count : observed) {
            total += count;
        }
        double d = 0;
        double cdf = 0;
        long cumulative = 0;
        for (int i = 0; i < probabilities.length; i++) {
            cdf += probabilities[i];
            cumulative += observed[i];
            d = Math.max(d, Math.abs((double) cumulative / total - cdf));
        }
        double t = Math.sqrt(total) * d;
        return 1 - new KolmogorovSmirnovTest().ksSum(t, 1e-20, 100_000);
    }
}
