#!/usr/bin/python3
"""scikit-learn KDTree peer: exact kNN queries/s on one thread, same files as the Java side.

Builds sklearn.neighbors.KDTree(points, leaf_size=40) (sklearn's default leaf size) and times
tree.query(queries, k=10) over all 10,000 queries, --repeats times; prints the median and best
queries/s, the build rate, and cpu/wall (1.0 = one thread). KDTree works in float64: the float32
points and queries are converted once, outside the timed regions. Also writes the neighbour
indices of the first 100 queries ({stem}_sklearn_k{k}_first100.i32, int32 LE, 100 x k row-major,
nearest first) so the Java benchmark can check it answers the same question.

Usage: /usr/bin/python3 sklearn_kdtree.py DATA_DIR --data uniform --n 1000000 --d 3
"""

import argparse

import peer_common as pc  # before numpy/sklearn: sets the one-thread limits
import numpy as np
import sklearn
from sklearn.neighbors import KDTree

CHECK_QUERIES = 100


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir")
    parser.add_argument("--data", default="uniform")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--d", type=int, default=3)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--leaf-size", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    points, queries = pc.load(args.data_dir, args.data, args.n, args.d)
    points64 = points.astype(np.float64)
    queries64 = queries.astype(np.float64)

    with pc.CpuClock() as build:
        tree = KDTree(points64, leaf_size=args.leaf_size)
    info = dict(sklearn=sklearn.__version__, leaf=args.leaf_size, threads=pc.thread_report())
    pc.result("sklearn", "build", args.data, args.n, args.d, args.k, args.n / build.wall, "points/s",
              cpu_per_wall=f"{build.cpu / build.wall:.2f}", **info)

    rates, cpu_per_wall = [], []
    for _ in range(args.repeats):
        with pc.CpuClock() as clock:
            _, ind = tree.query(queries64, k=args.k)
        rates.append(len(queries64) / clock.wall)
        cpu_per_wall.append(clock.cpu / clock.wall)
    rates.sort()
    pc.result("sklearn", "knn_exact", args.data, args.n, args.d, args.k, rates[len(rates) // 2], "queries/s",
              repeats=args.repeats, best=f"{rates[-1]:.1f}", cpu_per_wall=f"{max(cpu_per_wall):.2f}", **info)

    path = pc.stem(args.data_dir, args.data, args.n, args.d) + f"_sklearn_k{args.k}_first{CHECK_QUERIES}.i32"
    ind[:CHECK_QUERIES].astype("<i4").tofile(path)


if __name__ == "__main__":
    main()
