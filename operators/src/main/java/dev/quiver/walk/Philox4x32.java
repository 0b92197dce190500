package dev.quiver.walk;

import java.util.Arrays;

/**
 * The Philox4x32-10 counter-based random-number generator: a keyed bijection of 128-bit counters,
 * so the numbers at any position of a stream are computed directly from (key, counter), with no
 * state to carry or replay.
 *
 * <p>Algorithm of J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw, "Parallel random numbers:
 * as easy as 1, 2, 3", <i>SC11</i>, 2011, as implemented in their Random123 library ({@code
 * include/Random123/philox.h}): a counter of four 32-bit words {@code (c0, c1, c2, c3)} and a key
 * of two {@code (k0, k1)} go through ten rounds of
 *
 * <pre>
 *   (hi0, lo0) = 0xD2511F53 * c0,  (hi1, lo1) = 0xCD9E8D57 * c2      (32 x 32 to 64-bit products)
 *   (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
 * </pre>
 *
 * with the key bumped by the Weyl constants {@code (0x9E3779B9, 0xBB67AE85)} before every round but
 * the first. Tested against the known-answer vectors of Random123's {@code tests/kat_vectors}.
 *
 * <p>Word order: {@link #fill} packs block {@code j}'s outputs {@code (x0, x1, x2, x3)} into two
 * longs, {@code x0 | x1 << 32} then {@code x2 | x3 << 32}, so a reader of 32-bit words sees {@code
 * x0, x1, x2, x3} as the low then high halves.
 *
 * <p>{@link #block} is static and thread-safe. {@link #fill} and {@link #computeLanes}, the bulk
 * forms, compute up to {@link #LANES} blocks side by side in lanes that the instance owns, so an
 * instance is not thread-safe: use one per thread. {@link #computeLanes} leaves the blocks in the
 * lanes, where a reader of 32-bit words reads them in place. Nothing allocates after construction.
 *
 * <pre>{@code
 * int[] out = new int[4];
 * Philox4x32.block(0, 0, 0, 0, 0, 0, out, 0);
 * // out = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}
 * long[] words = new long[8];
 * new Philox4x32().fill(0, 0, 0, 0, 0, 0, words, 0, 4); // counters (0..3, 0, 0, 0), two longs each
 * // words[0] == 0xe169c58d_6627e8d5L
 * }</pre>
 */
public final class Philox4x32 {

    /** Rounds of Philox4x32-10, the variant Random123 recommends and this project uses. */
    public static final int ROUNDS = 10;

    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final long LOW = 0xFFFFFFFFL;

    /** The multipliers' 16-bit halves, for {@link #halfRound}'s 16 x 16-bit products. */
    private static final int M0_HIGH = (int) (M0 >>> 16);

    private static final int M0_LOW = (int) (M0 & 0xFFFF);
    private static final int M1_HIGH = (int) (M1 >>> 16);
    private static final int M1_LOW = (int) (M1 & 0xFFFF);

    /**
     * Blocks computed side by side in one pass: 8 KiB of lanes, which leaves room in a 32 KiB L1
     * cache for the ziggurat's 12 KiB of tables when a Gaussian walk reads the lanes in place, and
     * enough that each of a pass's 20 vector loops (about 25 ns to set up) runs 64 iterations of 8
     * lanes. 1024 lanes measured no faster (JMH: RandomWalkBenchmark).
     */
    static final int LANES = 512;

    /**
     * Passes of fewer blocks than this are computed block by block in scalar code: C2's vector loop
     * handles 32 lanes an iteration and leaves the rest to scalar iterations of the same body,
     * which cost twice as much as a plain scalar block. Rejection samplers' refills past their hint
     * are such passes (16 blocks), and so are very short walks.
     */
    private static final int MIN_VECTOR_LANES = 32;

    private final int[] scratch = new int[4];
    private final int[] lane0 = new int[LANES];
    private final int[] lane1 = new int[LANES];
    private final int[] lane2 = new int[LANES];
    private final int[] lane3 = new int[LANES];

    /** The lanes that hold output words 0 to 3 after a pass: the rounds swap two of them. */
    private int[] x0 = lane0;

    private int[] x1 = lane1;
    private int[] x2 = lane2;
    private int[] x3 = lane3;

    /** A generator with its own lanes for {@link #fill}; {@link #block} needs no instance. */
    public Philox4x32() {}

