"""Benchmark of the rule engine on the test catalogue (tests/rules/domain.py).

Reports, on a generated population (default 1,000,000 persons in 500,000 couples):

- batch: persons per second for one month of all rules, building the Population from
  the tables included (generating the tables is not timed); median of runs;
- single: median latency of one household decision, without and with explanation, CPU
  time (the targets are judged on it: other processes share the cores; the wall time is
  printed beside it);
- memory: peak RSS of a child process that evaluates the batch (ru_maxrss), minus its
  RSS after generating the tables, and the tables' own estimated size.

Run: ``python benchmarks/bench_engine.py [--persons N] [--runs R] [--single]``
(``--single``: the single decisions alone). It prints
medians and ratios against the targets and the OpenFisca reference; it never fails.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pendulum
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fpcore.periods import Month
from fpcore.rules import Population
from rules.domain import POLICY, Child, Household, Person

MONTH = Month(year=2012, month=3)
TARGET_BATCH = 30e6
TARGET_SINGLE_US = 25.0
TARGET_TRACED_US = 100.0
TARGET_MIB = 150.0
OPENFISCA = {"batch": 3.1e6, "single_us": 702.0, "traced_us": 1176.0}


def _rand(col: str, seed: int, modulo: int) -> pl.Expr:
    return (pl.col(col).hash(seed) % modulo).cast(pl.Int64)


def generate(persons: int) -> dict[str, pl.DataFrame]:
    """Tables of ``persons`` persons in couples, 1-2 children each (pseudo-random)."""
    n_h = persons // 2
    households = pl.DataFrame(
        {"household_id": pl.int_range(n_h, eager=True, dtype=pl.Int64)}
    ).with_columns(
        certificate_index=pl.when(_rand("household_id", 1, 3) > 0)
        .then(1985 * 12 + _rand("household_id", 2, 25 * 12))
        .otherwise(None),
        quota_waived=_rand("household_id", 3, 10) == 0,
    )
    persons_df = (
        pl.DataFrame({"person_id": pl.int_range(2 * n_h, eager=True, dtype=pl.Int64)})
        .with_columns(household_id=pl.col("person_id") // 2)
        .with_columns(
            birth_year=1930 + _rand("person_id", 4, 60),
            birth_month=1 + _rand("person_id", 5, 12),
            feb29=_rand("person_id", 6, 1461) == 0,
            rural=_rand("household_id", 7, 10) < 7,
        )
    )
    first = households.select(
        "household_id",
        birth_index=1960 * 12 + _rand("household_id", 8, 50 * 12),
        boy=_rand("household_id", 9, 2) == 0,
        dead=_rand("household_id", 10, 20) == 0,
        disabled=_rand("household_id", 11, 25) == 0,
    )
    second = first.filter(_rand("household_id", 12, 2) == 0).with_columns(
        birth_index=pl.col("birth_index") + 24,
        boy=_rand("household_id", 13, 2) == 0,
        dead=pl.lit(False),
        disabled=pl.lit(False),
    )
    children = (
        pl.concat([first, second])
        .with_columns(
            death_index=pl.when(pl.col("dead")).then(pl.col("birth_index") + 240).otherwise(None),
            adult_index=pl.col("birth_index") + 18 * 12,
        )
        .drop("dead")
        .sort("household_id")  # the documented fast layout: sorted by the entity key
    )
    return {"persons": persons_df, "households": households, "children": children}


def bench_batch(tables: dict[str, pl.DataFrame], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        POLICY.evaluate_table(Population(tables), MONTH)
        times.append(time.perf_counter() - start)
    return times


def _status_mib(field: str) -> float:
    """VmRSS (current) or VmHWM (peak) of this process, from /proc (Linux), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _memory_child(folder: str, queue: multiprocessing.Queue[tuple[float, ...]]) -> None:
    """In a fresh process: load the tables, reset the peak, evaluate, read the peak."""
    import fpcore.rules._batch  # noqa: F401  (import cost is not the evaluation's)

    start = _status_mib("VmRSS")
    tables = {name: pl.read_ipc(Path(folder) / f"{name}.arrow") for name in TABLES}
    size = sum(t.estimated_size() for t in tables.values()) / 2**20
    before = _status_mib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    POLICY.evaluate_table(Population(tables), MONTH)
    peak = _status_mib("VmHWM")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((start, before, peak, size, maxrss))


