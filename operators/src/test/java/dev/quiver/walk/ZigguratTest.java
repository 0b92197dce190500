package dev.quiver.walk;

import static dev.quiver.walk.GoodnessOfFit.P_VALUE_THRESHOLD;
import static dev.quiver.walk.GoodnessOfFit.Z_THRESHOLD;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.hipparchus.distribution.continuous.GammaDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.special.Erf;
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

    /**
     * r and v close the ziggurat: the base strip (rectangle and tail) has area v, so has every
     * layer the recursion builds from it, and the top layer, which the recursion does not impose,
     * comes out with area v as well, to 1e-11: v has 12 significant digits, and the top layer
     * gathers the rounding of 255 steps of the recursion.
     */
    @Test
    void theLayersAllHaveAreaV() {
        double r = Ziggurat.R;
        double v = Ziggurat.V;
        double tail = Math.sqrt(Math.PI / 2) * Erf.erfc(r / Math.sqrt(2));
        assertThat(r * Math.exp(-0.5 * r * r) + tail).isCloseTo(v, within(1e-13));
        for (int i = 1; i < Ziggurat.LAYERS; i++) {
            double width = Ziggurat.KW[2 * i + 1] * Ziggurat.M;
            double above = i == 1 ? 1.0 : Ziggurat.F[i - 1];
            assertThat(width * (above - Ziggurat.F[i]))
                    .as("layer %d", i)
                    .isCloseTo(v, within(1e-11));
        }
    }

    /**
     * A word and its mirror (the abscissa bits inverted, the layer kept) give opposite normals, so
     * the fast path's law is symmetric to the last bit: its rounding has no drift.
     */
    @Test
    void mirroredWordsGiveOppositeNormals() {
        java.util.SplittableRandom words = new java.util.SplittableRandom(3);
        int layerMask = Ziggurat.LAYERS - 1;
        int fast = 0;
        for (int i = 0; i < 1_000_000; i++) {
            int bits = words.nextInt();
            int mirror = ~bits & ~layerMask | bits & layerMask;
            double z = Ziggurat.fast(bits);
            if (z == z) {
                fast++;
                assertThat(Ziggurat.fast(mirror)).as("word %08x", bits).isEqualTo(-z);
            }
        }
        assertThat(fast).isGreaterThan(980_000);
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
     * The bulk sum reads the generator's lanes in place; it must add the very normals {@link
     * Ziggurat#normal} draws, in the same order, and leave the side stream where they leave it: for
     * paths side by side in one pass and chunk by chunk, over many streams so that slow draws
     * (about 3% of words) fall on every position of a block.
     */
    @Test
    void addStepsEqualsTheLoopOfNormalsBitForBit() {
        WalkStream lanesStream = new WalkStream();
        WalkStream slow = new WalkStream();
        for (int steps : new int[] {1, 2, 3, 4, 5, 1023}) {
            int blocks = (steps + 3) / 4;
            int paths = Math.min(3, WalkStream.CHUNK_BLOCKS / blocks);
            for (long sequence = 0; sequence < 40; sequence++) {
                lanesStream.reset(11, sequence, 13, steps);
                Philox4x32 lanes = lanesStream.computePaths(paths, blocks);
                for (int q = 0; q < paths; q++) {
                    slow.reset(11, sequence, 13 + q, steps);
                    double actual = Ziggurat.addSteps(0, lanes, q * blocks, steps, 0.25, 1.5, slow);
                    assertEqualsLoop(actual, slow, steps, 13 + q, sequence);
                }
            }
        }
        int steps = 4 * WalkStream.CHUNK_BLOCKS + 7;
        for (long sequence = 0; sequence < 40; sequence++) {
            slow.reset(11, sequence, 13, steps);
            double actual = 0;
            for (int first = 0; first < steps; first += 4 * WalkStream.CHUNK_BLOCKS) {
                int chunk = Math.min(4 * WalkStream.CHUNK_BLOCKS, steps - first);
                Philox4x32 lanes = slow.computeBlocks(first / 4, (chunk + 3) / 4);
                actual = Ziggurat.addSteps(actual, lanes, 0, chunk, 0.25, 1.5, slow);
            }
            assertEqualsLoop(actual, slow, steps, 13, sequence);
        }
    }

    private static void assertEqualsLoop(
            double actual, WalkStream bulk, int steps, int path, long sequence) {
        WalkStream loop = new WalkStream();
        loop.reset(11, sequence, path, steps);
        double expected = 0;
        for (int t = 0; t < steps; t++) {
            expected += 0.25 + 1.5 * Ziggurat.normal(loop);
        }
        String what = steps + " steps, path " + path + ", sequence " + sequence;
        assertThat(Double.doubleToRawLongBits(actual))
                .as(what)
                .isEqualTo(Double.doubleToRawLongBits(expected));
        assertThat(bulk.nextSideInt()).as(what).isEqualTo(loop.nextSideInt());
    }

    /**
     * A normal takes exactly one word of the stream, its slow draws coming from the side stream,
     * which fast draws leave alone; and words go slow at the rate the tables imply: a word of layer
     * i is fast when its half-integer abscissa has {@code |j| < K_i}, 2 K_i of the 2M values.
     */
    @Test
    void aNormalTakesOneStreamWord() {
        WalkStream stream = stream(5);
        WalkStream words = stream(5);
        WalkStream side = stream(5);
        int draws = 1 << 18;
        long slow = 0;
        for (int i = 0; i < draws; i++) {
            Ziggurat.normal(stream);
            double z = Ziggurat.fast(words.nextInt());
            if (z != z) {
                slow++;
            }
        }
        assertThat(stream.nextInt()).isEqualTo(words.nextInt());
        int sideWord = stream.nextSideInt();
        long sideWords = 0;
        while (side.nextSideInt() != sideWord) {
            sideWords++;
        }
        assertThat(sideWords).isGreaterThanOrEqualTo(slow);
        double fastShare = 0;
        for (int i = 0; i < Ziggurat.LAYERS; i++) {
            fastShare += Ziggurat.KW[2 * i] / (Ziggurat.LAYERS * Ziggurat.M);
        }
        double p = 1 - fastShare;
        double z = (slow - draws * p) / Math.sqrt(draws * p * (1 - p));
        assertThat(Math.abs(z))
                .as("slow words %d of %d, p = %s", slow, draws, p)
                .isLessThan(Z_THRESHOLD);
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
