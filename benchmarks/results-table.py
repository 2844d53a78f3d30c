#!/usr/bin/env python3
"""Turns the JMH JSON files written by run-all.sh into markdown tables, printed to stdout.

Usage: results-table.py [results-dir]   (default: the 'results' folder next to this script)

One table per benchmark class and thread count. Columns: the score with its 99.9% error, the
allocation per operation (gc.alloc.rate.norm, present when run with -prof gc), and the ratio to
the anchor measured in the same class at the same thread count:
  - GuardedCallBenchmark, RejectionBenchmark: the unfair JDK Semaphore (jdkSemaphoreUnfair);
  - ThreadPoolBenchmark: the raw ThreadPoolExecutor of the same kind (latencyExecutor, batchExecutor);
  - SharedCapacityBenchmark: the unfair JDK Semaphore (jdkSemaphoreUnfair);
  - JdbcCompartmentBenchmark: HikariCP without a compartment (hikariDirect);
  - MemoryBulkheadBenchmark: a bare AtomicLong add and subtract (atomicLongAddSubtract);
  - ResourceAccountingBenchmark: the same work with no accounting (bare).
The ratio is always a ratio of time per operation, so above 1 means slower than the anchor,
also for throughput scores.
"""

import glob
import json
import math
import os
import sys
from collections import defaultdict

PACKAGE = "dev.watertight.benchmarks."


def anchor_of(cls, method):
    """The method that a row is compared with, or None."""
    if cls in ("GuardedCallBenchmark", "RejectionBenchmark", "SharedCapacityBenchmark"):
        return "jdkSemaphoreUnfair"
    if cls == "JdbcCompartmentBenchmark":
        return "hikariDirect"
    if cls == "MemoryBulkheadBenchmark":
        return "atomicLongAddSubtract"
    if cls == "ResourceAccountingBenchmark":
        return "bare"
    if cls == "ThreadPoolBenchmark":
        for prefix in ("latency", "batch"):
            if method.startswith(prefix):
                return prefix + "Executor"
    return None


def number(value):
    """JMH writes NaN (single measurement) as the string "NaN"."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        return math.nan
    return result


def fmt(value):
    if math.isnan(value):
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def time_per_op(row):
    """A score as time per operation, whatever the mode, for ratios."""
    score = row["score"]
    if row["mode"] == "thrpt":
        return 1.0 / score if score else math.nan
    return score


def load(results_dir):
    rows = []
    for path in sorted(glob.glob(os.path.join(results_dir, "*.json"))):
        with open(path, encoding="utf-8") as handle:
            try:
                entries = json.load(handle)
            except json.JSONDecodeError as error:
                print(f"<!-- skipped {path}: {error} -->", file=sys.stderr)
                continue
        for entry in entries:
            name = entry["benchmark"]
            if name.startswith(PACKAGE):
                name = name[len(PACKAGE):]
            cls, _, method = name.rpartition(".")
            primary = entry["primaryMetric"]
            alloc = entry.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
            rows.append({
                "class": cls,
                "method": method,
                "threads": entry["threads"],
                "mode": entry["mode"],
                "score": number(primary["score"]),
                "error": number(primary.get("scoreError")),
                "unit": primary["scoreUnit"],
                "alloc": number(alloc["score"]) if alloc else math.nan,
                "jdk": entry.get("jdkVersion", "?"),
                "vm": entry.get("vmName", "?"),
            })
    return rows


def order(cls, method):
    """Anchors first, then Watertight, then the other libraries, each alphabetically."""
    anchor = anchor_of(cls, method)
    if method == anchor or method.endswith("Executor") or method.startswith("jdk"):
        rank = 0
    elif "atertight" in method:
        rank = 1
    else:
        rank = 2
    return (method[:5] if cls == "ThreadPoolBenchmark" else "", rank, method)


def main():
    results_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "results")
    rows = load(results_dir)
    if not rows:
        print(f"no JMH JSON results in {results_dir}", file=sys.stderr)
        return 1

    jdks = sorted({f"{row['vm']} {row['jdk']}" for row in rows})
    print(f"JVM: {', '.join(jdks)}")
    print()

    groups = defaultdict(list)
    for row in rows:
        groups[(row["class"], row["threads"])].append(row)

    for (cls, threads) in sorted(groups):
        group = groups[(cls, threads)]
        by_method = {row["method"]: row for row in group}
        print(f"### {cls}, {threads} thread{'s' if threads != 1 else ''}")
        print()
        print("| Benchmark | Score ± error | Units | B/op | × anchor (time) |")
        print("|---|---:|---|---:|---:|")
        for row in sorted(group, key=lambda r: order(cls, r["method"])):
            anchor = by_method.get(anchor_of(cls, row["method"]))
            if anchor is None:
                ratio = "n/a"
            elif anchor is row:
                ratio = "1.00 (anchor)"
            else:
                ratio = fmt(time_per_op(row) / time_per_op(anchor))
            score = fmt(row["score"])
            if not math.isnan(row["error"]):
                score += f" ± {fmt(row['error'])}"
            print(f"| {row['method']} | {score} | {row['unit']} | {fmt(row['alloc'])} | {ratio} |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
