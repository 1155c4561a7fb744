"""Several policies evaluated together: what they share is evaluated once, and the
results are those of evaluating each alone, to the fen (issue 10)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pendulum
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fpcore.scenario
from fpcore.money import Money
from fpcore.periods import Month, Period, Year, parse_period
from fpcore.policies import get
from fpcore.rules import (
    Citation,
    EntitlementTables,
    Policy,
    Population,
    evaluate_tables,
    rule_fingerprint,
)
from fpcore.rules._shared import _plan, evaluate_combined
from fpcore.scenario import Comparison, Grouping
from fpcore.synth import synthetic_county

POPULATION = Population(synthetic_county(households=1_500, seed=23).tables())
BASE = get("county")
MONEY = sorted(n for n, p in BASE.parameters.items() if p.kind == "money")
CITATION = Citation(document="A reform")


def _frames(result: EntitlementTables) -> list[pl.DataFrame]:
    return [f.sort(f.columns) for f in (result.persons, result.households, result.statuses)]


def _alone(
    population: Population, policies: Sequence[Policy], period: Period
) -> list[EntitlementTables]:
    return [p.evaluate_table(population, period) for p in policies]


@st.composite
def reforms(draw: st.DrawFn) -> Policy:
    """The county policy with one benefit touched: a money parameter from a day, a
    setting, or a rule taken out."""
    how = draw(st.sampled_from(["parameter", "setting", "rule"]))
    if how == "parameter":
        name = draw(st.sampled_from(MONEY))
        start = pendulum.Date(draw(st.integers(1995, 2020)), draw(st.integers(1, 12)), 1)
        value = Money.from_fen(draw(st.integers(0, 300_000)))
        return BASE.with_parameter(BASE.parameters[name].with_value(start, value, CITATION))
    if how == "setting":
        chosen = draw(st.sampled_from(BASE.settings))
        return BASE.with_setting(chosen.name, draw(st.sampled_from(chosen.choices)))
    return BASE.without_rule(draw(st.sampled_from([r.id for r in BASE.rules])))


periods = st.one_of(
    st.builds(Month, year=st.integers(1998, 2020), month=st.integers(1, 12)),
    st.builds(Year, year=st.integers(1998, 2020)),
)


@settings(max_examples=25, deadline=None)
@given(reform=reforms(), period=periods)
def test_shared_evaluation_equals_each_alone(reform: Policy, period: Period) -> None:
    shared = evaluate_tables(POPULATION, [BASE, reform], period)
    alone = _alone(POPULATION, [BASE, reform], period)
    for a, b in zip(shared, alone, strict=True):
        for x, y in zip(_frames(a), _frames(b), strict=True):
            assert x.equals(y)


GROUPINGS: list[tuple[Grouping, ...]] = [
    ("benefit",),
    ("payer",),
    ("township",),
    ("village",),
    ("year",),
    ("benefit", "township"),
    ("year", "payer"),
    ("benefit", "village", "year"),
]


@settings(max_examples=15, deadline=None)
@given(
    reform=reforms(),
    period=st.one_of(
        periods,
        st.builds(
            lambda y, m, n: parse_period(f"{y}-{m:02d}..{y + n}-{m:02d}"),
            st.integers(1998, 2018),
            st.integers(1, 12),
            st.integers(1, 2),
        ),
    ),
)
def test_shared_compare_equals_unshared_to_the_fen(reform: Policy, period: Period) -> None:
    """The benefits both policies share are never lined up (their rows are the same):
    every table, and the gainers and losers, equal those of lining up every benefit of
    two separate evaluations."""
    shared = Comparison.of(POPULATION, BASE, reform, period)
    with pytest.MonkeyPatch.context() as patch:
        alone = functools.partial(evaluate_combined, share=False)
        patch.setattr(fpcore.scenario, "evaluate_combined", alone)
        unshared = Comparison.of(POPULATION, BASE, reform, period)
    assert not any(b.shared for p in unshared.parts for b in p.blocks)
    for by in GROUPINGS:
        assert shared.table(by).equals(unshared.table(by)), by
    assert shared.gainers_losers().equals(unshared.gainers_losers())
    assert shared.lines.sort(shared.lines.columns).equals(
        unshared.lines.sort(unshared.lines.columns)
    )


def test_only_the_touched_benefit_is_evaluated_again() -> None:
    ra = BASE.parameters["reward_assistance.annual"]
    reform = BASE.with_parameter(ra.with_value(pendulum.Date(2010, 1, 1), Money(1200), CITATION))
    plan = _plan([BASE, reform])
    assert plan.shared == (frozenset({"only_child_reward", "special_assistance"}),)
    assert sorted(plan.own[0].values()) == ["reward_assistance"]
    assert len(plan.combined.rules) == len(BASE.rules) + 1
    setting = BASE.with_setting("special_assistance_start", "next_month")
    assert sorted(_plan([BASE, setting]).own[0].values()) == ["special_assistance"]
    assert _plan([BASE, BASE]).own == ({},)


def test_fingerprints_see_parameters_settings_and_definitions() -> None:
    rule = BASE.rule("OCR")
    same = rule_fingerprint(BASE, rule)
    assert rule_fingerprint(BASE.with_identity(version="other"), rule) == same
    reform = BASE.with_setting("only_child_double_fee_couples", "all")
    assert rule_fingerprint(reform, rule) != same
    monthly = BASE.parameters["only_child_reward.monthly"]
    dearer = BASE.with_parameter(monthly.with_value(pendulum.Date(2010, 1, 1), Money(20), CITATION))
    assert rule_fingerprint(dearer, rule) != same
    assert rule_fingerprint(BASE, BASE.rule("RA")) != same


def test_three_policies_and_a_changed_rule() -> None:
    period = Year(2012)
    ra = BASE.parameters["reward_assistance.annual"]
    dearer = BASE.with_parameter(ra.with_value(pendulum.Date(2012, 6, 1), Money(1500), CITATION))
    later = BASE.with_setting("special_assistance_start", "next_month")
    policies = [BASE, dearer, later, BASE.without_rule("OCR")]
    shared = evaluate_tables(POPULATION, policies, period)
    for a, b in zip(shared, _alone(POPULATION, policies, period), strict=True):
        for x, y in zip(_frames(a), _frames(b), strict=True):
            assert x.equals(y)
    assert evaluate_tables(POPULATION, [], period) == []
