"""Policy what-ifs over a population: two policies side by side, who gains, who pays.

``compare(population, base, reform, period, by=...)`` evaluates both policies with the
batch evaluator and lines them up per beneficiary, then sums by benefit, township,
village or payer: beneficiaries under each, amounts, the change, and how many gain or
lose. Amounts are exact (whole fen; ``Decimal(18, 2)`` columns for display).

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

from collections.abc import Sequence
from typing import Literal

import polars as pl

from fpcore.errors import InvalidInput
from fpcore.periods import Period
from fpcore.rules import Policy, Population

__all__ = ["Grouping", "compare", "entitlement_lines"]

Grouping = Literal["benefit", "township", "village"]
"""What a comparison can be summed by."""

_KEYS = ["entity", "beneficiary_id", "household_id", "benefit"]


def entitlement_lines(policy: Policy, population: Population, period: Period) -> pl.DataFrame:
    """One row per beneficiary and benefit over the period: ``entity`` (person or
    household), ``beneficiary_id``, ``household_id``, ``benefit``, ``months``, ``fen``,
    with the household's ``township`` and ``village``."""
    result = policy.evaluate_table(population, period)
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


def compare(
    population: Population,
    base: Policy,
    reform: Policy,
    period: Period,
    *,
    by: Sequence[Grouping] = ("benefit",),
) -> pl.DataFrame:
    """The two policies side by side, summed by ``by`` (any of benefit, township, village).

    Columns: the ``by`` columns; ``base_beneficiaries`` and ``reform_beneficiaries``
    (paid anything in the period); ``base_fen``, ``reform_fen`` and ``change_fen``
    (exact, Int64 fen); ``gainers`` and ``losers`` (beneficiaries paid more or less);
    ``base``, ``reform`` and ``change`` in yuan as exact decimals. Rows sorted by ``by``.

    Raises:
        InvalidInput: ``by`` is empty or names something else.
    """
    allowed = {"benefit", "township", "village"}
    if not by or not set(by) <= allowed:
        raise InvalidInput(f"by={list(by)!r}: choose from {sorted(allowed)}", path="by")
    keys = [*_KEYS, "township", "village"]
    a = entitlement_lines(base, population, period).select(*keys, pl.col("fen").alias("a"))
    b = entitlement_lines(reform, population, period).select(*keys, pl.col("fen").alias("b"))
    both = a.join(b, on=keys, how="full", coalesce=True, nulls_equal=True).with_columns(
        pl.col("a").fill_null(0), pl.col("b").fill_null(0)
    )
    summed = (
        both.group_by(list(by))
        .agg(
            (pl.col("a") != 0).sum().alias("base_beneficiaries"),
            (pl.col("b") != 0).sum().alias("reform_beneficiaries"),
            pl.col("a").sum().alias("base_fen"),
            pl.col("b").sum().alias("reform_fen"),
            (pl.col("b") > pl.col("a")).sum().alias("gainers"),
            (pl.col("b") < pl.col("a")).sum().alias("losers"),
        )
        .with_columns((pl.col("reform_fen") - pl.col("base_fen")).alias("change_fen"))
        .sort(list(by))
    )
    return summed.select(
        *by,
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
    )
