"""Past one machine: 10 M people in 4 partitions on a Dask LocalCluster, beside one process
on 1 M.

In one run, the benchmark:

1. writes (or reuses, under ``--data``) two partitioned datasets
   (:func:`fpcore.distributed.write_partitioned`, by county): ``--people`` persons as
   ``--partitions`` synthetic counties (:func:`fpcore.synth.synthetic_county`, each its
   own seed, county code and ids), and one county of ``--single-people`` persons;
2. evaluates the county policy over the small dataset in one process, in a child
   process (``Policy.evaluate_table`` on the whole tables read back; peak RSS
   ``VmHWM`` above the RSS after reading them), for a month and a year;
3. starts a ``LocalCluster`` of ``--workers`` worker processes (one thread each), checks
   that the cluster's result on the small dataset equals the single process's to the fen,
   then evaluates the large dataset with :func:`fpcore.distributed.evaluate_dataset`
   for a month and a year, and compares a one-setting reform
   (:func:`fpcore.distributed.compare_dataset`) for a year: seconds, and each worker's
   peak RSS during the call (``VmHWM``, reset on every worker before it).

People are persons (rows of ``persons``: parents), as in ``docs/scaling.md``. Run it
under the machine's benchmark lock (it holds several GiB):
``flock /work/notes/bench.lock python benchmarks/bench_distributed.py``. A benchmark
reports; it never fails (an error is printed, and the exit status stays 0).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from bench_reference import _reset_peak, _status  # the same peak-memory probes

PERSONS_PER_HOUSEHOLD = 999_641 / 518_000  # the synthetic county's (docs/scaling.md)
MONTH = "2014-12"
YEAR = "2014"


def write_counties(root: Path, people: int, counties: int, seed: int) -> dict[str, Any]:
    """``counties`` synthetic counties of ``people / counties`` persons each, as one
    dataset by county: county ``i`` has the code ``3711{21 + i}`` and ids after the
    previous counties'."""
    import polars as pl

    from fpcore.distributed import write_partitioned
    from fpcore.synth import synthetic_county

    start = time.perf_counter()
    households = round(people / counties / PERSONS_PER_HOUSEHOLD)
    parts: list[dict[str, pl.DataFrame]] = []
    next_household = next_person = 0
    for i in range(counties):
        county = synthetic_county(households=households, seed=seed + i)
        code = f"3711{21 + i:02d}"
        tables = {}
        for name, frame in county.tables().items():
            shifted = frame
            if "household_id" in frame.columns:
                shifted = shifted.with_columns(pl.col("household_id") + next_household)
            if "person_id" in frame.columns:
                shifted = shifted.with_columns(pl.col("person_id") + next_person)
            if name == "households":
                shifted = shifted.with_columns(
                    (pl.lit(code) + pl.col("village").str.slice(6)).alias("village"),
                    (pl.lit(code) + pl.col("township").str.slice(6)).alias("township"),
                )
            tables[name] = shifted
        next_household += tables["households"].height
        next_person += tables["persons"].height
        parts.append(tables)
        del county
    whole = {name: pl.concat([part[name] for part in parts]) for name in parts[0]}
    del parts
    dataset = write_partitioned(whole, root, by="county")
    return {
        "persons": dataset.persons,
        "households": dataset.households,
        "partitions": [(p.key, p.persons) for p in dataset.partitions],
        "seconds": time.perf_counter() - start,
    }


def _period(text: str) -> Any:
    from fpcore.periods import parse_period

    return parse_period(text)


