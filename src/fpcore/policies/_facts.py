"""The facts the family-planning rules speak of, read from a household's history.

Every fact asks "as of this month" ``m`` (see ``docs/catalogue.md``):

- a child counts from the month it joins (birth or adoption month) and no longer from
  the month of its death; a parent counts as alive through the month of death;
- a hukou change counts from its own month (the last change of a month holds);
- a disability certificate, the honour certificate and a confirmation count from the
  month of issue (confirmation), and a certificate no longer from the month it is
  cancelled or returned.

Person facts read a parent within the household (:class:`~fpcore.model.HouseholdParent`):
their own children (those linked to them: common children and their own from an
earlier marriage), hukou, confirmations; household facts read the couple.

The Python implementations read :mod:`fpcore.model` objects; the row expressions
(``row=``) read the tables of :mod:`fpcore.tables`, and the batch evaluators (polars,
the compiled kernel) and the breakpoints of time as intervals follow from them. A
property test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import pendulum

from fpcore.model import Child, Household, HouseholdParent, Hukou, Person, Sex
from fpcore.periods import Month, month_index_reaching_age
from fpcore.rules import Fact, fact
from fpcore.rules.rows import MONTH, Row, col, when
from fpcore.tables import hukou_spells
from fpcore.tables import most_children_alive_together as _most_together

#: The benefit name a special-assistance confirmation carries.
SPECIAL_ASSISTANCE = "special_assistance"


def _index(day: pendulum.Date) -> int:
    return day.year * 12 + day.month - 1


def _optional_index(day: pendulum.Date | None) -> int | None:
    return None if day is None else _index(day)


def _alive_in(person: Person, m: int) -> bool:
    return person.death_date is None or _index(person.death_date) >= m


def _rural_in(person: Person, m: int) -> bool:
    """The parent's hukou class in month ``m`` is rural (by the month's last change);
    false after the month of death, when no class is in force."""
    if not person.hukou_changes:  # the common case: one class from birth to death
        return (
            person.hukou is Hukou.RURAL
            and _index(person.birth_date) <= m
            and (person.death_date is None or _index(person.death_date) >= m)
        )
    return any(
        start <= m and (end is None or m < end) and rural for start, end, rural in _spells(person)
    )


_SPELLS: dict[int, tuple[Person, list[tuple[int, int | None, bool]]]] = {}
"""Hukou spells already worked out, by person (kept alive here, so an id stays theirs):
read in every month of an evaluation, by person and household facts alike."""


def _spells(person: Person) -> list[tuple[int, int | None, bool]]:
    found = _SPELLS.get(id(person))
    if found is not None and found[0] is person:
        return found[1]
    spells = hukou_spells(person)
    if len(_SPELLS) >= 1024:
        _SPELLS.clear()
    _SPELLS[id(person)] = (person, spells)
    return spells


_NEVER = 1 << 40
"""A month index after every month (an end that never comes)."""

Kid = tuple[
    int, int, bool, bool, pendulum.Date, int, "int | None", tuple[tuple[int, int, int], ...]
]
"""A child as month indexes, worked out once: join, end (the month of death, or never),
female, within policy, birth date, the month of the 18th birthday, the month of death
(or None), the disability certificates (issued, end, grade)."""

_JOIN: Final = 0
_END: Final = 1
_FEMALE: Final = 2
_WITHIN: Final = 3
_BIRTH: Final = 4
_ADULT: Final = 5
_DEATH: Final = 6
_CERTS: Final = 7


class _Record:
    """A household's history as plain integers, worked out once per household: what the
    facts read in every month of an evaluation (birthdays, joins, deaths, certificates)."""

    __slots__ = ("honour", "kids", "mother", "own", "parent_end")

    def __init__(self, household: Household) -> None:
        kids: list[Kid] = []
        for c in household.children:
            death = _optional_index(c.death_date)
            certificates = tuple(
                (
                    _index(d.issued),
                    _NEVER if d.cancelled is None else _index(d.cancelled),
                    d.grade,
                )
                for d in c.disabilities
            )
            kids.append(
                (
                    _index(c.adopted_on),
                    _NEVER if death is None else death,
                    c.sex is Sex.FEMALE,
                    c.within_policy,
                    c.birth_date,
                    month_index_reaching_age(c.birth_date, 18),
                    death,
                    certificates,
                )
            )
        self.kids: tuple[Kid, ...] = tuple(kids)
        self.own: tuple[tuple[Kid, ...], ...] = tuple(
            tuple(
                k
                for k, c in zip(kids, household.children, strict=True)
                if c.parents is None or i in c.parents
            )
            for i in range(len(household.parents))
        )
        # a parent is alive through the month of death
        self.parent_end: tuple[int, ...] = tuple(
            _NEVER if p.death_date is None else _index(p.death_date) + 1 for p in household.parents
        )
        self.mother: Person | None = household.mother
        certificate = household.honour_certificate
        self.honour: tuple[int, int] | None = (
            None
            if certificate is None
            else (
                _index(certificate.issued),
                _NEVER if certificate.returned is None else _index(certificate.returned),
            )
        )


_RECORDS: dict[int, tuple[Household, _Record]] = {}


def _record(household: Household) -> _Record:
    """The household's :class:`_Record` (kept with the household, so an id stays its)."""
    found = _RECORDS.get(id(household))
    if found is not None and found[0] is household:
        return found[1]
    record = _Record(household)
    if len(_RECORDS) >= 1024:
        _RECORDS.clear()
    _RECORDS[id(household)] = (household, record)
    return record


