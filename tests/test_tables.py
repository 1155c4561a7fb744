"""Population tables' child facts: the sort-and-sweep agrees with the definition (issue 14)."""

from __future__ import annotations

import time

import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fpcore.model import Child, ChildLink, Household, Sex
from fpcore.tables import (
    most_children_alive_together,
    siblings_alive_at_join,
    siblings_alive_at_joins,
)
from fpcore.testing import strategies as fst

D = pendulum.Date
HEAVY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _index(day: pendulum.Date) -> int:
    return day.year * 12 + day.month - 1


@st.composite
def overlapping_children(draw: st.DrawFn) -> tuple[Child, ...]:
    """Children with births, adoptions and deaths on few days, so ties are common."""
    found = []
    for _ in range(draw(st.integers(0, 8))):
        birth = D(2000, 1, 1).add(days=draw(st.integers(0, 20)))
        adopted_after = draw(st.none() | st.integers(0, 10))
        died_after = draw(st.none() | st.integers(0, 10))
        adopted = None if adopted_after is None else birth.add(days=adopted_after)
        death = None if died_after is None else birth.add(days=died_after)
        if adopted is not None and death is not None and death < adopted:
            death = adopted  # the model refuses a death before the adoption
        found.append(
            Child(
                name="孩子",
                sex=Sex.FEMALE,
                birth_date=birth,
                link=ChildLink.ADOPTION if adopted else ChildLink.BIRTH,
                adoption_date=adopted,
                death_date=death,
            )
        )
    return tuple(found)


@HEAVY
@given(st.one_of(overlapping_children(), fst.households(max_children=5).map(lambda h: h.children)))
def test_the_sweep_equals_the_definition(children: tuple[Child, ...]) -> None:
    swept = siblings_alive_at_joins(children)
    assert swept == tuple(siblings_alive_at_join(children, i) for i in range(len(children)))
    for month in range(_index(D(1999, 12, 1)), _index(D(2000, 2, 1)) + 1):
        expected = max(
            (swept[i] + 1 for i, c in enumerate(children) if _index(c.adopted_on) <= month),
            default=0,
        )
        assert most_children_alive_together(children, month) == expected


@HEAVY
@given(fst.households(min_children=1))
def test_the_sweep_on_generated_households(h: Household) -> None:
    swept = siblings_alive_at_joins(h.children)
    assert swept == tuple(siblings_alive_at_join(h.children, i) for i in range(len(h.children)))


def test_the_sweep_is_near_linear() -> None:
    """10,000 children (far beyond a household) in well under a second; 0.1 took minutes."""
    many = tuple(
        Child(name="孩子", sex=Sex.MALE, birth_date=D(1900, 1, 1).add(days=3 * i))
        for i in range(10_000)
    )
    start = time.perf_counter()
    counts = siblings_alive_at_joins(many)
    assert max(most_children_alive_together(many, m) for m in range(24_000, 24_012)) == 10_000
    assert time.perf_counter() - start < 2.0
    assert counts[-1] == 9_999
