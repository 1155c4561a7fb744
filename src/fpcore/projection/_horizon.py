"""Policies over a horizon: one row per year, exact fen, with the assumptions listed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

import attrs
import pendulum
import polars as pl

from fpcore.errors import InvalidInput
from fpcore.money import Money
from fpcore.periods import Year
from fpcore.projection._assumptions import Assumption
from fpcore.projection._project import Projection
from fpcore.rules import Citation, Policy, Population
from fpcore.rules._parameters import render_value

__all__ = ["HorizonResult", "compare_years", "evaluate_years", "parameter_assumptions", "uprated"]

HELD = "assumption (no uprating): the policy has no later value"


@attrs.frozen(kw_only=True, eq=False)
class HorizonResult:
    """Figures over a horizon (``table``, one row per year and group) and every
    assumption they rest on (``assumptions``): print it to see both."""

    table: pl.DataFrame
    assumptions: tuple[Assumption, ...]

    def __str__(self) -> str:
        lines = [str(self.table), "Assumptions:"]
        lines += [f"- {a}" for a in self.assumptions]
        return "\n".join(lines)


def _years(years: Iterable[int]) -> list[int]:
    chosen = list(years)
    if not chosen or any(isinstance(y, bool) or not isinstance(y, int) for y in chosen):
        raise InvalidInput(f"{chosen!r}: expected one or more years", path="years")
    return chosen


def _population(tables: Projection | Population, year: int) -> Population:
    return tables.population_for(year) if isinstance(tables, Projection) else tables


def _projection_assumptions(tables: Projection | Population) -> tuple[Assumption, ...]:
    if isinstance(tables, Projection):
        where = Assumption(
            label="projection",
            value=f"from {tables.start} through {tables.until}, seed {tables.seed}",
            source="fpcore.projection.project",
        )
        return (where, *tables.assumptions)
    return ()


def parameter_assumptions(policy: Policy, years: Sequence[int]) -> tuple[Assumption, ...]:
    """The policy's parameter values over the years that are assumptions, not law: a
    value whose citation is a placeholder or uncertain (an uprated value among them),
    and an open-ended money value held flat after its year for want of a later one.

    >>> from fpcore.policies import get
    >>> held = parameter_assumptions(get("county"), [2030])
    >>> print(next(a for a in held if "reward_assistance.annual" in a.label).value)
    960.00 from 2017-01-01 held through 2030
    """
    first = pendulum.Date(min(years), 1, 1)
    last = pendulum.Date(max(years), 12, 31)
    found: list[Assumption] = []
    for name in sorted(policy.parameters):
        parameter = policy.parameters[name]
        for value in parameter.values:
            if value.start > last or (value.until is not None and value.until < first):
                continue
            if value.citation.is_assumption:
                found.append(
                    Assumption(
                        label=f"parameter {name} from {value.start}",
                        value=render_value(value.value),
                        source=str(value.citation),
                    )
                )
        final = parameter.values[-1] if parameter.values else None
        if (
            final is not None
            and parameter.kind == "money"
            and final.until is None
            and final.start.year < last.year
        ):
            found.append(
                Assumption(
                    label=f"parameter {name}",
                    value=f"{render_value(final.value)} from {final.start} held through "
                    f"{last.year}",
                    source=HELD,
                )
            )
    return tuple(found)


def _merge(*groups: Iterable[Assumption]) -> tuple[Assumption, ...]:
    seen: dict[Assumption, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return tuple(seen)


def evaluate_years(
    policy: Policy, tables: Projection | Population, years: Iterable[int]
) -> HorizonResult:
    """Evaluate a policy year by year: one row per year and benefit.

    Columns: ``year``, ``benefit``, ``beneficiaries`` (paid anything in the year),
    ``fen`` (exact Int64), ``amount`` (yuan, ``Decimal(18, 2)``). On a projection each
    year is evaluated on the projected tables; on a population past its ``as_of`` day
    the evaluator warns (:class:`~fpcore.rules.TablesOutOfDateWarning`).

    Raises:
        InvalidInput: no years, or a year after the projection's horizon.
    """
    from fpcore.scenario import entitlement_lines

    chosen = _years(years)
    frames = []
    for year in chosen:
        lines = entitlement_lines(policy, _population(tables, year), Year(year=year))
        frames.append(
            lines.group_by("benefit")
            .agg(
                (pl.col("fen") != 0).sum().cast(pl.Int64).alias("beneficiaries"),
                pl.col("fen").sum().cast(pl.Int64).alias("fen"),
            )
            .with_columns(pl.lit(year, dtype=pl.Int64).alias("year"))
        )
    schema = {"year": pl.Int64, "benefit": pl.String, "beneficiaries": pl.Int64, "fen": pl.Int64}
    table = (
        pl.concat([f.select(list(schema)) for f in frames])
        .cast(schema)  # type: ignore[arg-type]
        .sort("year", "benefit")
        .with_columns(
            (pl.col("fen").cast(pl.Decimal(18, 2)) / 100).cast(pl.Decimal(18, 2)).alias("amount")
        )
    )
    return HorizonResult(
        table=table,
        assumptions=_merge(_projection_assumptions(tables), parameter_assumptions(policy, chosen)),
    )


def compare_years(
    tables: Projection | Population,
    base: Policy,
    reform: Policy,
    years: Iterable[int],
    *,
    by: Sequence[str] = ("benefit",),
) -> HorizonResult:
    """Two policies side by side for each year: :func:`fpcore.scenario.compare` per year,
    with a leading ``year`` column (exact fen, gainers and losers per year).

    Raises:
        InvalidInput: no years, a year after the projection's horizon, or a bad ``by``.
    """
    from fpcore.scenario import compare

    chosen = _years(years)
    rest = [b for b in by if b != "year"]  # each year's comparison gets its year column
    frames = [
        compare(_population(tables, year), base, reform, Year(year=year), by=rest).select(  # type: ignore[arg-type]
            pl.lit(year, dtype=pl.Int64).alias("year"), pl.all()
        )
        for year in chosen
    ]
    return HorizonResult(
        table=pl.concat(frames).sort("year", *rest),
        assumptions=_merge(
            _projection_assumptions(tables),
            parameter_assumptions(base, chosen),
            parameter_assumptions(reform, chosen),
        ),
    )


def uprated(
    policy: Policy,
    rate: str | Decimal,
    *,
    first_year: int,
    until: int,
    names: Sequence[str] | None = None,
) -> Policy:
    """The policy with its money parameters raised by ``rate`` a year where the law has
    no value yet.

    For each parameter (default: every money parameter), the last value goes on, raised
    on 1 January of each year from ``first_year`` (or the year after the last value's
    start, if later) through ``until``: each year's value is the previous one times
    ``1 + rate``, rounded half up to the fen. Every uprated value cites
    ``fpcore projection uprating`` as a placeholder, so results list it as an
    assumption (:func:`parameter_assumptions`).

    Raises:
        InvalidInput: the rate is not a decimal between -0.5 and 1, the years are out of
            order, or a name is not a money parameter of the policy.

    Example:
        >>> from fpcore.policies import get
        >>> policy = uprated(get("county"), "0.03", first_year=2030, until=2032,
        ...                  names=["reward_assistance.annual"])
        >>> [str(v.value) for v in policy.parameters["reward_assistance.annual"].values[-3:]]
        ['988.80', '1018.46', '1049.01']
    """
    try:
        factor = Decimal(str(rate))
    except InvalidOperation:
        raise InvalidInput(f"{rate!r} is not a decimal (e.g. '0.03')", path="rate") from None
    if not factor.is_finite() or not Decimal("-0.5") <= factor <= 1:
        raise InvalidInput(f"{rate!r}: expected a yearly rate from -0.5 to 1", path="rate")
    if first_year > until:
        raise InvalidInput(f"first_year {first_year} is after until {until}", path="first_year")
    money = sorted(n for n, p in policy.parameters.items() if p.kind == "money")
    chosen = money if names is None else list(names)
    unknown = [n for n in chosen if n not in money]
    if unknown:
        raise InvalidInput(f"{unknown!r}: not money parameters of the policy", path="names")
    citation = Citation(
        document="fpcore projection uprating",
        article=f"{factor} a year from {first_year}, rounded half up to the fen",
        confidence="placeholder",
    )
    result = policy
    for name in chosen:
        parameter = result.parameters[name]
        if not parameter.values or parameter.values[-1].until is not None:
            continue
        last = parameter.values[-1]
        value = last.value
        assert isinstance(value, Money)
        for year in range(max(first_year, last.start.year + 1), until + 1):
            value = value.multiply(1 + factor)
            parameter = parameter.with_value(pendulum.Date(year, 1, 1), value, citation)
        result = result.with_parameter(parameter)
    return result
