"""Policy what-ifs over a population: two policies side by side, who gains, who pays.

``compare(population, base, reform, period, by=...)`` evaluates both policies with the
batch evaluator and lines them up per beneficiary, then sums by benefit, payer,
township, village or year: beneficiaries under each, amounts, the change, how many
gain or lose and a few of their household ids. :func:`gainers_losers` lists every
beneficiary whose amount changed with the reason; :func:`cost_curve` sweeps a money
parameter over values. Amounts are exact (whole fen; ``Decimal(18, 2)`` columns for
display); results are polars frames (``.to_pandas()`` with the ``analysis`` extra).

Example:
    >>> from fpcore.periods import Year
    >>> from fpcore.policies import get
    >>> from fpcore.rules import Population
    >>> from fpcore.synth import synthetic_county
    >>> population = Population(synthetic_county(households=2_000, seed=1).tables())
    >>> base = get("county")
    >>> reform = base.with_setting("only_child_reward_last_month", "month_before")
    >>> table = compare(population, base, reform, Year(year=2008))
    >>> table.select("benefit", "change_fen", "gainers", "losers").rows()[1:]
    [('reward_assistance', 0, 0, 0), ('special_assistance', 0, 0, 0)]
    >>> ocr = table.row(0, named=True)
    >>> ocr["benefit"], ocr["change_fen"] < 0, ocr["gainers"], ocr["losers"] > 0
    ('only_child_reward', True, 0, True)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import pendulum
import polars as pl

from fpcore.distributed._dataset import Dataset
from fpcore.errors import InvalidInput, ParameterNotInForce
from fpcore.money import Money, allocate
from fpcore.periods import Month, MonthSpan, Period, Year
from fpcore.rules import EntitlementTables, Policy, Population
from fpcore.rules._expr import SettingRef
from fpcore.rules._parameters import render_value
from fpcore.rules._shared import Combined, evaluate_combined

if TYPE_CHECKING:
    from fpcore.model import County
    from fpcore.projection import Projection

__all__ = [
    "GROUPINGS",
    "UNASSIGNED",
    "Comparison",
    "Grouping",
    "benefit_changes",
    "compare",
    "cost_curve",
    "entitlement_lines",
    "gainers_losers",
]

Grouping = Literal["benefit", "payer", "township", "village", "year"]
"""What a comparison can be summed by."""

GROUPINGS: tuple[Grouping, ...] = ("benefit", "payer", "township", "village", "year")

UNASSIGNED = "unassigned"
"""The payer of an amount whose benefit has no cost shares in force on the day."""

_KEYS = ["entity", "beneficiary_id", "household_id", "benefit"]
_PLACES = ["township", "village"]


def entitlement_lines(
    policy: Policy,
    population: Population,
    period: Period,
    *,
    result: EntitlementTables | None = None,
) -> pl.DataFrame:
    """One row per beneficiary and benefit over the period: ``entity`` (person or
    household), ``beneficiary_id``, ``household_id``, ``benefit``, ``months``, ``fen``,
    with the household's ``township`` and ``village``; ``result`` is the policy's
    evaluation when it is already made."""
    result = policy.evaluate_table(population, period) if result is None else result
    persons = result.persons.select(
        pl.lit("person").alias("entity"),
        pl.col("person_id").alias("beneficiary_id"),
        "household_id",
        "benefit",
        "months",
        pl.col("amount_fen").alias("fen"),
    )
    households = result.households.select(
        pl.lit("household").alias("entity"),
        pl.col("household_id").alias("beneficiary_id"),
        "household_id",
        "benefit",
        "months",
        pl.col("amount_fen").alias("fen"),
    )
    places = population.households.select("household_id", "township", "village")
    return pl.concat([persons, households]).join(places, on="household_id", how="left")


def _yuan(column: str) -> pl.Expr:
    return (pl.col(column).cast(pl.Decimal(18, 2)) / 100).cast(pl.Decimal(18, 2))


def _population(population: Population | Projection, period: Period) -> Population:
    """The tables to evaluate ``period`` on (a projection's, checked against its horizon)."""
    if isinstance(population, Population):
        return population
    return population.population_for(period.last_month.year)


def year_parts(period: Period) -> list[tuple[int, Period]]:
    """The period cut at each new year: ``(year, part)`` in order (one part for a
    period within a year).

    >>> from fpcore.periods import parse_period
    >>> [(y, str(p)) for y, p in year_parts(parse_period("2016-07..2018-02"))]
    [(2016, '2016-07..2016-12'), (2017, '2017'), (2018, '2018-01..2018-02')]
    """
    first, last = period.first_month, period.last_month
    if first.year == last.year:
        return [(first.year, period)]
    parts: list[tuple[int, Period]] = []
    for year in range(first.year, last.year + 1):
        a = first if year == first.year else Month(year=year, month=1)
        b = last if year == last.year else Month(year=year, month=12)
        whole = a.month == 1 and b.month == 12
        parts.append((year, Year(year=year) if whole else MonthSpan(first=a, last=b)))
    return parts


_ENTITIES = ("person", "household")
_ID = {"person": "person_id", "household": "household_id"}


@attrs.frozen(eq=False)
class _Block:
    """The lines of one benefit and entity in one year: a beneficiary each (``ids``),
    its household, and what each policy pays (``a`` and ``b`` fen, with months).
    ``shared``: the benefit's rules agree, its rows are the same rows for both
    policies (``a`` is ``b``), and nothing was lined up."""

    entity: int
    benefit: str
    ids: np.ndarray
    households: np.ndarray
    a: np.ndarray
    b: np.ndarray
    a_months: np.ndarray
    b_months: np.ndarray
    shared: bool


@attrs.frozen(eq=False)
class _Part:
    """One year's blocks, and the population they were evaluated on (its places)."""

    year: int
    population: Population
    blocks: tuple[_Block, ...]


_Rows = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""A benefit's rows of one entity: ids, households, fen, months."""


def _runs(benefit: pl.Series) -> dict[str, list[tuple[int, int]]] | None:
    """The row ranges of each value: each chunk when each holds one value (checked), else
    the runs of equal values when there are few; None when the values are mixed."""
    if benefit.null_count():
        return None
    spans: dict[str, list[tuple[int, int]]] = {}
    start = 0
    for n in benefit.chunk_lengths():
        if n:
            part = benefit.slice(start, n)
            first = part[0]
            if not (part == first).all():
                break
            spans.setdefault(first, []).append((start, start + n))
        start += n
    else:
        return spans
    runs = benefit.rle().struct.unnest()
    if runs.height > 256:
        return None
    spans, start = {}, 0
    for n, value in runs.iter_rows():
        spans.setdefault(value, []).append((start, start + n))
        start += n
    return spans


def _rows_by_benefit(frame: pl.DataFrame, key: str) -> dict[str, _Rows]:
    """The rows of each benefit as integer arrays. The batch evaluator writes a
    benefit's rows as one run: runs are found by checking each chunk holds one
    benefit (each column's run read without a copy); otherwise rows are picked by name."""
    if frame.height == 0:
        return {}
    names = (key, "household_id", "amount_fen", "months")
    benefit = frame["benefit"]
    spans = _runs(benefit)
    if spans is None:
        columns = [frame[c].cast(pl.Int64).to_numpy() for c in names]
        found: dict[str, _Rows] = {}
        for name in benefit.drop_nulls().unique().to_list():
            at = np.flatnonzero((benefit == name).fill_null(False).to_numpy())
            found[name] = (columns[0][at], columns[1][at], columns[2][at], columns[3][at])
        return found

    def run(column: str, ranges: list[tuple[int, int]]) -> np.ndarray:
        values = frame[column].cast(pl.Int64)
        cuts = [values.slice(lo, hi - lo).to_numpy() for lo, hi in ranges]
        return cuts[0] if len(cuts) == 1 else np.concatenate(cuts)

    return {
        name: (run(names[0], r), run(names[1], r), run(names[2], r), run(names[3], r))
        for name, r in spans.items()
    }


def _increasing(values: np.ndarray) -> bool:
    return bool((values[1:] > values[:-1]).all())


def _lined_up(entity: int, benefit: str, a: _Rows | None, b: _Rows | None) -> _Block:
    """One benefit's rows under each policy lined up by beneficiary (and household):
    absent lines pay 0. The same beneficiaries in the same order (a reform of an
    amount) line up as they are; sorted keys by a binary search; else a join."""
    empty = np.zeros(0, dtype=np.int64)
    ia, ha, fa, ma = a if a is not None else (empty, empty, empty, empty)
    ib, hb, fb, mb = b if b is not None else (empty, empty, empty, empty)

    def block(
        ids: np.ndarray,
        homes: np.ndarray,
        a: np.ndarray,
        b: np.ndarray,
        am: np.ndarray,
        bm: np.ndarray,
    ) -> _Block:
        return _Block(entity, benefit, ids, homes, a, b, am, bm, shared=False)

    if np.array_equal(ia, ib) and np.array_equal(ha, hb):
        return block(ia, ha, fa, fb, ma, mb)
    if _increasing(ia) and _increasing(ib):
        at = np.searchsorted(ia, ib)
        found = at < ia.size
        found[found] = ia[at[found]] == ib[found]
        if np.array_equal(ha[at[found]], hb[found]):
            new = ~found
            b_fen, b_months = np.zeros(ia.size, np.int64), np.zeros(ia.size, np.int64)
            b_fen[at[found]], b_months[at[found]] = fb[found], mb[found]
            zeros = np.zeros(int(new.sum()), np.int64)
            return block(
                np.concatenate([ia, ib[new]]),
                np.concatenate([ha, hb[new]]),
                np.concatenate([fa, zeros]),
                np.concatenate([b_fen, fb[new]]),
                np.concatenate([ma, zeros]),
                np.concatenate([b_months, mb[new]]),
            )
    keys = ["id", "household_id"]
    left = pl.DataFrame({"id": ia, "household_id": ha, "a": fa, "a_months": ma})
    right = pl.DataFrame({"id": ib, "household_id": hb, "b": fb, "b_months": mb})
    both = left.join(right, on=keys, how="full", coalesce=True).fill_null(0)
    ids, homes, a_fen, b_fen, a_months, b_months = (
        both[c].to_numpy() for c in (*keys, "a", "b", "a_months", "b_months")
    )
    return block(ids, homes, a_fen, b_fen, a_months, b_months)


def _blocks(combined: Combined, i: int, j: int) -> tuple[_Block, ...]:
    """Policy ``i`` (a) against policy ``j`` (b) per benefit and entity: the benefits
    both share as they are, the others lined up beneficiary by beneficiary."""
    mine, theirs = combined.benefits[i], combined.benefits[j]
    tables = combined.tables
    blocks: list[_Block] = []
    for entity, frame in enumerate((tables.persons, tables.households)):
        sides: dict[str, list[_Rows | None]] = {}
        for name, rows in _rows_by_benefit(frame, _ID[_ENTITIES[entity]]).items():
            in_a, in_b = mine.get(name), theirs.get(name)
            if in_a is not None and in_a == in_b:
                ids, homes, fen, months = rows
                blocks.append(_Block(entity, in_a, ids, homes, fen, fen, months, months, True))
                continue
            if in_a is not None:
                sides.setdefault(in_a, [None, None])[0] = rows
            if in_b is not None:
                sides.setdefault(in_b, [None, None])[1] = rows
        for benefit, (a, b) in sorted(sides.items()):
            blocks.append(_lined_up(entity, benefit, a, b))
    return tuple(b for b in blocks if b.ids.size)


def _parts(
    population: Population | Projection,
    policies: Sequence[Policy],
    period: Period,
    *,
    progress: Callable[[int], object] | None = None,
) -> list[list[_Part]]:
    """The first policy against each other, year part by year part (one evaluation
    of all the policies for each part): one list of parts per other policy."""
    out: list[list[_Part]] = [[] for _ in policies[1:]]
    for year, part in year_parts(period):
        tables = _population(population, part)
        combined = evaluate_combined(tables, policies, part)
        for n, parts in enumerate(out, start=1):
            parts.append(_Part(year=year, population=tables, blocks=_blocks(combined, 0, n)))
        if progress is not None:
            progress(year)
    return out


def _places(frame: pl.DataFrame, population: Population, columns: Sequence[str]) -> pl.DataFrame:
    """``frame`` with its households' ``columns`` (township, village): each household's
    place code picked by row when households are keyed ``0..n-1`` (:func:`_place_codes`),
    else joined."""
    if not columns:
        return frame
    households = population.households
    homes = frame["household_id"].to_numpy()
    if population.is_dense("households", "household_id") and (
        homes.size == 0 or (int(homes.min()) >= 0 and int(homes.max()) < households.height)
    ):
        picked = []
        for column in columns:
            coded = _place_codes(population, [column])
            assert coded is not None  # the households are keyed 0..n-1
            codes, decoded = coded
            names = pl.Series(column, [d[0] for d in decoded], dtype=pl.String)
            picked.append(names.gather(codes[homes]).cast(households.schema[column]))
        return frame.with_columns(picked)
    places = households.select("household_id", *columns)
    return frame.join(places, on="household_id", how="left")


def _line_frame(
    parts: Sequence[_Part], places: Sequence[str], *, changed_only: bool = False
) -> pl.DataFrame:
    """The lines as a frame: ``entity`` (0 person, 1 household), ``beneficiary_id``,
    ``household_id``, ``benefit``, the ``places``, ``a``, ``a_months``, ``b``,
    ``b_months``, ``year``; ``changed_only`` leaves out the benefits both share."""
    frames = []
    for part in parts:
        blocks = [b for b in part.blocks if not (changed_only and b.shared)]
        if not blocks:
            continue

        def stacked(field: str, blocks: list[_Block] = blocks) -> np.ndarray:
            return np.concatenate([getattr(b, field) for b in blocks])

        names = sorted({b.benefit for b in blocks})
        code = {n: i for i, n in enumerate(names)}
        frame = pl.DataFrame(
            {
                "entity": np.concatenate([np.full(b.ids.size, b.entity, np.int8) for b in blocks]),
                "beneficiary_id": stacked("ids"),
                "household_id": stacked("households"),
                "benefit": np.concatenate(
                    [np.full(b.ids.size, code[b.benefit], np.int32) for b in blocks]
                ),
                "a": stacked("a"),
                "a_months": stacked("a_months"),
                "b": stacked("b"),
                "b_months": stacked("b_months"),
            }
        ).with_columns(
            pl.col("benefit").replace_strict(list(code.values()), names, return_dtype=pl.String),
            pl.lit(part.year, dtype=pl.Int64).alias("year"),
        )
        frames.append(_places(frame, part.population, places))
    if not frames:
        schema: dict[str, Any] = {
            "entity": pl.Int8,
            "beneficiary_id": pl.Int64,
            "household_id": pl.Int64,
            "benefit": pl.String,
            **dict.fromkeys(places, pl.String),
            **dict.fromkeys(("a", "a_months", "b", "b_months", "year"), pl.Int64),
        }
        return pl.DataFrame(schema=schema)
    columns = ["entity", "beneficiary_id", "household_id", "benefit", *places]
    rest = ["a", "a_months", "b", "b_months", "year"]
    return pl.concat(frames, how="vertical_relaxed").select(*columns, *rest)


_TALLIES = ("base_beneficiaries", "reform_beneficiaries", "gainers", "losers")
_SAMPLES = ("gainer_households", "loser_households")


def _tallies(samples: int) -> list[pl.Expr]:
    """Per group of lines: beneficiaries under each policy, gainers, losers, a few of
    their households (the smallest ids) and the amounts ``a`` and ``b``."""
    gain, lose = pl.col("b") > pl.col("a"), pl.col("b") < pl.col("a")

    def sample(mask: pl.Expr) -> pl.Expr:
        return pl.col("household_id").filter(mask).unique().sort().head(samples)

    return [
        (pl.col("a") != 0).sum().cast(pl.Int64).alias("base_beneficiaries"),
        (pl.col("b") != 0).sum().cast(pl.Int64).alias("reform_beneficiaries"),
        gain.sum().cast(pl.Int64).alias("gainers"),
        lose.sum().cast(pl.Int64).alias("losers"),
        sample(gain).alias("gainer_households"),
        sample(lose).alias("loser_households"),
        pl.col("a").sum().cast(pl.Int64).alias("a"),
        pl.col("b").sum().cast(pl.Int64).alias("b"),
    ]


def _smallest(values: np.ndarray, k: int) -> list[int]:
    """The ``k`` smallest distinct values, ascending."""
    if k == 0 or values.size == 0:
        return []
    if values.size > 1024 and bool((values[1:] >= values[:-1]).all()):
        # sorted (households follow persons): the smallest are at the start
        head = np.unique(values[: 64 * k])
        if head.size >= k:
            return [int(v) for v in head[:k]]
    if k > 8 or values.size <= 1024:
        return [int(v) for v in np.unique(values)[:k]]
    out: list[int] = []
    rest = values
    while len(out) < k and rest.size:
        low = rest.min()
        out.append(int(low))
        rest = rest[rest > low]
    return out


_SUMMARY_SCHEMA: dict[str, Any] = {
    "year": pl.Int64,
    "benefit": pl.String,
    **dict.fromkeys(_TALLIES, pl.Int64),
    **dict.fromkeys(_SAMPLES, pl.List(pl.Int64)),
    "a": pl.Int64,
    "b": pl.Int64,
}


def _block_summary(parts: Sequence[_Part], samples: int) -> pl.DataFrame:
    """:func:`_tallies` per year, benefit and entity, straight from the blocks (a
    shared block has no gainer or loser and nothing to compare)."""
    rows: list[tuple[object, ...]] = []
    for part in parts:
        for block in part.blocks:
            a, b = block.a, block.b
            base_fen, base_n = int(a.sum()), int(np.count_nonzero(a))
            if block.shared:
                rows.append(
                    (part.year, block.benefit, base_n, base_n, 0, 0, [], [], base_fen, base_fen)
                )
                continue
            gain, lose = b > a, b < a
            rows.append(
                (
                    part.year,
                    block.benefit,
                    base_n,
                    int(np.count_nonzero(b)),
                    int(np.count_nonzero(gain)),
                    int(np.count_nonzero(lose)),
                    _smallest(block.households[gain], samples),
                    _smallest(block.households[lose], samples),
                    base_fen,
                    int(b.sum()),
                )
            )
    return pl.DataFrame(rows, schema=_SUMMARY_SCHEMA, orient="row")


def _grouping(by: Sequence[str]) -> list[str]:
    chosen = list(by) if not isinstance(by, str) else [by]
    bad = [b for b in chosen if b not in GROUPINGS]
    if not chosen or bad or len(set(chosen)) != len(chosen):
        raise InvalidInput(
            f"by={chosen!r}: choose one or more of {', '.join(GROUPINGS)}, each once", path="by"
        )
    return chosen


@functools.lru_cache(maxsize=8)
def _sample_county(villages_per_township: int) -> County:
    """:func:`fpcore.model.sample_county` (the default names), made once per size."""
    from fpcore.model import sample_county

    return sample_county(villages_per_township=villages_per_township)


def _place_names(frame: pl.DataFrame, by: Sequence[str], geography: County | None) -> list[pl.Expr]:
    """``township_name`` / ``village_name`` expressions for the place codes in ``by``."""
    wanted = [b for b in ("township", "village") if b in by]
    if not wanted:
        return []
    if geography is None:
        villages = frame["village"].drop_nulls().cast(pl.String) if "village" in frame else None
        per = 1
        if villages is not None and villages.len():
            suffix = villages.str.slice(9, 3).cast(pl.Int64, strict=False).drop_nulls()
            highest = suffix.max() if suffix.len() else None
            per = max(1, int(str(highest)) - 200) if highest is not None else 1
        geography = _sample_county(per)
    townships = {t.code: t.name for t in geography.townships}
    villages_named = {v.code: v.name for t in geography.townships for v in t.villages}
    names = {"township": townships, "village": villages_named}
    return [
        pl.col(place)
        .cast(pl.String)
        .replace_strict(names[place], default=None, return_dtype=pl.String)
        .alias(f"{place}_name")
        for place in wanted
    ]


def _ratios(
    policy: Policy, benefit: str, on: pendulum.Date, cache: dict[object, dict[str, int] | None]
) -> dict[str, int] | None:
    key = (id(policy), benefit, on)
    if key not in cache:
        from fpcore.policies.funding import payers

        named = payers(policy, benefit)
        found: dict[str, int] | None = None
        if named:
            try:
                found = {}
                for payer, parameter in named.items():
                    value = policy.parameters[parameter].at(on)
                    assert isinstance(value, int)  # the policy checks kinds when it loads
                    found[payer] = value
            except ParameterNotInForce:
                found = None
            if found is not None and not any(found.values()):
                found = None
        cache[key] = found
    return cache[key]


def _by_payer(
    money: pl.DataFrame, keys: list[str], base: Policy, reform: Policy, period: Period
) -> pl.DataFrame:
    """Split each row's ``a`` and ``b`` (one benefit, one year) among its payers by each
    policy's cost shares in force at the start of that year's part of the period,
    exactly (largest remainder, :func:`fpcore.money.allocate`)."""
    starts = {year: part.start for year, part in year_parts(period)}
    cache: dict[object, dict[str, int] | None] = {}
    rows: dict[tuple[object, ...], list[int]] = {}
    for row in money.iter_rows(named=True):
        on = starts[row["year"]]
        for column, policy in (("a", base), ("b", reform)):
            fen = int(row[column])
            if fen == 0:
                continue
            ratios = _ratios(policy, row["benefit"], on, cache)
            shares = (
                {UNASSIGNED: fen}
                if ratios is None
                else {p: m.fen for p, m in allocate(Money.from_fen(fen), ratios).items()}
            )
            for payer, part in shares.items():
                slot = rows.setdefault((*(row[k] for k in keys), payer), [0, 0])
                slot[0 if column == "a" else 1] += part
    schema = {k: money.schema[k] for k in keys} | {"payer": pl.String}
    return pl.DataFrame(
        [(*key, a, b) for key, (a, b) in rows.items()],
        schema={**schema, "a": pl.Int64, "b": pl.Int64},
        orient="row",
    )


def compare(
    population: Population | Projection | Dataset,
    base: Policy,
    reform: Policy,
    period: Period,
    *,
    by: Sequence[Grouping] = ("benefit",),
    geography: County | None = None,
    samples: int = 3,
    client: Any = None,
) -> pl.DataFrame:
    """The two policies side by side, summed by ``by`` (any of benefit, payer,
    township, village, year): ``Comparison.of(...).table(by)``.

    Columns: the ``by`` columns (with ``township_name`` / ``village_name`` after the
    codes, from ``geography``, by default :func:`fpcore.model.sample_county`'s names);
    ``base_beneficiaries`` and ``reform_beneficiaries`` (beneficiary lines paid anything);
    ``base_fen``, ``reform_fen`` and ``change_fen`` (exact, Int64 fen); ``gainers`` and
    ``losers`` (beneficiary lines paid more or less); ``base``, ``reform`` and ``change``
    in yuan as exact decimals; ``gainer_households`` and ``loser_households``, up to
    ``samples`` household ids each (the smallest). Rows sorted by ``by``.

    ``payer`` splits each benefit's amounts among the levels of government by the cost
    shares (``funding.<benefit>.<payer>``) of each policy in force on the first day of
    each year of the period (or of the period), exactly to the fen: a group's payer rows
    sum to its total. An amount whose benefit has no share in force is
    :data:`UNASSIGNED`. A payer row counts the beneficiaries of the benefits it pays.
    ``year`` cuts a period spanning several years at each new year
    (:func:`year_parts`). ``population`` may be a :class:`~fpcore.projection.Projection`
    for years past the tables' day.

    A partitioned dataset (:class:`fpcore.distributed.Dataset`) is compared one
    partition at a time, on the workers of a Dask ``client`` when one is given
    (:func:`fpcore.distributed.compare_dataset`: by benefit, township or village).

    Raises:
        InvalidInput: ``by`` is empty or names something else; a year after a
            projection's horizon; a ``client`` is given with a population (it runs the
            partitions of a dataset).
    """
    if isinstance(population, Dataset):
        from fpcore.distributed import compare_dataset

        return compare_dataset(base, reform, population, period, by=by, client=client)
    if client is not None:
        raise InvalidInput("client= runs the partitions of a dataset", path="client")
    _grouping(by)
    comparison = Comparison.of(population, base, reform, period, geography=geography)
    return comparison.table(by, samples=samples)


_NONE = np.iinfo(np.int64).max


def _place_codes(
    population: Population, places: Sequence[str]
) -> tuple[np.ndarray, list[tuple[str | None, ...]]] | None:
    """Each household row's place (its ``places`` values together) as a code, and each
    code's values; None unless the households are keyed ``0..n-1``. Kept in the
    population's cache of derived arrays."""
    if not population.is_dense("households", "household_id"):
        return None
    key = ("places", ",".join(places))
    cache = population._cache  # the population's own cache of derived arrays
    if key not in cache:
        households = population.households
        digits, names = [], []
        for column in places:
            values = households[column].cast(pl.String)
            distinct = values.drop_nulls().unique().sort()
            code = values.cast(pl.Enum(distinct.to_list())).to_physical().cast(pl.Int64)
            digits.append(code.fill_null(distinct.len()).to_numpy())
            names.append([*distinct.to_list(), None])
        combined = np.zeros(households.height, dtype=np.int64)
        for digit, named in zip(digits, names, strict=True):
            combined = combined * len(named) + digit
        used, codes = np.unique(combined, return_inverse=True)
        decoded = []
        for value in used.tolist():
            parts: list[str | None] = []
            for named in reversed(names):
                value, at = divmod(value, len(named))
                parts.append(named[at])
            decoded.append(tuple(reversed(parts)))
        cache[key] = (codes.astype(np.int64), decoded)
    found: tuple[np.ndarray, list[tuple[str | None, ...]]] = cache[key]
    return found


def _smallest_per(
    codes: np.ndarray, values: np.ndarray, present: np.ndarray, size: int, k: int
) -> np.ndarray:
    """For each code in ``present``, the ``k`` smallest distinct ``values`` it has, a row
    each (ascending, :data:`_NONE` where it has fewer)."""
    if k == 0 or values.size == 0:
        return np.full((present.size, k), _NONE, dtype=np.int64)
    if k <= 8:  # the smallest, then the smallest above it, ...: k passes, no sort
        found = np.full((k, size), _NONE, dtype=np.int64)
        for j in range(k):
            if not values.size:
                break
            np.minimum.at(found[j], codes, values)
            keep = values > found[j][codes]
            codes, values = codes[keep], values[keep]
        picked: np.ndarray = np.ascontiguousarray(found[:, present].T)
        return picked
    order = np.lexsort((values, codes))
    codes, values = codes[order], values[order]
    first = np.ones(codes.size, dtype=bool)
    first[1:] = (codes[1:] != codes[:-1]) | (values[1:] != values[:-1])
    codes, values = codes[first], values[first]
    rank = np.arange(codes.size) - np.searchsorted(codes, codes, side="left")
    codes, values, rank = codes[rank < k], values[rank < k], rank[rank < k]
    out = np.full((size, k), _NONE, dtype=np.int64)
    out[codes, rank] = values
    rows: np.ndarray = out[present]
    return rows


def _samples(name: str, rows: list[np.ndarray], k: int) -> pl.Series:
    """Rows of :func:`_smallest_per` as a list column (the gaps left out)."""
    table = np.concatenate(rows) if rows else np.zeros((0, k), dtype=np.int64)
    if k == 0:
        table = np.zeros((table.shape[0], 1), dtype=np.int64)
        return pl.Series(name, table).arr.to_list().list.head(0)
    lists = pl.Series(name, table).arr.to_list()
    return lists.list.eval(pl.element().filter(pl.element() != _NONE))


def _per_code(
    codes: np.ndarray, fen: np.ndarray | None, present: np.ndarray, size: int
) -> list[int]:
    """For each code in ``present``: how many ``codes`` (``fen`` None), or the sum of
    their ``fen`` (exact: integers added in place)."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, codes, 1 if fen is None else fen)
    return [int(v) for v in out[present]]


def _place_summary(
    parts: Sequence[_Part], places: Sequence[str], samples: int
) -> pl.DataFrame | None:
    """:func:`_tallies` per year, benefit, entity and place, from the blocks: each line's
    place is its household's code, summed with ``np.add.at`` and counted with
    ``np.bincount`` (exact integers). None when the households are not keyed
    ``0..n-1`` (the line frame joins them)."""
    columns: dict[str, list[Any]] = {
        c: [] for c in ("year", "benefit", *places, *_TALLIES, "a", "b")
    }
    lists: dict[str, list[np.ndarray]] = {c: [] for c in _SAMPLES}
    for part in parts:
        coded = _place_codes(part.population, places)
        if coded is None:
            return None
        codes, decoded = coded
        for block in part.blocks:
            homes = block.households
            if homes.size and (int(homes.min()) < 0 or int(homes.max()) >= codes.size):
                return None
            at = codes[homes]
            size = len(decoded)
            present = np.flatnonzero(np.bincount(at, minlength=size))
            a, b = block.a, block.b

            base_n = _per_code(at[a != 0], None, present, size)
            base_fen = _per_code(at, a, present, size)
            if block.shared:
                nothing = [0] * present.size
                tallies = [base_n, base_n, nothing, nothing]
                none = np.full((present.size, samples), _NONE, dtype=np.int64)
                lists["gainer_households"].append(none)
                lists["loser_households"].append(none)
                reform_fen = base_fen
            else:
                gain, lose = b > a, b < a
                tallies = [
                    base_n,
                    *(_per_code(at[m], None, present, size) for m in (b != 0, gain, lose)),
                ]
                for name, mask in zip(_SAMPLES, (gain, lose), strict=True):
                    found = _smallest_per(at[mask], homes[mask], present, size, samples)
                    lists[name].append(found)
                reform_fen = _per_code(at, b, present, size)
            columns["year"].extend([part.year] * present.size)
            columns["benefit"].extend([block.benefit] * present.size)
            for n, place in enumerate(places):
                columns[place].extend(decoded[c][n] for c in present.tolist())
            for name, values in zip(_TALLIES, tallies, strict=True):
                columns[name].extend(values)
            columns["a"].extend(base_fen)
            columns["b"].extend(reform_fen)
    schema = {**_SUMMARY_SCHEMA, **dict.fromkeys(places, pl.String)}
    frame = pl.DataFrame(columns, schema={c: schema[c] for c in columns})
    typed = parts[0].population.households.schema if parts else {}
    return frame.with_columns(
        *(_samples(c, lists[c], samples) for c in _SAMPLES),
        *(pl.col(p).cast(typed[p]) for p in places if p in typed),
    )


@attrs.frozen(kw_only=True, eq=False)
class Comparison:
    """Two policies evaluated on one population over a period, beneficiary by
    beneficiary: summed as you like (:meth:`table`) and listed where they differ
    (:meth:`gainers_losers`) without evaluating again.

    :attr:`lines` has one row per beneficiary, benefit and year: ``entity``,
    ``beneficiary_id``, ``household_id``, ``benefit``, ``township``, ``village``, ``a``
    and ``b`` (fen under the base and the reform), ``a_months`` and ``b_months``, ``year``.
    The lines are kept as integer arrays per benefit and made into that frame on asking;
    the benefits whose rules agree (:func:`fpcore.rules.evaluate_combined`) are evaluated
    once and never lined up, and the tables by benefit, payer and year are summed from
    the arrays.

    Example:
        >>> from fpcore.periods import parse_period
        >>> from fpcore.policies import get
        >>> from fpcore.rules import Population
        >>> from fpcore.synth import synthetic_county
        >>> population = Population(synthetic_county(households=1_000, seed=1).tables())
        >>> base = get("county")
        >>> reform = base.with_amount("reward_assistance.annual", "1200", from_="2008-01-01")
        >>> seen = []
        >>> both = Comparison.of(population, base, reform, parse_period("2007-01..2008-12"),
        ...                      progress=seen.append)
        >>> seen
        [2007, 2008]
        >>> by_year = both.table(("year",))
        >>> by_year["change_fen"][0] == 0, by_year["change_fen"][1] > 0
        (True, True)
        >>> both.lines.columns[:6]
        ['entity', 'beneficiary_id', 'household_id', 'benefit', 'township', 'village']
    """

    base: Policy
    reform: Policy
    period: Period
    parts: tuple[_Part, ...] = attrs.field(repr=False)
    geography: County | None = None
    _cache: dict[str, pl.DataFrame] = attrs.field(init=False, factory=dict, repr=False)

    @classmethod
    def of(
        cls,
        population: Population | Projection,
        base: Policy,
        reform: Policy,
        period: Period,
        *,
        geography: County | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> Comparison:
        """Evaluate both policies on the population over the period, a year at a time
        (``progress(year)`` after each).

        Raises:
            InvalidInput: a year after a projection's horizon.
        """
        (parts,) = _parts(population, [base, reform], period, progress=progress)
        return cls(base=base, reform=reform, period=period, parts=tuple(parts), geography=geography)

    @property
    def lines(self) -> pl.DataFrame:
        """One row per beneficiary, benefit and year (see the class), made on first asking."""
        if "lines" not in self._cache:
            frame = _line_frame(self.parts, _PLACES)
            self._cache["lines"] = frame.with_columns(
                pl.col("entity").replace_strict([0, 1], _ENTITIES, return_dtype=pl.String)
            )
        return self._cache["lines"]

    def table(self, by: Sequence[Grouping] = ("benefit",), *, samples: int = 3) -> pl.DataFrame:
        """The comparison summed by ``by``: see :func:`compare` for the columns.

        Raises:
            InvalidInput: ``by`` is empty or names something else, ``samples`` is negative.
        """
        return _table(self, _grouping(by), samples)

    def gainers_losers(self) -> pl.DataFrame:
        """Every beneficiary line whose amount over the period differs, and why: see
        :func:`gainers_losers` for the columns."""
        return _gainers_losers(self)

    def summary(
        self, places: Sequence[str] = (), *, by_year: bool = True, samples: int = 3
    ) -> pl.DataFrame:
        """The lines summed per benefit (and ``year`` when ``by_year``, and the
        ``places``: township, village): beneficiaries under each policy, gainers,
        losers, up to ``samples`` of their households and the fen ``a`` and ``b``.
        Without ``by_year`` a line is a beneficiary's over the whole period. What
        :meth:`table` regroups; by year it is summed straight from the arrays (by place
        when the households are keyed ``0..n-1``), else from the line frame."""
        if by_year or len(self.parts) == 1:
            if not places:
                return _block_summary(self.parts, samples)
            found = _place_summary(self.parts, places, samples)
            if found is not None:
                return found
        return _line_summary(self.parts, places, by_year=by_year, samples=samples)


def _line_summary(
    parts: Sequence[_Part], places: Sequence[str], *, by_year: bool, samples: int
) -> pl.DataFrame:
    """:meth:`Comparison.summary` from the line frame (any places, any years)."""
    if by_year or len(parts) == 1:
        lines = _line_frame(parts, places)
        groups = ["year", "benefit", *places]
    else:  # a line is a beneficiary's over the period: summed over the years first
        lines = _over_years(parts, places, ("a", "b"))
        groups = ["benefit", *places]
    return lines.group_by(groups).agg(_tallies(samples))


def _over_years(
    parts: Sequence[_Part],
    places: Sequence[str],
    sums: Sequence[str],
    *,
    changed_only: bool = False,
) -> pl.DataFrame:
    """The lines summed over the years, one row per beneficiary, benefit, household and
    place (the ``sums`` summed). On one population a household's place is the same every
    year: summed on the integer keys, the ``places`` added after; on a projection's
    populations, on the places too."""
    population = parts[0].population
    if all(part.population is population for part in parts):
        lines = _line_frame(parts, (), changed_only=changed_only)
        return _places(lines.group_by(_KEYS).agg(pl.col(*sums).sum()), population, places)
    lines = _line_frame(parts, _PLACES, changed_only=changed_only)
    return lines.group_by([*_KEYS, *_PLACES]).agg(pl.col(*sums).sum())


def _table(comparison: Comparison, keys: list[str], samples: int) -> pl.DataFrame:
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 0:
        raise InvalidInput(f"samples={samples!r}: expected a whole number >= 0", path="samples")
    base, reform, period = comparison.base, comparison.reform, comparison.period
    plain = [k for k in keys if k != "payer"]
    places = [k for k in plain if k in _PLACES]
    summary = comparison.summary(places, by_year="year" in keys, samples=samples)

    def merged(column: str) -> pl.Expr:
        return pl.col(column).explode().drop_nulls().unique().sort().head(samples)

    counted = [*plain, *(["benefit"] if "payer" in keys and "benefit" not in plain else [])]
    # one lazy query from the summary (a few rows) to the table
    counts = (
        summary.lazy()
        .group_by(counted)
        .agg(pl.col(*_TALLIES).sum(), *(merged(c) for c in _SAMPLES), pl.col("a", "b").sum())
    )
    if "payer" in keys:
        money_keys = list(dict.fromkeys([*plain, "benefit", "year"]))
        if "year" not in summary.columns:
            summary = comparison.summary(places, by_year=True, samples=0)
        money = summary.group_by(money_keys).agg(pl.col("a", "b").sum())
        split = _by_payer(money, money_keys, base, reform, period)
        groups = [*plain, "payer"]
        # each payer row counts the beneficiaries of the benefits it has a share of
        who = split.lazy().select(*(k for k in counted), "payer").unique()
        counted_rows = counts.join(who, on=counted, how="inner")
        tallies = counted_rows.group_by(groups).agg(
            pl.col(*_TALLIES).sum(), *(merged(c) for c in _SAMPLES)
        )
        amounts = split.lazy().group_by(groups).agg(pl.col("a", "b").sum())
        summed = amounts.join(tallies, on=groups, how="left", nulls_equal=True)
    else:
        summed = counts
    summed = (
        summed.rename({"a": "base_fen", "b": "reform_fen"})
        .with_columns(
            pl.col("base_fen", "reform_fen").cast(pl.Int64),
            (pl.col("reform_fen") - pl.col("base_fen")).cast(pl.Int64).alias("change_fen"),
        )
        .sort(keys)
    )
    columns: list[str | pl.Expr] = []
    names = {e.meta.output_name(): e for e in _place_names(summary, keys, comparison.geography)}
    for key in keys:
        columns.append(key)
        if f"{key}_name" in names:
            columns.append(names[f"{key}_name"])
    return summed.select(
        *columns,
        "base_beneficiaries",
        "reform_beneficiaries",
        "base_fen",
        "reform_fen",
        "change_fen",
        "gainers",
        "losers",
        _yuan("base_fen").alias("base"),
        _yuan("reform_fen").alias("reform"),
        _yuan("change_fen").alias("change"),
        "gainer_households",
        "loser_households",
    ).collect()


def _settings_of(rule: object) -> set[str]:
    from fpcore.rules import Rule

    assert isinstance(rule, Rule)
    found = {n.name for e in rule.expressions() for n in e.walk() if isinstance(n, SettingRef)}
    for condition in rule.conditions:
        found.update(condition.only_when)
    return found


def _value_on(policy: Policy, name: str, on: pendulum.Date) -> str | None:
    parameter = policy.parameters.get(name)
    if parameter is None:
        return None
    try:
        return render_value(parameter.at(on))
    except ParameterNotInForce:
        return None


def _parameter_change(base: Policy, reform: Policy, name: str, period: Period) -> str | None:
    """``name: old -> new from day`` at the first day in the period the values differ."""
    days = {period.start}
    for policy in (base, reform):
        parameter = policy.parameters.get(name)
        for value in parameter.values if parameter is not None else ():
            for day in (value.start, value.until.add(days=1) if value.until else None):
                if day is not None and period.start < day <= period.end:
                    days.add(day)
    for day in sorted(days):
        old, new = _value_on(base, name, day), _value_on(reform, name, day)
        if old != new:
            return f"parameter {name}: {old or '-'} -> {new or '-'} from {day}"
    return None


def benefit_changes(base: Policy, reform: Policy, period: Period) -> dict[str, list[str]]:
    """What differs between the policies over the period, for each benefit: the rules
    of the benefit added, removed or changed, the parameters its rules read whose value
    differs on some day of the period (from that day), and the settings its rules read.

    Example:
        >>> from fpcore.periods import Year
        >>> from fpcore.policies import get
        >>> base = get("county")
        >>> reform = base.with_amount("reward_assistance.annual", "1200.00", from_="2018-01-01")
        >>> benefit_changes(base, reform, Year(year=2018))
        {'reward_assistance': ['parameter reward_assistance.annual: 960.00 -> 1200.00 from 2018-01-01']}
        >>> benefit_changes(base, reform, Year(year=2017))
        {}
    """  # noqa: E501
    rules_a = {r.id: r for r in base.rules}
    rules_b = {r.id: r for r in reform.rules}
    found: dict[str, list[str]] = {}
    settings_a, settings_b = base.settings_in_force(), reform.settings_in_force()
    for rule_id in sorted(set(rules_a) | set(rules_b)):
        a, b = rules_a.get(rule_id), rules_b.get(rule_id)
        rule = a or b
        assert rule is not None
        reasons = found.setdefault(rule.benefit, [])
        if a is None:
            reasons.append(f"rule {rule_id} added")
        elif b is None:
            reasons.append(f"rule {rule_id} removed")
        elif a != b:
            reasons.append(f"rule {rule_id} changed")
        names = set(base.parameters_of(a) if a else ()) | set(reform.parameters_of(b) if b else ())
        for name in sorted(names):
            change = _parameter_change(base, reform, name, period)
            if change is not None:
                reasons.append(change)
        used = (_settings_of(a) if a else set()) | (_settings_of(b) if b else set())
        for name in sorted(used):
            if settings_a.get(name) != settings_b.get(name):
                reasons.append(f"setting {name}: {settings_a.get(name)} -> {settings_b.get(name)}")
    return {benefit: list(dict.fromkeys(reasons)) for benefit, reasons in found.items() if reasons}


def gainers_losers(
    population: Population | Projection,
    base: Policy,
    reform: Policy,
    period: Period,
    *,
    geography: County | None = None,
) -> pl.DataFrame:
    """Every beneficiary line whose amount over the period differs, and why.

    Columns: ``household_id``, ``entity``, ``beneficiary_id``, ``benefit``,
    ``township``, ``village`` (with their names), ``base_fen``, ``reform_fen``,
    ``change_fen``, ``base_months``, ``reform_months``, ``outcome`` (``gains`` or
    ``loses``) and ``reason``: how the payment changed (newly paid, no longer paid,
    months paid, the amount a month) and what of the policy causes it
    (:func:`benefit_changes`: the parameter, setting or rule that differs). Sorted by
    household, benefit and beneficiary; exactly the lines where the amounts differ.

    Example:
        >>> from fpcore.periods import Year
        >>> from fpcore.policies import get
        >>> from fpcore.rules import Population
        >>> from fpcore.synth import synthetic_county
        >>> population = Population(synthetic_county(households=2_000, seed=1).tables())
        >>> base = get("county")
        >>> reform = base.with_setting("only_child_reward_last_month", "month_before")
        >>> row = gainers_losers(population, base, reform, Year(year=2008)).row(0, named=True)
        >>> row["outcome"], row["change_fen"] < 0
        ('loses', True)
        >>> print(row["reason"])
        paid 12 -> 11 months; setting only_child_reward_last_month: birthday_month -> month_before
    """
    return Comparison.of(population, base, reform, period, geography=geography).gainers_losers()


def _gainers_losers(comparison: Comparison) -> pl.DataFrame:
    base, reform, period = comparison.base, comparison.reform, comparison.period
    # the benefits both policies share pay every line the same: only the others are read
    parts = comparison.parts
    if len(parts) > 1:
        sums = ("a", "b", "a_months", "b_months")
        paired = _over_years(parts, _PLACES, sums, changed_only=True)
    else:
        paired = _line_frame(parts, _PLACES, changed_only=True)
    lines = paired.filter(pl.col("a") != pl.col("b")).with_columns(
        pl.col("entity").replace_strict([0, 1], _ENTITIES, return_dtype=pl.String)
    )
    causes = benefit_changes(base, reform, period)
    why = pl.DataFrame(
        {"benefit": list(causes), "cause": ["; ".join(v) for v in causes.values()]},
        schema={"benefit": pl.String, "cause": pl.String},
    )
    a_m, b_m = pl.col("a_months"), pl.col("b_months")
    how = (
        pl.when(a_m == 0)
        .then(pl.format("newly paid for {} months", b_m))
        .when(b_m == 0)
        .then(pl.format("no longer paid (was {} months)", a_m))
        .when(a_m != b_m)
        .then(pl.format("paid {} -> {} months", a_m, b_m))
        .otherwise(pl.lit("same months, a different amount"))
    )
    table = (
        lines.join(why, on="benefit", how="left")
        .with_columns(
            pl.when(pl.col("b") > pl.col("a"))
            .then(pl.lit("gains"))
            .otherwise(pl.lit("loses"))
            .alias("outcome"),
            pl.concat_str(
                how,
                pl.col("cause").fill_null("the benefit's rules read other facts"),
                separator="; ",
            ).alias("reason"),
        )
        .sort("household_id", "benefit", "entity", "beneficiary_id")
    )
    names = _place_names(paired, ["township", "village"], comparison.geography)
    return table.select(
        "household_id",
        "entity",
        "beneficiary_id",
        "benefit",
        "township",
        names[0],
        "village",
        names[1],
        pl.col("a").alias("base_fen"),
        pl.col("b").alias("reform_fen"),
        (pl.col("b") - pl.col("a")).alias("change_fen"),
        pl.col("a_months").alias("base_months"),
        pl.col("b_months").alias("reform_months"),
        "outcome",
        "reason",
    )


_CURVE = dict.fromkeys(("beneficiaries", "base_fen", "reform_fen", "gainers", "losers"), pl.Int64)


def cost_curve(
    population: Population | Projection,
    base: Policy,
    parameter: str,
    values: Iterable[str | int | Decimal | Money],
    period: Period,
    *,
    from_: str | pendulum.Date | None = None,
) -> pl.DataFrame:
    """The cost of a money parameter swept over values: one row per value.

    Each value is put in force from ``from_`` (default: the period's first day) with
    :meth:`~fpcore.rules.Policy.with_amount`; one batch evaluation a year computes the
    base and the rules each value changes (:func:`fpcore.rules.evaluate_combined`). Columns:
    ``value`` (yuan, exact), ``beneficiaries``, ``base_fen``, ``reform_fen``,
    ``change_fen``, ``gainers``, ``losers``, and ``base``, ``reform``, ``change`` in
    yuan. The rows are in the order of ``values``.

    Raises:
        InvalidInput: no values, an unknown or non-money parameter, a bad amount or day.

    Example:
        >>> from fpcore.periods import Year
        >>> from fpcore.policies import get
        >>> from fpcore.rules import Population
        >>> from fpcore.synth import synthetic_county
        >>> population = Population(synthetic_county(households=2_000, seed=1).tables())
        >>> curve = cost_curve(population, get("county"), "reward_assistance.annual",
        ...                    ["600", "960", "1200"], Year(year=2017))
        >>> curve.select("value", "change_fen", "gainers", "losers").rows()[1]
        (Decimal('960.00'), 0, 0, 0)
        >>> curve["reform_fen"].is_sorted()
        True
    """
    chosen = list(values)
    if not chosen:
        raise InvalidInput("no values to sweep", path="values")
    start = from_ if from_ is not None else period.start
    reforms = [base.with_amount(parameter, value, from_=start) for value in chosen]
    rows = []
    for parts in _parts(population, [base, *reforms], period):
        if len(parts) == 1:  # a line a beneficiary: summed straight from the arrays
            blocks = parts[0].blocks
            a, b = (np.concatenate([getattr(x, f) for x in blocks] or [[0]]) for f in "ab")
            totals = [
                np.count_nonzero(b),
                a.sum(),
                b.sum(),
                np.count_nonzero(b > a),
                np.count_nonzero(b < a),
            ]
            rows.append(pl.DataFrame([[int(t) for t in totals]], schema=_CURVE, orient="row"))
            continue
        per_line = _line_frame(parts, ()).group_by(_KEYS).agg(pl.col("a", "b").sum())
        rows.append(
            per_line.select(
                (pl.col("b") != 0).sum().cast(pl.Int64).alias("beneficiaries"),
                pl.col("a").sum().cast(pl.Int64).alias("base_fen"),
                pl.col("b").sum().cast(pl.Int64).alias("reform_fen"),
                (pl.col("b") > pl.col("a")).sum().cast(pl.Int64).alias("gainers"),
                (pl.col("b") < pl.col("a")).sum().cast(pl.Int64).alias("losers"),
            )
        )
    amounts = [v if isinstance(v, Money) else Money(str(v)) for v in chosen]
    table = pl.concat(rows).with_columns(
        pl.Series("value", [Decimal(str(a)) for a in amounts], dtype=pl.Decimal(18, 2)),
        (pl.col("reform_fen") - pl.col("base_fen")).alias("change_fen"),
    )
    return table.select(
        "value",
        "beneficiaries",
        "base_fen",
        "reform_fen",
        "change_fen",
        "gainers",
        "losers",
        _yuan("base_fen").alias("base"),
        _yuan("reform_fen").alias("reform"),
        _yuan("change_fen").alias("change"),
    )
