// Philox4x32-10 and the walk's stream layout, as dev.quiver.walk.Philox4x32 and WalkStream.
//
// Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC11 (Random123's
// philox.h). Layout of a path's stream (WalkStream's javadoc): Philox key (k0, k1) = the low and
// high halves of streamKey = mix64(keyHash ^ mix64(seed)); block b of path p of sequence s is
// counter (b, p, low32(s), high32(s)); its words x0..x3 are stream words 4b..4b+3. The side
// stream, which the ziggurat's slow draws read, is the blocks c0 = 2^31 + b.
#pragma once

#include "common.cuh"

namespace quiver {

struct PhiloxBlock {
    uint32_t x[4];
};

// Any round count, so the host check can test Random123's 7-round vectors as well.
QUIVER_HD PhiloxBlock philox4x32(int rounds, uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                                 uint32_t k0, uint32_t k1) {
    const uint32_t m0 = 0xD2511F53u;
    const uint32_t m1 = 0xCD9E8D57u;
    for (int r = 0; r < rounds; r++) {
        if (r > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        uint64_t p0 = (uint64_t)c0 * m0;
        uint64_t p1 = (uint64_t)c2 * m1;
        uint32_t y0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t y2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = y0;
        c2 = y2;
    }
    PhiloxBlock out;
    out.x[0] = c0;
    out.x[1] = c1;
    out.x[2] = c2;
    out.x[3] = c3;
    return out;
}

QUIVER_HD PhiloxBlock philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                                    uint32_t k0, uint32_t k1) {
    return philox4x32(10, c0, c1, c2, c3, k0, k1);
}

// The SplitMix64 finaliser (WalkStream.mix64).
QUIVER_HD uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// WalkStream.streamKey: the Philox key of (job seed, FNV-1a 64 key hash).
QUIVER_HD uint64_t stream_key(uint64_t seed, uint64_t key_hash) {
    return mix64(key_hash ^ mix64(seed));
}

// First block of the side stream: c0 = 2^31 (Integer.MIN_VALUE in Java).
constexpr uint32_t SIDE_BLOCKS_START = 0x80000000u;

// One path's stream read in order, WalkStream's nextInt / nextSideInt / nextDouble. Holds one
// block of each stream: a thread computes the blocks it reads, nothing is shared.
struct PathStream {
    uint32_t k0, k1, path, seq_low, seq_high;
    uint32_t next_block;
    uint32_t next_side_block;
    int position;       // words of `words` already read, 4 = empty
    int side_position;  // the same for `side`
    PhiloxBlock words;
    PhiloxBlock side;

    QUIVER_HD void reset(uint64_t key, uint64_t sequence, uint32_t path_index) {
        k0 = (uint32_t)key;
        k1 = (uint32_t)(key >> 32);
        path = path_index;
        seq_low = (uint32_t)sequence;
        seq_high = (uint32_t)(sequence >> 32);
        next_block = 0;
        next_side_block = 0;
        position = 4;
        side_position = 4;
    }

    // Block b of the main stream; the same block as word 4b of next_int.
    QUIVER_HD PhiloxBlock block(uint32_t b) const {
        return philox4x32_10(b, path, seq_low, seq_high, k0, k1);
    }

    QUIVER_HD uint32_t next_int() {
        if (position == 4) {
            words = block(next_block++);
            position = 0;
        }
        return words.x[position++];
    }

    QUIVER_HD uint32_t next_side_int() {
        if (side_position == 4) {
            side = philox4x32_10(SIDE_BLOCKS_START + next_side_block++, path, seq_low, seq_high,
                                 k0, k1);
            side_position = 0;
        }
        return side.x[side_position++];
    }

    // ((u + 1/2) 2^-32): in (0, 1), never 0 (WalkStream.nextSideOpenUniform).
    QUIVER_HD double next_side_open_uniform() {
        return ((double)next_side_int() + 0.5) * 0x1p-32;
    }

    // 53 bits from two words, as java.util.Random (WalkStream.nextDouble).
    QUIVER_HD double next_double() {
        uint64_t high = (next_int() >> 6) & 0x3FFFFFFull;
        uint64_t low = (next_int() >> 5) & 0x7FFFFFFull;
        return (double)((high << 27) | low) * 0x1p-53;
    }

    QUIVER_HD double next_open_double() { return next_double() + 0x1p-54; }
};

}  // namespace quiver
