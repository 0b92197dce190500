package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hipparchus.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The stream layout, and that streams of different coordinates look independent. */
class WalkStreamTest {

    private static final long SEED = 42L;

    /** The published FNV-1a 64 test vectors (www.isthe.com/chongo/tech/comp/fnv, "test_fnv.c"). */
    @Test
    void keyHashIsFnv1a64OfUtf8() {
        assertThat(WalkStream.keyHash("")).isEqualTo(0xcbf29ce484222325L);
        assertThat(WalkStream.keyHash("a")).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(WalkStream.keyHash("foobar")).isEqualTo(0x85944171f73967e8L);
        // UTF-8, not UTF-16 chars: "é" is the two bytes c3 a9.
        long manual = 0xcbf29ce484222325L;
        manual = (manual ^ 0xc3) * 0x100000001b3L;
        manual = (manual ^ 0xa9) * 0x100000001b3L;
        assertThat(WalkStream.keyHash("é")).isEqualTo(manual);
    }

    @Test
    void streamStartsWithThePhiloxBlockOfItsCoordinates() {
        long key = WalkStream.streamKey(SEED, WalkStream.keyHash("k"));
        long sequence = 0x1_0000_0005L;
        int[] block = new int[4];
        Philox4x32.block(
                0,
                3,
                (int) sequence,
                (int) (sequence >>> 32),
                (int) key,
                (int) (key >>> 32),
                block,
                0);
        WalkStream stream = new WalkStream();
        stream.reset(key, sequence, 3, 10);
        for (int i = 0; i < 4; i++) {
            assertThat(stream.nextInt()).isEqualTo(block[i]);
        }
    }

    @Test
    void sequentialAndRandomAccessReadTheSameWordsWhateverTheHint() {
        long key = WalkStream.streamKey(SEED, 99L);
        int words = 301;
        long[] direct = new long[words + 1];
        WalkStream stream = new WalkStream();
        stream.reset(key, 5, 2, 1);
        stream.fillWords(direct, 0, words);
        for (long hint : new long[] {1, 7, 100, 10_000}) {
            stream.reset(key, 5, 2, hint);
            for (int w = 0; w < words; w++) {
                long low = stream.nextInt() & 0xFFFFFFFFL;
                long high = stream.nextInt() & 0xFFFFFFFFL;
                assertThat(low | high << 32).as("hint %d word %d", hint, w).isEqualTo(direct[w]);
            }
        }
        long[] tail = new long[4];
        stream.fillWords(tail, 100, 3);
        assertThat(tail).startsWith(direct[100], direct[101], direct[102]);
    }

    @Test
    void fillPathsGivesEachPathItsOwnWords() {
        long key = WalkStream.streamKey(SEED, 7L);
        WalkStream stream = new WalkStream();
        for (int wordsPerPath : new int[] {1, 2, 5, 64}) {
            for (int paths : new int[] {1, 3, 9}) {
                int stride = wordsPerPath + (wordsPerPath & 1);
                long[] all = new long[stride * paths];
                stream.reset(key, 8, 4, 1);
                stream.fillPaths(all, paths, wordsPerPath);
                for (int q = 0; q < paths; q++) {
                    long[] own = new long[stride];
                    stream.reset(key, 8, 4 + q, 1);
                    stream.fillWords(own, 0, wordsPerPath);
                    for (int w = 0; w < wordsPerPath; w++) {
                        assertThat(all[q * stride + w])
                                .as(
                                        "%d words, %d paths: path %d word %d",
                                        wordsPerPath, paths, q, w)
                                .isEqualTo(own[w]);
                    }
                }
            }
        }
    }

