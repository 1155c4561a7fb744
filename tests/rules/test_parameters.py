"""Parameters: dated cited values, TOML loading, lookups and reforms of timelines."""

from __future__ import annotations

from fractions import Fraction

import pendulum
import pytest

from fpcore.errors import InvalidInput, ParameterNotInForce
from fpcore.money import Money
from fpcore.rules import Citation, DatedValue, Parameter, load_parameters, parameters_from_toml

from .domain import PARAMETERS

CITE = Citation(document="Doc", article="1")

HEAD = """
[citations.c]
document = "Doc"
"""


def test_the_catalogue_loads_with_citations() -> None:
    ra = PARAMETERS["reward_assistance.annual"]
    assert ra.at(pendulum.Date(2008, 12, 31)) == Money(600)
    assert ra.at(pendulum.Date(2009, 1, 1)) == Money(720)
    assert ra.at(pendulum.Date(2030, 1, 1)) == Money(960)
    assert ra.entry_at(pendulum.Date(2012, 6, 1)).citation.url.startswith("https://")


def test_load_from_a_package() -> None:
    params = load_parameters(__package__ or "rules", "params.toml")
    assert params == PARAMETERS


def test_lookup_before_the_first_value_names_parameter_and_date() -> None:
    with pytest.raises(ParameterNotInForce) as info:
        PARAMETERS["special_assistance.death"].at(pendulum.Date(2007, 12, 31))
    assert info.value.parameter == "special_assistance.death"
    assert "2007-12-31" in str(info.value)
    assert isinstance(info.value, LookupError)


def test_until_ends_a_value() -> None:
    text = (
        HEAD
        + """
[fee]
kind = "money"
[[fee.values]]
start = 2000-01-01
until = 2000-12-31
value = "5"
citation = "c"
"""
    )
    fee = parameters_from_toml(text)["fee"]
    assert fee.at(pendulum.Date(2000, 12, 31)) == Money(5)
    with pytest.raises(ParameterNotInForce, match="ended"):
        fee.at(pendulum.Date(2001, 1, 1))


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("money", '"10.50"', Money("10.50")),
        ("int", "3", 3),
        ("ratio", '"0.3"', Fraction(3, 10)),
        ("ratio", '"1/3"', Fraction(1, 3)),
        ("bool", "true", True),
        ("date", "2016-01-01", pendulum.Date(2016, 1, 1)),
    ],
)
def test_kinds(kind: str, raw: str, expected: object) -> None:
    text = HEAD + f'\n[p]\nkind = "{kind}"\n[[p.values]]\nstart = 2000-01-01\n'
    text += f'value = {raw}\ncitation = "c"\n'
    assert parameters_from_toml(text)["p"].at(pendulum.Date(2001, 1, 1)) == expected


def test_every_problem_is_reported_with_its_path() -> None:
    text = (
        HEAD
        + """
[a]
kind = "money"
[[a.values]]
start = 2001-01-01
value = 10.5
citation = "c"

[b]
kind = "int"
[[b.values]]
start = 2002-01-01
value = 1
citation = "c"
[[b.values]]
start = 2001-01-01
value = 2
citation = "c"

[c]
kind = "int"
[[c.values]]
start = 2000-01-01
until = 2005-01-01
value = 1
citation = "c"
[[c.values]]
start = 2004-01-01
value = 2
citation = "nope"
"""
    )
    with pytest.raises(InvalidInput) as info:
        parameters_from_toml(text, source="bad.toml")
    paths = [p.path for p in info.value.problems]
    assert "bad.toml:a.values[0].value" in paths
    assert "bad.toml:b.values[1].start" in paths
    assert "bad.toml:c.values[1].citation" in paths
    assert "float" in str(info.value)


def test_overlap_is_rejected() -> None:
    text = HEAD + (
        '\n[c]\nkind = "int"\n'
        '[[c.values]]\nstart = 2000-01-01\nuntil = 2005-01-01\nvalue = 1\ncitation = "c"\n'
        '[[c.values]]\nstart = 2004-01-01\nvalue = 2\ncitation = "c"\n'
    )
    with pytest.raises(InvalidInput, match="overlaps"):
        parameters_from_toml(text, source="o.toml")


def test_constructor_checks_kind() -> None:
    with pytest.raises(InvalidInput, match="is not a money"):
        Parameter(
            name="x",
            kind="money",
            values=(DatedValue(start=pendulum.Date(2000, 1, 1), value=3, citation=CITE),),
        )


def test_with_value_leaves_the_original_alone() -> None:
    ra = PARAMETERS["reward_assistance.annual"]
    reform = ra.with_value(pendulum.Date(2015, 1, 1), Money(1200), CITE)
    assert ra.at(pendulum.Date(2016, 1, 1)) == Money(960)
    assert reform.at(pendulum.Date(2016, 1, 1)) == Money(1200)
    assert reform.at(pendulum.Date(2014, 12, 31)) == Money(960)
    assert reform.values[2].until == pendulum.Date(2014, 12, 31)


def test_malformed_toml() -> None:
    with pytest.raises(InvalidInput, match="not valid TOML"):
        parameters_from_toml("[[", source="x.toml")
