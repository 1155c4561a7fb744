"""Democratic evaluation of staff (民主评议): ballots on six items, scores, ranks, help."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs

from fpcore.errors import InvalidInput, Problem


class Criterion(enum.StrEnum):
    """The six items the public rates (评议内容).

    - ``SERVICE_ATTITUDE``: 服务态度; ``WORK_STYLE``: 工作作风; ``EFFICIENCY``: 办事效率;
    - ``DUTY_FULFILMENT``: 履行职责; ``INNOVATION``: 开拓创新; ``OVERALL``: 综合评价.
    """

    SERVICE_ATTITUDE = "service_attitude"
    WORK_STYLE = "work_style"
    EFFICIENCY = "efficiency"
    DUTY_FULFILMENT = "duty_fulfilment"
    INNOVATION = "innovation"
    OVERALL = "overall"


class Grade(enum.StrEnum):
    """A rating: 好 (``GOOD``), 较好 (``FAIRLY_GOOD``), 一般 (``FAIR``), 差 (``POOR``)."""

    GOOD = "good"
    FAIRLY_GOOD = "fairly_good"
    FAIR = "fair"
    POOR = "poor"


DEFAULT_POINTS: Mapping[Grade, int] = {
    Grade.GOOD: 100,
    Grade.FAIRLY_GOOD: 80,
    Grade.FAIR: 60,
    Grade.POOR: 0,
}
"""Points per grade (a convention: the report gives no scale [UNCERTAIN])."""


@attrs.frozen(kw_only=True)
class Staff:
    """A member of staff under evaluation, with the unit (单位/科室) they belong to."""

    staff_id: str
    name: str
    unit: str


@attrs.frozen(kw_only=True)
class Ballot:
    """One voter's ratings of one member of staff on the six items (评议票).

    A *poor vote* (差评票) is a ballot whose overall rating is poor.
    """

    staff_id: str
    service_attitude: Grade
    work_style: Grade
    efficiency: Grade
    duty_fulfilment: Grade
    innovation: Grade
    overall: Grade

    def __attrs_post_init__(self) -> None:
        problems = [
            Problem(c.value, f"{getattr(self, c.value)!r} is not a Grade")
            for c in Criterion
            if not isinstance(getattr(self, c.value), Grade)
        ]
        if problems:
            raise InvalidInput(problems)

    @classmethod
    def uniform(cls, staff_id: str, grade: Grade) -> Ballot:
        """A ballot giving the same grade on every item.

        >>> Ballot.uniform("S1", Grade.POOR).is_poor_vote
        True
        """
        return cls(staff_id=staff_id, **{c.value: grade for c in Criterion})

    def grade(self, criterion: Criterion) -> Grade:
        """The grade on one item."""
        value = getattr(self, criterion.value)
        assert isinstance(value, Grade)
        return value

    @property
    def is_poor_vote(self) -> bool:
        """Whether the ballot rates the person poor overall (综合评价为差)."""
        return self.overall is Grade.POOR


def _two_places(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@attrs.frozen(kw_only=True)
class StaffResult:
    """One person's result: score (0-100, two decimals), per-item scores, poor votes,
    rank in the unit and overall, and whether they get focused help (重点帮扶)."""

    staff: Staff
    ballots: int
    score: Decimal
    item_scores: tuple[tuple[Criterion, Decimal], ...]
    poor_votes: int
    poor_grades: int
    rank_in_unit: int
    rank_overall: int
    focused_help: bool


@attrs.frozen(kw_only=True)
class Evaluation:
    """The results of one democratic evaluation, best first."""

    label: str
    results: tuple[StaffResult, ...]

    @property
    def poor_votes(self) -> int:
        """Poor votes over everyone."""
        return sum(r.poor_votes for r in self.results)

    @property
    def flagged(self) -> tuple[StaffResult, ...]:
        """Those given focused help (the bottom ranks)."""
        return tuple(r for r in self.results if r.focused_help)

    def by_unit(self) -> dict[str, tuple[StaffResult, ...]]:
        """Results per unit, best first."""
        units: dict[str, list[StaffResult]] = {}
        for result in self.results:
            units.setdefault(result.staff.unit, []).append(result)
        return {
            unit: tuple(sorted(found, key=lambda r: r.rank_in_unit))
            for unit, found in sorted(units.items())
        }

    def result(self, staff_id: str) -> StaffResult | None:
        """One person's result, if they were evaluated."""
        return next((r for r in self.results if r.staff.staff_id == staff_id), None)

    def to_text(self) -> str:
        """The results as text, best first, the flagged ones marked."""
        lines = [f"民主评议 / democratic evaluation {self.label}: poor votes {self.poor_votes}"]
        for r in self.results:
            flag = "  重点帮扶 focused help" if r.focused_help else ""
            lines.append(
                f"{r.rank_overall}. {r.staff.name} ({r.staff.unit}, #{r.rank_in_unit} in unit): "
                f"{r.score}, {r.ballots} ballots, {r.poor_votes} poor{flag}"
            )
        return "\n".join(lines)


