package dev.quiver.walk;

import static dev.quiver.walk.GoodnessOfFit.P_VALUE_THRESHOLD;
import static dev.quiver.walk.GoodnessOfFit.Z_THRESHOLD;

import static org.assertj.core.api.Assertions.assertThat;

import org.hipparchus.distribution.continuous.GammaDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/** Normal and gamma deviates against their laws, with enough draws to see the rare branches. */
class ZigguratTest {

    private static final int DRAWS = 1 << 20;

    private static WalkStream stream(long sequence) {
        WalkStream stream = new WalkStream();
        stream.reset(WalkStream.streamKey(7L, WalkStream.keyHash("ziggurat")), sequence, 0, DRAWS);
        return stream;
    }

    @Test
    void normalsFollowTheStandardNormalLaw() {
        NormalDistribution law = new NormalDistribution(0, 1);
        for (long sequence = 0; sequence < 3; sequence++) {
            WalkStream stream = stream(sequence);
            double[] draws = new double[DRAWS];
            for (int i = 0; i < DRAWS; i++) {
                draws[i] = Ziggurat.normal(stream);
            }
            assertThat(new KolmogorovSmirnovTest().kolmogorovSmirnovTest(law, draws))
                    .as("KS, sequence %d", sequence)
                    .isGreaterThan(P_VALUE_THRESHOLD);
            // 100 equiprobable bins: the wedges are small, so a KS test alone could miss them.
            int bins = 100;
            long[] counts = new long[bins];
            for (double x : draws) {
                counts[Math.min(bins - 1, (int) (law.cumulativeProbability(x) * bins))]++;
            }
            double[] uniform = new double[bins];
            java.util.Arrays.fill(uniform, 1.0 / bins);
            assertThat(GoodnessOfFit.chiSquare(uniform, counts))
                    .as("chi-square, sequence %d", sequence)
                    .isGreaterThan(P_VALUE_THRESHOLD);
            // The tail beyond the base strip (|x| > r) comes from Marsaglia's tail method.
            for (double level : new double[] {3.442619855899, 4.0}) {
                long beyond = 0;
                for (double x : draws) {
                    if (Math.abs(x) > level) {
                        beyond++;
                    }
                }
                double p = 2 * law.cumulativeProbability(-level);
                double z = (beyond - DRAWS * p) / Math.sqrt(DRAWS * p * (1 - p));
                assertThat(Math.abs(z)).as("|x| > %s", level).isLessThan(Z_THRESHOLD);
            }
        }
    }

    /**
     * The bulk sum reads the buffer directly; it must add the very normals {@link Ziggurat#normal}
     * draws, in the same order, and leave the stream where they leave it: from an odd or even word,
     * across refills and slow draws (about 3% of words), over many streams so that slow draws fall
     * on every position of a buffer.
     */
    @Test
    void sumOfStepsEqualsTheLoopOfNormalsBitForBit() {
        for (int count : new int[] {1, 2, 3, 4, 1023, 5000}) {
            for (int skipped = 0; skipped < 2; skipped++) {
                for (long hint : new long[] {1, count, 100_000}) {
                    for (long sequence = 0; sequence < 40; sequence++) {
                        assertBulkSumEqualsLoop(count, skipped, hint, sequence);
                    }
                }
            }
        }
    }

    private static void assertBulkSumEqualsLoop(int count, int skipped, long hint, long sequence) {
        WalkStream loop = new WalkStream();
        WalkStream bulk = new WalkStream();
        loop.reset(11, sequence, 13, hint);
        bulk.reset(11, sequence, 13, hint);
        for (int i = 0; i < skipped; i++) {
            loop.nextInt();
            bulk.nextInt();
        }
        double expected = 0;
        for (int t = 0; t < count; t++) {
            expected += 0.25 + 1.5 * Ziggurat.normal(loop);
        }
        double actual = Ziggurat.sumOfSteps(bulk, count, 0.25, 1.5);
        String what =
                count + " steps, " + skipped + " skipped, hint " + hint + ", sequence " + sequence;
        assertThat(Double.doubleToRawLongBits(actual))
                .as(what)
                .isEqualTo(Double.doubleToRawLongBits(expected));
        assertThat(bulk.nextInt()).as(what).isEqualTo(loop.nextInt());
    }

    @Test
    void gammasFollowTheGammaLaw() {
        for (double shape : new double[] {0.35, 1, 3.5, 20}) {
            WalkStream stream = stream(100);
            double[] draws = new double[100_000];
            for (int i = 0; i < draws.length; i++) {
                draws[i] = Ziggurat.gamma(stream, shape);
            }
            assertThat(
                            new KolmogorovSmirnovTest()
                                    .kolmogorovSmirnovTest(new GammaDistribution(shape, 1), draws))
                    .as("shape %s", shape)
                    .isGreaterThan(P_VALUE_THRESHOLD);
        }
    }

    @Test
    void theNormalCheckRejectsAShiftedLaw() {
        WalkStream stream = stream(0);
        double[] draws = new double[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            draws[i] = Ziggurat.normal(stream) * 1.01;
        }
        assertThat(
                        new KolmogorovSmirnovTest()
                                .kolmogorovSmirnovTest(new NormalDistribution(0, 1), draws))
                .isLessThan(1e-6);
    }
}