def _own_kids(parent: HouseholdParent) -> tuple[Kid, ...]:
    return _record(parent.household).own[parent.index]


_ALIVE = col("death_index").is_null() | (col("death_index") >= MONTH)
"""A person alive in the month (through the month of death)."""

_JOINED = col("join_index") <= MONTH
"""A child who has joined by the month (birth or adoption)."""

_LIVING = _JOINED & (col("death_index").is_null() | (col("death_index") > MONTH))
"""A child who has joined and is alive in the month (not from the month of death)."""

_SPELL = (col("start_index") <= MONTH) & (col("end_index").is_null() | (col("end_index") > MONTH))
"""A hukou spell in force in the month, while its holder is alive."""

_DISABILITY = (
    (col("issued_index") <= MONTH)
    & (col("cancelled_index").is_null() | (col("cancelled_index") > MONTH))
    & (col("child_join_index") <= MONTH)
    & (col("child_death_index").is_null() | (col("child_death_index") > MONTH))
)
"""A disability certificate in force in the month, of a living child."""


# --- a parent's own facts ----------------------------------------------------------------


@fact("person", "bool", row=_ALIVE)
def alive(parent: HouseholdParent, month: Month) -> bool:
    """The person is alive in the month (paid through the month of death)."""
    return _alive_in(parent.person, month.index)


@fact("person", "bool", row=col("is_female"))
def is_woman(parent: HouseholdParent, month: Month) -> bool:
    """The person is the woman of the couple."""
    return parent.person.sex is Sex.FEMALE


@fact(
    "person",
    "bool",
    row=col("rural") & ~col("hukou_changed") & _ALIVE,
)
def rural_from_birth(parent: HouseholdParent, month: Month) -> bool:
    """The person's hukou never changes and is rural (while alive)."""
    person = parent.person
    return not person.hukou_changes and _rural_in(person, month.index)


@fact(
    "person",
    "bool",
    over="hukou_spells",
    agg="any",
    fill=False,
    row=_SPELL & col("rural"),
)
def rural_after_change(parent: HouseholdParent, month: Month) -> bool:
    """The person's hukou changes, and the class in force in the month is rural."""
    person = parent.person
    return bool(person.hukou_changes) and _rural_in(person, month.index)


RURAL_HUKOU = rural_from_birth | rural_after_change
"""The person's own hukou in the month is rural (agricultural): the class from birth,
or the one in force after the changes (a change counts from its month)."""


@fact("person", "date", row=col("birth_date"))
def birth_date(parent: HouseholdParent, month: Month) -> pendulum.Date:
    """The person's date of birth."""
    return parent.person.birth_date


@fact("person", "int", row=col("age49_index"))
def month_turning_49(parent: HouseholdParent, month: Month) -> int:
    """Month index of the person's own 49th birthday."""
    return month_index_reaching_age(parent.person.birth_date, 49)


@fact("person", "int", row=col("age60_index"))
def month_turning_60(parent: HouseholdParent, month: Month) -> int:
    """Month index of the person's 60th birthday."""
    return month_index_reaching_age(parent.person.birth_date, 60)


