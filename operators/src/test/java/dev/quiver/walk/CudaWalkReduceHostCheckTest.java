package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.WalkBatch;
import dev.quiver.compute.WalkTallies;
import dev.quiver.compute.cuda.CudaHostCheck;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

/**
 * The CUDA walks' per-simulation reduction (operators/src/main/cuda/quiver/walk_reduce.cuh), run
 * on the host by {@code host_check}, against {@link JavaWalkKernel}'s tallies bit for bit: the
 * paths of a simulation come from host_check's walks (themselves checked path for path by {@link
 * CudaWalkHostCheckTest}), are reduced by the device's code, and every statistic, quantile and bin
 * must carry the Java kernel's bits, for fair, lazy, biased, Gaussian and Student-t laws, with and
 * without path statistics, with barriers above, below and none, from several starts and stream
 * coordinates.
 */
class CudaWalkReduceHostCheckTest {

    private static final double[] PROBABILITIES = {0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0};
    private static final double[] STARTS = {10.5, -3.0, 0.0};

    @BeforeEach
    void needsTheProgram() {
        CudaHostCheck.assumeBuilt();
    }

    @Test
    void fairFinalStatisticsEqualTheJavaKernels() throws Exception {
        check(0, new WalkSpec(WalkModel.simple(0.5), 1000, 500, Double.NaN, WalkSpec.Track.FINAL));
        check(0, new WalkSpec(WalkModel.simple(0.5), 63, 300, Double.NaN, WalkSpec.Track.FINAL));
        check(0, new WalkSpec(WalkModel.simple(0.5), 5, 1, Double.NaN, WalkSpec.Track.FINAL));
    }

    @Test
    void fairPathStatisticsEqualTheJavaKernels() throws Exception {
        check(4, new WalkSpec(WalkModel.simple(0.5), 1000, 400, 12, WalkSpec.Track.PATH));
        check(4, new WalkSpec(WalkModel.simple(0.5), 61, 400, -5, WalkSpec.Track.PATH));
        check(4, new WalkSpec(WalkModel.simple(0.5), 200, 300, Double.NaN, WalkSpec.Track.PATH));
    }

    @Test
    void lazyAndBiasedLatticeStatisticsEqualTheJavaKernels() throws Exception {
        check(1, new WalkSpec(WalkModel.lazy(0.3, 0.6), 777, 300, Double.NaN, WalkSpec.Track.FINAL));
        check(1, new WalkSpec(WalkModel.simple(0.4), 1000, 300, Double.NaN, WalkSpec.Track.FINAL));
    }

    @Test
    void lazyAndBiasedPathStatisticsEqualTheJavaKernels() throws Exception {
        for (double barrier : new double[] {9, -3, Double.NaN}) {
            check(5, new WalkSpec(WalkModel.lazy(0.3, 0.6), 777, 300, barrier, WalkSpec.Track.PATH));
            check(5, new WalkSpec(WalkModel.simple(0.4), 1000, 300, barrier, WalkSpec.Track.PATH));
            check(5, new WalkSpec(WalkModel.lazy(0.5, 0.5), 40, 1, barrier, WalkSpec.Track.PATH));
        }
    }

    @Test
    void gaussianAndStudentTPathStatisticsEqualTheJavaKernels() throws Exception {
        for (double barrier : new double[] {3.25, -2.0, Double.NaN}) {
            check(6, new WalkSpec(WalkModel.gaussian(0.1, 1.5), 1000, 300, barrier, WalkSpec.Track.PATH));
            check(6, new WalkSpec(WalkModel.gaussian(-0.2, 0.5), 30, 1, barrier, WalkSpec.Track.PATH));
            check(6, new WalkSpec(WalkModel.studentT(0.1, 1.5, 2.5), 500, 100, barrier, WalkSpec.Track.PATH));
            check(6, new WalkSpec(WalkModel.studentT(-1.0, 0.5, 30.0), 200, 257, barrier, WalkSpec.Track.PATH));
        }
    }

    @Test
    void gaussianAndStudentTStatisticsEqualTheJavaKernels() throws Exception {
        check(2, new WalkSpec(WalkModel.gaussian(0.1, 1.5), 1000, 300, Double.NaN, WalkSpec.Track.FINAL));
        check(2, new WalkSpec(WalkModel.gaussian(-2.0, 0.25), 30, 1, Double.NaN, WalkSpec.Track.FINAL));
        check(3, new WalkSpec(WalkModel.studentT(0.1, 1.5, 2.5), 500, 100, Double.NaN, WalkSpec.Track.FINAL));
        check(3, new WalkSpec(WalkModel.studentT(-1.0, 0.5, 30.0), 200, 257, Double.NaN, WalkSpec.Track.FINAL));
    }

