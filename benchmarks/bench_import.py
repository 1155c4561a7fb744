"""Import cost of fpcore's layers, from `python -X importtime` (median of 15 fresh runs).

The figure is the sum of the cumulative times of the top-level imports the statement
triggers (Python's own start-up is not counted). Run: `python benchmarks/bench_import.py`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

STATEMENTS = (
    "import fpcore",
    "import fpcore.model",
    "import fpcore.model, fpcore.serialization",
    "import fpcore.policies",
)


def cumulative_us(statement: str) -> int:
    """Microseconds spent importing the modules ``statement`` loads."""
    lines = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    ).stderr.splitlines()
    total = 0
    for line in lines:
        if not line.startswith("import time:"):
            continue
        _, cumulative, name = line.split("|")
        if name.startswith(" ") and not name.startswith("  ") and cumulative.strip().isdigit():
            total += int(cumulative)
    return total


def main() -> None:
    for statement in STATEMENTS:
        runs = [cumulative_us(statement) for _ in range(15)]
        print(f"{statement:45s} median {statistics.median(runs) / 1000:6.1f} ms")


if __name__ == "__main__":
    main()