    /** The side stream is the blocks c0 = 2^31 + b of the same coordinates. */
    @Test
    void sideStreamIsTheUpperHalfOfTheCounters() {
        long key = WalkStream.streamKey(SEED, WalkStream.keyHash("k"));
        int[] block = new int[4];
        WalkStream stream = new WalkStream();
        stream.reset(key, 6, 3, 10);
        for (int b = 0; b < 3; b++) {
            Philox4x32.block(
                    Integer.MIN_VALUE + b, 3, 6, 0, (int) key, (int) (key >>> 32), block, 0);
            for (int i = 0; i < 4; i++) {
                assertThat(stream.nextSideInt()).as("block %d word %d", b, i).isEqualTo(block[i]);
            }
        }
        // A reset starts the side stream over, and the main stream is untouched by it.
        stream.reset(key, 6, 3, 10);
        WalkStream fresh = new WalkStream();
        fresh.reset(key, 6, 3, 10);
        Philox4x32.block(Integer.MIN_VALUE, 3, 6, 0, (int) key, (int) (key >>> 32), block, 0);
        assertThat(stream.nextSideInt()).isEqualTo(block[0]);
        assertThat(stream.nextInt()).isEqualTo(fresh.nextInt());
    }

    @Test
    void computedPathsHoldTheWordsOfEachPath() {
        long key = WalkStream.streamKey(SEED, 7L);
        WalkStream stream = new WalkStream();
        WalkStream own = new WalkStream();
        for (int blocks : new int[] {1, 3, 64}) {
            for (int paths : new int[] {1, 4}) {
                stream.reset(key, 8, 4, 1);
                Philox4x32 lanes = stream.computePaths(paths, blocks);
                for (int q = 0; q < paths; q++) {
                    own.reset(key, 8, 4 + q, 4L * blocks);
                    for (int i = 0; i < 4 * blocks; i++) {
                        assertThat(lanes.lane(i & 3)[q * blocks + i / 4])
                                .as("%d blocks, %d paths: path %d word %d", blocks, paths, q, i)
                                .isEqualTo(own.nextInt());
                    }
                }
            }
        }
        stream.reset(key, 8, 4, 1);
        Philox4x32 lanes = stream.computeBlocks(5, 2);
        own.reset(key, 8, 4, 100);
        for (int i = 0; i < 20; i++) {
            own.nextInt();
        }
        for (int i = 0; i < 8; i++) {
            assertThat(lanes.lane(i & 3)[i / 4]).as("word %d", 20 + i).isEqualTo(own.nextInt());
        }
    }

    @Test
    void doublesAreInTheUnitInterval() {
        WalkStream stream = new WalkStream();
        stream.reset(1, 2, 3, 1000);
        for (int i = 0; i < 10_000; i++) {
            assertThat(stream.nextDouble()).isGreaterThanOrEqualTo(0).isLessThan(1);
            assertThat(stream.nextOpenDouble()).isGreaterThan(0).isLessThan(1);
            assertThat(stream.nextSideOpenUniform()).isGreaterThan(0).isLessThan(1);
        }
    }

