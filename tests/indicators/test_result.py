"""The indicator value: presentation rounding, undefined values, HTML, validation."""

from __future__ import annotations

import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fpcore.indicators as ind
from fpcore.errors import InvalidInput, UnknownName
from fpcore.indicators import (
    DEFINITIONS,
    AgeGroup,
    Indicator,
    PopulationBasis,
    Unit,
    definition,
    present,
    rate_satisfaction,
    rate_sex_ratio_at_birth,
)


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions
    if name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def test_public_names_are_sorted_and_exist() -> None:
    assert ind.__all__ == sorted(ind.__all__, key=_isort_key)
    assert all(hasattr(ind, name) for name in ind.__all__)


def test_importing_indicators_does_not_import_polars() -> None:
    code = "import sys, fpcore.indicators; print('polars' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Fraction(9085, 1000), 2, "9.09"),
        (Fraction(9084999, 1000000), 2, "9.08"),
        (Fraction(1, 200), 2, "0.01"),
        (Fraction(-1, 200), 2, "-0.01"),
        (Fraction(2, 3), 1, "0.7"),
        (Fraction(0), 2, "0.00"),
        (Fraction(10**12 + 1, 2), 2, "500000000000.50"),
    ],
)
def test_present_rounds_half_up(value: Fraction, places: int, shown: str) -> None:
    assert str(present(value, places)) == shown


@given(
    st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=10**7),
    st.integers(0, 4),
)
def test_present_equals_exact_half_up(value: Fraction, places: int) -> None:
    # reference: exact integer half-up on the scaled magnitude
    scaled = abs(value) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    expected = Decimal(whole if value >= 0 else -whole).scaleb(-places)
    assert present(value, places) == expected
    # and for terminating decimals it agrees with Decimal's own ROUND_HALF_UP
    if value.denominator in (1, 2, 4, 5, 8, 10, 100, 1000):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        assert present(value, places) == exact.quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
        )


def test_html_is_escaped() -> None:
    r = rate_sex_ratio_at_birth(
        male_births=196, female_births=185, basis=PopulationBasis.RESIDENT, area="<b>镇</b>"
    )
    html = r._repr_html_()
    assert "&lt;b&gt;镇&lt;/b&gt;" in html
    assert "<b>" not in html
    assert "105.95:100" in html
    assert "出生人口性别比" in html


def test_indicator_checks_basis_and_signs() -> None:
    d = definition("crude_birth_rate")
    with pytest.raises(InvalidInput) as info:
        Indicator(definition=d, numerator=-1, denominator=-2)
    assert [p.path for p in info.value.problems] == ["denominator", "numerator", "basis"]
    with pytest.raises(InvalidInput, match="not a population indicator"):
        Indicator(
            definition=definition("satisfaction_rate"),
            numerator=1,
            denominator=2,
            basis=PopulationBasis.REGISTERED,
        )
    growth = Indicator(
        definition=definition("natural_growth_rate"),
        numerator=-5,
        denominator=1000,
        basis=PopulationBasis.REGISTERED,
    )
    assert str(growth) == "-5.00‰"
    with pytest.raises(TypeError):
        Indicator(definition=d, numerator=0.5, denominator=1)  # type: ignore[arg-type]


def test_units_and_definitions() -> None:
    assert {u.scale for u in Unit} == {1, 100, 1000}
    assert next(iter(DEFINITIONS)) == "crude_birth_rate"
    assert DEFINITIONS["satisfaction_rate"].places == 1
    assert all(d.source for d in DEFINITIONS.values())
    with pytest.raises(UnknownName, match="known: age_specific"):
        definition("birth_rate")


def test_age_group() -> None:
    assert AgeGroup(first=15, last=19).width == 5
    with pytest.raises(InvalidInput):
        AgeGroup(first=20, last=19)


def test_satisfaction_one_decimal() -> None:
    r = rate_satisfaction(satisfied=962, valid_responses=1000)
    assert r.rounded() == Decimal("96.2")
    assert r.rounded(2) == Decimal("96.20")
