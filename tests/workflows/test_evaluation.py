"""Democratic evaluation of staff: scores, ranks by unit, bottom three, poor votes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.workflows import (
    Ballot,
    Criterion,
    Grade,
    Staff,
    compare_poor_votes,
    evaluate_staff,
    workflow_converter,
)

STAFF = [
    Staff(staff_id="A1", name="张伟", unit="洪凝镇计生办"),
    Staff(staff_id="A2", name="李娜", unit="洪凝镇计生办"),
    Staff(staff_id="A3", name="王芳", unit="洪凝镇计生办"),
    Staff(staff_id="B1", name="刘洋", unit="县服务站"),
    Staff(staff_id="B2", name="陈静", unit="县服务站"),
]


def ballots(staff_id: str, *grades: Grade) -> list[Ballot]:
    return [Ballot.uniform(staff_id, grade) for grade in grades]


def test_scores_ranks_by_unit_and_the_bottom_three() -> None:
    votes = (
        ballots("A1", Grade.GOOD, Grade.GOOD)
        + ballots("A2", Grade.GOOD, Grade.FAIR)
        + ballots("A3", Grade.POOR, Grade.FAIR)
        + ballots("B1", Grade.GOOD, Grade.FAIRLY_GOOD)
        + ballots("B2", Grade.FAIRLY_GOOD, Grade.POOR)
    )
    result = evaluate_staff(STAFF, votes, label="2008年")
    assert [(r.staff.staff_id, str(r.score)) for r in result.results] == [
        ("A1", "100.00"),
        ("B1", "90.00"),
        ("A2", "80.00"),
        ("B2", "40.00"),
        ("A3", "30.00"),
    ]
    assert [r.staff.staff_id for r in result.flagged] == ["A2", "B2", "A3"]
    units = result.by_unit()
    assert [(r.staff.staff_id, r.rank_in_unit) for r in units["洪凝镇计生办"]] == [
        ("A1", 1),
        ("A2", 2),
        ("A3", 3),
    ]
    assert [(r.staff.staff_id, r.rank_in_unit) for r in units["县服务站"]] == [("B1", 1), ("B2", 2)]
    assert result.poor_votes == 2
    a3 = result.result("A3")
    assert a3 is not None
    assert a3.poor_grades == 6
    assert dict(a3.item_scores)[Criterion.OVERALL] == Decimal("30.00")
    assert "重点帮扶" in result.to_text()


def test_a_poor_vote_is_a_poor_overall_rating() -> None:
    mixed = Ballot(
        staff_id="A1",
        service_attitude=Grade.POOR,
        work_style=Grade.GOOD,
        efficiency=Grade.GOOD,
        duty_fulfilment=Grade.GOOD,
        innovation=Grade.GOOD,
        overall=Grade.FAIR,
    )
    assert not mixed.is_poor_vote
    result = evaluate_staff(STAFF[:1], [mixed])
    only = result.results[0]
    assert (only.poor_votes, only.poor_grades) == (0, 1)
    assert only.score == Decimal("76.67")  # (0 + 4 * 100 + 60) / 6


def test_poor_votes_tracked_from_12_to_1() -> None:
    first = evaluate_staff(
        STAFF, ballots("A3", *[Grade.POOR] * 7) + ballots("B2", *[Grade.POOR] * 5), label="2007"
    )
    second = evaluate_staff(STAFF, ballots("A3", Grade.POOR, Grade.GOOD), label="2008")
    change = compare_poor_votes(first, second)
    assert (change.total_before, change.total_after, change.change) == (12, 1, -11)
    assert ("A3", 7, 1) in change.by_staff
    assert ("B2", 5, 0) in change.by_staff
    assert str(change) == "poor votes 2007 -> 2008: 12 -> 1 (-11)"


def test_unknown_staff_and_duplicates_are_input_errors() -> None:
    with pytest.raises(InvalidInput) as caught:
        evaluate_staff([*STAFF, STAFF[0]], ballots("Z9", Grade.GOOD))
    assert [p.path for p in caught.value.problems] == ["staff[5]", "ballots[0]"]
    with pytest.raises(InvalidInput, match="overall"):
        Ballot(
            staff_id="A1",
            service_attitude=Grade.GOOD,
            work_style=Grade.GOOD,
            efficiency=Grade.GOOD,
            duty_fulfilment=Grade.GOOD,
            innovation=Grade.GOOD,
            overall="bad",  # type: ignore[arg-type]
        )


grades = st.sampled_from(list(Grade))
ballot_lists = st.lists(
    st.builds(
        Ballot,
        staff_id=st.sampled_from([s.staff_id for s in STAFF]),
        **{c.value: grades for c in Criterion},
    ),
    max_size=40,
)


@given(votes=ballot_lists, bottom=st.integers(0, 5))
def test_ranks_are_a_permutation_and_the_bottom_are_the_lowest(
    votes: list[Ballot], bottom: int
) -> None:
    result = evaluate_staff(STAFF, votes, bottom=bottom)
    ranked = result.results
    assert [r.rank_overall for r in ranked] == list(range(1, len(ranked) + 1))
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    assert len(result.flagged) == min(bottom, len(ranked))
    assert all(Decimal(0) <= r.score <= Decimal(100) for r in ranked)
    assert result.poor_votes == sum(1 for b in votes if b.overall is Grade.POOR)
    for unit_results in result.by_unit().values():
        assert [r.rank_in_unit for r in unit_results] == list(range(1, len(unit_results) + 1))


@given(votes=ballot_lists)
def test_ballots_round_trip_through_the_workflow_converter(votes: list[Ballot]) -> None:
    converter = workflow_converter()
    data = converter.unstructure(votes)
    assert all(isinstance(v["overall"], str) for v in data)
    assert converter.structure(data, list[Ballot]) == votes
