package dev.quiver.walk;

import dev.quiver.compute.WalkTallies;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Closed-form laws of the statistics {@link WalkResult} simulates, where they exist, and the
 * comparison of a simulation with them.
 *
 * <p>Which exact values exist ({@code n} steps, barrier {@code a}, {@code q = 1 - p}; positions
 * relative to the start):
 *
 * <table>
 *   <caption>exact values by model</caption>
 *   <tr><th>statistic</th><th>simple, p = 1/2</th><th>simple, any p</th><th>lazy</th>
 *       <th>Gaussian</th><th>Student-t</th></tr>
 *   <tr><td>final law, mean, variance, quantiles</td><td>binomial</td><td>binomial</td>
 *       <td>binomial mixture, n &le; {@value #LAZY_MAX_STEPS}</td><td>normal</td>
 *       <td>mean (dof &gt; 1), variance (dof &gt; 2)</td></tr>
 *   <tr><td>first passage, P(hit a)</td><td colspan="2">hitting-time theorem</td>
 *       <td>hitting-time theorem, n &le; {@value #LAZY_MAX_STEPS}</td><td>-</td><td>-</td></tr>
 *   <tr><td>running maximum</td><td>reflection</td><td>weighted reflection</td><td>-</td>
 *       <td>-</td><td>-</td></tr>
 *   <tr><td>first return, P(return)</td><td colspan="2">{@code u_2k / (2k - 1)}</td><td>-</td>
 *       <td>-</td><td>-</td></tr>
 *   <tr><td>steps above the start</td><td>discrete arcsine law, n even</td><td>-</td><td>-</td>
 *       <td>-</td><td>-</td></tr>
 * </table>
 *
 * <p>Formulas (W. Feller, <i>An Introduction to Probability Theory and Its Applications</i>, vol.
 * I, 3rd ed., 1968, chapter III, and XI.3 for the generating functions):
 *
 * <ul>
 *   <li>{@code P(S_m = k) = C(m, (m + k)/2) p^((m + k)/2) q^((m - k)/2)} for {@code m + k} even,
 *       evaluated in log space by Hipparchus' {@link BinomialDistribution#logProbability} (Loader's
 *       saddle-point expansion, accurate to large {@code m}); lazy: {@code sum_j P(j moves) P(S'_j
 *       = k)} over the number of moves {@code j}, summed in log space;
 *   <li>hitting-time theorem, for walks whose steps are -1, 0 or +1: {@code P(T_a = m) = |a|/m
 *       P(S_m = a)}; {@code P(hit a) = sum_(m <= n) P(T_a = m)};
 *   <li>reflection, {@code a >= 1}: {@code P(M_n >= a) = P(S_n >= a) + sum_(j > a) (q/p)^(j - a)
 *       P(S_n = j)}; for {@code p = 1/2} that is {@code 2 P(S_n > a) + P(S_n = a)}. The sum is a
 *       suffix log-sum-exp, so the whole law of {@code M_n} costs {@code O(n)};
 *   <li>returns: {@code u_2k = P(S_2k = 0) = C(2k, k) (pq)^k}, first return {@code f_2k = u_2k /
 *       (2k - 1)} (the coefficients of {@code F(s) = 1 - sqrt(1 - 4pq s^2)}); for {@code p = 1/2},
 *       {@code P(no return by 2k) = u_2k};
 *   <li>discrete arcsine law ({@code p = 1/2}, {@code n = 2N}): {@code P(2k steps above) = u_2k
 *       u_(2N - 2k)};
 *   <li>Gaussian: {@code S_n ~ N(n mu, n sigma^2)}; Student-t: {@code E S_n = n location}, {@code
 *       Var S_n = n scale^2 dof / (dof - 2)}, fourth cumulant {@code n 6 Var^2 / (dof - 4)}.
 * </ul>
 *
 * <p>Building one costs {@code O(n)} for simple walks ({@code O(n^2)} for lazy ones, hence the
 * bound) and does not depend on the start, so a caller computes it once per configuration.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * WalkSpec spec = new WalkSpec(WalkModel.simple(0.5), 100, 10_000, 10, WalkSpec.Track.PATH);
 * WalkExact exact = WalkExact.of(spec);
 * exact.finalProbability(0);   // C(100, 50) / 2^100, about 0.0796
 * exact.hitProbability();      // P(max of 100 steps >= 10), about 0.3197
 * exact.returnProbability();   // 1 - u_100, about 0.9204
 * List<WalkEstimate> rows = exact.estimates(result); // result: a WalkResult of this spec
 * }</pre>
 */
