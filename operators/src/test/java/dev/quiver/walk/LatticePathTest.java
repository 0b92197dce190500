package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * The per-byte table path of the fair walk against the one-step definition, bit for bit: both
 * consume the same random words, so every statistic must be identical.
 */
class LatticePathTest {

    private static void assertSameState(LatticePath tables, LatticePath steps, String what) {
        assertThat(tables.position).as(what + " position").isEqualTo(steps.position);
        assertThat(tables.maximum).as(what + " maximum").isEqualTo(steps.maximum);
        assertThat(tables.passage).as(what + " passage").isEqualTo(steps.passage);
        assertThat(tables.firstReturn).as(what + " return").isEqualTo(steps.firstReturn);
        assertThat(tables.above).as(what + " above").isEqualTo(steps.above);
        assertThat(tables.time).as(what + " time").isEqualTo(steps.time);
    }

    private static void stepBits(LatticePath path, long word, int bits) {
        for (int b = 0; b < bits; b++) {
            path.step((int) ((word >>> b) & 1) * 2 - 1);
        }
    }

    /** Every byte value from every start level in [-12, 12], with barriers on both sides. */
    @Test
    void everyByteFromEveryNearbyLevelEqualsEightSteps() {
        for (int barrier : new int[] {0, 1, 5, -3, 9}) {
            for (int prefix = -12; prefix <= 12; prefix++) {
                for (int v = 0; v < 256; v++) {
                    LatticePath tables = new LatticePath();
                    LatticePath steps = new LatticePath();
                    tables.reset(barrier);
                    steps.reset(barrier);
                    // Walk both to `prefix` first without meeting 0 or the barrier when possible,
                    // so the byte itself decides the first passage and return.
                    int direction = prefix >= 0 ? 1 : -1;
                    for (int i = 0; i < Math.abs(prefix); i++) {
                        tables.step(direction);
                        steps.step(direction);
                    }
                    tables.bytes(new long[] {v}, 0, 1);
                    stepBits(steps, v, 8);
                    assertSameState(
                            tables,
                            steps,
                            "barrier " + barrier + " prefix " + prefix + " byte " + v);
                }
            }
        }
    }

    @Test
    void randomWordsThroughTablesEqualStepByStep() {
        SplittableRandom random = new SplittableRandom(20_251_127L);
        for (int trial = 0; trial < 2000; trial++) {
            int barrier = random.nextInt(-40, 41);
            int words = random.nextInt(1, 40);
            LatticePath tables = new LatticePath();
            LatticePath steps = new LatticePath();
            tables.reset(barrier);
            steps.reset(barrier);
            for (int w = 0; w < words; w++) {
                // Biased words make long excursions, so levels far from 0 are visited too.
                long word = random.nextLong() | (trial % 3 == 0 ? random.nextLong() : 0);
                int byteCount = random.nextInt(0, 9);
                tables.bytes(new long[] {word}, 0, byteCount);
                stepBits(steps, word, 8 * byteCount);
                assertSameState(tables, steps, "trial " + trial + " word " + w);
            }
        }
    }

    /**
     * All the words in one call, then, from a random offset, whole words and the first bytes of one
     * more word in one call.
     */
    @Test
    void wholeWordsAndAPartialLastWordEqualTheirBytes() {
        SplittableRandom random = new SplittableRandom(77L);
        SplittableRandom cuts = new SplittableRandom(4_096L);
        for (int trial = 0; trial < 500; trial++) {
            int barrier = random.nextInt(-60, 61);
            long[] words = new long[random.nextInt(1, 64)];
            for (int w = 0; w < words.length; w++) {
                words[w] = random.nextLong() & (trial % 2 == 0 ? -1L : random.nextLong());
            }
            assertBytesEqualSteps(barrier, words, 0, 8 * words.length, "trial " + trial);
            int offset = cuts.nextInt(0, words.length);
            int byteCount = cuts.nextInt(0, 8 * (words.length - offset) + 1);
            assertBytesEqualSteps(
                    barrier, words, offset, byteCount, "trial " + trial + " from " + offset);
        }
    }

    private static void assertBytesEqualSteps(
            int barrier, long[] words, int offset, int byteCount, String what) {
        LatticePath tables = new LatticePath();
        LatticePath steps = new LatticePath();
        tables.reset(barrier);
        steps.reset(barrier);
        tables.bytes(words, offset, byteCount);
        for (int b = 0; b < byteCount; b += 8) {
            stepBits(steps, words[offset + b / 8], 8 * Math.min(8, byteCount - b));
        }
        assertSameState(tables, steps, what);
    }

    /** The one-step definitions against a direct computation over every path of 14 steps. */
    @Test
    void stepStatisticsFollowTheirDefinitions() {
        int n = 14;
        int barrier = -3;
        for (int bits = 0; bits < (1 << n); bits++) {
            int[] s = new int[n + 1];
            for (int t = 1; t <= n; t++) {
                s[t] = s[t - 1] + (((bits >>> (t - 1)) & 1) == 1 ? 1 : -1);
            }
            LatticePath path = new LatticePath();
            path.reset(barrier);
            stepBits(path, bits, n);
            int maximum = 0;
            int passage = LatticePath.NOT_YET;
            int firstReturn = LatticePath.NOT_YET;
            int above = 0;
            for (int t = 1; t <= n; t++) {
                maximum = Math.max(maximum, s[t]);
                if (passage == LatticePath.NOT_YET && s[t] == barrier) {
                    passage = t;
                }
                if (firstReturn == LatticePath.NOT_YET && s[t] == 0) {
                    firstReturn = t;
                }
                // Feller's "positive side": the segment lies above the axis.
                if (s[t - 1] > 0 || s[t] > 0) {
                    above++;
                }
            }
            assertThat(path.position).isEqualTo(s[n]);
            assertThat(path.maximum).isEqualTo(maximum);
            assertThat(path.passage).isEqualTo(passage);
            assertThat(path.firstReturn).isEqualTo(firstReturn);
            assertThat(path.above).isEqualTo(above);
        }
    }

    @Test
    void noBarrierLeavesPassageUntracked() {
        LatticePath path = new LatticePath();
        path.reset(0);
        path.bytes(new long[] {0xFFFF_FFFF_FFFF_FFFFL}, 0, 8);
        assertThat(path.passage).isEqualTo(LatticePath.UNTRACKED);
        assertThat(path.position).isEqualTo(64);
        assertThat(path.maximum).isEqualTo(64);
        assertThat(path.above).isEqualTo(64);
        assertThat(path.firstReturn).isEqualTo(LatticePath.NOT_YET);
    }
}
