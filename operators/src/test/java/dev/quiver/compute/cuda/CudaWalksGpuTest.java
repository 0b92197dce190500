package dev.quiver.compute.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.WalkBatch;
import dev.quiver.compute.WalkLaw;
import dev.quiver.compute.WalkTallies;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

/**
 * On a GPU: the cuda walks' tallies are the java walks' bit for bit, for every law the device runs
 * (final positions and path statistics, with barriers above, below and none, of fair, lazy, biased,
 * Gaussian and Student-t walks) and the one it leaves to Java (a Gaussian final reduced in passes
 * under a small memory budget),
 * in small batches and in batches of 1,000 simulations of distinct keys, sequences and starts in
 * one call (one batched launch and one reduction launch, or several chunks of them).
 */
@Tag("gpu")
class CudaWalksGpuTest {

    private static final double[] PROBABILITIES = {0.01, 0.25, 0.5, 0.9, 1.0};

    static List<WalkLaw> laws() {
        double nan = Double.NaN;
        long unbounded = Long.MAX_VALUE;
        return List.of(
                new WalkLaw(
                        WalkLaw.Kind.SIMPLE, 0.5, 0, 0, 0, nan, 1000, 4096, nan, false, unbounded),
                new WalkLaw(WalkLaw.Kind.SIMPLE, 0.5, 0, 0, 0, nan, 300, 2000, 12, true, unbounded),
                new WalkLaw(WalkLaw.Kind.SIMPLE, 0.5, 0, 0, 0, nan, 77, 999, nan, true, unbounded),
                new WalkLaw(
                        WalkLaw.Kind.SIMPLE, 0.6, 0, 0, 0, nan, 250, 3000, nan, false, unbounded),
                new WalkLaw(
                        WalkLaw.Kind.LAZY, 0.5, 0.3, 0, 0, nan, 250, 3000, nan, false, unbounded),
                new WalkLaw(
                        WalkLaw.Kind.GAUSSIAN,
                        nan,
                        0,
                        0.05,
                        1.5,
                        nan,
                        200,
                        5000,
                        nan,
                        false,
                        unbounded),
                new WalkLaw(
                        WalkLaw.Kind.STUDENT_T,
                        nan,
                        0,
                        0.0,
                        1.0,
                        3.5,
                        100,
                        2000,
                        nan,
                        false,
                        unbounded),
                new WalkLaw(
                        WalkLaw.Kind.GAUSSIAN,
                        nan,
                        0,
                        0.0,
                        1.0,
                        nan,
                        100,
                        20_000,
                        nan,
                        false,
                        200_000),
                new WalkLaw(
                        WalkLaw.Kind.GAUSSIAN,
                        nan,
                        0,
                        0.1,
                        1.0,
                        nan,
                        50,
                        500,
                        4.0,
                        true,
                        unbounded),
                new WalkLaw(WalkLaw.Kind.SIMPLE, 0.4, 0, 0, 0, nan, 300, 2000, 6, true, unbounded),
                new WalkLaw(WalkLaw.Kind.LAZY, 0.5, 0.3, 0, 0, nan, 250, 1500, -4, true, unbounded),
                new WalkLaw(
                        WalkLaw.Kind.LAZY, 0.45, 0.2, 0, 0, nan, 100, 800, nan, true, unbounded),
                new WalkLaw(
                        WalkLaw.Kind.GAUSSIAN, nan, 0, -0.1, 1.0, nan, 80, 900, -3.5, true,
                        unbounded),
                new WalkLaw(
                        WalkLaw.Kind.GAUSSIAN, nan, 0, 0.0, 2.0, nan, 60, 700, nan, true,
                        unbounded),
                new WalkLaw(
                        WalkLaw.Kind.STUDENT_T, nan, 0, 0.05, 1.0, 3.5, 100, 1000, 5.0, true,
                        unbounded),
                new WalkLaw(
                        WalkLaw.Kind.STUDENT_T, nan, 0, 0.0, 1.0, 6.0, 50, 600, nan, true,
                        unbounded));
    }

    @ParameterizedTest
    @MethodSource("laws")
    void talliesAreJavasBitForBit(WalkLaw law) {
        assertCudaIsJava(law, 9);
    }

