"""Benchmark of the synthetic county calibrated to the report (``fpcore.synth``).

Reports, for ``calibrated_county(seed=..., scale=...)`` (scale 1: 212,000 households,
about 513,000 people at home):

- drawing the county (numpy), building its population tables, building its indicator
  register, computing the year's indicators, and ``describe()`` (register, indicators and
  a year's batch evaluation under the county policy): seconds, median of runs;
- the process's peak resident memory (``VmHWM``) at the end, and the load average.

Run: ``python benchmarks/bench_synth.py [--scale F] [--runs R] [--seed S]``. It prints
medians; it never fails (an error is printed, and the exit status stays 0).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any


def _peak_mib() -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _median(step: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times: list[float] = []
    result: Any = None
    for _ in range(runs):
        began = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2008)
    args = parser.parse_args()

    from fpcore.indicators import compute_indicators
    from fpcore.synth import calibrated_county

    draw, county = _median(lambda: calibrated_county(seed=args.seed, scale=args.scale), args.runs)
    tables, _ = _median(county.tables, args.runs)
    register_time, register = _median(lambda: county.indicator_register(2008), args.runs)
    indicators, _ = _median(
        lambda: compute_indicators(register, year=2008, by="township"), args.runs
    )
    describe, calibration = _median(county.describe, 1)
    print(f"county: {county.size:,} households (scale {args.scale}), seed {args.seed}")
    print(f"draw {draw:.2f} s; tables {tables:.2f} s; register {register_time:.2f} s")
    print(f"indicators by township {indicators:.2f} s; describe() {describe:.2f} s (1 run)")
    print(f"targets met: {sum(r.within for r in calibration)} of {len(calibration.rows)}")
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
