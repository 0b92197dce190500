#!/usr/bin/python3
"""Writes the kNN benchmark datasets that the peers and the Java benchmarks both read.

Every file is raw little-endian float32, row-major, with no header; its shape follows from the
name and the fixed query count:

    {data}_n{n}_d{d}_points.f32    n rows of d floats: the indexed points
    {data}_n{n}_d{d}_queries.f32   10,000 rows of d floats: the queries
    {data}_n{n}_d{d}_stream.f32    n / 10 rows of d floats: extra points from the same
                                   distribution, inserted by the mixed query/insert stream

data is one of
    uniform     i.i.d. uniform in [0, 1)^d
    clustered   a mixture of 100 isotropic Gaussians, equal weights, centres uniform in
                [0, 1)^d, standard deviation 0.02 per coordinate (unclipped)

Points, queries and stream rows of one (data, n, d) come from the same distribution (for
clustered data, the same centres). Seeds are fixed: each file's generator is PCG64 seeded with
SeedSequence([BASE_SEED, data id, n, d, role]), so a file does not depend on which other files
were generated, or in which order. Rows are generated in blocks of BLOCK_ROWS, so memory stays
small even for n = 10^6, d = 128 (512 MB on disk).

Usage:
    /usr/bin/python3 make_data.py OUT_DIR                       # the full grid
    /usr/bin/python3 make_data.py OUT_DIR --n 1000000 --d 3 --data uniform
Existing files of the right size are kept (use --force to rewrite them).
"""

import argparse
import os
import sys

import numpy as np

BASE_SEED = 20240611
QUERY_COUNT = 10_000
CLUSTER_COUNT = 100
CLUSTER_SIGMA = 0.02
BLOCK_ROWS = 65_536

DATA_IDS = {"uniform": 1, "clustered": 2}
ROLE_IDS = {"points": 1, "queries": 2, "stream": 3, "centres": 4}
GRID_N = (100_000, 1_000_000)
GRID_D = (3, 16, 128)


def file_name(data, n, d, role):
    return f"{data}_n{n}_d{d}_{role}.f32"


def row_count(n, role):
    return {"points": n, "queries": QUERY_COUNT, "stream": n // 10}[role]


def generator(data, n, d, role):
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([BASE_SEED, DATA_IDS[data], n, d, ROLE_IDS[role]])))


def write_rows(path, data, n, d, role):
    rows = row_count(n, role)
    rng = generator(data, n, d, role)
    centres = None
    if data == "clustered":
        centres = generator(data, n, d, "centres").random((CLUSTER_COUNT, d), dtype=np.float32)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        for start in range(0, rows, BLOCK_ROWS):
            m = min(BLOCK_ROWS, rows - start)
            if data == "uniform":
                block = rng.random((m, d), dtype=np.float32)
            else:
                labels = rng.integers(0, CLUSTER_COUNT, size=m)
                noise = rng.standard_normal((m, d), dtype=np.float32)
                block = centres[labels] + np.float32(CLUSTER_SIGMA) * noise
            f.write(np.ascontiguousarray(block, dtype="<f4").tobytes())
    os.replace(tmp, path)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--n", type=int, action="append", help="point count (repeatable); default 100000 and 1000000")
    parser.add_argument("--d", type=int, action="append", help="dimension (repeatable); default 3, 16, 128")
    parser.add_argument("--data", choices=sorted(DATA_IDS), action="append",
                        help="distribution (repeatable); default both")
    parser.add_argument("--force", action="store_true", help="rewrite files that already exist")
    args = parser.parse_args(argv)

    os.makedirs(args.out_dir, exist_ok=True)
    for data in args.data or sorted(DATA_IDS, key=DATA_IDS.get):
        for n in args.n or GRID_N:
            for d in args.d or GRID_D:
                for role in ("points", "queries", "stream"):
                    path = os.path.join(args.out_dir, file_name(data, n, d, role))
                    expected = row_count(n, role) * d * 4
                    if not args.force and os.path.exists(path) and os.path.getsize(path) == expected:
                        print(f"kept    {path}")
                        continue
                    write_rows(path, data, n, d, role)
                    print(f"wrote   {path}  ({row_count(n, role)} x {d} float32)")


if __name__ == "__main__":
    main(sys.argv[1:])