    /** Every simulation of CudaWalkHostCheckTest's coordinates, from each start in turn. */
    private static void check(int kind, WalkSpec spec) throws Exception {
        for (int s = 0; s < CudaWalkHostCheckTest.SIMULATIONS.length; s++) {
            double start = STARTS[s];
            WalkTallies expected = new WalkTallies(PROBABILITIES);
            new JavaWalkKernel()
                    .simulate(
                            WalkLaws.of(spec, Long.MAX_VALUE),
                            new WalkBatch(
                                    CudaWalkHostCheckTest.SIMULATIONS[s][0],
                                    new long[] {WalkStream.keyHash(CudaWalkHostCheckTest.KEYS[s])},
                                    new long[] {CudaWalkHostCheckTest.SIMULATIONS[s][1]},
                                    new double[] {start},
                                    1),
                            expected);
            CudaWalkHostCheckTest.Walks walks = CudaWalkHostCheckTest.hostWalks(kind, spec, s);
            compare(reduce(kind, spec, start, walks), expected, spec + ", simulation " + s);
        }
    }

    /** host_check's reduction of one simulation's paths: its values, then its counts. */
    private static ByteBuffer reduce(int kind, WalkSpec spec, double start, CudaWalkHostCheckTest.Walks walks)
            throws Exception {
        boolean lattice = spec.model().isLattice();
        boolean path = spec.track() == WalkSpec.Track.PATH;
        int width = path ? 5 : 1;
        int m = spec.paths();
        ByteBuffer in = CudaHostCheck.input(64 + 8 * PROBABILITIES.length + 32 * m);
        in.putInt(lattice ? 0 : 1)
                .putInt(spec.steps())
                .putInt(m)
                .putInt(width)
                .putInt(path ? 1 : 0)
                .putInt(spec.hasBarrier() ? 1 : 0)
                .putDouble(start)
                .putInt(PROBABILITIES.length);
        for (double p : PROBABILITIES) {
            in.putLong(WalkResult.rank(p, m));
        }
        in.putInt(maxBins(spec));
        for (int p = 0; p < m; p++) {
            if (!lattice) {
                in.putDouble(walks.finals()[p]);
            } else if (path) {
                for (int j = 0; j < width; j++) {
                    in.putInt(walks.stats()[p][j]);
                }
            } else {
                in.putInt((int) walks.finals()[p]);
            }
        }
        if (!lattice && path) {
            for (int p = 0; p < m; p++) {
                in.putDouble(walks.maxima()[p]);
            }
            for (int p = 0; p < m; p++) {
                // Passage, first return, steps above.
                for (int j = 2; j < 5; j++) {
                    in.putInt(walks.stats()[p][j]);
                }
            }
        }
        assertThat(kind >= 4).isEqualTo(path);
        return CudaHostCheck.run("reduce", in);
    }

    private static int maxBins(WalkSpec spec) {
        return spec.model().isLattice()
                ? (int) Math.min(spec.paths(), 2L * spec.steps() + 1)
                : WalkResult.CONTINUOUS_BINS;
    }

    private static void compare(ByteBuffer out, WalkTallies expected, String what) {
        int q = PROBABILITIES.length;
        double[] values = new double[6 + q + maxBinsOf(out, q)];
        for (int j = 0; j < values.length; j++) {
            values[j] = out.getDouble();
        }
        long hits = out.getLong();
        long bins = out.getLong();
        assertBits(values[0], expected.mean(0), what + ": mean");
        assertBits(values[1], expected.variance(0), what + ": variance");
        assertBits(values[2], expected.maximumMean(0), what + ": maximum mean");
        assertBits(values[3], expected.hitProbability(0), what + ": hit probability");
        assertBits(values[4], expected.returnProbability(0), what + ": return probability");
        assertBits(values[5], expected.meanFractionAbove(0), what + ": fraction above");
        assertThat(hits).as(what + ": hits").isEqualTo(expected.hits(0));
        for (int j = 0; j < q; j++) {
            assertBits(values[6 + j], expected.quantile(0, j), what + ": quantile " + PROBABILITIES[j]);
        }
        assertThat(bins).as(what + ": bins").isEqualTo(expected.binCount(0));
        for (int b = 0; b < bins; b++) {
            assertBits(values[6 + q + b], expected.binLevel(0, b), what + ": level of bin " + b);
            assertThat(out.getLong()).as(what + ": paths of bin " + b).isEqualTo(expected.binPaths(0, b));
        }
    }

    /** The max bins of the record in {@code out}: its doubles and longs fill it exactly. */
    private static int maxBinsOf(ByteBuffer out, int quantiles) {
        // 8 (6 + q + B) + 8 (2 + B) bytes.
        return (out.remaining() / 8 - 8 - quantiles) / 2;
    }

    private static void assertBits(double got, double expected, String what) {
        assertThat(Double.doubleToRawLongBits(got))
                .as("%s: %s vs %s", what, got, expected)
                .isEqualTo(Double.doubleToRawLongBits(expected));
    }
}