@fact("person", "int", row=col("age60_index") // 12 * 12)
def year_turning_60(parent: HouseholdParent, month: Month) -> int:
    """Month index of January of the year of the person's 60th birthday."""
    return month_index_reaching_age(parent.person.birth_date, 60) // 12 * 12


def _own(parent: HouseholdParent) -> tuple[Child, ...]:
    return parent.children


@fact("person", "int", over="parenthood", agg="sum", fill=0, row=_JOINED)
def own_children_ever(parent: HouseholdParent, month: Month) -> int:
    """The person's own children (born to or adopted by them) by the month, living or not."""
    m = month.index
    return sum(1 for k in _own_kids(parent) if k[_JOIN] <= m)


@fact("person", "int", over="parenthood", agg="sum", fill=0, row=_LIVING)
def own_living_children(parent: HouseholdParent, month: Month) -> int:
    """The person's own children alive in the month."""
    m = month.index
    return sum(1 for k in _own_kids(parent) if k[_JOIN] <= m < k[_END])


@fact(
    "person",
    "int",
    over="parenthood",
    agg="sum",
    fill=0,
    row=_LIVING & col("is_female"),
)
def own_living_daughters(parent: HouseholdParent, month: Month) -> int:
    """The person's own daughters alive in the month."""
    m = month.index
    return sum(1 for k in _own_kids(parent) if k[_JOIN] <= m < k[_END] and k[_FEMALE])


@fact(
    "person",
    "int",
    over="parenthood",
    agg="max",
    fill=0,
    row=when(_JOINED, col("siblings_alive_at_join") + 1),
)
def own_most_children_alive_together(parent: HouseholdParent, month: Month) -> int:
    """The most of the person's own children alive at one time, up to the month."""
    return _most_together(_own(parent), month.index)  # one sweep per list, cached


@fact(
    "person",
    "int",
    over="parenthood",
    agg="sum",
    fill=0,
    row=_JOINED & ~col("within_policy"),
)
def own_out_of_policy_children(parent: HouseholdParent, month: Month) -> int:
    """The person's own children born outside the rules, joined by the month (any year)."""
    m = month.index
    return sum(1 for k in _own_kids(parent) if k[_JOIN] <= m and not k[_WITHIN])


def _window(first_year: int, last_year: int | None) -> Row:
    """Births outside the rules in whole years (month-index bounds: integer compares,
    no date decoding per row)."""
    birth = col("birth_index")
    window = birth >= first_year * 12
    if last_year is not None:
        window = window & (birth <= last_year * 12 + 11)
    return ~col("within_policy") & window


def _out_of_policy(children: Iterable[Child], first_year: int, last_year: int | None) -> int:
    return sum(
        1
        for c in children
        if not c.within_policy
        and c.birth_date.year >= first_year
        and (last_year is None or c.birth_date.year <= last_year)
    )


@fact(
    "person",
    "int",
    over="parenthood",
    agg="sum",
    fill=0,
    row=_window(1973, 2001),
)
def own_out_of_policy_births_1973_2001(parent: HouseholdParent, month: Month) -> int:
    """The person's own births outside the rules from 1973 through 2001 (national window)."""
    return _out_of_policy(_own(parent), 1973, 2001)


@fact(
    "person",
    "int",
    over="parenthood",
    agg="sum",
    fill=0,
    row=_window(1973, None),
)
def own_out_of_policy_births_since_1973(parent: HouseholdParent, month: Month) -> int:
    """The person's own births outside the rules since 1973 (Shandong's wording)."""
    return _out_of_policy(_own(parent), 1973, None)


@fact(
    "person",
    "int",
    over="parenthood",
    agg="max",
    row=when(col("death_index").is_not_null() & (col("death_index") <= MONTH), col("death_index")),
)
def own_last_child_death(parent: HouseholdParent, month: Month) -> int | None:
    """Month index of the latest death among the person's own children, up to the month."""
    m = month.index
    deaths = [d for k in _own_kids(parent) if (d := k[_DEATH]) is not None and d <= m]
    return max(deaths, default=None)


def _certificates_in_force(parent: HouseholdParent, m: int) -> list[tuple[int, int]]:
    """(grade, issue month) of the disability certificates of living own children."""
    return [
        (grade, issued)
        for k in _own_kids(parent)
        if k[_CERTS] and k[_JOIN] <= m < k[_END]
        for issued, end, grade in k[_CERTS]
        if issued <= m < end
    ]


@fact(
    "person",
    "int",
    over="parent_disabilities",
    agg="min",
    row=when(_DISABILITY, col("grade")),
)
def own_child_disability_grade(parent: HouseholdParent, month: Month) -> int | None:
    """The most severe grade (1 is most severe) of a certificate in force for a living own
    child; missing when none is in force that month."""
    return min((g for g, _ in _certificates_in_force(parent, month.index)), default=None)


@fact(
    "person",
    "int",
    over="parent_disabilities",
    agg="max",
    row=when(_DISABILITY, col("issued_index")),
)
def own_child_disabled_since(parent: HouseholdParent, month: Month) -> int | None:
    """Month index of issue of the certificate in force for a living own child (the
    latest, if several); a reissued or regraded certificate is a new start."""
    return max((i for _, i in _certificates_in_force(parent, month.index)), default=None)


@fact(
    "person",
    "int",
    over="confirmations",
    agg="max",
    row=when(
        (col("benefit") == SPECIAL_ASSISTANCE) & (col("confirmed_index") <= MONTH),
        col("confirmed_index"),
    ),
)
def special_assistance_confirmed(parent: HouseholdParent, month: Month) -> int | None:
    """Month index of the latest confirmation of the person's special-assistance
    eligibility (资格确认), up to the month; missing if none."""
    months = [
        _index(c.confirmed)
        for c in parent.household.confirmations
        if c.parent == parent.index
        and c.benefit == SPECIAL_ASSISTANCE
        and _index(c.confirmed) <= month.index
    ]
    return max(months, default=None)


# --- the couple: household facts over the parents -----------------------------------------


@fact(
    "household",
    "int",
    over="persons",
    agg="sum",
    fill=0,
    row=~col("rural") & ~col("hukou_changed") & _ALIVE,
)
def living_parents_urban_from_birth(household: Household, month: Month) -> int:
    """Parents alive in the month whose hukou never changes and is urban."""
    m = month.index
    return sum(
        1
        for p in household.parents
        if not p.hukou_changes and _alive_in(p, m) and not _rural_in(p, m)
    )


@fact(
    "household",
    "int",
    over="hukou_spells",
    agg="sum",
    fill=0,
    row=_SPELL & ~col("rural"),
)
def living_parents_urban_after_change(household: Household, month: Month) -> int:
    """Parents alive in the month whose hukou changes and is urban in that month."""
    m = month.index
    return sum(
        1 for p in household.parents if p.hukou_changes and _alive_in(p, m) and not _rural_in(p, m)
    )


PARENTS_RURAL = (living_parents_urban_from_birth + living_parents_urban_after_change) == 0
"""Every parent alive in the month holds a rural hukou in that month."""


@fact("household", "date", over="persons", agg="min", row=col("birth_date"))
def earliest_parent_birth(household: Household, month: Month) -> pendulum.Date:
    """Birth date of the older parent."""
    return min(p.birth_date for p in household.parents)


@fact("household", "int", over="persons", fill=0, agg="sum", row=_ALIVE)
def living_parents(household: Household, month: Month) -> int:
    """Parents alive in the month."""
    m = month.index
    return sum(1 for end in _record(household).parent_end if m < end)


def _woman(household: Household) -> Person | None:
    return _record(household).mother


@fact(
    "household",
    "int",
    over="persons",
    agg="max",
    row=when(col("is_female"), col("age49_index")),
)
def woman_turning_49(household: Household, month: Month) -> int | None:
    """Month index of the 49th birthday of the woman of the household (alive or not);
    missing when the household has no woman (a single father)."""
    woman = _woman(household)
    return None if woman is None else month_index_reaching_age(woman.birth_date, 49)


@fact(
    "household",
    "bool",
    over="persons",
    agg="any",
    fill=False,
    row=col("is_female") & _ALIVE,
)
def woman_alive(household: Household, month: Month) -> bool:
    """The woman of the household is alive in the month."""
    woman = _woman(household)
    return woman is not None and _alive_in(woman, month.index)


@fact(
    "household",
    "int",
    over="persons",
    agg="max",
    row=when(col("is_female"), col("death_index")),
)
def woman_death_month(household: Household, month: Month) -> int | None:
    """Month index of the death of the woman of the household; missing while she lives."""
    woman = _woman(household)
    return None if woman is None else _optional_index(woman.death_date)


# --- the couple's children -----------------------------------------------------------------


@fact("household", "int", over="children", agg="sum", fill=0, row=_JOINED)
def children_ever(household: Household, month: Month) -> int:
    """Children born to or adopted by the household by the month, living or not."""
    m = month.index
    return sum(1 for k in _record(household).kids if k[_JOIN] <= m)


@fact("household", "int", over="children", agg="sum", fill=0, row=_LIVING)
def living_children(household: Household, month: Month) -> int:
    """Children of the household alive in the month."""
    m = month.index
    return sum(1 for k in _record(household).kids if k[_JOIN] <= m < k[_END])


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    row=_LIVING & col("is_female"),
)
def living_daughters(household: Household, month: Month) -> int:
    """Daughters of the household alive in the month."""
    m = month.index
    return sum(1 for k in _record(household).kids if k[_JOIN] <= m < k[_END] and k[_FEMALE])


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="max",
    row=when(_JOINED, col("siblings_alive_at_join") + 1),
)
def most_children_alive_together(household: Household, month: Month) -> int:
    """The most children the household has had alive at one time, up to the month
    (twins born on one day are two children alive together)."""
    return _most_together(household.children, month.index)  # one sweep, cached


