#!/usr/bin/env python3
"""The table of bench/run-e2e.sh from its results.tsv.

    e2e_report.py RESULTS_TSV

results.tsv has one line per timed run: round, row, events, seconds (launch to exit, or the
in-JVM timing of the raw producer and consumer), fixed (the row's fixed cost, 0 for the raw
rows), job_cpu and broker_cpu (CPU seconds, user + system, of the job's process and of the
broker during the run), load_start and load_end (1-minute load average), and fixed_cpu (the
job CPU seconds of the row's fixed-cost run; absent in older files).

Per row it prints the median and range over the rounds of the events/s net of the fixed cost,
N / (seconds - fixed), the median CPU seconds, the load average range, and the ratios of the
median to the two passthrough peers' medians. With fixed_cpu it also prints events per CPU
second of the job net of the fixed run's, N / (job_cpu - fixed_cpu): less disturbed by other
work on the machine than wall time, since a job's CPU time does not grow while it waits for a
core (cache and frequency effects aside).
"""
import csv
import math
import statistics
import sys


def net_rate(run):
    net = float(run["seconds"]) - float(run["fixed"])
    return int(run["events"]) / net if net > 0 else float("nan")


def net_cpu_rate(run):
    if not run.get("fixed_cpu"):
        return float("nan")
    net = float(run["job_cpu"]) - float(run["fixed_cpu"])
    return int(run["events"]) / net if net > 0 else float("nan")


def fmt(x):
    if math.isnan(x):
        return "n/a"  # the run took no longer than the row's fixed cost: N too small for the load
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def main(path):
    with open(path) as f:
        runs = list(csv.DictReader(f, delimiter="\t"))
    rows = {}
    for run in runs:
        rows.setdefault(run["row"], []).append(run)
    medians = {row: statistics.median(net_rate(r) for r in rs) for row, rs in rows.items()}
    cpu_medians = {row: statistics.median(net_cpu_rate(r) for r in rs) for row, rs in rows.items()}
    header = ["row", "events", "events/s net (median)", "range", "job CPU s", "broker CPU s",
              "wall s", "fixed s", "load start..end", "/ passthrough bytes", "/ passthrough avro",
              "events/CPU-s net", "/ bytes", "/ avro"]
    table = [header]
    for row, rs in rows.items():
        rates = [net_rate(r) for r in rs]
        loads = [float(r["load_start"]) for r in rs] + [float(r["load_end"]) for r in rs]
        ratios = []
        for figures in (medians, cpu_medians):
            if figures is cpu_medians:
                ratios.append(fmt(cpu_medians[row]))
            for peer in ("passthrough-bytes", "passthrough-avro"):
                ratio = figures[row] / figures[peer] if peer in figures else float("nan")
                ratios.append("-" if math.isnan(ratio) else f"{ratio:.2f}")
        table.append([
            row,
            rs[0]["events"],
            fmt(medians[row]),
            f"{fmt(min(rates))}..{fmt(max(rates))}",
            f"{statistics.median(float(r['job_cpu']) for r in rs):.1f}",
            f"{statistics.median(float(r['broker_cpu']) for r in rs):.1f}",
            f"{statistics.median(float(r['seconds']) for r in rs):.1f}",
            f"{float(rs[0]['fixed']):.1f}",
            f"{min(loads):.1f}..{max(loads):.1f}",
            *ratios,
        ])
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
