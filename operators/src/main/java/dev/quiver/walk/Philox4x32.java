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
 * <p>Static and stateless, so thread-safe; nothing allocates.
 *
 * <pre>{@code
 * int[] out = new int[4];
 * Philox4x32.block(0, 0, 0, 0, 0, 0, out, 0);
 * // out = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}
 * long[] words = new long[8];
 * Philox4x32.fill(0, 0, 0, 0, 0, 0, words, 0, 4); // counters (0..3, 0, 0, 0), two longs each
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

    private Philox4x32() {}

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
    public static void fill(
            int c0, int c1, int c2, int c3, int k0, int k1, long[] out, int offset, int blocks) {
        for (int j = 0; j < blocks; j += 4) {
            // Four blocks side by side: each round is a chain of a multiply and two xors, so one
            // block alone leaves the multiplier idle most of the time; four independent chains
            // interleaved keep it busy (JMH: RandomWalkBenchmark.philoxBytes). A short last
            // group computes all four and stores only the blocks asked for.
            int a0 = c0 + j;
            int a1 = c1;
            int a2 = c2;
            int a3 = c3;
            int b0 = c0 + j + 1;
            int b1 = c1;
            int b2 = c2;
            int b3 = c3;
            int g0 = c0 + j + 2;
            int g1 = c1;
            int g2 = c2;
            int g3 = c3;
            int h0 = c0 + j + 3;
            int h1 = c1;
            int h2 = c2;
            int h3 = c3;
            int key0 = k0;
            int key1 = k1;
            for (int r = 0; r < ROUNDS; r++) {
                long pa0 = (a0 & LOW) * M0;
                long pa1 = (a2 & LOW) * M1;
                long pb0 = (b0 & LOW) * M0;
                long pb1 = (b2 & LOW) * M1;
                long pg0 = (g0 & LOW) * M0;
                long pg1 = (g2 & LOW) * M1;
                long ph0 = (h0 & LOW) * M0;
                long ph1 = (h2 & LOW) * M1;
                a0 = (int) (pa1 >>> 32) ^ a1 ^ key0;
                a2 = (int) (pa0 >>> 32) ^ a3 ^ key1;
                a1 = (int) pa1;
                a3 = (int) pa0;
                b0 = (int) (pb1 >>> 32) ^ b1 ^ key0;
                b2 = (int) (pb0 >>> 32) ^ b3 ^ key1;
                b1 = (int) pb1;
                b3 = (int) pb0;
                g0 = (int) (pg1 >>> 32) ^ g1 ^ key0;
                g2 = (int) (pg0 >>> 32) ^ g3 ^ key1;
                g1 = (int) pg1;
                g3 = (int) pg0;
                h0 = (int) (ph1 >>> 32) ^ h1 ^ key0;
                h2 = (int) (ph0 >>> 32) ^ h3 ^ key1;
                h1 = (int) ph1;
                h3 = (int) ph0;
                key0 += W0;
                key1 += W1;
            }
            int at = offset + 2 * j;
            int left = blocks - j;
            out[at] = (a0 & LOW) | ((long) a1 << 32);
            out[at + 1] = (a2 & LOW) | ((long) a3 << 32);
            if (left > 1) {
                out[at + 2] = (b0 & LOW) | ((long) b1 << 32);
                out[at + 3] = (b2 & LOW) | ((long) b3 << 32);
            }
            if (left > 2) {
                out[at + 4] = (g0 & LOW) | ((long) g1 << 32);
                out[at + 5] = (g2 & LOW) | ((long) g3 << 32);
            }
            if (left > 3) {
                out[at + 6] = (h0 & LOW) | ((long) h1 << 32);
                out[at + 7] = (h2 & LOW) | ((long) h3 << 32);
            }
        }
    }
}
