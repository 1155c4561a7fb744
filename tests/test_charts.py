"""Charts of what-ifs: figures from comparison tables, ASCII labels unless CJK can be drawn."""

from __future__ import annotations

import io

import pytest

from fpcore import charts
from fpcore.errors import InvalidInput
from fpcore.periods import parse_period
from fpcore.policies import get
from fpcore.rules import Population
from fpcore.scenario import compare
from fpcore.synth import synthetic_county

POPULATION = Population(synthetic_county(households=800, seed=3).tables())
BASE = get("county")
REFORM = BASE.with_amount("reward_assistance.annual", "1200", from_="2008-01-01")
PERIOD = parse_period("2007-01..2008-12")


def _png(figure: object) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")  # type: ignore[attr-defined]
    return buffer.getvalue()


def test_every_chart_draws_a_png() -> None:
    by_year = compare(POPULATION, BASE, REFORM, PERIOD, by=("year", "benefit"))
    by_township = compare(POPULATION, BASE, REFORM, PERIOD, by=("township",))
    by_payer = compare(POPULATION, BASE, REFORM, PERIOD, by=("year", "payer"))
    one_year_payer = compare(POPULATION, BASE, REFORM, parse_period("2008"), by=("payer",))
    for figure in (
        charts.budget_by_year(by_year),
        charts.by_township(by_township),
        charts.by_payer(by_payer),
        charts.by_payer(one_year_payer),
        charts.gainers_and_losers(by_year),
        charts.gainers_and_losers(compare(POPULATION, BASE, REFORM, parse_period("2008"))),
    ):
        assert _png(figure)[:4] == b"\x89PNG"


def test_township_labels_are_ascii_codes_without_names() -> None:
    table = compare(POPULATION, BASE, REFORM, PERIOD, by=("township",))
    figure = charts.by_township(table, names=False)
    labels = [label.get_text() for label in figure.axes[0].get_xticklabels()]
    assert labels == [code[-3:] for code in table["township"]]
    assert all(label.isascii() for label in labels)


def test_a_chart_says_which_columns_it_needs() -> None:
    table = compare(POPULATION, BASE, REFORM, PERIOD)
    with pytest.raises(InvalidInput, match="township"):
        charts.by_township(table)
    with pytest.raises(InvalidInput, match="year"):
        charts.budget_by_year(table)
