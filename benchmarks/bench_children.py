"""Benchmark: evaluating one household as its number of children grows (issue 14).

Reports, for households of 1, 3, 10, 30 and 100 children (100 is
:data:`fpcore.model.MAX_CHILDREN`, the most a household may hold), the median time of
``policy.evaluate(household, Year(2008))`` under the county policy, without and with
explanation, and the growth ratio between sizes: time ratio divided by size ratio, so
1.0 is linear growth and 3.0 (or 10.0) between sizes 3 (or 10) times apart would be
quadratic. It also times the sort-and-sweep behind ``most_children_alive_together``
alone on 1,000 to 100,000 children (beyond what a household may hold), where 0.1's
pairwise count took minutes.

Run: ``python benchmarks/bench_children.py [--runs R]``. It prints medians and ratios;
it never fails (an error is printed, and the exit status stays 0).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import traceback
from collections.abc import Callable

SIZES = (1, 3, 10, 30, 100)
SWEEP_SIZES = (1_000, 10_000, 100_000)


def _children(count: int, first: tuple[int, int, int] = (1995, 1, 1), step: int = 5) -> tuple:  # type: ignore[type-arg]
    """Children born ``step`` days apart, every third one dying 400 days after birth."""
    import pendulum

    from fpcore.model import Child, Sex

    day = pendulum.Date(*first)
    return tuple(
        Child(
            name="孩子",
            sex=Sex.FEMALE if i % 2 else Sex.MALE,
            birth_date=day.add(days=step * i),
            death_date=day.add(days=step * i + 400) if i % 3 == 1 else None,
        )
        for i in range(count)
    )


def _median(action: Callable[[], object], runs: int) -> float:
    from fpcore.tables import _most_together_by_join  # the per-list cache, emptied per run

    action()  # warm up (compiles the policy once)
    times = []
    for _ in range(runs):
        _most_together_by_join.cache_clear()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_households(runs: int) -> None:
    import attrs

    from fpcore.model import MAX_CHILDREN, sample_household
    from fpcore.periods import Year
    from fpcore.policies import get

    policy, year = get("county"), Year(year=2008)
    base = sample_household()
    print(f"one household, one year (2008), county policy; median of {runs} runs")
    print(f"{'children':>9} {'plain ms':>10} {'growth':>7} {'explained ms':>13} {'growth':>7}")
    previous: tuple[int, float, float] | None = None
    for size in (*SIZES[:-1], MAX_CHILDREN):
        household = attrs.evolve(base, children=_children(size))
        plain = _median(lambda h=household: policy.evaluate(h, year), runs)
        explained = _median(lambda h=household: policy.evaluate(h, year, explain=True), runs)
        growth = ("", "")
        if previous is not None:
            n0, p0, e0 = previous
            scale = size / n0
            growth = (f"{plain / p0 / scale:.2f}", f"{explained / e0 / scale:.2f}")
        print(
            f"{size:>9} {plain * 1e3:>10.2f} {growth[0]:>7} {explained * 1e3:>13.2f} {growth[1]:>7}"
        )
        previous = (size, plain, explained)
    print("growth = (time ratio) / (size ratio) to the row above: 1 is linear, <1 sublinear")


def bench_sweep(runs: int) -> None:
    from fpcore.tables import most_children_alive_together, siblings_alive_at_joins

    print("\nthe sweep alone (siblings alive at each join, then a year of months)")
    previous: tuple[int, float] | None = None
    for size in SWEEP_SIZES:
        kids = _children(size, first=(1900, 1, 1), step=1)

        def sweep(k: tuple[object, ...] = kids) -> None:
            siblings_alive_at_joins(k)  # type: ignore[arg-type]
            for month in range(24_000, 24_012):
                most_children_alive_together(k, month)  # type: ignore[arg-type]

        seconds = _median(sweep, max(3, runs // 3))
        growth = ""
        if previous is not None:
            growth = f"{seconds / previous[1] / (size / previous[0]):.2f}"
        print(f"{size:>9} children {seconds * 1e3:>10.1f} ms  growth {growth}")
        previous = (size, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    try:
        bench_households(args.runs)
        bench_sweep(args.runs)
    except Exception:  # a benchmark reports, it never fails
        traceback.print_exc(file=sys.stdout)


if __name__ == "__main__":
    main()
