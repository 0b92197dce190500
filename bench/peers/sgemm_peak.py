#!/usr/bin/python3
"""One core's single-precision GEMM rate: the ceiling a brute-force kNN's GFLOP/s is judged by.

numpy.matmul of two float32 matrices (numpy's OpenBLAS, the library FAISS and numpy's brute
force use, at one thread), M x K times K x N into a preallocated M x N, repeated; 2 M N K flops
per product. Two shapes: square 2048 (the kernel's peak) and 256 x 4096 x 128 (the shape of a
brute-force block: 256 queries x 4096 points, d = 128). The peak is the one the report divides
by. OPENBLAS_CORETYPE, when set, picks the kernel (e.g. Haswell: AVX2 instead of AVX-512) and is
printed with the figure.

Usage: /usr/bin/python3 sgemm_peak.py [--seconds 3]
"""

import argparse
import os
import time

import peer_common as pc  # before numpy: sets the one-thread limits
import numpy as np

SHAPES = {"sgemm_peak": (2048, 2048, 2048), "sgemm_block": (256, 4096, 128)}


def rate(m, n, k, seconds):
    rng = np.random.default_rng(20240611)
    a = rng.random((m, k), dtype=np.float32)
    b = rng.random((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)  # warm-up
    rates, cpu_per_wall = [], []
    for _ in range(3):
        calls = 0
        with pc.CpuClock() as clock:
            start = time.perf_counter()
            while time.perf_counter() - start < seconds / 3:
                np.matmul(a, b, out=c)
                calls += 1
        rates.append(calls * 2.0 * m * n * k / clock.wall / 1e9)
        cpu_per_wall.append(clock.cpu / clock.wall)
    return sorted(rates)[1], max(cpu_per_wall)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    for figure, (m, n, k) in SHAPES.items():
        gflops, cpu_per_wall = rate(m, n, k, args.seconds)
        pc.result("numpy", figure, "none", 0, 0, 0, gflops, "GFLOP/s", shape=f"{m}x{n}x{k}",
                  cpu_per_wall=f"{cpu_per_wall:.2f}",
                  threads=pc.thread_report(), coretype=os.environ.get("OPENBLAS_CORETYPE", "auto"))


if __name__ == "__main__":
    main()
