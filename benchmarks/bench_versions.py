"""Benchmark this checkout against an earlier fpcore version, in one run.

Exports the earlier version's ``src`` and ``benchmarks`` from git (``git archive``, into a
temporary folder: no worktree is left behind), then runs each version's own
``bench_catalogue.py`` in turn, alternating, in fresh processes with ``PYTHONPATH`` set
to that version's source, and prints the medians side by side with their ratio.

Each version evaluates its own synthetic county of the same size and seed (0.2's draws
life histories: more tables and rows), and the same sample household for single
decisions. The machine may be shared: the load average is printed with every round.

Run: ``python benchmarks/bench_versions.py [--ref f330ca7] [--households N] [--rounds R]``
(``f330ca7`` is the 0.1.0 release). It never fails: errors are printed, exit status 0.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import traceback
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = {
    "single, without explanation (us)": re.compile(r"without explanation: median ([\d.]+) us"),
    "single, with explanation (us)": re.compile(r"with explanation: median ([\d.]+) us"),
    "batch, one month (ms)": re.compile(r"batch \d{4}-\d{2}, county policy: median ([\d.]+) ms"),
    "batch, one year (ms)": re.compile(r"batch \d{4} \(12 months\): median ([\d.]+) ms"),
}


def _export(ref: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "src", "benchmarks"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _run(checkout: Path, households: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout / "src")}
    done = subprocess.run(
        [
            sys.executable,
            str(checkout / "benchmarks" / "bench_catalogue.py"),
            "--households",
            str(households),
            "--runs",
            "5",
            "--year-runs",
            "1",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = {}
    for name, pattern in FIGURES.items():
        match = pattern.search(done.stdout)
        if match:
            found[name] = float(match[1])
    if len(found) < len(FIGURES):
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n", file=sys.stderr)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ref", default="f330ca7", help="the earlier version (0.1.0)")
    parser.add_argument("--households", type=int, default=168_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, dict[str, list[float]]] = {"earlier": {}, "this": {}}
    with tempfile.TemporaryDirectory() as folder:
        earlier = _export(args.ref, Path(folder))
        for round_ in range(args.rounds):
            for label, checkout in (("earlier", earlier), ("this", ROOT)):
                figures = _run(checkout, args.households)
                for name, value in figures.items():
                    results[label].setdefault(name, []).append(value)
            print(f"round {round_ + 1}: load average {os.getloadavg()[0]:.1f}", flush=True)
    print(f"\n{args.households:,} households; medians of {args.rounds} rounds")
    print(f"{'figure':<36} {args.ref:>12} {'this':>12} {'this / earlier':>15}")
    for name in FIGURES:
        old, new = results["earlier"].get(name), results["this"].get(name)
        if not old or not new:
            print(f"{name:<36} {'-':>12} {'-':>12}")
            continue
        a, b = statistics.median(old), statistics.median(new)
        print(f"{name:<36} {a:>12.1f} {b:>12.1f} {b / a:>14.2f}x")


if __name__ == "__main__":
    try:
        main()
    except Exception:  # a benchmark reports, it never fails
        traceback.print_exc()
        print("benchmark error (reported above); exit status 0", file=sys.stderr)
