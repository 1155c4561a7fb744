"""The model's limits: dates in range, UTF-8 text, bounded households (issue 14, items 1-2)."""

from __future__ import annotations

import json

import attrs
import pendulum
import pytest

from fpcore.errors import InvalidInput
from fpcore.model import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_CHILDREN,
    MAX_TEXT_CHARS,
    Child,
    Household,
    Sex,
    sample_household,
)
from fpcore.periods import Year
from fpcore.policies import get
from fpcore.serialization import dumps, loads

D = pendulum.Date


def paths(error: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [p.path for p in error.value.problems]


def children(count: int) -> tuple[Child, ...]:
    return tuple(
        Child(name="孩子", sex=Sex.MALE, birth_date=D(1995, 1, 1).add(days=30 * i))
        for i in range(count)
    )


def test_the_limits_are_stated() -> None:
    assert (D(1850, 1, 1), D(2199, 12, 31)) == (EARLIEST_DATE, LATEST_DATE)
    assert MAX_CHILDREN == 100


def test_a_parent_born_in_9940_is_refused_not_a_crash_later() -> None:
    h = sample_household()
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(h, parents=(attrs.evolve(h.parents[0], birth_date=D(9940, 1, 1)),))
    assert "outside the dates fpcore accepts" in str(caught.value)
    document = json.loads(dumps(h))
    document["parents"][0]["birth_date"] = "9940-05-01"
    document["parents"][0].pop("resident_id")
    document["parents"][0]["no_id_reason"] = "none"
    with pytest.raises(InvalidInput) as loaded:
        loads(json.dumps(document), Household)
    assert paths(loaded) == ["parents[0].birth_date"]


@pytest.mark.parametrize("day", ["1849-12-31", "2200-01-01", "0001-01-01", "9999-12-31"])
def test_dates_out_of_range_are_refused_by_the_reader(day: str) -> None:
    document = json.loads(dumps(sample_household()))
    document["children"][0]["death_date"] = day
    with pytest.raises(InvalidInput) as caught:
        loads(json.dumps(document), Household)
    assert paths(caught) == ["children[0].death_date"]


def test_the_edges_of_the_range_are_accepted() -> None:
    h = sample_household()
    late = attrs.evolve(h.children[0], death_date=LATEST_DATE)
    assert attrs.evolve(h, children=(late,)).children[0].death_date == LATEST_DATE


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\udc80b"])
def test_lone_surrogates_are_refused_on_reading(escape: str) -> None:
    text = dumps(sample_household()).replace('"张秀娟"', f'"{escape}"', 1)
    with pytest.raises(InvalidInput) as caught:
        loads(text, Household)
    assert paths(caught) == ["parents[0].name"]
    assert "UTF-8" in str(caught.value)
    str(caught.value).encode("utf-8")  # the message itself can be printed


def test_lone_surrogates_are_refused_by_the_constructors() -> None:
    h = sample_household()
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(h, household_id="HN\ud800")
    assert paths(caught) == ["household_id"]
    with pytest.raises(InvalidInput):
        attrs.evolve(h.children[0], name="\udcff")


def test_text_is_bounded() -> None:
    h = sample_household()
    attrs.evolve(h, household_id="H" * MAX_TEXT_CHARS)
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(h, household_id="H" * (MAX_TEXT_CHARS + 1))
    assert paths(caught) == ["household_id"]


def test_more_children_than_a_family_can_have_are_refused() -> None:
    h = sample_household()
    several = attrs.evolve(h, children=children(MAX_CHILDREN), certificates=())
    assert len(several.children) == MAX_CHILDREN
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(h, children=children(MAX_CHILDREN + 1), certificates=())
    assert paths(caught) == ["children"]
    assert f"at most {MAX_CHILDREN}" in str(caught.value)


def test_the_largest_household_evaluates_a_year_quickly() -> None:
    import time

    h = attrs.evolve(sample_household(), children=children(MAX_CHILDREN), certificates=())
    policy = get("county")
    start = time.perf_counter()
    policy.evaluate(h, Year(year=2008), explain=True)
    assert time.perf_counter() - start < 5.0  # seconds; about 0.1 s on a laptop
