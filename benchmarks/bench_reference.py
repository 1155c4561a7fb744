"""fpcore's batch evaluator against a hand-written numpy reference of the same rules.

The reference below computes the county policy (``fpcore.policies.get("county")``, its
default settings: only-child reward with the county's double fee, Shandong's reward
assistance "since 1973" on each person's own children, special assistance) directly
from the population tables of :mod:`fpcore.tables`, with numpy arrays and segment
reductions, month by month. It reads the same parameter values from the policy. In the
same run, on a synthetic county, the benchmark:

1. checks that fpcore's batch result equals the reference to the fen (amount and
   months paid, per beneficiary and benefit), for a month and for a year;
2. times both (median of runs) and prints fpcore / numpy ratios; fpcore is timed on a
   ``Population`` kept across calls (its household layout is cached) and on a fresh
   one; the reference's arrays are prepared once, untimed;
3. with ``--scaling``, measures seconds and peak memory for each population size and
   period in a child process each (peak RSS, ``VmHWM``, above the RSS after building
   the tables and a warm-up) and writes the table to ``docs/scaling.md``;
4. with ``--profile``, prints where fpcore's time goes for a month and a year
   (cProfile, grouped by function);
5. times the output stage apart, for a month and a year: from the rows paid per
   benefit (numpy arrays, a block per range of households) to the output tables
   (``rules._batch._tables``), and gives the tables' size (their memory is in the
   ``--scaling`` figures: the peak of a whole evaluation).

Run: ``python benchmarks/bench_reference.py [--households N] [--runs R] [--year-runs R]
[--year Y] [--scaling 50000,518000] [--profile]``. A benchmark reports; it never fails (an error
is printed, and the exit status stays 0).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCALING_DOC = ROOT / "docs" / "scaling.md"
YEAR = 2014  # every rule in force; special assistance differs by hukou from 2014 (--year)
TARGET_MONTH_RATE = 30e6  # persons per second, one month at 1 M people
TARGET_YEAR_RATIO = 2.0  # a year costs at most twice a month
TARGET_MONTH_MIB = 150.0  # memory added by a month at 1 M people
NEVER = np.iinfo(np.int32).max  # a missing month index that means "never" (no death...)


# --- the numpy reference ---------------------------------------------------------------


class _Segments:
    """Rows of a table sorted by an entity key ``0..n-1``: segment reductions."""

    def __init__(self, keys: np.ndarray, n: int) -> None:
        self.keys, self.n = keys, n
        if keys.size and not bool((keys[1:] >= keys[:-1]).all()):
            raise ValueError("table is not sorted by its key")
        cut = np.flatnonzero(np.diff(keys)) + 1
        self.starts = np.concatenate(([0], cut)) if keys.size else keys[:0]
        self.ids = keys[self.starts] if keys.size else keys[:0]

    def count(self, rows: np.ndarray) -> np.ndarray:
        """How many rows hold (``rows`` boolean), per entity."""
        return np.bincount(self.keys[rows], minlength=self.n)

    def max(self, values: np.ndarray, neutral: int) -> np.ndarray:
        out = np.full(self.n, neutral, dtype=values.dtype)
        if self.starts.size:
            out[self.ids] = np.maximum.reduceat(values, self.starts)
        return out

    def min(self, values: np.ndarray, neutral: int) -> np.ndarray:
        return -self.max(-values, -neutral)


def _int(table: Any, name: str, missing: int = NEVER) -> np.ndarray:
    """A month-index (or day) column as int32, missing as ``missing``."""
    column = table[name].to_physical().fill_null(missing)
    return np.asarray(column.to_numpy(), dtype=np.int32)


def _bool(table: Any, name: str) -> np.ndarray:
    return np.asarray(table[name].fill_null(False).to_numpy(), dtype=np.bool_)


class Reference:
    """The county policy by hand, over numpy arrays prepared once from the tables."""

    def __init__(self, tables: dict[str, Any], policy: Any) -> None:
        import polars as pl

        self.policy = policy
        homes, persons = tables["households"], tables["persons"]
        self.n_h, self.n_p = homes.height, persons.height
        assert np.array_equal(homes["household_id"].to_numpy(), np.arange(self.n_h))
        assert np.array_equal(persons["person_id"].to_numpy(), np.arange(self.n_p))
        self.h = {
            "certificate": _int(homes, "certificate_index"),
            "returned": _int(homes, "certificate_return_index"),
            "certificate_day": _int(homes, "certificate_date"),
            "waiver": _int(homes, "waiver_index"),
        }
        p = self.p = {
            "household": persons["household_id"].to_numpy().astype(np.intp),
            "female": _bool(persons, "is_female"),
            "birth_day": _int(persons, "birth_date"),
            "death": _int(persons, "death_index"),
            "age49": _int(persons, "age49_index"),
            "age60": _int(persons, "age60_index"),
            "rural": _bool(persons, "rural"),  # the class from birth, if it never changes
            "changed": _bool(persons, "hukou_changed"),
        }
        p["woman_death"] = np.where(p["female"], p["death"], NEVER)
        kids = tables["children"]
        self.kids = _Segments(kids["household_id"].to_numpy(), self.n_h)
        self.k = {
            "join": _int(kids, "join_index"),
            "death": _int(kids, "death_index"),
            "adult": _int(kids, "adult_index"),
            "birth_day": _int(kids, "birth_date"),
        }
        own = tables["parenthood"]
        self.own = _Segments(own["person_id"].to_numpy(), self.n_p)
        self.o = {
            "join": _int(own, "join_index"),
            "death": _int(own, "death_index"),
            "female": _bool(own, "is_female"),
            "siblings": _int(own, "siblings_alive_at_join", 0) + 1,
        }
        out = ~np.asarray(own["within_policy"].fill_null(True).to_numpy(), dtype=np.bool_)
        self.o["out_of_policy"] = out
        out_since_1973 = out & (_int(own, "birth_index") >= 1973 * 12)
        self.p["out_since_1973"] = self.own.count(out_since_1973)
        spells = tables["hukou_spells"]
        self.spell_p = _Segments(spells["person_id"].to_numpy(), self.n_p)
        self.spell_h = _Segments(spells["household_id"].to_numpy(), self.n_h)
        self.s = {
            "start": _int(spells, "start_index"),
            "end": _int(spells, "end_index"),
            "rural": _bool(spells, "rural"),
        }
        dis = tables["parent_disabilities"]
        self.dis = _Segments(dis["person_id"].to_numpy(), self.n_p)
        self.d = {
            "grade": _int(dis, "grade"),
            "issued": _int(dis, "issued_index"),
            "cancelled": _int(dis, "cancelled_index"),
            "join": _int(dis, "child_join_index"),
            "death": _int(dis, "child_death_index"),
        }
        conf = tables["confirmations"].filter(pl.col("benefit") == "special_assistance")
        self.conf = _Segments(conf["person_id"].to_numpy(), self.n_p)
        self.c = {"confirmed": _int(conf, "confirmed_index")}
        # household facts that do not depend on the month
        self.h["earliest_parent_day"] = _Segments(p["household"], self.n_h).min(
            p["birth_day"], NEVER
        )
        woman = np.full(self.n_h, NEVER, dtype=np.int32)
        woman[p["household"][p["female"]]] = p["age49"][p["female"]]
        self.h["woman49"] = woman  # NEVER: no woman (a single father)
        death = np.full(self.n_h, NEVER, dtype=np.int32)
        death[p["household"][p["female"]]] = p["death"][p["female"]]
        self.h["woman_death"] = death

    def _param(self, name: str, month: Any) -> Any:
        return self.policy.parameters[name].at(month.start)

    def _fen(self, name: str, month: Any) -> int:
        return int(self._param(name, month).fen)

    def _day(self, name: str, month: Any) -> int:
        value = self._param(name, month)
        return (datetime.date(value.year, value.month, value.day) - datetime.date(1970, 1, 1)).days

    def month(self, month: Any) -> dict[str, np.ndarray]:
        """Fen per entity row and benefit in one month (0 where nothing is paid)."""
        m = month.index
        h, p, k, o, s = self.h, self.p, self.k, self.o, self.s
        hh = p["household"]
        alive = p["death"] >= m
        # the couple's children
        joined = k["join"] <= m
        living = joined & (k["death"] > m)
        children_ever = self.kids.count(joined)
        living_children = self.kids.count(living)
        youngest_day = self.kids.max(np.where(living, k["birth_day"], -NEVER), -NEVER)
        child_adult = self.kids.max(np.where(living, k["adult"], -NEVER), -NEVER)
        in_force = (s["start"] <= m) & (s["end"] > m)
        # no living parent urban: by the class from birth, or by the spell in force
        # (spells only for parents whose hukou changes)
        urban_from_birth = np.bincount(hh[alive & ~p["rural"] & ~p["changed"]], minlength=self.n_h)
        parents_rural = (urban_from_birth + self.spell_h.count(in_force & ~s["rural"])) == 0
        living_parents = np.bincount(hh[alive], minlength=self.n_h)
        result: dict[str, np.ndarray] = {}
        if m >= 2002 * 12 + 8:  # only-child reward, in force from 2002-09
            cutoff = self._day("only_child_reward.certificate_cutoff", month)
            base = self._fen("only_child_reward.monthly", month)
            multiple = int(self._param("only_child_reward.waiver_multiplier", month))
            paid = (
                (h["certificate"] <= m)
                & (h["returned"] > m)
                & (living_children == 1)
                & (children_ever == 1)
                & (youngest_day < cutoff)
                & (m <= child_adult)
                & (living_parents >= 1)
            )
            double = (h["waiver"] <= m) & parents_rural
            result["only_child_reward"] = np.where(paid, np.where(double, base * multiple, base), 0)
        own_joined = o["join"] <= m
        own_living = own_joined & (o["death"] > m)
        own_ever = self.own.count(own_joined)
        own_alive = self.own.count(own_living)
        own_daughters = self.own.count(own_living & o["female"])
        if m >= 2006 * 12:  # reward assistance (Shandong, from 2006-01)
            annual = self._fen("reward_assistance.annual", month)
            assert annual % 12 == 0
            paid = (
                alive
                & (p["birth_day"] >= self._day("reward_assistance.born_from", month))
                & (m >= p["age60"])
                & parents_rural[hh]
                & (p["out_since_1973"] == 0)
                & (
                    (own_alive == 1)
                    | ((own_alive == 2) & (own_daughters == 2))
                    | ((own_ever >= 1) & (own_alive == 0))
                )
            )
            result["reward_assistance"] = np.where(paid, annual // 12, 0)
        if m >= 2008 * 12:  # special assistance, from 2008-01
            result["special_assistance"] = self._special(month, alive, own_ever, own_alive)
        return result

    def _special(
        self, month: Any, alive: np.ndarray, own_ever: np.ndarray, own_alive: np.ndarray
    ) -> np.ndarray:
        m = month.index
        h, p, o, s, d = self.h, self.p, self.o, self.s, self.d
        hh = p["household"]
        own_joined = o["join"] <= m
        most_together = self.own.max(np.where(own_joined, o["siblings"], 0), 0)
        out_of_policy = self.own.count(own_joined & o["out_of_policy"])
        last_death = self.own.max(np.where(o["death"] <= m, o["death"], -1), -1)  # -1: none
        cert = (d["issued"] <= m) & (d["cancelled"] > m) & (d["join"] <= m) & (d["death"] > m)
        grade = self.dis.min(np.where(cert, d["grade"], NEVER), NEVER)  # NEVER: none
        since = self.dis.max(np.where(cert, d["issued"], -1), -1)
        confirmed = self.conf.max(np.where(self.c["confirmed"] <= m, self.c["confirmed"], -1), -1)
        disabled = grade <= int(self._param("special_assistance.max_disability_grade", month))
        qualifying = np.where(own_alive == 0, last_death, since)  # -1: missing
        w49, w_death = h["woman49"][hh], h["woman_death"][hh]
        no_woman = w49 == NEVER
        woman_alive = ~no_woman & (w_death >= m)
        keeps = (w49 <= w_death) & (w_death != NEVER) & (qualifying >= 0) & (w_death >= qualifying)
        reference = np.where(
            p["female"] | no_woman,
            p["age49"],
            np.where(woman_alive | keeps, w49, p["age49"]),
        )
        rural = (p["rural"] & ~p["changed"] & alive) | (
            self.spell_p.count((s["start"] <= m) & (s["end"] > m) & s["rural"]) > 0
        )
        born_from = self._day("special_assistance.born_from", month)
        paid = (
            alive
            & (h["earliest_parent_day"][hh] >= born_from)
            & (m >= reference)
            & (own_ever >= 1)
            & ((most_together <= 1) | (out_of_policy == 0))
            & ((own_alive == 0) | ((own_alive == 1) & disabled))
            & (
                (qualifying < 0)
                | (qualifying <= reference)
                | ((confirmed >= 0) & (confirmed >= qualifying))
            )
        )
        death = np.where(
            rural,
            self._fen("special_assistance.death.rural", month),
            self._fen("special_assistance.death.urban", month),
        )
        disability = np.where(
            rural,
            self._fen("special_assistance.disability.rural", month),
            self._fen("special_assistance.disability.urban", month),
        )
        return np.where(paid, np.where(own_alive == 0, death, disability), 0)

    def period(self, period: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """(fen, months paid) per entity row and benefit, summed over the period."""
        totals: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for month in period.months():
            for benefit, fen in self.month(month).items():
                if benefit not in totals:
                    totals[benefit] = (fen.astype(np.int64), (fen != 0).astype(np.int64))
                else:
                    total, months = totals[benefit]
                    total += fen
                    months += fen != 0
        return totals


def _dense(result: Any, n_h: int, n_p: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """fpcore's result as (fen, months) arrays per benefit, like the reference's."""
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for frame, key, n in (
        (result.households, "household_id", n_h),
        (result.persons, "person_id", n_p),
    ):
        for (benefit,), part in frame.partition_by("benefit", as_dict=True).items():
            fen, months = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
            rows = part[key].to_numpy()
            fen[rows] = part["amount_fen"].to_numpy()
            months[rows] = part["months"].to_numpy()
            found[str(benefit)] = (fen, months)
    return found


def check_equal(result: Any, reference: dict[str, tuple[np.ndarray, np.ndarray]], ref: Any) -> str:
    """'equal to the fen (...)' or what differs (the first rows)."""
    mine = _dense(result, ref.n_h, ref.n_p)
    problems = []
    paid = 0
    for benefit in sorted(set(mine) | set(reference)):
        nothing = np.zeros(ref.n_h if benefit == "only_child_reward" else ref.n_p, np.int64)
        pair_mine = mine.get(benefit, (nothing, nothing))
        pair_ref = reference.get(benefit, (nothing, nothing))
        for what, a, b in zip(("fen", "months"), pair_mine, pair_ref, strict=True):
            if a.shape != b.shape or not np.array_equal(a, b):
                rows = np.flatnonzero(a != b)[:5]
                problems.append(
                    f"{benefit} {what}: {np.count_nonzero(a != b)} rows differ, e.g. rows "
                    f"{rows.tolist()}: fpcore {a[rows].tolist()} numpy {b[rows].tolist()}"
                )
        paid += int(pair_ref[0].sum())
    if problems:
        return "DIFFERENT: " + "; ".join(problems)
    return f"equal to the fen ({paid / 100:,.2f} yuan over {len(reference)} benefits)"


# --- timing ---------------------------------------------------------------------------


def _status() -> dict[str, float]:
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmHWM", "VmRSS")):
                found[line.split(":")[0]] = int(line.split()[1]) / 1024
    return found


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux)
    except OSError:
        return False
    return True


def write_tables(households: int, seed: int, directory: str) -> None:
    """In a child process: generate a synthetic county and write its tables (IPC)."""
    from fpcore.synth import synthetic_county

    for name, frame in synthetic_county(households=households, seed=seed).tables().items():
        frame.write_ipc(Path(directory) / f"{name}.arrow")


def measure(directory: str, period_text: str) -> dict[str, float]:
    """In a child process: seconds and peak MiB added by one evaluation of the tables
    read from ``directory`` (read, not generated here, so that no memory freed by the
    generation is counted as the evaluation's or hides what it needs)."""
    import polars as pl

    from fpcore.periods import parse_period
    from fpcore.policies import get
    from fpcore.rules import Population
    from fpcore.synth import synthetic_county

    policy = get("county")
    warm = synthetic_county(households=200, seed=2).tables()
    policy.evaluate_table(Population(warm), parse_period(str(YEAR)))  # imports, compile
    # read into memory (not mapped: mapped pages would count as the evaluation's)
    tables = {
        path.stem: pl.read_ipc(io.BytesIO(path.read_bytes())) for path in Path(directory).iterdir()
    }
    try:  # the kernel these tables need, compiled (or loaded) apart: not an evaluation's cost
        from fpcore.rules import _kernel

        _kernel.prepare(policy, Population(tables), parse_period(period_text))
    except Exception:  # no kernel (numba missing, rules it cannot compile): polars
        pass
    base = _status()["VmRSS"]
    exact = _reset_peak()
    start = time.perf_counter()
    result = policy.evaluate_table(Population(tables), parse_period(period_text))
    seconds = time.perf_counter() - start
    peak = _status()["VmHWM"]
    frames = (result.persons, result.households, result.statuses)
    return {
        "result_mib": sum(f.estimated_size() for f in frames) / 2**20,
        "persons": tables["persons"].height,
        "seconds": seconds,
        "base_mib": base,
        "peak_mib": peak,
        "added_mib": peak - base,
        "exact": float(exact),
    }


def _child(*arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, __file__, *arguments, "--year", str(YEAR)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def scaling(sizes: list[int], seed: int) -> list[dict[str, Any]]:
    import tempfile

    rows = []
    for households in sizes:
        with tempfile.TemporaryDirectory(prefix="fpcore-scaling-") as directory:
            written = _child("--write-tables", f"{households}:{directory}", "--seed", str(seed))
            if written.returncode:
                print(f"  {households} households: tables failed\n{written.stderr[-2000:]}")
                continue
            for period_text in (f"{YEAR}-12", str(YEAR)):
                out = _child("--measure", f"{directory}:{period_text}")
                try:
                    row = json.loads(out.stdout.strip().splitlines()[-1])
                except (IndexError, json.JSONDecodeError):
                    print(f"  {households} households, {period_text}: failed\n{out.stderr[-2000:]}")
                    continue
                row.update(households=households, period=period_text)
                rows.append(row)
                print(
                    f"  {row['persons']:>11,} persons  {period_text:>7}: "
                    f"{row['seconds']:7.2f} s, peak RSS {row['peak_mib']:7.0f} MiB, "
                    f"added {row['added_mib']:6.0f} MiB (the result {row['result_mib']:4.0f} MiB)"
                )
    return rows


def _backend() -> str:
    from fpcore.rules import _kernel

    if _kernel.available():
        return f"the compiled kernel, {os.cpu_count()} threads"
    return "polars: numba is not installed"


def write_scaling(rows: list[dict[str, Any]], command: str) -> None:
    load = os.getloadavg()[0]
    lines = [
        "# Scaling of the batch evaluator",
        "",
        "<!-- generated by benchmarks/bench_reference.py --scaling; do not edit by hand -->",
        "",
        f"The county policy over a synthetic county (`fpcore.synth.synthetic_county`), "
        f"one month ({YEAR}-12) and one year ({YEAR}), each in a fresh process, with "
        f"`backend='auto'` ({_backend()}). *Seconds* "
        "is one `evaluate_table` call, cold (the process's first touch of its memory, "
        "building the `Population` and laying out its columns included, the kernel's "
        "compilation not: it is loaded from its cache first; the benchmark's own "
        "in-process medians are lower); *peak* is the "
        "process's peak resident memory (`VmHWM`); *added* is the peak above the memory "
        "held after a warm-up on 200 households and reading the tables (generated and "
        "written by another process), that is what the evaluation itself needs; "
        "*result* is the size of the tables it returns (in *added*: they are made "
        "before the evaluation ends).",
        "",
        f"Measured {datetime.date.today()} on {os.cpu_count()} cores shared with other "
        f"work (load average {load:.1f} when written), with `{command}`.",
        "",
        "| persons | period | seconds | persons (months) / s | peak MiB | added MiB | result MiB |",
        "|--------:|:-------|--------:|---------------------:|---------:|----------:|-----------:|",
    ]
    for row in rows:
        months = 12 if row["period"] == str(YEAR) else 1
        rate = row["persons"] * months / row["seconds"]
        lines.append(
            f"| {row['persons']:,} | {row['period']} | {row['seconds']:.2f} | "
            f"{rate / 1e6:.1f} M | {row['peak_mib']:,.0f} | {row['added_mib']:,.0f} | "
            f"{row.get('result_mib', 0):,.0f} |"
        )
    lines += [
        "",
        "Targets (issue 10): a month at 1 M people at 30 M persons/s or more, a year at "
        "most twice a month, at most 150 MiB added for a month at 1 M and flat in the "
        "population size; 10 M people for a year in 20 s and 2 GiB at most.",
        "",
    ]
    SCALING_DOC.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {SCALING_DOC.relative_to(ROOT)}")


STAGES = {
    "_segments": "the population's layout (row positions per entity; cached per Population)",
    "_aggregate_table": "facts over tables: row-value query, reduction, columns",
    "_reduce": "  positional reduction (numpy)",
    "_to_series": "  reduced values to polars columns",
    "_lookup": "hoisted household values looked up per person",
    "_entity_month": "all of a month's work on one entity table (includes the above)",
    "add": "amounts summed per row over the months (numpy)",
    "_money_table": "output tables (ids, benefit, months, fen, exact decimals)",
}


class _Given:
    """Rows paid captured from an evaluation, handed to the output stage again and again."""

    def __init__(self, blocks: dict[str, list[Any]]) -> None:
        self.saved = blocks

    def blocks(self) -> dict[str, list[Any]]:
        return {benefit: list(parts) for benefit, parts in self.saved.items()}


def output_stage(policy: Any, pop: Any, period: Any, runs: int = 7) -> dict[str, float]:
    """The output stage of one evaluation timed apart: ms (median, min), the output
    tables' rows and size."""
    from fpcore.rules import _batch

    captured: dict[str, Any] = {}
    original = _batch._tables

    def spy(pop: Any, totals: Any, statuses: Any, several: bool) -> Any:
        given = {entity: _Given(t.blocks()) for entity, t in totals.items()}
        captured.update(args=(pop, given, statuses, several))
        return original(pop, given, statuses, several)

    _batch._tables = spy  # type: ignore[assignment]
    try:
        policy.evaluate_table(pop, period)
    finally:
        _batch._tables = original
    args = captured["args"]
    tables = original(*args)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        original(*args)
        times.append(time.perf_counter() - start)
    frames = (tables.persons, tables.households, tables.statuses)
    return {
        "median_ms": statistics.median(times) * 1e3,
        "min_ms": min(times) * 1e3,
        "tables_mib": sum(f.estimated_size() for f in frames) / 2**20,
        "rows": sum(f.height for f in frames),
    }


def profile(policy: Any, pop: Any, period: Any, top: int = 12) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    policy.evaluate_table(pop, period)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((own, cumulative, calls, f"{Path(file).name}:{line}({name})"))
    print(f"  profile of {period} ({total:.2f} s under cProfile)")
    stages = dict.fromkeys(STAGES, 0.0)
    for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if Path(file).name in ("_batch.py", "_population.py") and name in stages:
            stages[name] += cumulative
    print("    by stage (cumulative; nested stages are inside their callers):")
    for name, spent in stages.items():
        print(f"    {spent / total:6.1%}  {name}: {STAGES[name]}")
    rest = stages["_entity_month"] - stages["_aggregate_table"] - stages["_lookup"]
    print(f"    {rest / total:6.1%}  the rule queries (the rest of _entity_month)")
    print("    by function (own time):")
    for own, cumulative, calls, where in sorted(rows, reverse=True)[:top]:
        print(f"    {own / total:6.1%} own {cumulative / total:6.1%} cum {calls:6d} calls  {where}")


def main() -> None:
    global YEAR  # one setting, read by the helpers and passed to the child processes
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=518_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year-runs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=YEAR)
    parser.add_argument("--scaling", default="", help="households per size, comma-separated")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--measure", default="", help=argparse.SUPPRESS)
    parser.add_argument("--write-tables", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    YEAR = args.year
    if args.write_tables:
        households, directory = args.write_tables.split(":", 1)
        write_tables(int(households), args.seed, directory)
        return
    if args.measure:
        directory, period_text = args.measure.rsplit(":", 1)
        print(json.dumps(measure(directory, period_text)))
        return

    import polars as pl

    from fpcore.periods import Month, Year
    from fpcore.policies import get
    from fpcore.rules import Population
    from fpcore.synth import synthetic_county

    print(
        f"polars {pl.__version__}, numpy {np.__version__}, {pl.thread_pool_size()} threads; "
        f"load average {os.getloadavg()[0]:.1f} (other processes share the cores)"
    )
    policy = get("county")
    tables = synthetic_county(households=args.households, seed=args.seed).tables()
    n = tables["persons"].height
    print(f"synthetic county: {n:,} persons, {tables['households'].height:,} households")
    ref = Reference(tables, policy)
    month, year = Month(year=YEAR, month=12), Year(year=YEAR)
    kept = Population(tables)
    policy.evaluate_table(kept, month)  # warm-up: imports, compile, the layout
    policy.evaluate_table(kept, month, backend="polars")
    from fpcore.rules import _kernel

    print(
        "fpcore (kept) and (fresh): backend auto = "
        + ("the compiled kernel" if _kernel.available() else "polars (numba not installed)")
        + f", {os.cpu_count()} threads; fpcore polars: backend='polars'"
    )
    month_times: dict[str, float] = {}
    for label, period, runs, units in (
        (str(month), month, args.runs, n),
        (str(year), year, args.year_runs, 12 * n),
    ):
        # the three are interleaved, run after run, so that other work on the machine
        # weighs on each alike; median and minimum of the runs
        contenders: dict[str, Callable[[], object]] = {
            "numpy reference": lambda period=period: ref.period(period),
            "fpcore (kept)": lambda period=period: policy.evaluate_table(kept, period),
            "fpcore (fresh)": lambda period=period: policy.evaluate_table(
                Population(tables), period
            ),
            "fpcore polars": lambda period=period: policy.evaluate_table(
                kept, period, backend="polars"
            ),
        }
        times: dict[str, list[float]] = {name: [] for name in contenders}
        values: dict[str, object] = {}
        for _ in range(runs):
            for name, fn in contenders.items():
                start = time.perf_counter()
                values[name] = fn()
                times[name].append(time.perf_counter() - start)
        expected = values["numpy reference"]
        assert isinstance(expected, dict)
        verdict = check_equal(values["fpcore (kept)"], expected, ref)
        print(f"{label}: fpcore vs numpy reference: {verdict}")
        verdict = check_equal(values["fpcore polars"], expected, ref)
        print(f"{label}: fpcore polars backend vs numpy reference: {verdict}")
        t_ref = statistics.median(times["numpy reference"])
        best_ref = min(times["numpy reference"])
        for name, spent in times.items():
            median, best = statistics.median(spent), min(spent)
            line = (
                f"  {name:<16} median {median * 1e3:8.1f} ms (min {best * 1e3:8.1f}) "
                f"{units / median / 1e6:6.1f} M/s"
            )
            if name != "numpy reference":
                line += f"  fpcore / numpy {median / t_ref:5.2f}x (mins {best / best_ref:5.2f}x)"
            print(line)
        t_kept = statistics.median(times["fpcore (kept)"])
        stage = output_stage(policy, kept, period)
        print(
            f"  output stage (rows paid -> tables, {stage['rows']:,.0f} rows): median "
            f"{stage['median_ms']:.1f} ms (min {stage['min_ms']:.1f}), "
            f"{stage['median_ms'] / 1e3 / t_kept:.1%} of fpcore (kept); the tables "
            f"{stage['tables_mib']:.0f} MiB"
        )
        if period is month:
            month_times = {name: statistics.median(spent) for name, spent in times.items()}
            rate = n / t_kept
            print(
                f"  target {TARGET_MONTH_RATE / 1e6:.0f} M persons/s: "
                f"{'met' if rate >= TARGET_MONTH_RATE else 'MISSED'} "
                f"({rate / TARGET_MONTH_RATE:.2f}x of target)"
            )
        else:
            ratio = t_kept / month_times["fpcore (kept)"]
            ref_ratio = t_ref / month_times["numpy reference"]
            print(
                f"  year / month: fpcore {ratio:.1f}x, numpy reference {ref_ratio:.1f}x; "
                f"target <= {TARGET_YEAR_RATIO:.0f}x: "
                f"{'met' if ratio <= TARGET_YEAR_RATIO else 'MISSED'}"
            )
    if args.profile:
        profile(policy, kept, month)
        profile(policy, kept, year)
    if args.scaling:
        print("scaling (a fresh process per row):")
        rows = scaling([int(x) for x in args.scaling.split(",")], args.seed)
        command = "python benchmarks/bench_reference.py --scaling " + args.scaling
        write_scaling(rows, command)


if __name__ == "__main__":
    try:
        main()
    except Exception:  # a benchmark reports, it never fails
        traceback.print_exc()
        print("benchmark error (reported above); exit status 0", file=sys.stderr)
