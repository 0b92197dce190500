#!/usr/bin/env python3
"""Writes quantiles.csv, the oracle QuantileOracleTest compares dev.quiver.bayes.special against.

Run from this directory:  python3 gen_quantiles.py   (SciPy 1.17.1, NumPy 2.4.6, mpmath 1.3.0)

Columns: function, a, b, p, expected, source, scipy_value, scipy_version. function is one of
  beta    scipy.special.betaincinv(a, b, p)          (b is the second shape)
  gamma   scipy.special.gammaincinv(a, p)            (b unused, 0)
  gammaq  scipy.special.gammainccinv(a, p)           (upper-tail quantile; b unused)
  t       scipy.special.stdtrit(a, p), a = degrees of freedom (b unused)
  normal  scipy.special.ndtri(p)                     (a, b unused)
Every float is written with repr() (infinities as Java spells them), so it reads back to the
same double.

SciPy is checked, not trusted. Each quantile is also solved in 50-digit mpmath arithmetic: the
incomplete gamma function from its power series and Legendre's continued fraction, the incomplete
beta function from its continued fraction, or from mpmath's own betainc (hypergeometric) where one
shape is small and the other large and the fraction would need millions of terms; the root is
bracketed and refined by the Illinois method in log x (gamma) or log(x / (1 - x)) (beta, t), so
both ends keep their digits. With targets of 1e-12 and above, 50 digits leave more than 35 in the
complement 1 - I. Where SciPy's value is within 1e-13 (relative) of that root, `expected` is
SciPy's value and `source` is `scipy`; otherwise `expected` is the root rounded to a double (an
infinity where it overflows) and `source` is `mpmath`, and `scipy_value` keeps SciPy's answer.
"""
import csv
import itertools
import sys

import mpmath as mp
import numpy as np
import scipy
from scipy import special

SHAPES = [1e-3, 1e-2, 0.1, 0.5, 1.0, 2.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8]
PROBABILITIES = [1e-12, 1e-6, 0.001, 0.025, 0.5, 0.975, 0.999, 1.0 - 1e-6]
UPPER_TAILS = [1e-12, 1e-6]

mp.mp.dps = 50
EPS = mp.mpf(10) ** -45
FRACTION_TERMS = 20000


def gamma_lower(a, x):
    """P(a, x): the power series below a + 1, one minus Legendre's fraction for Q above."""
    log_prefix = a * mp.log(x) - x - mp.loggamma(a)
    if x < a + 1:
        term = 1 / a
        total = term
        n = 0
        while term > total * EPS:
            n += 1
            term *= x / (a + n)
            total += term
        return total * mp.exp(log_prefix)
    b = x + 1 - a
    c = mp.mpf(10) ** 300
    d = 1 / b
    h = d
    i = 0
    while True:
        i += 1
        an = -i * (i - a)
        b += 2
        d = 1 / (an * d + b)
        c = b + an / c
        factor = d * c
        h *= factor
        if abs(factor - 1) < EPS:
            return 1 - h * mp.exp(log_prefix)


def beta_fraction(a, b, x):
    """The continued fraction of I_x(a, b), or None if it has not converged in FRACTION_TERMS."""
    s = a + b
    c = mp.mpf(1)
    d = 1 / (1 - s * x / (a + 1))
    h = d
    for m in range(1, FRACTION_TERMS):
        even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 / (1 + even * d)
        c = 1 + even / c
        h *= d * c
        odd = -(a + m) * (s + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 / (1 + odd * d)
        c = 1 + odd / c
        factor = d * c
        h *= factor
        if abs(factor - 1) < EPS:
            return h
    return None


def beta_lower(a, b, x, y):
    """I_x(a, b) with y = 1 - x given separately."""
    log_prefix = a * mp.log(x) + b * mp.log(y) - (mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b))
    if x * (a + b + 2) < a + 1:
        fraction = beta_fraction(a, b, x)
        if fraction is not None:
            return mp.exp(log_prefix) / a * fraction
    else:
        fraction = beta_fraction(b, a, y)
        if fraction is not None:
            return 1 - mp.exp(log_prefix) / b * fraction
    if x <= y:
        return mp.betainc(a, b, 0, x, regularized=True)
    return 1 - mp.betainc(b, a, 0, y, regularized=True)


def solve_increasing(g, start):
    """Root of the increasing function g near start: a bracket by doubling steps, then Illinois."""
    step = mp.mpf(1)
    lo, hi = start - step, start + step
    g_lo, g_hi = g(lo), g(hi)
    while g_lo > 0:
        step *= 2
        hi, g_hi = lo, g_lo
        lo = start - step
        g_lo = g(lo)
    while g_hi < 0:
        step *= 2
        lo, g_lo = hi, g_hi
        hi = start + step
        g_hi = g(hi)
    side = 0
    for _ in range(2000):
        if hi - lo <= mp.mpf(10) ** -30 * max(1, abs(lo)):
            break
        mid = hi - g_hi * (hi - lo) / (g_hi - g_lo)
        if not lo < mid < hi:
            mid = (lo + hi) / 2
        g_mid = g(mid)
        if g_mid == 0:
            return mid
        if g_mid < 0:
            lo, g_lo = mid, g_mid
            if side == -1:
                g_hi /= 2
            side = -1
        else:
            hi, g_hi = mid, g_mid
            if side == 1:
                g_lo /= 2
            side = 1
    return (lo + hi) / 2