public final class WalkExact {

    /** Largest {@code n} for which the lazy walk's {@code O(n^2)} exact values are computed. */
    public static final int LAZY_MAX_STEPS = 2048;

    /** The probabilities of the quantiles reported by {@link #estimates}. */
    public static final List<Double> QUANTILE_PROBABILITIES =
            List.of(0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99);

    private final WalkSpec spec;
    private final int n;
    private final double mean;
    private final double variance;
    private final double fourthCentralMoment;
    private double[] finalPmf;
    private NormalDistribution finalNormal;
    private double[] passagePmf;
    private double hit = Double.NaN;
    private double[] maximumTail;
    private double[] firstReturnPmf;
    private double returnWithin = Double.NaN;
    private double[] abovePmf;

    private WalkExact(WalkSpec spec) {
        this.spec = spec;
        this.n = spec.steps();
        WalkModel model = spec.model();
        mean = n * model.stepMean();
        variance = n * model.stepVariance();
        switch (model.kind()) {
            case SIMPLE -> simple(model.p());
            case LAZY -> {
                if (n <= LAZY_MAX_STEPS) {
                    lazy(model);
                }
            }
            case GAUSSIAN -> finalNormal = new NormalDistribution(mean, Math.sqrt(variance));
            case STUDENT_T -> {}
        }
        fourthCentralMoment = fourthCentralMoment(model);
    }

    /** The exact values for {@code spec} (those that exist, see the table above). */
    public static WalkExact of(WalkSpec spec) {
        return new WalkExact(spec);
    }

    private void simple(double p) {
        finalPmf = new double[2 * n + 1];
        BinomialDistribution binomial = new BinomialDistribution(n, p);
        for (int k = -n; k <= n; k += 2) {
            finalPmf[k + n] = Math.exp(binomial.logProbability((n + k) / 2));
        }
        if (spec.hasBarrier()) {
            passage((int) spec.barrier(), m -> simpleLogProbability(m, (int) spec.barrier(), p));
        }
        maximumTail = maximumTail(p);
        firstReturnPmf = new double[n + 1];
        double within = 0;
        for (int m = 2; m <= n; m += 2) {
            firstReturnPmf[m] = Math.exp(simpleLogProbability(m, 0, p)) / (m - 1);
            within += firstReturnPmf[m];
        }
        returnWithin = within;
        if (p == 0.5 && n % 2 == 0) {
            abovePmf = new double[n + 1];
            for (int k = 0; k <= n; k += 2) {
                abovePmf[k] =
                        Math.exp(simpleLogProbability(k, 0, p) + simpleLogProbability(n - k, 0, p));
            }
        }
    }

