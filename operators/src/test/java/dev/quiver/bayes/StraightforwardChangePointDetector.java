package dev.quiver.bayes;

import org.hipparchus.distribution.continuous.TDistribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Adams-MacKay recursion written the plain way, as an oracle for {@link ChangePointDetector}:
 * no truncation, probabilities (not logarithms), and each run's Normal-Inverse-Gamma posterior
 * recomputed from its raw observations by the textbook formulas, its predictive density taken from
 * Hipparchus's {@link TDistribution}. O(t^2) per observation; only for short streams.
 */
final class StraightforwardChangePointDetector {

    private final double mu0;
    private final double kappa0;
    private final double alpha0;
    private final double beta0;
    private final double hazard;
    private final List<Double> data = new ArrayList<>();

    /** P(r = 0 .. t | x_1..t), t = data.size(). */
    private double[] probability = {1.0};

    StraightforwardChangePointDetector(
            double mu0, double kappa0, double alpha0, double beta0, double hazardLambda) {
        this.mu0 = mu0;
        this.kappa0 = kappa0;
        this.alpha0 = alpha0;
        this.beta0 = beta0;
        this.hazard = 1.0 / hazardLambda;
    }

    /** Adds x and returns log p(x | earlier data). */
    double update(double x) {
        final int t = data.size();
        final double[] joint = new double[t + 1];
        double evidence = 0.0;
        for (int r = 0; r <= t; r++) {
            joint[r] = probability[r] * predictiveDensity(t - r, t, x);
            evidence += joint[r];
        }
        final double[] next = new double[t + 2];
        double change = 0.0;
        for (int r = 0; r <= t; r++) {
            next[r + 1] = joint[r] * (1.0 - hazard) / evidence;
            change += joint[r] * hazard;
        }
        next[0] = change / evidence;
        probability = next;
        data.add(x);
        return Math.log(evidence);
    }

    /** The Student-t predictive density of x given the observations data[from..to). */
    private double predictiveDensity(int from, int to, double x) {
        final int n = to - from;
        double sum = 0.0;
        for (int i = from; i < to; i++) {
            sum += data.get(i);
        }
        final double mean = n == 0 ? 0.0 : sum / n;
        double squares = 0.0;
        for (int i = from; i < to; i++) {
            squares += (data.get(i) - mean) * (data.get(i) - mean);
        }
        final double kappa = kappa0 + n;
        final double mu = (kappa0 * mu0 + n * mean) / kappa;
        final double alpha = alpha0 + n / 2.0;
        final double beta =
                beta0 + squares / 2.0 + kappa0 * n * (mean - mu0) * (mean - mu0) / (2.0 * kappa);
        final double scale = Math.sqrt(beta * (kappa + 1.0) / (alpha * kappa));
        return new TDistribution(2.0 * alpha).density((x - mu) / scale) / scale;
    }

    /** P(r = 0 .. t | data). */
    double[] runLengthDistribution() {
        return Arrays.copyOf(probability, probability.length);
    }
}
