"""Shared by the Python peers: one-thread setup, dataset loading, result lines.

Import this module before numpy: the thread limits only take effect if they are in the
environment when OpenBLAS and OpenMP load.
"""

import argparse
import os
import time

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_name] = "1"

import numpy as np  # noqa: E402

QUERY_COUNT = 10_000


def stem(data_dir, data, n, d):
    return os.path.join(data_dir, f"{data}_n{n}_d{d}")


def load_rows(path, rows, d):
    """A (rows, d) float32 array from a make_data.py file, checking its size."""
    if not os.path.exists(path):
        raise SystemExit(f"{path} is missing: run /usr/bin/python3 bench/peers/make_data.py first")
    expected = rows * d * 4
    actual = os.path.getsize(path)
    if actual != expected:
        raise SystemExit(f"{path}: {actual} bytes, expected {expected} ({rows} x {d} float32)")
    return np.fromfile(path, dtype="<f4").reshape(rows, d)


def load(data_dir, data, n, d):
    base = stem(data_dir, data, n, d)
    return load_rows(base + "_points.f32", n, d), load_rows(base + "_queries.f32", QUERY_COUNT, d)


def thread_report():
    """BLAS/OpenMP libraries numpy loaded and their thread counts, e.g. 'openblas-0.3.21:1'."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl-missing"
    parts = [f"{i.get('internal_api')}-{i.get('version')}:{i.get('num_threads')}" for i in threadpool_info()]
    return ",".join(parts) or "none"


class CpuClock:
    """Wall and process CPU time of a block: cpu/wall near 1.0 means it ran on one thread."""

    def __enter__(self):
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0
        return False


def result(peer, figure, data, n, d, k, value, unit, **extra):
    tail = " ".join(f"{key}={val}" for key, val in extra.items())
    print(f"result peer={peer} figure={figure} data={data} n={n} d={d} k={k} value={value:.1f} unit={unit} {tail}",
          flush=True)


def brute_force_parser(doc):
    """The options every brute-force peer takes (the data file's shape, k, queries, repeats);
    a peer adds its own before parsing."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir")
    parser.add_argument("--data", default="uniform")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--d", type=int, default=128)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--queries", type=int, default=QUERY_COUNT)
    parser.add_argument("--repeats", type=int, default=3)
    return parser
