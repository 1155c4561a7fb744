"""Benchmark of what-ifs: the demo end to end, and a 28-year comparison for the county.

Reports:

- ``fpcore demo`` end to end, in a fresh process (seconds, peak resident memory of that
  process), as a user runs it after setting up;
- on the county calibrated to the report (``calibrated_county``, about 513,000 people):
  the projection from 2008-12-31 through 2035, then the county policy and a reform
  (reward assistance at 1,200 a year from 2018, ``examples/reforms/county-ra-1200.toml``)
  compared year by year over 2008-2035 (28 years: ``scenario.Comparison``), then the
  tables by year and benefit, by township and payer and the gainers and losers
  (seconds each; the process's peak resident memory at the end);
- the load average.

Run (the machine is shared: one big run at a time)::

    flock /work/notes/bench.lock .venv/bin/python benchmarks/bench_whatif.py

Options: ``--scale S`` (a fraction of the county), ``--first 2008``, ``--last 2035``,
``--no-demo``. It never fails (an error is printed, and the exit status stays 0).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _peak_mib() -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _demo() -> None:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "fpcore.cli", "demo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    took = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    print(f"fpcore demo end to end: {took:.1f} s, peak resident memory {peak:.0f} MiB ({status})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--first", type=int, default=2008)
    parser.add_argument("--last", type=int, default=2035)
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args()
    if not args.no_demo:
        _demo()

    from fpcore.periods import Month, MonthSpan
    from fpcore.policies import get, reform_from_file
    from fpcore.projection import project
    from fpcore.scenario import Comparison
    from fpcore.synth import calibrated_county

    base = get("county")
    reform = reform_from_file(ROOT / "examples" / "reforms" / "county-ra-1200.toml")
    began = time.perf_counter()
    county = calibrated_county(seed=2008, scale=args.scale)
    projection = project(county, until=args.last, seed=1)
    projected = time.perf_counter() - began
    people = projection.tables["persons"].height + projection.tables["children"].height
    print(
        f"calibrated county ({county.size:,} households) drawn and projected through "
        f"{args.last}: "
        f"{projected:.1f} s ({people:,} people in the projected tables)"
    )
    years = args.last - args.first + 1
    period = MonthSpan(first=Month(year=args.first, month=1), last=Month(year=args.last, month=12))
    began = time.perf_counter()
    comparison = Comparison.of(projection, base, reform, period, geography=county.geography)
    compared = time.perf_counter() - began
    print(
        f"two policies compared over {years} years ({args.first}-{args.last}): {compared:.1f} s "
        f"({compared / years:.2f} s a year; {comparison.lines.height:,} beneficiary-year lines)"
    )
    began = time.perf_counter()
    by_year = comparison.table(("year", "benefit"))
    comparison.table(("year", "township", "payer"))
    changed = comparison.gainers_losers()
    summed = time.perf_counter() - began
    change = int(by_year["change_fen"].sum()) / 100
    print(
        f"tables by year and benefit, by year, township and payer, gainers and losers: "
        f"{summed:.1f} s ({changed.height:,} lines changed; change {change:,.2f} yuan)"
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
