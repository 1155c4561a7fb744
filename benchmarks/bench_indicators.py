"""Benchmark of the indicators on a generated county register (default 513,000 persons).

The register has the county's shape: 12 townships, 633 villages, about 4,650 births,
3,740 deaths, a satisfaction survey, 90 archived families, 1,180 village staff and
their training. Generating the tables is not timed. Timed, median over runs:

- check: building the :class:`~fpcore.indicators.Register` (every column checked and
  converted);
- indicators: ``compute_indicators(register, year=2008, by="township")``: every
  indicator for the county and each township (the target: under 1 s);
- by village: the same down to the 633 villages.

Run: ``python benchmarks/bench_indicators.py [--persons N] [--runs R]``. It prints the
medians and the ratio to the target; it never fails.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from collections.abc import Callable

import polars as pl

from fpcore.indicators import Register, compute_indicators

YEAR = 2008
TOWNSHIPS = 12
VILLAGES = 633
TARGET_S = 1.0


def _rand(seed: int, modulo: int) -> pl.Expr:
    return (pl.col("i").hash(seed) % modulo).cast(pl.Int64)


def _day(start: datetime.date, offset: pl.Expr) -> pl.Expr:
    return pl.lit(start) + pl.duration(days=offset)


def _area(seed: int) -> list[pl.Expr]:
    village = _rand(seed, VILLAGES)
    return [
        (pl.lit("镇") + (village % TOWNSHIPS).cast(pl.String).str.zfill(2)).alias("township"),
        (pl.lit("村") + village.cast(pl.String).str.zfill(3)).alias("village"),
    ]


def _rows(n: int) -> pl.DataFrame:
    return pl.DataFrame({"i": pl.int_range(0, n, eager=True)})


def generate(persons: int) -> dict[str, pl.DataFrame]:
    """Pseudo-random register tables of a county of ``persons`` persons (not timed)."""
    scale = persons / 513_000
    births = int(4_651 * scale)
    deaths = int(3_740 * scale)
    year_start = datetime.date(YEAR, 1, 1)
    people = (
        _rows(persons)
        .select(
            pl.col("i").alias("person_id"),
            *_area(1),
            pl.when(_rand(2, 2) == 0).then(pl.lit("male")).otherwise(pl.lit("female")).alias("sex"),
            _day(datetime.date(1920, 1, 1), _rand(3, 32_000)).alias("birth_date"),
            pl.when(_rand(4, 100) < 2)
            .then(_day(datetime.date(2000, 1, 1), _rand(5, 3_600)))
            .otherwise(None)
            .alias("entry_date"),
            pl.when(_rand(6, 1000) < 12)
            .then(_day(datetime.date(2007, 1, 1), _rand(7, 1_000)))
            .otherwise(None)
            .alias("exit_date"),
            (_rand(8, 100) < 97).alias("registered"),
            (_rand(9, 100) < 95).alias("resident"),
            pl.col("i")
            .hash(10)
            .mod(10)
            .cast(pl.Int64)
            .replace_strict(
                list(range(10)),
                ["single"] * 3 + ["married"] * 5 + ["widowed", "divorced"],
                return_dtype=pl.String,
            )
            .alias("marital_status"),
            (_rand(11, 100) < 5).alias("menopausal"),
            (_rand(12, 100) < 2).alias("infertile"),
            (_rand(13, 100) < 90).alias("contraception"),
        )
        .with_columns(  # nobody enters before birth or leaves before entering
            pl.when(pl.col("entry_date").is_null())
            .then(None)
            .otherwise(pl.max_horizontal("birth_date", "entry_date"))
            .alias("entry_date"),
        )
    )
    people = people.with_columns(
        pl.when(pl.col("exit_date").is_null())
        .then(None)
        .otherwise(pl.max_horizontal("exit_date", pl.coalesce("entry_date", "birth_date")))
        .alias("exit_date")
    )
    birth_rows = _rows(births).select(
        pl.col("i").alias("birth_id"),
        *_area(21),
        _day(year_start, _rand(22, 366)).alias("date"),
        pl.when(_rand(23, 1000) < 5)
        .then(pl.lit("stillbirth"))
        .otherwise(pl.lit("live"))
        .alias("outcome"),
        pl.when(_rand(24, 100) < 51).then(pl.lit("male")).otherwise(pl.lit("female")).alias("sex"),
        (_rand(25, 3) + 1).alias("order"),
        (_rand(26, 1000) < 998).alias("in_policy"),
        (_rand(27, 1000) < 4).alias("defect"),
        _day(datetime.date(1965, 1, 1), _rand(28, 9_000)).alias("mother_birth_date"),
        pl.lit(True).alias("registered"),
        (_rand(29, 100) < 96).alias("resident"),
    )
    death_rows = _rows(deaths).select(
        pl.col("i").alias("person_id"),
        *_area(31),
        _day(year_start, _rand(32, 366)).alias("date"),
        pl.lit(True).alias("registered"),
        (_rand(33, 100) < 96).alias("resident"),
    )
    survey = _rows(1_000).select(
        pl.col("i").alias("respondent_id"),
        *_area(41),
        _day(datetime.date(YEAR, 10, 1), _rand(42, 30)).alias("date"),
        pl.when(_rand(43, 1000) < 10)
        .then(None)
        .otherwise(_rand(44, 1000) < 962)
        .alias("satisfied"),
    )
    archives = _rows(90).select(
        pl.col("i").alias("family_id"), *_area(51), pl.lit(YEAR).alias("year"), archived=True
    )
    staff = _rows(1_180).select(
        pl.col("i").alias("staff_id"),
        *_area(61),
        pl.lit(YEAR).alias("year"),
        pl.when(_rand(62, 100) < 47)
        .then(pl.lit("senior_high"))
        .otherwise(pl.lit("junior_high"))
        .alias("education"),
    )
    training = _rows(3_000).select(
        _rand(71, 20).alias("session_id"),
        _rand(72, 1_180).alias("staff_id"),
        _day(year_start, _rand(73, 366)).alias("date"),
    )
    return {
        "persons": people,
        "births": birth_rows,
        "deaths": death_rows,
        "survey": survey,
        "archives": archives,
        "staff": staff,
        "training": training,
    }


def _median(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=513_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    tables = generate(args.persons)
    register = Register(county="五莲县", **tables)
    compute_indicators(register, year=YEAR, by="township")  # warm-up
    check = _median(args.runs, lambda: Register(county="五莲县", **tables))
    by_township = _median(args.runs, lambda: compute_indicators(register, year=YEAR, by="township"))
    by_village = _median(args.runs, lambda: compute_indicators(register, year=YEAR, by="village"))
    result = compute_indicators(register, year=YEAR, by="township")
    county = {i.key: i.shown() for i in result if i.area == "五莲县"}
    print(
        f"register: {args.persons:,} persons, {tables['births'].height:,} births, "
        f"{tables['deaths'].height:,} deaths; polars {pl.__version__}; "
        f"{len(result)} indicators by township; median of {args.runs} runs"
    )
    print(f"check (build Register):        {check * 1000:8.1f} ms")
    print(
        f"indicators by township:        {by_township * 1000:8.1f} ms  "
        f"({by_township / TARGET_S:.2f} x the {TARGET_S:.0f} s target)"
    )
    print(f"indicators by village:         {by_village * 1000:8.1f} ms")
    print(
        "county: birth rate {crude_birth_rate}, death rate {crude_death_rate}, "
        "growth {natural_growth_rate}, TFR {total_fertility_rate}".format(**county)
    )


if __name__ == "__main__":
    main()
