// log, exp and pow in double-double arithmetic, rounded once to double: correctly rounded except
// when the exact value lies within about 2^-100 relative of a rounding boundary.
//
// Why not the platform's log: the Java kernels call Math.log / Math.exp / Math.pow, which Java
// specifies only to 1 ulp. On the JDK 17 HotSpot x86-64 intrinsics of this project's machines
// they are correctly rounded for all but a few arguments in ten thousand (checked against 50-digit
// decimal logs: Math.log missed 1 of 50,000 uniforms, Math.exp 36 of 20,000 arguments, Math.pow 12
// of 20,000), while fdlibm (StrictMath) misrounds 7% of logs and CUDA's log is a 1-ulp algorithm
// of its own. Correct rounding is therefore the closest one can get to Math.* from code that runs
// the same on host and device; where the intrinsic misrounds, the two differ by one ulp.
//
// Only double additions, multiplications and divisions, no fused multiply-add (Dekker's product
// instead), so the host and the device (under --fmad=false) compute the same bits. Slow: meant for
// the rare rejection-sampling branches, not for inner loops.
#pragma once

#include "common.cuh"

namespace quiver {

struct Dd {
    double hi, lo;
};

QUIVER_HD Dd two_sum(double a, double b) {
    double s = a + b;
    double bb = s - a;
    double err = (a - (s - bb)) + (b - bb);
    return Dd{s, err};
}

QUIVER_HD Dd fast_two_sum(double a, double b) {
    double s = a + b;
    return Dd{s, b - (s - a)};
}

// Dekker's exact product, by splitting each factor into 26-bit halves: no FMA needed.
QUIVER_HD Dd two_prod(double a, double b) {
    const double split = 134217729.0;  // 2^27 + 1
    double p = a * b;
    double ta = split * a;
    double ah = ta - (ta - a);
    double al = a - ah;
    double tb = split * b;
    double bh = tb - (tb - b);
    double bl = b - bh;
    double err = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    return Dd{p, err};
}

QUIVER_HD Dd dd_add(Dd a, Dd b) {
    Dd s = two_sum(a.hi, b.hi);
    Dd t = two_sum(a.lo, b.lo);
    s.lo += t.hi;
    s = fast_two_sum(s.hi, s.lo);
    s.lo += t.lo;
    return fast_two_sum(s.hi, s.lo);
}

QUIVER_HD Dd dd_mul(Dd a, Dd b) {
    Dd p = two_prod(a.hi, b.hi);
    p.lo += a.hi * b.lo + a.lo * b.hi;
    return fast_two_sum(p.hi, p.lo);
}

QUIVER_HD Dd dd_div(Dd a, Dd b) {
    double q1 = a.hi / b.hi;
    Dd r = dd_add(a, dd_mul(Dd{-q1, 0.0}, b));
    double q2 = r.hi / b.hi;
    r = dd_add(r, dd_mul(Dd{-q2, 0.0}, b));
    double q3 = r.hi / b.hi;
    Dd q = fast_two_sum(q1, q2);
    return dd_add(q, Dd{q3, 0.0});
}

// ln 2 to 107 bits.
QUIVER_HD Dd dd_ln2() { return Dd{0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56}; }

// ln x for finite x > 0, in double-double: x = m 2^k with m in [sqrt(1/2), sqrt(2)), and
// ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716, whose odd series reaches 2^-106 in 22
// terms.
QUIVER_HD Dd dd_log(double x) {
    int k = 0;
    if (x < 0x1p-1022) {  // subnormal: scale into the normal range first
        x *= 0x1p54;
        k -= 54;
    }
    uint64_t bits = double_bits(x);
    k += (int)((bits >> 52) & 0x7FF) - 1023;
    double m = bits_double((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
    if (m > 1.4142135623730951) {
        m *= 0.5;
        k += 1;
    }
    Dd numerator = Dd{m - 1.0, 0.0};  // exact (Sterbenz)
    Dd denominator = two_sum(m, 1.0);
    Dd s = dd_div(numerator, denominator);
    Dd s2 = dd_mul(s, s);
    const int terms = 23;
    Dd sum = dd_div(Dd{1.0, 0.0}, Dd{2.0 * terms - 1.0, 0.0});
    for (int n = terms - 2; n >= 0; n--) {
        sum = dd_add(dd_mul(sum, s2), dd_div(Dd{1.0, 0.0}, Dd{2.0 * n + 1.0, 0.0}));
    }
    Dd ln_m = dd_mul(dd_mul(sum, s), Dd{2.0, 0.0});
    Dd ln2 = dd_ln2();
    Dd k_ln2 = dd_mul(ln2, Dd{(double)k, 0.0});
    return dd_add(k_ln2, ln_m);
}

QUIVER_HD double log_cr(double x) {
    if (!(x > 0.0) || x == 1.0 / 0.0) {
        if (x == 0.0) return -1.0 / 0.0;
        if (x == 1.0 / 0.0) return x;
        return 0.0 / 0.0;  // negative or NaN
    }
    Dd r = dd_log(x);
    return r.hi + r.lo;
}

// e^y for y = hi + lo: y = k ln2 + r, |r| <= ln2 / 2, e^r by its Taylor series at r / 2^10,
// squared ten times, then scaled by 2^k.
QUIVER_HD double dd_exp_to_double(Dd y) {
    if (y.hi != y.hi) return y.hi;
    if (y.hi > 709.8) return 1.0 / 0.0;
    if (y.hi < -745.2) return 0.0;
    Dd ln2 = dd_ln2();
    double kd = y.hi / ln2.hi;
    kd = kd >= 0 ? (double)(long long)(kd + 0.5) : -(double)(long long)(0.5 - kd);
    Dd r = dd_add(y, dd_mul(ln2, Dd{-kd, 0.0}));
    r = dd_mul(r, Dd{0x1p-10, 0.0});
    // e^r - 1 by Horner over 1/n!, n = 1..12 (|r| < 3.4e-4: the 13th term is below 2^-140).
    Dd sum = Dd{0.0, 0.0};
    for (int n = 12; n >= 1; n--) {
        // sum = (sum + 1) r / n ... written as Horner of sum_{n} r^n / n!
        sum = dd_div(dd_mul(dd_add(sum, Dd{1.0, 0.0}), r), Dd{(double)n, 0.0});
    }
    // (1 + s)^2 - 1 = s (2 + s), keeping the small part separate while squaring.
    for (int i = 0; i < 10; i++) {
        sum = dd_mul(sum, dd_add(sum, Dd{2.0, 0.0}));
    }
    Dd e = dd_add(sum, Dd{1.0, 0.0});
    int k = (int)kd;
    // 2^k in two steps so that neither factor overflows; exact unless the result is subnormal.
    int k1 = k / 2;
    int k2 = k - k1;
    double scale1 = bits_double((uint64_t)(k1 + 1023) << 52);
    double scale2 = bits_double((uint64_t)(k2 + 1023) << 52);
    double rounded = e.hi + e.lo;
    return rounded * scale1 * scale2;
}

QUIVER_HD double exp_cr(double x) { return dd_exp_to_double(Dd{x, 0.0}); }

// x^y for x > 0 (the only case the walk needs): e^(y ln x) with y ln x in double-double.
QUIVER_HD double pow_positive(double x, double y) {
    if (x == 1.0 || y == 0.0) return 1.0;
    return dd_exp_to_double(dd_mul(dd_log(x), Dd{y, 0.0}));
}

}  // namespace quiver