    /** log P(S_m = k) of the simple walk. */
    static double simpleLogProbability(int m, int k, double p) {
        if (Math.abs(k) > m || ((m + k) & 1) != 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (m == 0) {
            return 0;
        }
        return new BinomialDistribution(m, p).logProbability((m + k) / 2);
    }

    private void lazy(WalkModel model) {
        BinomialDistribution[] moves = new BinomialDistribution[n + 1];
        for (int j = 1; j <= n; j++) {
            moves[j] = new BinomialDistribution(j, model.p());
        }
        finalPmf = new double[2 * n + 1];
        BinomialDistribution moving = new BinomialDistribution(n, 1 - model.r());
        for (int k = -n; k <= n; k++) {
            finalPmf[k + n] = Math.exp(lazyLogProbability(n, k, moving, moves));
        }
        if (spec.hasBarrier()) {
            int a = (int) spec.barrier();
            passage(
                    a,
                    m ->
                            lazyLogProbability(
                                    m, a, new BinomialDistribution(m, 1 - model.r()), moves));
        }
    }

    /** log P(S_m = k) of the lazy walk: a log-sum-exp over the number j of moving steps. */
    private static double lazyLogProbability(
            int m, int k, BinomialDistribution moving, BinomialDistribution[] moves) {
        int first = Math.abs(k);
        double largest = Double.NEGATIVE_INFINITY;
        double[] terms = new double[m - first + 1];
        int count = 0;
        for (int j = first; j <= m; j += 2) {
            double walk = j == 0 ? 0 : moves[j].logProbability((j + k) / 2);
            double term = moving.logProbability(j) + walk;
            terms[count++] = term;
            largest = Math.max(largest, term);
        }
        if (largest == Double.NEGATIVE_INFINITY) {
            return largest;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += Math.exp(terms[i] - largest);
        }
        return largest + Math.log(sum);
    }

    private interface LogProbabilityAtBarrier {
        double at(int m);
    }

    private void passage(int a, LogProbabilityAtBarrier logProbability) {
        passagePmf = new double[n + 1];
        double total = 0;
        for (int m = Math.abs(a); m <= n; m++) {
            passagePmf[m] = Math.abs(a) / (double) m * Math.exp(logProbability.at(m));
            total += passagePmf[m];
        }
        hit = total;
    }

    /** P(M_n >= a) for a = 0..n + 1 by the weighted reflection principle. */
    private double[] maximumTail(double p) {
        double[] tail = new double[n + 2];
        tail[0] = 1;
        if (p == 0 || p == 1) {
            int reach = p == 1 ? n : 0;
            for (int a = 1; a <= reach; a++) {
                tail[a] = 1;
            }
            return tail;
        }
        double logRatio = Math.log((1 - p) / p);
        // suffix[a] = log sum_(j > a) exp(log P(S_n = j) + j logRatio), a log-sum-exp kept as
        // (largest exponent, sum of exp(term - largest)) and updated from j = n down.
        double largest = Double.NEGATIVE_INFINITY;
        double scaledSum = 0;
        double upperTail = 0;
        for (int a = n; a >= 1; a--) {
            int j = a + 1;
            if (j <= n && finalPmf[j + n] > 0) {
                double term = Math.log(finalPmf[j + n]) + j * logRatio;
                if (term > largest) {
                    scaledSum = scaledSum * Math.exp(largest - term) + 1;
                    largest = term;
                } else {
                    scaledSum += Math.exp(term - largest);
                }
            }
            upperTail += finalPmf[a + n];
            double reflected =
                    scaledSum == 0 ? 0 : Math.exp(largest + Math.log(scaledSum) - a * logRatio);
            tail[a] = Math.min(1, upperTail + reflected);
        }
        return tail;
    }

    private double fourthCentralMoment(WalkModel model) {
        if (finalPmf != null) {
            double sum = 0;
            for (int k = -n; k <= n; k++) {
                double d = k - mean;
                sum += d * d * d * d * finalPmf[k + n];
            }
            return sum;
        }
        return switch (model.kind()) {
            case GAUSSIAN -> 3 * variance * variance;
            case STUDENT_T ->
                    model.dof() > 4
                            ? 3 * variance * variance
                                    + 6 * variance * variance / (n * (model.dof() - 4))
                            : Double.NaN;
            default -> Double.NaN;
        };
    }

    /** What this describes. */
    public WalkSpec spec() {
        return spec;
    }

    /** {@code E S_n}; NaN where it does not exist. */
    public double mean() {
        return mean;
    }

    /** {@code Var S_n}; infinite or NaN where it does not exist. */
    public double variance() {
        return variance;
    }

    /** {@code E (S_n - E S_n)^4}; NaN where unknown. */
    public double fourthCentralMoment() {
        return fourthCentralMoment;
    }

    /** True when the law of {@code S_n} is known point by point (lattice walks). */
    public boolean hasFinalDistribution() {
        return finalPmf != null;
    }

    /** {@code P(S_n = k)}; NaN where unknown. */
    public double finalProbability(int k) {
        if (finalPmf == null) {
            return Double.NaN;
        }
        return k < -n || k > n ? 0 : finalPmf[k + n];
    }

    /**
     * The {@code probability}-quantile of {@code S_n} (relative): the smallest {@code k} with
     * {@code P(S_n <= k) >= probability}; NaN where the law is unknown. Where the CDF equals the
     * probability exactly, rounding of the summed probabilities may pick either neighbour.
     */
    public double quantile(double probability) {
        if (finalNormal != null) {
            return finalNormal.inverseCumulativeProbability(probability);
        }
        if (finalPmf == null) {
            return Double.NaN;
        }
        double cumulative = 0;
        for (int k = -n; k < n; k++) {
            cumulative += finalPmf[k + n];
            if (cumulative >= probability) {
                return k;
            }
        }
        return n;
    }

    /**
     * {@code P(T_a = m)}, the first passage to the barrier at step {@code m}; NaN where unknown.
     */
    public double passageProbability(int m) {
        return pmfAt(passagePmf, m, 1);
    }

    /** {@code P(T_a <= n)}; NaN without a barrier or where unknown. */
    public double hitProbability() {
        return hit;
    }

    /** {@code P(M_n >= a)} for the running maximum {@code M_n}; NaN where unknown. */
    public double maximumAtLeast(int a) {
        if (maximumTail == null) {
            return Double.NaN;
        }
        return a <= 0 ? 1 : a > n ? 0 : maximumTail[a];
    }

    /** {@code E M_n = sum_(a >= 1) P(M_n >= a)}; NaN where unknown. */
    public double maximumMean() {
        if (maximumTail == null) {
            return Double.NaN;
        }
        double sum = 0;
        for (int a = 1; a <= n; a++) {
            sum += maximumTail[a];
        }
        return sum;
    }

    /**
     * {@code Var M_n}, from {@code E M_n^2 = sum_(a >= 1) (2a - 1) P(M_n >= a)}; NaN where unknown.
     */
    public double maximumVariance() {
        if (maximumTail == null) {
            return Double.NaN;
        }
        double second = 0;
        for (int a = 1; a <= n; a++) {
            second += (2.0 * a - 1) * maximumTail[a];
        }
        double first = maximumMean();
        return second - first * first;
    }

    /** {@code f_m}, the first return to the start at step {@code m}; NaN where unknown. */
    public double firstReturnProbability(int m) {
        return pmfAt(firstReturnPmf, m, 1);
    }

    /** {@code P(return to the start within n steps)}; NaN where unknown. */
    public double returnProbability() {
        return returnWithin;
    }

    /** {@code P(k steps above the start)} (discrete arcsine law); NaN where unknown. */
    public double aboveProbability(int k) {
        return pmfAt(abovePmf, k, 0);
    }

    /**
     * {@code pmf[k]} of a mass function on {@code first .. n}: 0 outside that support, NaN when
     * the mass function is unknown ({@code pmf} null).
     */
    private double pmfAt(double[] pmf, int k, int first) {
        if (pmf == null) {
            return Double.NaN;
        }
        return k < first || k > n ? 0 : pmf[k];
    }

    private double aboveMoment(int power) {
        double sum = 0;
        for (int k = 0; k <= n; k++) {
            sum += Math.pow(k, power) * abovePmf[k];
        }
        return sum;
    }

    /**
     * The simulated statistics of {@code result} (a simulation of this spec) beside their exact
     * values and z-scores: mean, variance, the quantiles of {@link #QUANTILE_PROBABILITIES}, and
     * under path tracking the hit probability (with a barrier), the mean running maximum, the
     * return probability and the mean fraction of steps above the start. Levels are absolute
     * ({@code start +} the relative value).
     *
     * @throws IllegalArgumentException if {@code result} simulated another spec
     */
    public List<WalkEstimate> estimates(WalkResult result) {
        if (!result.spec().equals(spec)) {
            throw new IllegalArgumentException(
                    "result simulated " + result.spec() + ", not " + spec);
        }
        double[] quantiles = new double[QUANTILE_PROBABILITIES.size()];
        for (int j = 0; j < quantiles.length; j++) {
            quantiles[j] = result.quantile(QUANTILE_PROBABILITIES.get(j));
        }
        return estimates(
                new Simulated(
                        result.start(),
                        result.mean(),
                        result.variance(),
                        quantiles,
                        result.hitProbability(),
                        result.maximumMean(),
                        result.returnProbability(),
                        result.meanFractionAbove()));
    }

    /**
     * As {@link #estimates(WalkResult)} for simulation {@code i} of {@code tallies}, started at
     * {@code start}: the tallies of a {@link dev.quiver.compute.WalkKernel} run of this spec, whose
     * quantile probabilities are {@link #QUANTILE_PROBABILITIES} in that order.
     *
     * @throws IllegalArgumentException if the tallies report other quantiles
     */
    public List<WalkEstimate> estimates(WalkTallies tallies, int i, double start) {
        double[] probabilities = tallies.quantileProbabilities();
        double[] quantiles = new double[QUANTILE_PROBABILITIES.size()];
        boolean same = probabilities.length == quantiles.length;
        for (int j = 0; same && j < quantiles.length; j++) {
            same = probabilities[j] == QUANTILE_PROBABILITIES.get(j);
            quantiles[j] = tallies.quantile(i, j);
        }
        if (!same) {
            throw new IllegalArgumentException(
                    "tallies report quantiles of "
                            + Arrays.toString(probabilities)
                            + ", not "
                            + QUANTILE_PROBABILITIES);
        }
        return estimates(
                new Simulated(
                        start,
                        tallies.mean(i),
                        tallies.variance(i),
                        quantiles,
                        tallies.hitProbability(i),
                        tallies.maximumMean(i),
                        tallies.returnProbability(i),
                        tallies.meanFractionAbove(i)));
    }

    /**
     * What {@link #estimates} reads of a simulation, wherever its statistics are kept: absolute
     * levels, the quantiles of {@link #QUANTILE_PROBABILITIES} in order, the maximum's mean
     * relative to the start.
     */
    private record Simulated(
            double start,
            double mean,
            double variance,
            double[] quantiles,
            double hitProbability,
            double maximumMean,
            double returnProbability,
            double meanFractionAbove) {

        double quantile(int j) {
            return quantiles[j];
        }
    }

    private List<WalkEstimate> estimates(Simulated result) {
        double start = result.start();
        double m = spec.paths();
        List<WalkEstimate> rows = new ArrayList<>();
        rows.add(new WalkEstimate("mean", result.mean(), start + mean, Math.sqrt(variance / m)));
        rows.add(
                new WalkEstimate(
                        "variance",
                        result.variance(),
                        variance,
                        Math.sqrt(
                                (fourthCentralMoment - variance * variance * (m - 3) / (m - 1))
                                        / m)));
        for (int j = 0; j < QUANTILE_PROBABILITIES.size(); j++) {
            double probability = QUANTILE_PROBABILITIES.get(j);
            rows.add(
                    new WalkEstimate(
                            "q" + probability,
                            result.quantile(j),
                            start + quantile(probability),
                            Double.NaN));
        }
        if (spec.track() != WalkSpec.Track.PATH) {
            return rows;
        }
        if (spec.hasBarrier()) {
            rows.add(proportion("hitProbability", result.hitProbability(), hit, m));
        }
        double maximumMean = maximumMean();
        rows.add(
                new WalkEstimate(
                        "maximumMean",
                        start + result.maximumMean(),
                        start + maximumMean,
                        Math.sqrt(maximumVariance() / m)));
        rows.add(proportion("returnProbability", result.returnProbability(), returnWithin, m));
        double aboveMean = abovePmf == null ? Double.NaN : aboveMoment(1);
        double aboveVariance =
                abovePmf == null ? Double.NaN : aboveMoment(2) - aboveMean * aboveMean;
        rows.add(
                new WalkEstimate(
                        "meanFractionAbove",
                        result.meanFractionAbove(),
                        aboveMean / n,
                        Math.sqrt(aboveVariance / m) / n));
        return rows;
    }

    private static WalkEstimate proportion(String name, double simulated, double exact, double m) {
        return new WalkEstimate(name, simulated, exact, Math.sqrt(exact * (1 - exact) / m));
    }
}
