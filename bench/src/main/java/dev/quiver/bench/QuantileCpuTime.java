package dev.quiver.bench;

import dev.quiver.bayes.special.BetaQuantile;
import dev.quiver.bayes.special.GammaQuantile;
import dev.quiver.bayes.special.StudentTQuantile;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.DoubleSupplier;

/**
 * The grids of {@link BetaQuantileBenchmark} and {@link GammaAndStudentTQuantileBenchmark} timed in
 * thread CPU time: nanoseconds per quantile (both ends, p = 0.025 and 0.975, of a 95% interval),
 * the best of {@code rounds} loops of 4,000 calls per end after a warm-up, one line per grid point
 * ({@code B alpha beta ns}, {@code G shape ns}, {@code T dof ns}). On a loaded machine this is
 * steadier than JMH's wall clock; to compare two versions, run the benchmarks jar of each
 * alternately on the same core.
 *
 * <pre>{@code
 * taskset -c 1 java -cp bench/target/benchmarks.jar dev.quiver.bench.QuantileCpuTime 3
 * }</pre>
 */
public final class QuantileCpuTime {

    private static final double[] BETA_SHAPES = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    private static final double[] SHAPES = {1, 3, 10, 30, 100, 1e3, 1e4, 1e5, 1e6};
    private static final int CALLS = 4_000;
    private static final double LOW = 0.025;
    private static final double HIGH = 0.975;

    private static double sink;

    private QuantileCpuTime() {}

    /** Prints the grid's times; the argument is the number of timed rounds per point (3). */
    public static void main(String[] args) {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            for (double a : BETA_SHAPES) {
                for (double b : BETA_SHAPES) {
                    time(() -> beta(a, b), 1);
                }
            }
            for (double s : SHAPES) {
                time(() -> gamma(s), 1);
                time(() -> studentT(s), 1);
            }
        }
        for (double a : BETA_SHAPES) {
            for (double b : BETA_SHAPES) {
                System.out.printf("B %g %g %.0f%n", a, b, time(() -> beta(a, b), rounds));
            }
        }
        for (double s : SHAPES) {
            System.out.printf("G %g %.0f%n", s, time(() -> gamma(s), rounds));
        }
        for (double s : SHAPES) {
            System.out.printf("T %g %.0f%n", s, time(() -> studentT(s), rounds));
        }
        if (sink == 42.0) {
            System.out.println(sink);
        }
    }

    private static double beta(double a, double b) {
        return BetaQuantile.quantile(a, b, LOW) + BetaQuantile.quantile(a, b, HIGH);
    }

    private static double gamma(double shape) {
        return GammaQuantile.quantile(shape, LOW) + GammaQuantile.quantile(shape, HIGH);
    }

    private static double studentT(double dof) {
        return StudentTQuantile.quantile(dof, LOW) + StudentTQuantile.quantile(dof, HIGH);
    }

    /** Best thread CPU nanoseconds per quantile over {@code rounds} loops of both ends. */
    private static double time(DoubleSupplier bothEnds, int rounds) {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            final long start = threads.getCurrentThreadCpuTime();
            double total = 0.0;
            for (int i = 0; i < CALLS; i++) {
                total += bothEnds.getAsDouble();
            }
            best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
            sink += total;
        }
        return best / (2.0 * CALLS);
    }
}
