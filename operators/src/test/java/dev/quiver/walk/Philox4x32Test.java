package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Known-answer vectors of Random123's {@code tests/kat_vectors}
 * (github.com/DEShawResearch/random123 at commit 9545ff6, the "philox4x32 7" and "philox4x32 10"
 * lines: counter[4], key[2], output[4]).
 */
class Philox4x32Test {

    static final int[][] KAT_10 = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {-1, -1, -1, -1, -1, -1, 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {
            0x243f6a88,
            0x85a308d3,
            0x13198a2e,
            0x03707344,
            0xa4093822,
            0x299f31d0,
            0xd16cfe09,
            0x94fdcceb,
            0x5001e420,
            0x24126ea1
        },
    };

    static final int[][] KAT_7 = {
        {0, 0, 0, 0, 0, 0, 0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48},
        {-1, -1, -1, -1, -1, -1, 0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662},
        {
            0x243f6a88,
            0x85a308d3,
            0x13198a2e,
            0x03707344,
            0xa4093822,
            0x299f31d0,
            0x4dfccaba,
            0x190a87f0,
            0xc47362ba,
            0xb6b5242a
        },
    };

    @Test
    void tenRoundsMatchRandom123KnownAnswers() {
        for (int[] v : KAT_10) {
            int[] out = new int[4];
            Philox4x32.block(v[0], v[1], v[2], v[3], v[4], v[5], out, 0);
            assertThat(out).containsExactly(v[6], v[7], v[8], v[9]);
        }
    }

    @Test
    void sevenRoundsMatchRandom123KnownAnswers() {
        for (int[] v : KAT_7) {
            int[] out = new int[4];
            Philox4x32.block(7, v[0], v[1], v[2], v[3], v[4], v[5], out, 0);
            assertThat(out).containsExactly(v[6], v[7], v[8], v[9]);
        }
    }

    @Test
    void unrolledFillEqualsTheRoundLoop() {
        for (int[] v : KAT_10) {
            long[] words = new long[2 * 5];
            new Philox4x32().fill(v[0] - 2, v[1], v[2], v[3], v[4], v[5], words, 0, 5);
            for (int j = 0; j < 5; j++) {
                int[] out = new int[4];
                Philox4x32.block(v[0] - 2 + j, v[1], v[2], v[3], v[4], v[5], out, 0);
                assertThat(words[2 * j]).isEqualTo((out[0] & 0xFFFFFFFFL) | (long) out[1] << 32);
                assertThat(words[2 * j + 1])
                        .isEqualTo((out[2] & 0xFFFFFFFFL) | (long) out[3] << 32);
            }
            // Block j = 2 is the known answer itself.
            assertThat((int) words[4]).isEqualTo(v[6]);
            assertThat((int) (words[5] >>> 32)).isEqualTo(v[9]);
        }
    }

    @Test
    void fillWritesOnlyItsRange() {
        long[] words = new long[6];
        words[0] = 7;
        words[5] = 9;
        new Philox4x32().fill(0, 0, 0, 0, 0, 0, words, 1, 2);
        assertThat(words[0]).isEqualTo(7);
        assertThat(words[5]).isEqualTo(9);
        assertThat(words[1]).isEqualTo(0xe169c58d_6627e8d5L);
    }

    /** Many lanes, several lane passes, rows (paths) and counters that wrap modulo 2^32. */
    @Test
    void fillOfManyBlocksAndRowsEqualsBlockByBlock() {
        Philox4x32 philox = new Philox4x32();
        int c0 = -70;
        int c1 = Integer.MAX_VALUE - 2;
        for (int blocks :
                new int[] {
                    1, 3, 200, Philox4x32.LANES, Philox4x32.LANES + 1, 2 * Philox4x32.LANES + 5
                }) {
            for (int rows : new int[] {1, 2, 7}) {
                long[] words = new long[2 * blocks * rows + 2];
                philox.fill(c0, c1, 11, -12, 13, -14, words, 1, blocks, rows);
                int[] out = new int[4];
                for (int q = 0; q < rows; q++) {
                    for (int j = 0; j < blocks; j++) {
                        Philox4x32.block(c0 + j, c1 + q, 11, -12, 13, -14, out, 0);
                        int at = 1 + 2 * (q * blocks + j);
                        assertThat(words[at])
                                .as("blocks %d rows %d block (%d, %d)", blocks, rows, j, q)
                                .isEqualTo((out[0] & 0xFFFFFFFFL) | (long) out[1] << 32);
                        assertThat(words[at + 1])
                                .isEqualTo((out[2] & 0xFFFFFFFFL) | (long) out[3] << 32);
                    }
                }
                assertThat(words[0]).isZero();
                assertThat(words[words.length - 1]).isZero();
            }
        }
    }

    /** Lanes in place, as the Gaussian walk reads them: short (scalar) and full passes. */
    @Test
    void computeLanesHoldsEachBlocksWordsInPlace() {
        Philox4x32 philox = new Philox4x32();
        int[] out = new int[4];
        for (int[] shape :
                new int[][] {{1, 1}, {5, 3}, {31, 1}, {32, 1}, {30, 7}, {Philox4x32.LANES, 1}}) {
            int blocks = shape[0];
            int rows = shape[1];
            philox.computeLanes(-3, 40, 11, -12, 13, -14, blocks, rows);
            for (int q = 0; q < rows; q++) {
                for (int j = 0; j < blocks; j++) {
                    Philox4x32.block(-3 + j, 40 + q, 11, -12, 13, -14, out, 0);
                    for (int k = 0; k < 4; k++) {
                        assertThat(philox.lane(k)[q * blocks + j])
                                .as("%d x %d, block (%d, %d) word %d", blocks, rows, j, q, k)
                                .isEqualTo(out[k]);
                    }
                }
            }
        }
        assertThatThrownBy(() -> philox.computeLanes(0, 0, 0, 0, 0, 0, Philox4x32.LANES, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lanes");
    }
}