    /**
     * Writes Philox4x32-10 of counter {@code (c0, c1, c2, c3)} under key {@code (k0, k1)} into
     * {@code out[offset .. offset + 3]}.
     */
    public static void block(
            int c0, int c1, int c2, int c3, int k0, int k1, int[] out, int offset) {
        block(ROUNDS, c0, c1, c2, c3, k0, k1, out, offset);
    }

    /** Any round count, so tests can check Random123's 7-round vectors as well. */
    static void block(
            int rounds, int c0, int c1, int c2, int c3, int k0, int k1, int[] out, int offset) {
        int x0 = c0;
        int x1 = c1;
        int x2 = c2;
        int x3 = c3;
        int key0 = k0;
        int key1 = k1;
        for (int r = 0; r < rounds; r++) {
            if (r > 0) {
                key0 += W0;
                key1 += W1;
            }
            long p0 = (x0 & LOW) * M0;
            long p1 = (x2 & LOW) * M1;
            int y0 = (int) (p1 >>> 32) ^ x1 ^ key0;
            int y2 = (int) (p0 >>> 32) ^ x3 ^ key1;
            x1 = (int) p1;
            x3 = (int) p0;
            x0 = y0;
            x2 = y2;
        }
        out[offset] = x0;
        out[offset + 1] = x1;
        out[offset + 2] = x2;
        out[offset + 3] = x3;
    }

    /**
     * Fills {@code out[offset .. offset + 2 * blocks)} with the blocks of counters {@code (c0 + j,
     * c1, c2, c3)}, {@code j < blocks}, two longs per block (see the word order above). {@code c0 +
     * j} wraps modulo 2^32; callers that must not reuse a counter check the range themselves.
     */
    public void fill(
            int c0, int c1, int c2, int c3, int k0, int k1, long[] out, int offset, int blocks) {
        fill(c0, c1, c2, c3, k0, k1, out, offset, blocks, 1);
    }

    /**
     * Fills {@code out[offset .. offset + 2 * blocks * rows)} with the blocks of counters {@code
     * (c0 + j, c1 + q, c2, c3)}, {@code j < blocks}, {@code q < rows}, row by row: block {@code (j,
     * q)} at {@code out[offset + 2 (q blocks + j)]}. Rows are the paths of a walk, so many short
     * paths fill the lanes of one pass. Counters wrap modulo 2^32. Allocates nothing; the lanes are
     * the instance's only state, so no result depends on an earlier call.
     */
    public void fill(
            int c0,
            int c1,
            int c2,
            int c3,
            int k0,
            int k1,
            long[] out,
            int offset,
            int blocks,
            int rows) {
        long total = (long) blocks * rows;
        for (long first = 0; first < total; first += LANES) {
            int n = (int) Math.min(LANES, total - first);
            computePass(
                    c0 + (int) (first % blocks),
                    c1 + (int) (first / blocks),
                    c2,
                    c3,
                    k0,
                    k1,
                    blocks - (int) (first % blocks),
                    blocks,
                    n);
            int at = offset + (int) (2 * first);
            for (int i = 0; i < n; i++) {
                out[at + 2 * i] = (x0[i] & LOW) | ((long) x1[i] << 32);
                out[at + 2 * i + 1] = (x2[i] & LOW) | ((long) x3[i] << 32);
            }
        }
    }

    /**
     * Computes the blocks of counters {@code (c0 + j, c1 + q, c2, c3)}, {@code j < blocks}, {@code
     * q < rows}, into the lanes, where a reader takes them in any order without the packing of
     * {@link #fill}: block {@code (j, q)}'s output word {@code k} is {@code lane(k)[q blocks + j]}.
     * At most {@link #LANES} blocks in all; the lanes hold them until the next call.
     *
     * @throws IllegalArgumentException if {@code blocks * rows} is not in {@code [1, LANES]}
     */
    void computeLanes(int c0, int c1, int c2, int c3, int k0, int k1, int blocks, int rows) {
        if (blocks < 1 || rows < 1 || (long) blocks * rows > LANES) {
            throw new IllegalArgumentException(
                    blocks + " blocks x " + rows + " rows do not fit " + LANES + " lanes");
        }
        computePass(c0, c1, c2, c3, k0, k1, blocks, blocks, blocks * rows);
    }

    /** Output word {@code k} (0 to 3) of each block of the last {@link #computeLanes}. */
    int[] lane(int k) {
        switch (k) {
            case 0:
                return x0;
            case 1:
                return x1;
            case 2:
                return x2;
            case 3:
                return x3;
            default:
                throw new IllegalArgumentException("a block has words 0 to 3, not " + k);
        }
    }

