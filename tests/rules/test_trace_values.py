"""An explanation keeps the values a rule computed as they are and renders them to text
when first read: the same trace, document and text as rendering them at once."""

from __future__ import annotations

import copy
import pickle

import attrs
import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.periods import Month, Year
from fpcore.rules import Decision, RuleTrace
from fpcore.rules._decision import _rendered

from .domain import POLICY, Child, Household, Person


def _household(birth_year: int, died: bool) -> Household:
    return Household(
        id=3,
        persons=(
            Person(id=30, birth=pendulum.Date(birth_year, 3, 4), rural=True),
            Person(id=31, birth=pendulum.Date(birth_year + 2, 2, 28), rural=False),
        ),
        children=(
            Child(
                birth=pendulum.Date(birth_year + 28, 5, 1),
                boy=False,
                died=pendulum.Date(2005, 1, 1) if died else None,
            ),
        ),
        certificate=pendulum.Date(birth_year + 29, 1, 1),
    )


def _eager(trace: RuleTrace) -> RuleTrace:
    """The same trace with its values rendered when made."""
    fields = {a.name: getattr(trace, a.name) for a in attrs.fields(RuleTrace) if a.init}
    return RuleTrace(**fields)


@settings(max_examples=25, deadline=None)
@given(st.integers(1940, 1975), st.booleans(), st.sampled_from([Month(2012, 3), Year(2010)]))
def test_values_rendered_on_reading_equal_values_rendered_at_once(
    birth_year: int, died: bool, period: Month | Year
) -> None:
    decision = POLICY.evaluate(_household(birth_year, died), period, explain=True)
    assert decision.explanations
    for trace in decision.explanations:
        eager = _eager(trace)
        assert eager == trace
        assert hash(eager) == hash(trace)
        assert repr(eager) == repr(trace)
    again = POLICY.evaluate(_household(birth_year, died), period, explain=True)
    assert again.to_json() == decision.to_json()
    assert Decision.from_json(again.to_json()) == again


def test_values_are_kept_raw_until_read() -> None:
    decision = POLICY.evaluate(_household(1950, True), Month(2012, 3), explain=True)
    trace = next(t for t in decision.explanations if t.in_force)
    recorded = trace._recorded
    assert recorded is not None
    assert any(not isinstance(v, str) for v in recorded.values())  # raw values
    assert trace.values == _rendered(recorded)
    assert trace.values is trace.values  # rendered once


def test_unread_traces_copy_pickle_and_evolve() -> None:
    decision = POLICY.evaluate(_household(1950, True), Month(2012, 3), explain=True)
    assert pickle.loads(pickle.dumps(decision)) == decision
    fresh = POLICY.evaluate(_household(1950, True), Month(2012, 3), explain=True)
    assert copy.deepcopy(fresh.explanations[0]) == decision.explanations[0]
    evolved = attrs.evolve(fresh.explanations[1], applied=not fresh.explanations[1].applied)
    assert evolved.values == decision.explanations[1].values


def test_a_document_changed_by_its_reader_leaves_the_next_one_alone() -> None:
    household = _household(1950, True)
    first = POLICY.evaluate(household, Month(2012, 3), explain=True).to_dict()
    expected = POLICY.evaluate(household, Month(2012, 3), explain=True).to_dict()
    for entry in first["expressions"]:  # the expression table is made once and kept
        if isinstance(entry, list):
            entry.append("changed")
    first["expressions"].append("changed")
    assert POLICY.evaluate(household, Month(2012, 3), explain=True).to_dict() == expected
