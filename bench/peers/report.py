#!/usr/bin/python3
"""Ratio table of one run: Quiver's JMH results against the peers measured in the same run.

Reads the peers' "result ..." lines (run_peers.sh's log) and JMH's JSON result files, and prints
one row per figure: Quiver's value, the peer's, Quiver / peer, the target and whether it
is met. The brute force is also set against one core's sgemm peak (sgemm_peak.py), its ceiling. Figures without a peer in this run are printed once with "-" rather than left out. When the
run holds kd-tree and brute-force results for several d of one (data, n), it also prints the
crossover: the smallest measured d at which the brute force answers more queries per second.

Which value: Quiver's is the median of JMH's measurement iterations; a peer's is the median of
its repeats, and when the peer ran more than once (run-knn.sh runs it before and after the Java
side) the best of those medians, so a busy moment during one peer run does not flatter Quiver.
The note column then gives the range over the peer's runs.

Usage: /usr/bin/python3 report.py PEERS_LOG JMH_JSON [JMH_JSON ...]
"""

import json
import sys

K = 10


def parse_peers(path):
    """{(peer, figure, data, n, d): [value of each run]} from the result lines of a peers log."""
    results = {}
    with open(path) as f:
        for line in f:
            if not line.startswith("result "):
                continue
            fields = dict(tok.split("=", 1) for tok in line.split()[1:] if "=" in tok)
            key = (fields["peer"], fields["figure"], fields["data"], int(fields["n"]), int(fields["d"]))
            results.setdefault(key, []).append(float(fields["value"]))
    return results


def median(values):
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def parse_jmh(paths):
    """{(benchmark, data, n, d): median of the iterations}, plus 'insert:points' (secondary)."""
    results = {}
    for path in paths:
        with open(path) as f:
            text = f.read().strip()
        if not text:
            continue
        for entry in json.loads(text):
            name = entry["benchmark"].rsplit(".", 1)[-1]
            p = entry["params"]
            key = (p["data"], int(p["n"]), int(p["d"]))
            metrics = [(name, entry["primaryMetric"])]
            metrics += [(f"{name}:{sec}", m) for sec, m in entry.get("secondaryMetrics", {}).items()]
            for metric_name, metric in metrics:
                iterations = [v for fork in metric.get("rawData", []) for v in fork]
                results[(metric_name,) + key] = median(iterations) if iterations else metric["score"]
    return results