def single(root: str, period_text: str) -> dict[str, Any]:
    """In a child process: the whole dataset read back, evaluated in one process."""
    from fpcore.distributed import read_dataset
    from fpcore.policies import get
    from fpcore.rules import Population
    from fpcore.synth import synthetic_county

    policy = get("county")
    policy.evaluate_table(
        Population(synthetic_county(households=200, seed=2).tables()), _period(YEAR)
    )
    tables = read_dataset(root)
    base = _status()["VmRSS"]
    exact = _reset_peak()
    start, cpu = time.perf_counter(), time.process_time()
    result = policy.evaluate_table(Population(tables), _period(period_text))
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak = _status()["VmHWM"]
    return {
        "persons": tables["persons"].height,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mib": peak,
        "added_mib": peak - base,
        "exact": exact,
        "fen": int(result.persons["amount_fen"].sum()) + int(result.households["amount_fen"].sum()),
    }


def _child(*arguments: str) -> dict[str, Any]:
    command = [sys.executable, __file__, *arguments]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    except (IndexError, json.JSONDecodeError):
        raise RuntimeError(f"child {arguments} failed:\n{out.stderr[-3000:]}") from None


def _worker_reset() -> bool:
    import gc

    gc.collect()
    return _reset_peak()


def _worker_peak() -> float:
    return _status()["VmHWM"]


def _worker_cpu() -> float:
    return time.process_time()


def _ordered(result: Any) -> tuple[Any, ...]:
    return (
        result.persons.sort("person_id", "benefit"),
        result.households.sort("household_id", "benefit"),
        result.statuses.sort("entity", "beneficiary_id", "benefit", "status"),
    )


