#!/usr/bin/python3
"""FAISS exact brute-force peer: IndexFlatL2, the reference flat (exhaustive) index.

The n points are added to a faiss.IndexFlatL2 once, outside the timing (it only copies them);
then one index.search(queries, k) over the timed queries, repeated. For more than 20 queries FAISS
1.7 computes |x|^2 - 2 q.x with one sgemm per block of 4096 queries x 1024 points into a block
buffer, and keeps each query's k best in a heap while scanning that buffer, then adds |q|^2: the
classic unfused layout. OpenMP and the BLAS are limited to one thread (faiss.omp_set_num_threads(1)
as well as the environment).

GFLOP/s counts 2 * n * d flops per query, as numpy_bruteforce.py and the Java side do. When
sklearn_kdtree.py has written its neighbours of the first 100 queries, recall@k against them is
printed as a check that the index answers the same question (float32 GEMM distances may swap
near-ties, so it can be just below 1).

Usage: /usr/bin/python3 faiss_flat.py DATA_DIR --data uniform --n 1000000 --d 128 --queries 402
"""

import os

import peer_common as pc  # before numpy and faiss: sets the one-thread limits
import numpy as np
import faiss


def recall(data_dir, data, n, d, k, indices):
    path = pc.stem(data_dir, data, n, d) + f"_sklearn_k{k}_first100.i32"
    if not os.path.exists(path):
        return "unchecked"
    expected = np.fromfile(path, dtype="<i4").reshape(-1, k)
    rows = min(len(expected), len(indices))
    hits = sum(len(set(expected[i]) & set(indices[i])) for i in range(rows))
    return f"{hits / (rows * k):.4f}"


def main():
    parser = pc.brute_force_parser(__doc__)
    args = parser.parse_args()

    faiss.omp_set_num_threads(1)
    points, queries = pc.load(args.data_dir, args.data, args.n, args.d)
    queries = np.ascontiguousarray(queries[: args.queries])
    index = faiss.IndexFlatL2(args.d)
    index.add(np.ascontiguousarray(points))

    _, first = index.search(queries[:64], args.k)  # warm-up: page in, BLAS init
    rates, cpu_per_wall = [], []
    for _ in range(args.repeats):
        with pc.CpuClock() as clock:
            _, indices = index.search(queries, args.k)
        rates.append(len(queries) / clock.wall)
        cpu_per_wall.append(clock.cpu / clock.wall)
    rates.sort()
    median = rates[len(rates) // 2]
    info = dict(faiss=faiss.__version__, queries=len(queries), omp_threads=faiss.omp_get_max_threads(),
                threads=pc.thread_report(), cpu_per_wall=f"{max(cpu_per_wall):.2f}", repeats=args.repeats,
                recall_vs_sklearn=recall(args.data_dir, args.data, args.n, args.d, args.k, indices),
                coretype=os.environ.get("OPENBLAS_CORETYPE", "auto"))
    pc.result("faiss", "flat_l2", args.data, args.n, args.d, args.k, median, "queries/s", **info)
    pc.result("faiss", "flat_l2_gflops", args.data, args.n, args.d, args.k,
              median * 2.0 * args.n * args.d / 1e9, "GFLOP/s", **info)


if __name__ == "__main__":
    main()
