package dev.quiver.walk;

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
 * <p>{@link #block} is static and thread-safe. {@link #fill}, the bulk form, computes up to {@link
 * #LANES} blocks side by side in scratch lanes that the instance owns, so an instance is not
 * thread-safe: use one per thread. Nothing allocates after construction.
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

    /** Blocks computed side by side in {@link #fill}: 2 KiB of lanes, well inside the L1 cache. */
    static final int LANES = 64;

    private final long[] lane0 = new long[LANES];
    private final long[] lane1 = new long[LANES];
    private final long[] lane2 = new long[LANES];
    private final long[] lane3 = new long[LANES];

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
        long[] x0 = lane0;
        long[] x1 = lane1;
        long[] x2 = lane2;
        long[] x3 = lane3;
        long total = (long) blocks * rows;
        int j = 0;
        int q = 0;
        for (long first = 0; first < total; first += LANES) {
            int n = (int) Math.min(LANES, total - first);
            for (int i = 0; i < n; i++) {
                x0[i] = (c0 + j) & LOW;
                x1[i] = (c1 + q) & LOW;
                x2[i] = c2 & LOW;
                x3[i] = c3 & LOW;
                if (++j == blocks) {
                    j = 0;
                    q++;
                }
            }
            long key0 = k0 & LOW;
            long key1 = k1 & LOW;
            for (int r = 0; r < ROUNDS; r++) {
                // Round r of every lane as one loop over arrays of 32-bit values held in longs:
                // C2 makes it AVX2 vector code, 4 lanes a register, about 1.2 times the speed of
                // four blocks interleaved by hand in scalar code (JMH:
                // RandomWalkBenchmark.philoxBytes). The 32 x 32 -> 64 products need the longs.
                for (int i = 0; i < n; i++) {
                    long p0 = x0[i] * M0;
                    long p1 = x2[i] * M1;
                    x0[i] = (p1 >>> 32) ^ x1[i] ^ key0;
                    x2[i] = (p0 >>> 32) ^ x3[i] ^ key1;
                    x1[i] = p1 & LOW;
                    x3[i] = p0 & LOW;
                }
                key0 = (key0 + W0) & LOW;
                key1 = (key1 + W1) & LOW;
            }
            int at = offset + (int) (2 * first);
            for (int i = 0; i < n; i++) {
                out[at + 2 * i] = x0[i] | (x1[i] << 32);
                out[at + 2 * i + 1] = x2[i] | (x3[i] << 32);
            }
        }
    }
}
