"""Benchmark of the projection (``fpcore.projection.project``).

Reports, on the default synthetic county (168,000 households, about 513,000 people):

- building the county's tables (``synthetic_county(...).tables()``), the reference
  measured in the same run;
- projecting them from 2008-12-31 through 2035 (seconds, median of runs), and the
  ratio to the reference;
- the process's peak resident memory (``VmHWM``) at the end.

Run: ``python benchmarks/bench_projection.py [--households N] [--runs R] [--until Y]``.
It prints medians and the load average; it never fails (an error is printed, and the
exit status stays 0).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import traceback


def _peak_mib() -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=168_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--until", type=int, default=2035)
    args = parser.parse_args()

    from fpcore.projection import project
    from fpcore.synth import synthetic_county

    county = synthetic_county(households=args.households, seed=2008)
    build: list[float] = []
    for _ in range(args.runs):
        began = time.perf_counter()
        tables = county.tables()
        build.append(time.perf_counter() - began)
    runs: list[float] = []
    projection = None
    for run in range(args.runs):
        began = time.perf_counter()
        projection = project(tables, until=args.until, seed=run, start=county.on)
        runs.append(time.perf_counter() - began)
    assert projection is not None
    people = tables["persons"].height + tables["children"].height
    after = projection.tables["persons"].height + projection.tables["children"].height
    reference, median = statistics.median(build), statistics.median(runs)
    print(
        f"county: {args.households:,} households, {people:,} people (parents and children); "
        f"{after - people:,} births projected through {args.until}"
    )
    print(f"tables built (reference): median {reference:.2f} s ({args.runs} runs)")
    print(
        f"projection {county.on} -> {args.until}: median {median:.2f} s "
        f"(min {min(runs):.2f}, {args.runs} runs), {median / reference:.1f}x the reference"
    )
    peak = _peak_mib()
    if peak is not None:
        print(f"peak resident memory of the process: {peak:.0f} MiB")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    try:
        main()
    except Exception:  # a benchmark never fails the run
        traceback.print_exc()
        sys.exit(0)