def on_cluster(client: Any, what: str, call: Any) -> dict[str, Any]:
    client.run(_worker_reset)
    before = client.run(_worker_peak)
    cpu_before = client.run(_worker_cpu)
    start, cpu = time.perf_counter(), time.process_time()
    result = call()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    cpu_after = client.run(_worker_cpu)
    peaks = client.run(_worker_peak)
    row = {
        "what": what,
        "seconds": seconds,
        "worker_cpu_seconds": [cpu_after[w] - cpu_before[w] for w in sorted(cpu_after)],
        "client_cpu_seconds": cpu,
        "worker_peak_mib": [peaks[w] for w in sorted(peaks)],
        "worker_base_mib": [before[w] for w in sorted(before)],
    }
    return row | {"result": result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000_000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--single-people", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="8GiB", help="per worker")
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument(
        "--data", default=str(Path(tempfile.gettempdir()) / "fpcore-bench-distributed")
    )
    parser.add_argument("--fresh", action="store_true", help="write the datasets again")
    parser.add_argument("--single", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        root, period_text = args.single.rsplit(":", 1)
        print(json.dumps(single(root, period_text)))
        return
    try:
        run(args)
    except Exception:  # a benchmark reports, never fails
        traceback.print_exc()


def run(args: argparse.Namespace) -> None:
    import shutil

    import dask
    import polars as pl
    from polars.testing import assert_frame_equal

    import distributed
    from fpcore import __version__
    from fpcore.distributed import compare_dataset, evaluate_dataset, open_dataset
    from fpcore.policies import get

    print(
        f"fpcore {__version__}, polars {pl.__version__}, dask {dask.__version__}, "
        f"distributed {distributed.__version__}; {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    data = Path(args.data)
    large = data / f"people-{args.people}-in-{args.partitions}-seed-{args.seed}"
    small = data / f"people-{args.single_people}-in-1-seed-{args.seed}"
    for root, people, parts in (
        (small, args.single_people, 1),
        (large, args.people, args.partitions),
    ):
        if args.fresh and root.exists():
            shutil.rmtree(root)
        if not root.exists():
            written = write_counties(root, people, parts, args.seed)
            print(
                f"wrote {written['persons']:,} persons ({written['households']:,} households) "
                f"in {parts} partitions in {written['seconds']:.1f} s: {root}"
            )
    big, one = open_dataset(large), open_dataset(small)
    size = sum(f.stat().st_size for f in large.rglob("*.parquet")) / 2**20
    print(
        f"large: {big.persons:,} persons in {len(big.partitions)} partitions "
        f"({', '.join(f'{p.key}: {p.persons:,}' for p in big.partitions)}), {size:,.0f} MiB "
        f"of Parquet; small: {one.persons:,} persons"
    )

    print("\none process, whole tables (child process each, one cold call):")
    singles = {}
    for period_text in (MONTH, YEAR):
        row = _child("--single", f"{small}:{period_text}")
        singles[period_text] = row
        print(
            f"  {row['persons']:>11,} persons {period_text:>7}: {row['seconds']:6.2f} s "
            f"({row['cpu_seconds']:.2f} s CPU), "
            f"{row['persons'] / row['seconds'] / 1e6:5.2f} M persons/s, "
            f"peak {row['peak_mib']:6.0f} MiB, added {row['added_mib']:6.0f} MiB"
        )

    policy = get("county")
    reform = policy.with_setting("only_child_reward_last_month", "month_before")
    print(
        f"\nLocalCluster: {args.workers} worker processes, 1 thread each, "
        f"memory limit {args.memory_limit} each"
    )
    start = time.perf_counter()
    with (
        distributed.LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            memory_limit=args.memory_limit,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        print(f"  started in {time.perf_counter() - start:.1f} s")
        check = evaluate_dataset(policy, one, _period(YEAR), client=client)
        whole = _child("--single", f"{small}:{YEAR}")
        fen = int(check.persons["amount_fen"].sum()) + int(check.households["amount_fen"].sum())
        same = fen == whole["fen"]
        try:
            in_process = evaluate_dataset(policy, one, _period(YEAR))
            for a, b in zip(_ordered(check), _ordered(in_process), strict=True):
                assert_frame_equal(a, b)
        except AssertionError as error:
            same = False
            print(f"  DIFFERENT from in-process: {error}")
        print(
            f"  {one.persons:,} persons, {YEAR} on the cluster: "
            + ("equal to the fen" if same else "DIFFERENT")
            + f" to one process ({fen / 100:,.2f} yuan)"
        )
        rows = []
        for period_text in (MONTH, YEAR):
            period = _period(period_text)
            rows.append(
                on_cluster(
                    client,
                    f"evaluate {period_text}",
                    lambda period=period: evaluate_dataset(policy, big, period, client=client),
                )
            )
        rows.append(
            on_cluster(
                client,
                f"compare {YEAR}",
                lambda: compare_dataset(policy, reform, big, _period(YEAR), client=client),
            )
        )
        print(f"\n  {big.persons:,} persons in {len(big.partitions)} partitions:")
        for row in rows:
            result = row.pop("result")
            if row["what"].startswith("evaluate"):
                rate = big.persons * (12 if row["what"].endswith(YEAR) else 1)
                single_row = singles[row["what"].split()[1]]
                paid = int(result.persons["amount_fen"].sum()) + int(
                    result.households["amount_fen"].sum()
                )
                cpu_ratio = sum(row["worker_cpu_seconds"]) / single_row["cpu_seconds"]
                extra = (
                    f", {big.persons / row['seconds'] / 1e6:5.2f} M persons/s "
                    f"({rate / row['seconds'] / 1e6:.1f} M person-months/s), "
                    f"{row['seconds'] / single_row['seconds']:.1f}x one process on "
                    f"{single_row['persons']:,} for {big.persons / single_row['persons']:.0f}x "
                    f"the people (CPU: {cpu_ratio:.1f}x); "
                    f"paid {paid / 100:,.2f} yuan"
                )
            else:
                extra = f"; change {int(result['change_fen'].sum()) / 100:,.2f} yuan"
            peaks = ", ".join(f"{p:,.0f}" for p in row["worker_peak_mib"])
            cpus = " + ".join(f"{c:.1f}" for c in row["worker_cpu_seconds"])
            print(
                f"  {row['what']:>16}: {row['seconds']:6.2f} s (CPU: workers {cpus} s, "
                f"client {row['client_cpu_seconds']:.1f} s), worker peak RSS {peaks} MiB" + extra
            )
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