    @Test
    void negativePathIsRejected() {
        assertThatThrownBy(() -> new WalkStream().reset(1, 2, -1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    /** Streams that differ in one coordinate: key, sequence (low and high word), path, seed. */
    private static List<long[]> neighbourStreams(int words) {
        List<long[]> streams = new ArrayList<>();
        long base = WalkStream.keyHash("key-0");
        long[][] coordinates = {
            {SEED, base, 0, 0},
            {SEED, WalkStream.keyHash("key-1"), 0, 0},
            {SEED, base + 1, 0, 0},
            {SEED, base, 1, 0},
            {SEED, base, 1L << 32, 0},
            {SEED, base, 0, 1},
            {SEED + 1, base, 0, 0},
        };
        WalkStream stream = new WalkStream();
        for (long[] c : coordinates) {
            long[] out = new long[words];
            stream.reset(WalkStream.streamKey(c[0], c[1]), c[2], (int) c[3], 2L * words);
            stream.fillWords(out, 0, words);
            streams.add(out);
        }
        return streams;
    }

    /**
     * Pearson correlation of the uniforms of every pair of neighbouring streams: for independent
     * uniforms its standard error is 1/sqrt(N), so |r| < 3.29/sqrt(N) is the two-sided 0.001 level.
     */
    @Test
    void neighbouringStreamsAreUncorrelated() {
        int words = 1 << 16;
        List<long[]> streams = neighbourStreams(words);
        for (int i = 0; i < streams.size(); i++) {
            for (int j = i + 1; j < streams.size(); j++) {
                double r = correlation(streams.get(i), streams.get(j));
                assertThat(Math.abs(r))
                        .as("streams %d and %d", i, j)
                        .isLessThan(GoodnessOfFit.Z_THRESHOLD / Math.sqrt(words));
            }
        }
    }

    private static double correlation(long[] a, long[] b) {
        double sa = 0;
        double sb = 0;
        double saa = 0;
        double sbb = 0;
        double sab = 0;
        int n = a.length;
        for (int i = 0; i < n; i++) {
            double x = (a[i] >>> 11) * 0x1p-53;
            double y = (b[i] >>> 11) * 0x1p-53;
            sa += x;
            sb += y;
            saa += x * x;
            sbb += y * y;
            sab += x * y;
        }
        double cov = sab / n - (sa / n) * (sb / n);
        return cov / Math.sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
    }

    /**
     * Chi-square on bits: the byte values of each stream and of the XOR of each neighbouring pair
     * are uniform over 256 values (p-value above 0.001), and so is each of the 64 bit positions
     * over the stream's words (ones counted per position).
     */
    @Test
    void bitsOfStreamsAndOfTheirXorAreUniform() {
        int words = 1 << 15;
        List<long[]> streams = neighbourStreams(words);
        double[] uniform = new double[256];
        java.util.Arrays.fill(uniform, 1.0 / 256);
        for (int i = 0; i < streams.size(); i++) {
            assertThat(GoodnessOfFit.chiSquare(uniform, byteCounts(streams.get(i), null)))
                    .as("bytes of stream %d", i)
                    .isGreaterThan(GoodnessOfFit.P_VALUE_THRESHOLD);
            long[][] positions = new long[64][2];
            for (long w : streams.get(i)) {
                for (int b = 0; b < 64; b++) {
                    positions[b][(int) ((w >>> b) & 1)]++;
                }
            }
            assertThat(new ChiSquareTest().chiSquareTest(positions))
                    .as("bit positions of stream %d", i)
                    .isGreaterThan(GoodnessOfFit.P_VALUE_THRESHOLD);
            for (int j = i + 1; j < streams.size(); j++) {
                assertThat(
                                GoodnessOfFit.chiSquare(
                                        uniform, byteCounts(streams.get(i), streams.get(j))))
                        .as("xor of streams %d and %d", i, j)
                        .isGreaterThan(GoodnessOfFit.P_VALUE_THRESHOLD);
            }
        }
    }

    private static long[] byteCounts(long[] a, long[] b) {
        long[] counts = new long[256];
        for (int i = 0; i < a.length; i++) {
            long w = b == null ? a[i] : a[i] ^ b[i];
            for (int k = 0; k < 8; k++) {
                counts[(int) (w >>> (8 * k)) & 0xFF]++;
            }
        }
        return counts;
    }

    /** The checks above have power: a stream XORed with a shifted copy of itself fails them. */
    @Test
    void theBitCheckRejectsAStreamWithStructure() {
        long[] stream = neighbourStreams(1 << 15).get(0);
        long[] biased = new long[stream.length];
        for (int i = 0; i < stream.length; i++) {
            biased[i] = stream[i] | (stream[i] >>> 1); // P(bit = 1) = 3/4 for most bits
        }
        double[] uniform = new double[256];
        java.util.Arrays.fill(uniform, 1.0 / 256);
        assertThat(GoodnessOfFit.chiSquare(uniform, byteCounts(biased, null))).isLessThan(1e-12);
        long[] copy = stream.clone();
        copy[0] ^= 1;
        assertThat(Math.abs(correlation(stream, copy))).isGreaterThan(0.99);
    }
}