    static List<WalkLaw> batchLaws() {
        double nan = Double.NaN;
        long unbounded = Long.MAX_VALUE;
        return List.of(
                new WalkLaw(
                        WalkLaw.Kind.SIMPLE, 0.5, 0, 0, 0, nan, 1000, 1024, nan, false, unbounded),
                new WalkLaw(WalkLaw.Kind.SIMPLE, 0.5, 0, 0, 0, nan, 200, 512, 9, true, unbounded),
                new WalkLaw(
                        WalkLaw.Kind.LAZY, 0.45, 0.2, 0, 0, nan, 300, 700, nan, false, unbounded),
                new WalkLaw(
                        WalkLaw.Kind.STUDENT_T, nan, 0, 0.1, 2.0, 4.0, 40, 600, nan, false,
                        unbounded),
                new WalkLaw(WalkLaw.Kind.LAZY, 0.55, 0.25, 0, 0, nan, 120, 400, 5, true, unbounded),
                new WalkLaw(
                        WalkLaw.Kind.STUDENT_T, nan, 0, 0.0, 1.5, 5.0, 30, 500, -2.5, true,
                        unbounded),
                // 1,000 x 12,000 paths of 28 bytes: more than one chunk of device scratch.
                new WalkLaw(
                        WalkLaw.Kind.GAUSSIAN, nan, 0, 0.1, 1.0, nan, 10, 12_000, 1.5, true,
                        unbounded),
                // 1,000 x 40,000 finals of 8 bytes: more than one chunk of device scratch.
                new WalkLaw(
                        WalkLaw.Kind.GAUSSIAN, nan, 0, -0.2, 1.0, nan, 10, 40_000, nan, false,
                        unbounded));
    }

    @ParameterizedTest
    @MethodSource("batchLaws")
    void aThousandSimulationsInOneCallAreJavasBitForBit(WalkLaw law) {
        assertCudaIsJava(law, 1000);
    }

    private static void assertCudaIsJava(WalkLaw law, int count) {
        long[] keys = new long[count];
        long[] sequences = new long[count];
        double[] starts = new double[count];
        for (int i = 0; i < count; i++) {
            keys[i] = 0x9E3779B97F4A7C15L * (i + 1);
            sequences[i] = i % 3;
            starts[i] = i - 4.5;
        }
        WalkTallies expected = new WalkTallies(PROBABILITIES);
        try (ComputeBackend java = ComputeBackends.byName("java")) {
            java.walks().simulate(
                    law,
                    new WalkBatch(2024L, keys, sequences, starts, count),
                    expected);
        }
        WalkTallies actual = new WalkTallies(PROBABILITIES);
        try (ComputeBackend cuda = ComputeBackends.byName("cuda")) {
            assertThat(cuda.walks().backend()).isEqualTo("cuda");
            cuda.walks().simulate(
                    law,
                    new WalkBatch(2024L, keys, sequences, starts, count),
                    actual);
            assertThat(cuda.fallbacks()).isZero();
        }
        assertThat(actual.count()).isEqualTo(count);
        for (int i = 0; i < count; i++) {
            assertThat(actual.mean(i)).as("mean %d", i).isEqualTo(expected.mean(i));
            assertThat(actual.variance(i)).as("variance %d", i).isEqualTo(expected.variance(i));
            for (int j = 0; j < PROBABILITIES.length; j++) {
                assertThat(actual.quantile(i, j))
                        .as("quantile %d %d", i, j)
                        .isEqualTo(expected.quantile(i, j));
            }
            assertThat(actual.hits(i)).isEqualTo(expected.hits(i));
            assertThat(actual.hitProbability(i)).isEqualTo(expected.hitProbability(i));
            assertThat(actual.maximumMean(i)).isEqualTo(expected.maximumMean(i));
            assertThat(actual.returnProbability(i)).isEqualTo(expected.returnProbability(i));
            assertThat(actual.meanFractionAbove(i)).isEqualTo(expected.meanFractionAbove(i));
            assertThat(actual.binCount(i)).isEqualTo(expected.binCount(i));
            for (int b = 0; b < expected.binCount(i); b++) {
                assertThat(actual.binLevel(i, b)).isEqualTo(expected.binLevel(i, b));
                assertThat(actual.binPaths(i, b)).isEqualTo(expected.binPaths(i, b));
            }
        }
    }
}