    /**
     * One pass of {@code n} lanes: lane {@code i} gets the block of counter {@code (c0 + i, c1, c2,
     * c3)} while {@code i < firstRowBlocks}, then rows of {@code blocks} blocks with {@code c0}
     * back at {@code c0 + firstRowBlocks - blocks} and {@code c1} one more each row.
     */
    private void computePass(
            int c0, int c1, int c2, int c3, int k0, int k1, int firstRowBlocks, int blocks, int n) {
        if (n < MIN_VECTOR_LANES) {
            computeScalar(c0, c1, c2, c3, k0, k1, firstRowBlocks, blocks, n);
            return;
        }
        int[] a = lane0;
        int[] b = lane1;
        int[] c = lane2;
        int[] d = lane3;
        int rowC0 = c0;
        int rowC1 = c1;
        for (int i = 0, run = Math.min(firstRowBlocks, n); i < n; ) {
            for (int t = 0; t < run; t++) {
                a[i + t] = rowC0 + t;
            }
            Arrays.fill(b, i, i + run, rowC1);
            i += run;
            rowC0 = c0 + firstRowBlocks - blocks;
            rowC1++;
            run = Math.min(blocks, n - i);
        }
        Arrays.fill(c, 0, n, c2);
        Arrays.fill(d, 0, n, c3);
        int key0 = k0;
        int key1 = k1;
        for (int r = 0; r < ROUNDS; r++) {
            // The round's new x2 lands in x0's lane and its new x0 in x2's, so the two lanes
            // swap roles after it.
            halfRound(a, d, n, M0_HIGH, M0_LOW, (int) M0, key1);
            halfRound(c, b, n, M1_HIGH, M1_LOW, (int) M1, key0);
            int[] swap = a;
            a = c;
            c = swap;
            key0 += W0;
            key1 += W1;
        }
        x0 = a;
        x1 = b;
        x2 = c;
        x3 = d;
    }

    /** {@link #computePass} block by block, for passes too short to pay for the vector loops. */
    private void computeScalar(
            int c0, int c1, int c2, int c3, int k0, int k1, int firstRowBlocks, int blocks, int n) {
        int j = c0;
        int q = c1;
        int rowEnd = firstRowBlocks;
        for (int i = 0; i < n; i++) {
            if (i == rowEnd) {
                j = c0 + firstRowBlocks - blocks;
                q++;
                rowEnd += blocks;
            }
            block(ROUNDS, j++, q, c2, c3, k0, k1, scratch, 0);
            lane0[i] = scratch[0];
            lane1[i] = scratch[1];
            lane2[i] = scratch[2];
            lane3[i] = scratch[3];
        }
        x0 = lane0;
        x1 = lane1;
        x2 = lane2;
        x3 = lane3;
    }

    /**
     * Half a round over {@code n} lanes, one of its two products: {@code x[i] = hi(x[i] M) ^
     * partner[i] ^ key} and {@code partner[i] = lo(x[i] M)}, for {@code M = mulHigh 2^16 + mulLow}.
     *
     * <p>The high word of the 32 x 32-bit product comes from four 16 x 16-bit ones (H. S. Warren,
     * <i>Hacker's Delight</i>, 2nd ed., section 8-2, {@code mulhu}), all in 32-bit lanes: C2 makes
     * this loop AVX2 code of 8 lanes a register with one {@code vpmulld} per product. In 64-bit
     * lanes, the obvious {@code (x & 0xFFFFFFFFL) * M}, AVX2 has no 64-bit multiply and C2 17
     * emulates one with several instructions: that version of {@link #fill} ran at about 0.6 times
     * this one's speed (JMH: RandomWalkBenchmark.philoxBytes). Both products in one loop ran slower
     * than scalar code: a body that large C2 does not vectorise.
     */
    private static void halfRound(
            int[] x, int[] partner, int n, int mulHigh, int mulLow, int mul, int key) {
        for (int i = 0; i < n; i++) {
            int a = x[i];
            int high = a >>> 16;
            int low = a & 0xFFFF;
            int t = high * mulLow + ((low * mulLow) >>> 16);
            int productHigh = high * mulHigh + (t >>> 16) + ((low * mulHigh + (t & 0xFFFF)) >>> 16);
            x[i] = productHigh ^ partner[i] ^ key;
            partner[i] = a * mul;
        }
    }
}
