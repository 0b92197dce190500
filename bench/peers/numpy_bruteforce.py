#!/usr/bin/python3
"""numpy batched brute-force peer: exact kNN by one matrix product per batch of queries.

Per batch Q of b queries: D' = |x|^2 - 2 Q X^T (one float32 sgemm, b x d times d x n, then two
in-place passes), the k smallest per row by np.argpartition, those k sorted, and |q|^2 added back
to the k reported distances only (it does not change the ranking). |x|^2 of the points is
computed once, outside the timing, as an index would keep it.

GFLOP/s counts the product only, 2 * n * d flops per query, the usual GEMM convention; the Java
brute-force figure must use the same count. matmul_share is the fraction of the time spent in
the product (the rest: the in-place passes and the selection). Batch: 256 queries, lowered so
that a batch's distance block stays at or under 2^26 floats (256 MB; n = 10^6 gives 67).
--queries limits how many of the 10,000 queries are timed (brute force at n = 10^6, d = 128
takes seconds per batch).

Usage: /usr/bin/python3 numpy_bruteforce.py DATA_DIR --data uniform --n 1000000 --d 128 --queries 1024
"""

import time

import peer_common as pc  # before numpy: sets the one-thread limits
import numpy as np

MAX_BLOCK_FLOATS = 1 << 26


def knn_batch(queries, points, point_norms, k, buf, clock=None):
    b = len(queries)
    block = buf[:b]
    t0 = time.perf_counter()
    np.matmul(queries, points.T, out=block)
    if clock is not None:
        clock[0] += time.perf_counter() - t0
    block *= np.float32(-2.0)
    block += point_norms
    part = np.argpartition(block, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(block, part, axis=1)
    order = np.argsort(vals, axis=1, kind="stable")
    idx = np.take_along_axis(part, order, axis=1)
    dist = np.take_along_axis(vals, order, axis=1) + np.einsum("ij,ij->i", queries, queries)[:, None]
    return idx, dist


def main():
    parser = pc.brute_force_parser(__doc__)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()

    points, queries = pc.load(args.data_dir, args.data, args.n, args.d)
    queries = np.ascontiguousarray(queries[: args.queries])
    point_norms = np.einsum("ij,ij->i", points, points)
    batch = max(1, min(args.batch, MAX_BLOCK_FLOATS // args.n))
    buf = np.empty((batch, args.n), dtype=np.float32)

    knn_batch(queries[:batch], points, point_norms, args.k, buf)  # warm-up: page in, BLAS init
    rates, cpu_per_wall, matmul_share = [], [], []
    for _ in range(args.repeats):
        matmul_s = [0.0]
        with pc.CpuClock() as clock:
            for start in range(0, len(queries), batch):
                knn_batch(queries[start:start + batch], points, point_norms, args.k, buf, matmul_s)
        rates.append(len(queries) / clock.wall)
        cpu_per_wall.append(clock.cpu / clock.wall)
        matmul_share.append(matmul_s[0] / clock.wall)
    rates.sort()
    median = rates[len(rates) // 2]
    info = dict(numpy=np.__version__, batch=batch, queries=len(queries), threads=pc.thread_report(),
                cpu_per_wall=f"{max(cpu_per_wall):.2f}", repeats=args.repeats,
                matmul_share=f"{sorted(matmul_share)[len(matmul_share) // 2]:.2f}")
    pc.result("numpy", "bruteforce", args.data, args.n, args.d, args.k, median, "queries/s", **info)
    pc.result("numpy", "bruteforce_gflops", args.data, args.n, args.d, args.k,
              median * 2.0 * args.n * args.d / 1e9, "GFLOP/s", **info)


if __name__ == "__main__":
    main()
