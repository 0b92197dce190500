// One path of a random walk, as dev.quiver.walk.JavaWalkSimulator walks it: the final position of
// the fair +-1 walk (64 steps a word), of lazy or biased lattice walks (one word a step against
// the model's thresholds), of Gaussian and Student-t walks (ziggurat normals and gammas), and their
// path statistics: LatticePath's (maximum, first passage, first return, steps above 0) for lattice
// walks, ContinuousPath's (levels met or crossed) for real-valued ones.
#pragma once

#include "ziggurat.cuh"

namespace quiver {

// Returned as passage or return time: not reached yet, or (passage) no barrier tracked.
constexpr int WALK_NOT_YET = 0;
constexpr int WALK_UNTRACKED = -1;

QUIVER_HD int popcount64(uint64_t x) {
#if defined(__CUDA_ARCH__)
    return __popcll(x);
#else
    return __builtin_popcountll(x);
#endif
}

// 64-bit stream word w of a path: x0 | x1 << 32 of block w / 2 for even w, x2 | x3 << 32 for odd.
QUIVER_HD uint64_t stream_word64(const PathStream& stream, uint32_t w) {
    PhiloxBlock b = stream.block(w >> 1);
    int at = (int)(w & 1) << 1;
    return (uint64_t)b.x[at] | (uint64_t)b.x[at + 1] << 32;
}

// Final position of the fair +-1 walk of `steps` steps: step t is +1 when bit t % 64 of 64-bit word
// t / 64 is set; 2 (ones) - steps.
QUIVER_HD int fair_final(const PathStream& stream, int steps) {
    int ones = 0;
    int full = steps >> 6;
    for (int w = 0; w < full; w++) {
        ones += popcount64(stream_word64(stream, (uint32_t)w));
    }
    int rest = steps & 63;
    if (rest > 0) {
        ones += popcount64(stream_word64(stream, (uint32_t)full) & ((1ull << rest) - 1));
    }
    return 2 * ones - steps;
}

// A lattice step from a 32-bit word u: 0 below `stay`, +1 below `up`, else -1 (WalkModel's
// thresholds, stayThreshold and upThreshold, out of 2^32).
QUIVER_HD int lattice_step(uint32_t u, uint64_t stay, uint64_t up) {
    return (uint64_t)u < stay ? 0 : (uint64_t)u < up ? 1 : -1;
}

QUIVER_HD int lattice_final(PathStream& stream, int steps, uint64_t stay, uint64_t up) {
    int position = 0;
    for (int t = 0; t < steps; t++) {
        position += lattice_step(stream.next_int(), stay, up);
    }
    return position;
}

// What a path's statistics hold, at levels of type Level: position, running maximum, barrier,
// first passage, first return, steps above 0 and the time.
template <typename Level>
struct PathState {
    Level position, maximum, barrier;
    int passage, first_return, above, time;

    // Starts a path at 0; without a tracked barrier the passage is WALK_UNTRACKED.
    QUIVER_HD void start(Level barrier_level, bool tracked) {
        barrier = barrier_level;
        position = 0;
        maximum = 0;
        passage = tracked ? WALK_NOT_YET : WALK_UNTRACKED;
        first_return = WALK_NOT_YET;
        above = 0;
        time = 0;
    }
};

// The statistics of a lattice path (LatticePath): reset, then step or byte_steps.
struct LatticeStats : PathState<int> {
    // barrier_level 0: none.
    QUIVER_HD void reset(int barrier_level) { start(barrier_level, barrier_level != 0); }

    // One step of delta (-1, 0 or +1): the definition of every statistic.
    QUIVER_HD void step(int delta) {
        int previous = position;
        position += delta;
        time++;
        if (position > maximum) maximum = position;
        if (passage == WALK_NOT_YET && position == barrier) passage = time;
        if (first_return == WALK_NOT_YET && position == 0) first_return = time;
        if (previous + position > 0) above++;
    }