@fact(
    "household",
    "int",
    over="children",
    agg="max",
    row=when(_LIVING, col("adult_index")),
)
def month_child_turns_18(household: Household, month: Month) -> int | None:
    """Month index of the 18th birthday of the youngest living child (missing if none)."""
    m = month.index
    return max(
        (k[_ADULT] for k in _record(household).kids if k[_JOIN] <= m < k[_END]), default=None
    )


@fact(
    "household",
    "date",
    over="children",
    agg="max",
    row=when(_LIVING, col("birth_date")),
)
def living_child_birth(household: Household, month: Month) -> pendulum.Date | None:
    """Birth date of the youngest living child (missing if none)."""
    m = month.index
    return max(
        (k[_BIRTH] for k in _record(household).kids if k[_JOIN] <= m < k[_END]), default=None
    )


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    row=_window(1973, 2001),
)
def out_of_policy_births_1973_2001(household: Household, month: Month) -> int:
    """The couple's births outside the rules from 1973 through 2001, both spouses'
    children counted together (national window)."""
    return _out_of_policy(household.children, 1973, 2001)


@fact(
    "household",
    "int",
    over="children",
    fill=0,
    agg="sum",
    row=_window(1973, None),
)
def out_of_policy_births_since_1973(household: Household, month: Month) -> int:
    """The couple's births outside the rules since 1973, both spouses' children counted."""
    return _out_of_policy(household.children, 1973, None)


