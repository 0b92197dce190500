// Standard normals and gammas from a path's stream, as dev.quiver.walk.Ziggurat: Marsaglia and
// Tsang's ziggurat with 512 layers (one stream word per normal: the low 9 bits pick the layer, the
// high 23 a signed abscissa plus one half), every slow-path draw from the side stream; gammas by
// Marsaglia and Tsang's "simple method" (shape >= 1) and Gamma(a) = Gamma(a + 1) U^(1/a) below.
#pragma once

#include "dd_math.cuh"
#include "philox.cuh"
#include "ziggurat_tables.cuh"

namespace quiver {

constexpr int ZIGGURAT_LAYER_BITS = 9;
constexpr int ZIGGURAT_LAYERS = 1 << ZIGGURAT_LAYER_BITS;
constexpr double ZIGGURAT_R = 3.852046150368391;

static __device__ const double ziggurat_kw_device[2 * ZIGGURAT_LAYERS] = {QUIVER_ZIGGURAT_KW};
static const double ziggurat_kw_host[2 * ZIGGURAT_LAYERS] = {QUIVER_ZIGGURAT_KW};
static __device__ const double ziggurat_f_device[ZIGGURAT_LAYERS] = {QUIVER_ZIGGURAT_F};
static const double ziggurat_f_host[ZIGGURAT_LAYERS] = {QUIVER_ZIGGURAT_F};

// The signed abscissa of a word: its high 23 bits as a signed integer, plus one half.
QUIVER_HD double ziggurat_abscissa(uint32_t bits) {
    return (double)((int32_t)bits >> ZIGGURAT_LAYER_BITS) + 0.5;
}

// Whether a word falls in the fast region, and its normal there (Ziggurat.fast).
QUIVER_HD bool ziggurat_fast(uint32_t bits, double* z) {
    const double* kw = QUIVER_TABLE(ziggurat_kw);
    int layer = (int)(bits & (ZIGGURAT_LAYERS - 1)) << 1;
    double j = ziggurat_abscissa(bits);
    if ((j < 0 ? -j : j) < kw[layer]) {
        *z = j * kw[layer + 1];
        return true;
    }
    return false;
}

// The rest of the method for a word outside the fast region (Ziggurat.normalSlow).
QUIVER_HD double ziggurat_slow(PathStream& stream, uint32_t bits) {
    const double* kw = QUIVER_TABLE(ziggurat_kw);
    const double* f = QUIVER_TABLE(ziggurat_f);
    int layer = (int)(bits & (ZIGGURAT_LAYERS - 1));
    double j = ziggurat_abscissa(bits);
    while (true) {
        double x = j * kw[2 * layer + 1];
        if (layer == 0) {
            double tail;
            double y;
            do {
                tail = -log_cr(stream.next_side_open_uniform()) / ZIGGURAT_R;
                y = -log_cr(stream.next_side_open_uniform());
            } while (y + y < tail * tail);
            return j > 0 ? ZIGGURAT_R + tail : -ZIGGURAT_R - tail;
        }
        if (f[layer] + stream.next_side_open_uniform() * (f[layer - 1] - f[layer])
            < exp_cr(-0.5 * x * x)) {
            return x;
        }
        bits = stream.next_side_int();
        double z;
        if (ziggurat_fast(bits, &z)) {
            return z;
        }
        layer = (int)(bits & (ZIGGURAT_LAYERS - 1));
        j = ziggurat_abscissa(bits);
    }
}

// The normal of one stream word, the slow draws from the stream's side stream.
QUIVER_HD double ziggurat_normal(uint32_t bits, PathStream& stream) {
    double z;
    return ziggurat_fast(bits, &z) ? z : ziggurat_slow(stream, bits);
}

// A normal from the next word of the stream (Ziggurat.normal(WalkStream)).
QUIVER_HD double ziggurat_normal(PathStream& stream) {
    uint32_t bits = stream.next_int();
    return ziggurat_normal(bits, stream);
}

// A Gamma(shape, 1) deviate, shape > 0 (Ziggurat.gamma), the same expressions in the same order.
QUIVER_HD double ziggurat_gamma(PathStream& stream, double shape) {
    double boost = 1.0;
    bool boosted = shape < 1;
    double a = shape;
    if (boosted) {
        a = shape + 1;
    }
    double d = a - 1.0 / 3.0;
    double c = 1 / sqrt(9 * d);
    double result;
    while (true) {
        double x;
        double v;
        do {
            x = ziggurat_normal(stream);
            v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = stream.next_open_double();
        double x2 = x * x;
        if (u < 1 - 0.0331 * x2 * x2 || log_cr(u) < 0.5 * x2 + d * (1 - v + log_cr(v))) {
            result = d * v;
            break;
        }
    }
    if (boosted) {
        // Java: gamma(shape + 1) first, then the uniform, then the power.
        boost = pow_positive(stream.next_open_double(), 1 / shape);
        return result * boost;
    }
    return result;
}

}  // namespace quiver