    // The eight +-1 steps of byte v (bit t - 1 is step t, 1 meaning +1). Java reads per-byte prefix
    // tables (LatticePath.PACKED, FIRST, ABOVE); on a GPU, whose threads would each read a random
    // table entry, the eight steps in registers cost less than the loads.
    QUIVER_HD void byte_steps(uint32_t v) {
        for (int t = 0; t < 8; t++) {
            step((int)((v >> t) & 1) * 2 - 1);
        }
    }
};

// The +-1 path statistics of the fair walk of `steps` steps (JavaWalkSimulator.walkWords).
QUIVER_HD LatticeStats fair_path(const PathStream& stream, int steps, int barrier) {
    LatticeStats s;
    s.reset(barrier);
    int full = steps >> 6;
    for (int w = 0; w < full; w++) {
        uint64_t word = stream_word64(stream, (uint32_t)w);
        for (int b = 0; b < 8; b++) {
            s.byte_steps((uint32_t)(word >> (b << 3)) & 0xFF);
        }
    }
    int rest = steps & 63;
    if (rest > 0) {
        uint64_t last = stream_word64(stream, (uint32_t)full);
        for (int b = 0; b < rest; b++) {
            s.step((int)((last >> b) & 1) * 2 - 1);
        }
    }
    return s;
}

// Path statistics of a lazy or biased lattice walk (JavaWalkSimulator.latticePath): the steps of
// lattice_final, one word each.
QUIVER_HD LatticeStats lattice_path(PathStream& stream, int steps, uint64_t stay, uint64_t up,
                                    int barrier) {
    LatticeStats s;
    s.reset(barrier);
    for (int t = 0; t < steps; t++) {
        s.step(lattice_step(stream.next_int(), stay, up));
    }
    return s;
}

// The steps of a Gaussian walk (dof NaN: location + scale z) or a Student-t walk (location + scale
// z / sqrt(G / (dof / 2)), G a Gamma(dof / 2) deviate drawn after the normal z), in step order,
// into path.step: one definition of the draws for final positions and path statistics.
template <typename Path>
QUIVER_HD void continuous_steps(PathStream& stream, int steps, double location, double scale,
                                double dof, Path& path) {
    if (dof != dof) {
        for (int t = 0; t < steps; t++) {
            path.step(location + scale * ziggurat_normal(stream));
        }
        return;
    }
    double half_dof = dof / 2;
    for (int t = 0; t < steps; t++) {
        double z = ziggurat_normal(stream);
        double chi_over_dof = ziggurat_gamma(stream, half_dof) / half_dof;
        path.step(location + scale * z / sqrt(chi_over_dof));
    }
}

// A real-valued walk's final position only: position += step.
struct ContinuousFinal {
    double position = 0;

    QUIVER_HD void step(double delta) { position += delta; }
};

// The statistics of a real-valued path (ContinuousPath): levels met or crossed, not landed on.
struct ContinuousStats : PathState<double> {
    // barrier_level NaN: none.
    QUIVER_HD void reset(double barrier_level) {
        start(barrier_level, barrier_level == barrier_level);
    }

    QUIVER_HD void step(double delta) {
        double previous = position;
        position += delta;
        time++;
        if (position > maximum) maximum = position;
        if (passage == WALK_NOT_YET && (barrier > 0 ? position >= barrier : position <= barrier)) {
            passage = time;
        }
        if (first_return == WALK_NOT_YET &&
            (position == 0 || (previous < 0 && position > 0) || (previous > 0 && position < 0))) {
            first_return = time;
        }
        if (previous + position > 0) above++;
    }
};

// Final position of a Gaussian walk: sum += location + scale z over the steps, in step order.
QUIVER_HD double gaussian_final(PathStream& stream, int steps, double location, double scale) {
    ContinuousFinal path;
    continuous_steps(stream, steps, location, scale, NAN, path);
    return path.position;
}

// Final position of a Student-t walk on dof degrees of freedom.
QUIVER_HD double student_t_final(PathStream& stream, int steps, double location, double scale,
                                 double dof) {
    ContinuousFinal path;
    continuous_steps(stream, steps, location, scale, dof, path);
    return path.position;
}

// Path statistics of a Gaussian (dof NaN) or Student-t walk; barrier NaN: none.
QUIVER_HD ContinuousStats continuous_path(PathStream& stream, int steps, double location,
                                          double scale, double dof, double barrier) {
    ContinuousStats s;
    s.reset(barrier);
    continuous_steps(stream, steps, location, scale, dof, s);
    return s;
}

}  // namespace quiver