# --- the couple's records --------------------------------------------------------------------


@fact(
    "household",
    "bool",
    row=(col("certificate_index") <= MONTH)
    & (col("certificate_return_index").is_null() | (col("certificate_return_index") > MONTH)),
)
def honour_certificate_held(household: Household, month: Month) -> bool:
    """The couple holds the honour certificate (独生子女父母光荣证) in the month: issued by
    the month and not returned."""
    held = _record(household).honour
    return held is not None and held[0] <= month.index < held[1]


@fact("household", "date", row=col("certificate_date"))
def honour_certificate_issued(household: Household, month: Month) -> pendulum.Date | None:
    """The day the honour certificate was issued; missing if none."""
    certificate = household.honour_certificate
    return None if certificate is None else certificate.issued


@fact("household", "int", row=col("waiver_index"))
def waiver_month(household: Household, month: Month) -> int | None:
    """Month index of the voluntary waiver of a second-child quota; missing if none."""
    quota = household.second_child_quota
    return None if quota is None or quota.waived is None else _index(quota.waived)


ALL_FACTS: tuple[Fact[Any], ...] = (
    alive,
    is_woman,
    rural_from_birth,
    rural_after_change,
    birth_date,
    month_turning_49,
    month_turning_60,
    year_turning_60,
    own_children_ever,
    own_living_children,
    own_living_daughters,
    own_most_children_alive_together,
    own_out_of_policy_children,
    own_out_of_policy_births_1973_2001,
    own_out_of_policy_births_since_1973,
    own_last_child_death,
    own_child_disability_grade,
    own_child_disabled_since,
    special_assistance_confirmed,
    living_parents_urban_from_birth,
    living_parents_urban_after_change,
    earliest_parent_birth,
    living_parents,
    woman_turning_49,
    woman_alive,
    woman_death_month,
    children_ever,
    living_children,
    living_daughters,
    most_children_alive_together,
    month_child_turns_18,
    living_child_birth,
    out_of_policy_births_1973_2001,
    out_of_policy_births_since_1973,
    honour_certificate_held,
    honour_certificate_issued,
    waiver_month,
)
"""Every fact of the catalogue, for the equivalence test and the docs."""