TABLES = ("persons", "households", "children")


def bench_memory(tables: dict[str, pl.DataFrame]) -> tuple[float, ...]:
    with tempfile.TemporaryDirectory() as folder:
        for name in TABLES:
            tables[name].write_ipc(Path(folder) / f"{name}.arrow")
        ctx = multiprocessing.get_context("spawn")
        queue: multiprocessing.Queue[tuple[float, ...]] = ctx.Queue()
        proc = ctx.Process(target=_memory_child, args=(folder, queue))
        proc.start()
        result = queue.get()
        proc.join()
    return result


def _household() -> Household:
    return Household(
        id=1,
        persons=(
            Person(id=10, birth=pendulum.Date(1950, 3, 4), rural=True),
            Person(id=11, birth=pendulum.Date(1952, 7, 9), rural=True),
        ),
        children=(
            Child(birth=pendulum.Date(1980, 5, 1), boy=False, died=pendulum.Date(2005, 1, 1)),
        ),
        certificate=pendulum.Date(1981, 1, 1),
        quota_waived=True,
    )


def bench_single(explain: bool, loops: int = 300, repeat: int = 31) -> tuple[float, float, float]:
    """(median wall, min CPU, median CPU) microseconds per decision, over batches of loops."""
    household = _household()
    for _ in range(3 * loops):  # compile once, then warm up (caches, CPU clock)
        POLICY.evaluate(household, MONTH, explain=explain)
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(loops):
            POLICY.evaluate(household, MONTH, explain=explain)
        walls.append((time.perf_counter() - start) / loops * 1e6)
        cpus.append((time.process_time() - cpu) / loops * 1e6)
    return statistics.median(walls), min(cpus), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--single", action="store_true", help="single decisions only")
    args = parser.parse_args()

    print(
        f"polars {pl.__version__}, {pl.thread_pool_size()} threads; month {MONTH}; "
        f"load average {os.getloadavg()[0]:.1f} (other processes share the cores)"
    )
    # single decisions first: right after a batch run, polars' and the allocator's
    # background work slows a Python loop for a second or two
    for label, explain, target, reference in (
        ("without explanation", False, TARGET_SINGLE_US, OPENFISCA["single_us"]),
        ("with explanation", True, TARGET_TRACED_US, OPENFISCA["traced_us"]),
    ):
        median, best, cpu = bench_single(explain)
        print(
            f"single {label}: CPU median {cpu:.1f} us (min {best:.1f}; wall median "
            f"{median:.1f}); target {target:.0f}: {'met' if cpu <= target else 'MISSED'} "
            f"({cpu / target:.2f}x); OpenFisca {reference / cpu:.0f}x slower"
        )
    if args.single:
        return

    tables = generate(args.persons)
    n = tables["persons"].height
    print(
        f"population: {n:,} persons, {tables['households'].height:,} households, "
        f"{tables['children'].height:,} children"
    )
    bench_batch(tables, 1)  # warm-up (imports, first compile)
    times = bench_batch(tables, args.runs)
    med = statistics.median(times)
    rate = n / med
    print(
        f"batch: median {med * 1e3:.1f} ms (min {min(times) * 1e3:.1f}) "
        f"-> {rate / 1e6:.1f} M persons/s"
        f"; target {TARGET_BATCH / 1e6:.0f} M/s: {'met' if rate >= TARGET_BATCH else 'MISSED'}"
        f" ({rate / TARGET_BATCH:.2f}x); vs OpenFisca {rate / OPENFISCA['batch']:.1f}x"
    )
    memory = bench_memory(tables)
    del tables

    start, before, peak, size, maxrss = memory
    print(
        f"memory (fresh process, /proc VmRSS and VmHWM reset before evaluating): "
        f"python+polars+fpcore {start:.0f} MiB; tables {before - start:.0f} MiB "
        f"(estimated_size {size:.0f} MiB); the evaluation's peak added {peak - before:.0f} MiB "
        f"(process peak {peak:.0f} MiB; ru_maxrss {maxrss:.0f}); target {TARGET_MIB:.0f} MiB "
        f"for the evaluation: {'met' if peak - before <= TARGET_MIB else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
