"""Reduce a register to counts by area, and compute its indicators for a year.

Every table is reduced in the same way. First the row-level counts are computed over
the whole table, as booleans and small integers. Then they are summed by area, which
is polars' fast path. Larger areas add up their parts'
:class:`~fpcore.indicators.Counts`.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from fpcore.errors import InvalidInput
from fpcore.indicators._counts import (
    FERTILITY_AGE_GROUPS,
    Counts,
    IndicatorSettings,
    indicators_from_counts,
    sum_counts,
)
from fpcore.indicators._register import (
    HIGH_SCHOOL_OR_MORE,
    AreaKey,
    Level,
    Register,
)
from fpcore.indicators._result import Indicator, PopulationBasis
from fpcore.periods import Year

if TYPE_CHECKING:
    import polars as pl


def _age(birth: pl.Expr, on: pl.Expr | datetime.date) -> pl.Expr:
    """Age in completed years (周岁) on a day; born 29 Feb ages on 1 March in common years."""
    import polars as pl

    on_expr = pl.lit(on) if isinstance(on, datetime.date) else on
    birth_md = birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    on_md = on_expr.dt.month().cast(pl.Int32) * 100 + on_expr.dt.day().cast(pl.Int32)
    years = on_expr.dt.year().cast(pl.Int32) - birth.dt.year().cast(pl.Int32)
    return years - (on_md < birth_md).cast(pl.Int32)


def _age_group(age: pl.Expr, group: int) -> pl.Expr:
    g = FERTILITY_AGE_GROUPS[group]
    return (age >= g.first) & (age <= g.last)


def _keys(level: Level) -> list[str]:
    return ["township", "village"] if level == "village" else ["township"]


def _grouped(
    frame: pl.DataFrame, level: Level, columns: list[pl.Expr], *, rows_as: str = ""
) -> dict[AreaKey, dict[str, int]]:
    """Sum row-level count columns (booleans or counts) by area.

    The row-level columns are computed over the whole table first and only then
    summed by group: a plain sum per group is polars' fast path, much faster than
    evaluating each conditional expression inside the aggregation.
    """
    import polars as pl

    keys = _keys(level)
    rows = frame.select(*keys, *(c.cast(pl.Int64) for c in columns))
    totals = [pl.all().sum()]
    if rows_as:  # rows per area: pl.len() belongs in the aggregation, not the select
        totals.append(pl.len().alias(rows_as))
    out = rows.group_by(keys).agg(totals)
    names = [c for c in out.columns if c not in keys]
    result: dict[AreaKey, dict[str, int]] = {}
    for row in out.iter_rows():
        key = tuple(row[: len(keys)])
        result[key] = {n: int(v) for n, v in zip(names, row[len(keys) :], strict=True)}
    return result


def _persons(frame: pl.DataFrame, year: int, level: Level) -> dict[AreaKey, dict[str, int]]:
    import polars as pl

    moments = {
        "start": datetime.date(year - 1, 12, 31),
        "end": datetime.date(year, 12, 31),
        "mid": datetime.date(year, 6, 30),
    }
    # Stage 1: per person, whether present at each moment and the age then (computed
    # once, so the many counts below are cheap comparisons of small integer columns).
    birth_year = pl.col("birth_date").dt.year().cast(pl.Int32)
    birth_md = pl.col("birth_date").dt.month().cast(pl.Int32) * 100 + pl.col(
        "birth_date"
    ).dt.day().cast(pl.Int32)
    stage: list[pl.Expr] = [
        *(pl.col(k) for k in _keys(level)),
        (pl.col("sex") == "female").alias("female"),
        (
            (pl.col("marital_status") == "married") & ~pl.col("menopausal") & ~pl.col("infertile")
        ).alias("may_conceive"),
        pl.col("contraception").is_not_null().alias("recorded"),
        pl.col("contraception").fill_null(False),
    ]
    for label, day in moments.items():
        stage.append(
            (
                (pl.col("birth_date") <= day)
                & (pl.col("entry_date").is_null() | (pl.col("entry_date") <= day))
                & (pl.col("exit_date").is_null() | (pl.col("exit_date") > day))
            ).alias(f"present_{label}")
        )
        md = day.month * 100 + day.day
        stage.append((day.year - birth_year - (birth_md > md).cast(pl.Int32)).alias(f"age_{label}"))
    people = frame.select(stage)
    # Stage 2: the row-level counts.
    female = pl.col("female")
    exprs: list[pl.Expr] = []
    for label in moments:
        present = pl.col(f"present_{label}")
        age = pl.col(f"age_{label}")
        exprs.append(present.alias(f"population_{label}"))
        for g in range(len(FERTILITY_AGE_GROUPS)):
            exprs.append((present & female & _age_group(age, g)).alias(f"women_{label}_{g}"))
        if label == "end":
            eligible = (
                present
                & female
                & (age >= 15)
                & (age <= 49)
                & pl.col("may_conceive")
                & pl.col("recorded")
            )
            exprs.append(eligible.alias("contraception_eligible"))
            exprs.append((eligible & pl.col("contraception")).alias("contraception_users"))
    return _grouped(people, level, exprs)


def _in_year(column: str, year: int) -> pl.Expr:
    import polars as pl

    return pl.col(column).dt.year() == year


def _births(frame: pl.DataFrame, year: int, level: Level) -> dict[AreaKey, dict[str, int]]:
    import polars as pl

    frame = frame.filter(_in_year("date", year))
    live = pl.col("outcome") == "live"
    still = pl.col("outcome") == "stillbirth"
    order = pl.col("order")
    policy = pl.col("in_policy")
    mother_age = _age(pl.col("mother_birth_date"), pl.col("date"))
    exprs = [
        live.alias("live_births"),
        still.alias("stillbirths"),
        (live & policy).alias("policy_births"),
        (live & (order == 2)).alias("second_births"),
        (live & (order == 2) & policy).alias("policy_second_births"),
        (live & (order >= 3) & ~policy).alias("out_of_policy_multi_births"),
        (live & (pl.col("sex") == "male")).alias("male_births"),
        (live & (pl.col("sex") == "female")).alias("female_births"),
        (live & pl.col("defect")).alias("defects_live"),
        (still & pl.col("defect")).alias("defects_stillborn"),
    ]
    for g in range(len(FERTILITY_AGE_GROUPS)):
        in_group = _age_group(mother_age, g).fill_null(False)  # mother's age unknown
        exprs.append((live & in_group).alias(f"births_by_age_{g}"))
    return _grouped(frame, level, exprs)


def _deaths(frame: pl.DataFrame, year: int, level: Level) -> dict[AreaKey, dict[str, int]]:

    frame = frame.filter(_in_year("date", year))
    return _grouped(frame, level, [], rows_as="deaths")


def _survey(frame: pl.DataFrame, year: int, level: Level) -> dict[AreaKey, dict[str, int]]:
    import polars as pl

    frame = frame.filter(_in_year("date", year))
    return _grouped(
        frame,
        level,
        [
            pl.col("satisfied").is_not_null().alias("survey_valid"),
            pl.col("satisfied").fill_null(False).alias("survey_satisfied"),
        ],
    )


def _archives(frame: pl.DataFrame, year: int, level: Level) -> dict[AreaKey, dict[str, int]]:
    import polars as pl

    frame = frame.filter(pl.col("year") == year)
    return _grouped(
        frame,
        level,
        [pl.col("archived").alias("archived")],
        rows_as="archive_families",
    )


def _staff(
    staff: pl.DataFrame, training: pl.DataFrame | None, year: int, level: Level
) -> dict[AreaKey, dict[str, int]]:
    import polars as pl

    staff = staff.filter(pl.col("year") == year)
    if training is None:
        attended = pl.DataFrame(
            {"staff_id": [], "times": []}, schema={"staff_id": pl.Int64, "times": pl.UInt32}
        )
    else:
        attended = (
            training.filter(_in_year("date", year))
            .group_by("staff_id")
            .agg(pl.len().alias("times"))
        )
    staff = staff.join(attended, on="staff_id", how="left").with_columns(
        pl.col("times").fill_null(0)
    )
    return _grouped(
        staff,
        level,
        [
            pl.col("education").is_in(list(HIGH_SCHOOL_OR_MORE)).alias("staff_qualified"),
            (pl.col("times") > 0).alias("staff_trained"),
            pl.col("times").alias("training_person_times"),
        ],
        rows_as="staff",
    )


def _check_year(year: object) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise InvalidInput(f"{year!r} is not a year (expected e.g. 2008)", path="year")
    return year


def _check_level(by: object) -> Level:
    if by not in ("county", "township", "village"):
        raise InvalidInput(f"{by!r} is not county, township or village", path="by")
    return by


def register_counts(
    register: Register,
    *,
    year: int,
    basis: PopulationBasis = PopulationBasis.REGISTERED,
    by: Level = "township",
) -> dict[AreaKey, Counts]:
    """Reduce a register to one :class:`Counts` per area of the finest level asked for.

    ``by="county"`` and ``by="township"`` give one entry per township, ``by="village"``
    one per village; keys are ``(township,)`` or ``(township, village)``. Persons,
    births and deaths are counted on ``basis`` (their ``registered`` or ``resident``
    column); survey, archive and staff tables have no basis.

    Raises:
        InvalidInput: a bad year or level.
    """
    import polars as pl

    year = _check_year(year)
    level: Level = "township" if _check_level(by) == "county" else by
    flag = pl.col(basis.value)
    parts: list[dict[AreaKey, dict[str, int]]] = [
        _persons(register.persons.filter(flag), year, level)
    ]
    if register.births is not None:
        parts.append(_births(register.births.filter(flag), year, level))
    if register.deaths is not None:
        parts.append(_deaths(register.deaths.filter(flag), year, level))
    if register.survey is not None:
        parts.append(_survey(register.survey, year, level))
    if register.archives is not None:
        parts.append(_archives(register.archives, year, level))
    if register.staff is not None:
        parts.append(_staff(register.staff, register.training, year, level))
    merged: dict[AreaKey, dict[str, int]] = {}
    for part in parts:
        for key, values in part.items():
            merged.setdefault(key, {}).update(values)
    return {key: _to_counts(values, basis) for key, values in sorted(merged.items())}


def _to_counts(values: dict[str, int], basis: PopulationBasis) -> Counts:
    groups = range(len(FERTILITY_AGE_GROUPS))
    ages: dict[str, tuple[int, ...]] = {}
    for prefix in ("women_start", "women_end", "women_mid", "births_by_age"):
        ages[prefix] = tuple(values.pop(f"{prefix}_{g}", 0) for g in groups)
    return Counts(basis=basis, **values, **ages)  # type: ignore[arg-type]


def area_label(county: str, key: AreaKey) -> str:
    """The label of an area: ``county``, ``county/township`` or ``county/township/village``."""
    return "/".join((county, *key))


def compute_indicators(
    register: Register,
    *,
    year: int,
    by: Level = "township",
    basis: PopulationBasis = PopulationBasis.REGISTERED,
    settings: IndicatorSettings | None = None,
) -> tuple[Indicator, ...]:
    """Every indicator of a year for the county and each area down to ``by``.

    The county comes first, then each township (sorted by name) followed, when
    ``by="village"``, by its villages. Every larger area's indicators are computed
    from the sum of its parts' counts (sum of numerators over sum of denominators).

    Raises:
        InvalidInput: a bad year or level.

    Example:
        >>> from fpcore.indicators import read_register
        >>> reg = read_register("tests/indicators/data/register")
        >>> result = compute_indicators(reg, year=2008, by="township")
        >>> [(i.area, i.shown()) for i in result if i.key == "sex_ratio_at_birth"]
        [('示例县', '150.00:100'), ('示例县/东镇', '200.00:100'), ('示例县/西镇', '100.00:100')]
    """
    level = _check_level(by)
    period = Year(_check_year(year))
    counts = register_counts(register, year=year, basis=basis, by=level)
    out: list[Indicator] = []

    def emit(key: AreaKey, c: Counts) -> None:
        out.extend(
            indicators_from_counts(
                c, period=period, area=area_label(register.county, key), settings=settings
            )
        )

    emit((), sum_counts(counts.values(), basis=basis))
    if level == "county":
        return tuple(out)
    townships = sorted({key[0] for key in counts})
    for township in townships:
        parts = {k: c for k, c in counts.items() if k[0] == township}
        emit((township,), sum_counts(parts.values(), basis=basis))
        if level == "village":
            for key, c in parts.items():
                emit(key, c)
    return tuple(out)


def training_activity(register: Register, *, year: int, by: Level = "township") -> pl.DataFrame:
    """Training sessions and person-times (培训期次, 人次) of a year, by area.

    Counts the attendances dated in the year of the staff on that year's roll, placed
    in their staff member's area. ``sessions`` is the number of distinct sessions
    attended in the area, so townships' sessions need not add up to the county's
    (one session may train staff of several townships); ``person_times`` adds up.
    Columns: ``area``, ``level``, ``township``, ``village``, ``sessions``,
    ``person_times`` (integers), the county first.

    Example:
        >>> from fpcore.indicators import read_register
        >>> reg = read_register("tests/indicators/data/register")
        >>> for row in training_activity(reg, year=2008).rows():
        ...     print(row)
        ('示例县', 'county', None, None, 2, 3)
        ('示例县/东镇', 'township', '东镇', None, 2, 2)
        ('示例县/西镇', 'township', '西镇', None, 1, 1)
    """
    import polars as pl

    level = _check_level(by)
    year = _check_year(year)
    empty = {"session_id": pl.Int64, "township": pl.String, "village": pl.String}
    if register.staff is None or register.training is None:
        attended = pl.DataFrame(schema=empty)
    else:
        staff = register.staff.filter(pl.col("year") == year).select(
            "staff_id", "township", "village"
        )
        attended = (
            register.training.filter(_in_year("date", year))
            .join(staff, on="staff_id", how="inner")
            .select(*empty)
        )
    levels: list[tuple[str, list[str]]] = [("county", [])]
    if level != "county":
        levels.append(("township", ["township"]))
    if level == "village":
        levels.append(("village", ["township", "village"]))
    rows: list[tuple[str, str, str | None, str | None, int, int]] = []
    for name, keys in levels:
        aggs = [pl.col("session_id").n_unique().alias("sessions"), pl.len().alias("times")]
        grouped = attended.group_by(keys).agg(aggs) if keys else attended.select(aggs)
        for row in grouped.iter_rows(named=True):
            key = tuple(row[k] for k in keys)
            rows.append(
                (
                    area_label(register.county, key),
                    name,
                    row.get("township"),
                    row.get("village"),
                    int(row["sessions"]),
                    int(row["times"]),
                )
            )
    rows.sort(key=lambda r: (r[2] or "", r[3] or ""))
    return pl.DataFrame(
        rows,
        schema={
            "area": pl.String,
            "level": pl.String,
            "township": pl.String,
            "village": pl.String,
            "sessions": pl.Int64,
            "person_times": pl.Int64,
        },
        orient="row",
    )