def beta_root(a, b, target, upper, start_logit):
    """(x, 1 - x) with I_x(a, b) = target, or 1 - I_x(a, b) = target if upper."""
    a = mp.mpf(a)
    b = mp.mpf(b)

    def g(logit):
        x = 1 / (1 + mp.exp(-logit))
        y = 1 / (1 + mp.exp(logit))
        lower = beta_lower(a, b, x, y)
        if upper:
            return mp.log(target) - mp.log(1 - lower)
        return mp.log(lower) - mp.log(target)

    logit = solve_increasing(g, start_logit)
    return 1 / (1 + mp.exp(-logit)), 1 / (1 + mp.exp(logit))


def logit_of(x, y):
    return mp.log(x) - mp.log(y)


def reference(function, a, b, p, scipy_value):
    p_mp = mp.mpf(p)
    q_mp = 1 - p_mp
    if function == "normal":
        return mp.sqrt(2) * mp.erfinv(2 * p_mp - 1)
    if function in ("gamma", "gammaq"):
        shape = mp.mpf(a)
        lower = function == "gamma" and p <= 0.5
        target = p_mp if lower else (q_mp if function == "gamma" else p_mp)
        start = scipy_value if np.isfinite(scipy_value) and scipy_value > 0 else a

        def g(log_x):
            lower_tail = gamma_lower(shape, mp.exp(log_x))
            if lower:
                return mp.log(lower_tail) - mp.log(target)
            return mp.log(target) - mp.log(1 - lower_tail)

        return mp.exp(solve_increasing(g, mp.log(start)))
    if function == "beta":
        if 0 < scipy_value < 1:
            start = logit_of(mp.mpf(scipy_value), 1 - mp.mpf(scipy_value))
        else:
            start = mp.log(mp.mpf(a) / b)
        if p <= 0.5:
            return beta_root(a, b, p_mp, False, start)[0]
        return beta_root(a, b, q_mp, True, start)[0]
    # t: P(T <= -|t|) = I_x(dof / 2, 1 / 2) / 2 with x = dof / (dof + t^2).
    if p == 0.5:
        return mp.mpf(0)
    dof = mp.mpf(a)
    tail = 2 * min(p_mp, q_mp)
    start = mp.mpf(0)
    if np.isfinite(scipy_value) and scipy_value != 0:
        t2 = mp.mpf(scipy_value) ** 2
        start = logit_of(dof, t2)
    if tail <= 0.5:
        x, y = beta_root(dof / 2, mp.mpf(0.5), tail, False, start)
    else:
        x, y = beta_root(dof / 2, mp.mpf(0.5), 1 - tail, True, start)
    magnitude = mp.sqrt(dof * y / x)
    return -magnitude if p < 0.5 else magnitude


def checked(function, a, b, p, scipy_value):
    """(expected, source): SciPy's value if within 1e-13 of the mpmath root, else the root."""
    root = reference(function, a, b, p, scipy_value)
    if abs(root) > mp.mpf("1.7976931348623157e308"):
        rounded = float("inf") if root > 0 else float("-inf")
    else:
        rounded = float(root)
    if rounded == 0.0 and scipy_value == 0.0:
        return 0.0, "scipy"
    if np.isfinite(scipy_value) and abs(mp.mpf(scipy_value) - root) <= mp.mpf("1e-13") * abs(root):
        return scipy_value, "scipy"
    return rounded, "mpmath"


def rows():
    for a, b in itertools.product(SHAPES, SHAPES):
        for p in PROBABILITIES:
            yield "beta", a, b, p, special.betaincinv(a, b, p)
    for a in SHAPES:
        for p in PROBABILITIES:
            yield "gamma", a, 0.0, p, special.gammaincinv(a, p)
        for q in UPPER_TAILS:
            yield "gammaq", a, 0.0, q, special.gammainccinv(a, q)
    for dof in SHAPES:
        for p in PROBABILITIES:
            yield "t", dof, 0.0, p, special.stdtrit(dof, p)
    for p in PROBABILITIES:
        yield "normal", 0.0, 0.0, p, special.ndtri(p)


def java_repr(x):
    """repr(x), with infinities spelled as Java's Double.parseDouble reads them."""
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(x)


def main():
    with open("quantiles.csv", "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["function", "a", "b", "p", "expected", "source", "scipy_value",
                         "scipy_version"])
        for function, a, b, p, scipy_value in rows():
            expected, source = checked(function, a, b, p, float(scipy_value))
            writer.writerow([function, repr(a), repr(b), repr(p), java_repr(expected), source,
                             java_repr(float(scipy_value)), scipy.__version__])
            print(function, a, b, p, source, file=sys.stderr, flush=True)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