def fmt(value):
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    peers = parse_peers(argv[0])
    jmh = parse_jmh(argv[1:])

    def quiver(bench, data, n, d):
        return jmh.get((bench, data, n, d))

    def peer(name, figure, data, n, d):
        runs = peers.get((name, figure, data, n, d))
        return None if not runs else max(runs)

    def spread(name, figure, data, n, d):
        runs = peers.get((name, figure, data, n, d)) or []
        return f"peer runs {fmt(min(runs))}..{fmt(max(runs))}" if len(runs) > 1 else ""

    rows = []
    shown = set()

    def row(what, cell, ours, unit, peer_name, theirs, target=None, note="", runs=None):
        # A figure whose peers did not run in this cell (the crossover cells) gets one row, not one per peer.
        if theirs is None and target is None:
            if (what, cell, unit) in shown:
                return
            peer_name, note = "-", "no peer run for this cell"
        shown.add((what, cell, unit))
        if runs is not None:
            note = "; ".join(x for x in (note, spread(*runs)) if x)
        ratio = ours / theirs if ours is not None and theirs else None
        if target is None or ratio is None:
            verdict = "-"
        else:
            verdict = "yes" if ratio >= target else "NO"
        rows.append((what, cell, fmt(ours), unit, peer_name, fmt(theirs), "-" if ratio is None else f"{ratio:.2f}",
                     "-" if target is None else f">= {target:.3g}", verdict, note))

    # The sgemm figures have no (data, n, d) cell: they are printed as a ceiling in the brute-force rows.
    cells = sorted({key[1:] for key in jmh} | {key[2:] for key in peers if key[2] != "none"},
                   key=lambda c: (c[0], c[1], c[2]))
    for data, n, d in cells:
        cell = f"{data} n={n:,} d={d}"
        exact = quiver("knnExact", data, n, d)
        if exact is not None or peer("sklearn", "knn_exact", data, n, d) or peer("nanoflann", "knn_exact", data, n, d):
            target_sk = 3.0 if (d == 3 and n == 1_000_000) else None
            target_nf = 1 / 1.5 if (d == 3 and n == 1_000_000) else None
            row("exact kNN k=10", cell, exact, "queries/s", "sklearn KDTree", peer("sklearn", "knn_exact", data, n, d),
                target_sk, runs=("sklearn", "knn_exact", data, n, d))
            row("exact kNN k=10", cell, exact, "queries/s", "nanoflann", peer("nanoflann", "knn_exact", data, n, d),
                target_nf, "target: within 1.5x", runs=("nanoflann", "knn_exact", data, n, d))
        approx = quiver("approximateKnn", data, n, d)
        if approx is not None:
            row("approx kNN (maxChecks)", cell, approx, "queries/s", "nanoflann exact",
                peer("nanoflann", "knn_exact", data, n, d), None, "no approximate peer; see recall in the JMH log")
        inserts = quiver("insert:points", data, n, d)
        if inserts is not None or peer("nanoflann", "insert", data, n, d):
            row("inserts, one by one", cell, inserts, "points/s", "nanoflann dynamic",
                peer("nanoflann", "insert", data, n, d), runs=("nanoflann", "insert", data, n, d))
            row("inserts, one by one", cell, inserts, "points/s", "nanoflann bulk build",
                peer("nanoflann", "build", data, n, d), runs=("nanoflann", "build", data, n, d))
            row("inserts, one by one", cell, inserts, "points/s", "sklearn bulk build",
                peer("sklearn", "build", data, n, d), runs=("sklearn", "build", data, n, d))
            if d == 3 and n == 1_000_000:
                row("inserts, one by one", cell, inserts, "points/s", "absolute 1,000,000", 1_000_000.0, 1.0,
                    "target: 1e6 points/s amortised")
        mixed = quiver("mixed90to10", data, n, d)
        if mixed is not None or peer("nanoflann", "mixed_90_10", data, n, d):
            row("mixed 90/10 query/insert", cell, mixed, "ops/s", "nanoflann dynamic",
                peer("nanoflann", "mixed_90_10", data, n, d), runs=("nanoflann", "mixed_90_10", data, n, d))
        brute = quiver("bruteForce", data, n, d)
        if brute is not None or peer("numpy", "bruteforce", data, n, d):
            target = 3.0 if d == 128 else None
            row("brute force k=10", cell, brute, "queries/s", "numpy matmul+argpartition",
                peer("numpy", "bruteforce", data, n, d), target, runs=("numpy", "bruteforce", data, n, d))
            gflops = None if brute is None else brute * 2.0 * n * d / 1e9
            row("brute force k=10", cell, gflops, "GFLOP/s", "numpy matmul+argpartition",
                peer("numpy", "bruteforce_gflops", data, n, d), target, "2*n*d flops per query")
            flat = ("faiss", "flat_l2", data, n, d)
            target_faiss = 1.0 if (d == 128 and n == 1_000_000) else None
            row("brute force k=10", cell, brute, "queries/s", "FAISS IndexFlatL2", peer(*flat), target_faiss,
                runs=flat)
            row("brute force k=10", cell, gflops, "GFLOP/s", "FAISS IndexFlatL2",
                peer("faiss", "flat_l2_gflops", data, n, d), target_faiss, "2*n*d flops per query")
            sgemm = ("numpy", "sgemm_peak", "none", 0, 0)
            if peer(*sgemm) is not None:
                row("brute force k=10", cell, gflops, "GFLOP/s", "one core's sgemm peak", peer(*sgemm),
                    0.6 if (d == 128 and n == 1_000_000) else None, "numpy's OpenBLAS, 2048^3", runs=sgemm)

    block = peer("numpy", "sgemm_block", "none", 0, 0)
    if block is not None:
        rows.append(("sgemm, block shape", "256 x 4096 x 128", fmt(block), "GFLOP/s", "-", "-", "-", "-", "-",
                     "numpy's OpenBLAS, one core: a brute-force block's product alone"))
    headers = ("figure", "cell", "Quiver", "unit", "peer", "peer value", "Quiver/peer", "target", "met", "note")
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for r in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())

    # Crossover: per (data, n), the smallest d where the brute force beats the exact kd-tree.
    groups = {}
    for (bench, data, n, d), score in jmh.items():
        if bench in ("knnExact", "bruteForce"):
            groups.setdefault((data, n), {}).setdefault(d, {})[bench] = score
    for (data, n), by_d in sorted(groups.items()):
        both = sorted(d for d, v in by_d.items() if len(v) == 2)
        if len(both) < 2:
            continue
        trail = ", ".join(f"d={d}: tree {fmt(by_d[d]['knnExact'])} vs brute {fmt(by_d[d]['bruteForce'])} q/s"
                          for d in both)
        wins = [d for d in both if by_d[d]["bruteForce"] >= by_d[d]["knnExact"]]
        verdict = f"brute force wins from d={wins[0]}" if wins else f"the kd-tree wins up to d={both[-1]}"
        print(f"\ncrossover {data} n={n:,}: {verdict} ({trail})")


if __name__ == "__main__":
    main(sys.argv[1:])