def evaluate_staff(
    staff: Iterable[Staff],
    ballots: Iterable[Ballot],
    *,
    label: str = "",
    bottom: int = 3,
    points: Mapping[Grade, int] = DEFAULT_POINTS,
) -> Evaluation:
    """Score a democratic evaluation: per person, the mean points over their ballots
    and the six items; ranks overall and within each unit; the ``bottom`` lowest
    overall flagged for focused help (重点帮扶).

    Ties rank by score, then fewer poor votes, then staff id. Staff without ballots
    are not ranked.

    Raises:
        InvalidInput: a ballot for someone not on the staff list, or a staff id twice.

    Example:
        >>> people = [Staff(staff_id=f"S{i}", name=f"干部{i}", unit="服务站") for i in range(5)]
        >>> votes = [Ballot.uniform("S0", Grade.GOOD), Ballot.uniform("S1", Grade.FAIRLY_GOOD),
        ...          Ballot.uniform("S2", Grade.FAIR), Ballot.uniform("S3", Grade.POOR),
        ...          Ballot.uniform("S4", Grade.GOOD)]
        >>> result = evaluate_staff(people, votes, label="2008")
        >>> [(r.staff.staff_id, str(r.score), r.focused_help) for r in result.results]
        [('S0', '100.00', False), ('S4', '100.00', False), ('S1', '80.00', True),
         ('S2', '60.00', True), ('S3', '0.00', True)]
        >>> result.poor_votes
        1
    """
    people = list(staff)
    problems: list[Problem] = []
    known: dict[str, Staff] = {}
    for index, person in enumerate(people):
        if person.staff_id in known:
            problems.append(Problem(f"staff[{index}]", f"{person.staff_id} is listed twice"))
        known[person.staff_id] = person
    votes: dict[str, list[Ballot]] = {}
    for index, ballot in enumerate(ballots):
        if ballot.staff_id not in known:
            problems.append(Problem(f"ballots[{index}]", f"{ballot.staff_id} is not on the staff"))
        votes.setdefault(ballot.staff_id, []).append(ballot)
    if problems:
        raise InvalidInput(problems)
    rows = []
    for person in people:
        cast = votes.get(person.staff_id, [])
        if not cast:
            continue
        items = tuple(
            (c, Fraction(sum(points[b.grade(c)] for b in cast), len(cast))) for c in Criterion
        )
        score = sum((value for _, value in items), Fraction(0)) / len(items)
        poor = sum(1 for b in cast if b.is_poor_vote)
        poor_grades = sum(1 for b in cast for c in Criterion if b.grade(c) is Grade.POOR)
        rows.append((person, cast, score, items, poor, poor_grades))
    rows.sort(key=lambda row: (-row[2], row[4], row[0].staff_id))
    unit_ranks: dict[str, int] = {}
    results = []
    for overall, (person, cast, score, items, poor, poor_grades) in enumerate(rows, start=1):
        unit_ranks[person.unit] = unit_ranks.get(person.unit, 0) + 1
        results.append(
            StaffResult(
                staff=person,
                ballots=len(cast),
                score=_two_places(score),
                item_scores=tuple((c, _two_places(v)) for c, v in items),
                poor_votes=poor,
                poor_grades=poor_grades,
                rank_in_unit=unit_ranks[person.unit],
                rank_overall=overall,
                focused_help=overall > len(rows) - bottom,
            )
        )
    return Evaluation(label=label, results=tuple(results))


@attrs.frozen(kw_only=True)
class PoorVoteChange:
    """Poor votes in two evaluations, in total and per person (the report: 12 -> 1)."""

    before: str
    after: str
    total_before: int
    total_after: int
    by_staff: tuple[tuple[str, int, int], ...]

    @property
    def change(self) -> int:
        """After minus before (negative is better)."""
        return self.total_after - self.total_before

    def __str__(self) -> str:
        return (
            f"poor votes {self.before} -> {self.after}: "
            f"{self.total_before} -> {self.total_after} ({self.change:+d})"
        )


def compare_poor_votes(before: Evaluation, after: Evaluation) -> PoorVoteChange:
    """Track poor votes from one evaluation to the next, per person and in total.

    Example:
        >>> people = [Staff(staff_id="S1", name="干部甲", unit="站")]
        >>> first = evaluate_staff(people, [Ballot.uniform("S1", Grade.POOR)] * 12, label="上半年")
        >>> second = evaluate_staff(people, [Ballot.uniform("S1", Grade.POOR)], label="下半年")
        >>> print(compare_poor_votes(first, second))
        poor votes 上半年 -> 下半年: 12 -> 1 (-11)
    """
    ids = sorted(
        {r.staff.staff_id for r in before.results} | {r.staff.staff_id for r in after.results}
    )
    rows = []
    for staff_id in ids:
        old, new = before.result(staff_id), after.result(staff_id)
        rows.append((staff_id, old.poor_votes if old else 0, new.poor_votes if new else 0))
    return PoorVoteChange(
        before=before.label,
        after=after.label,
        total_before=before.poor_votes,
        total_after=after.poor_votes,
        by_staff=tuple(rows),
    )
