"""Tests for households as life histories: checks by path, readings by day, event lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.model import (
    Certificate,
    CertificateKind,
    Child,
    ChildLink,
    Confirmation,
    Disability,
    EventKind,
    Household,
    Hukou,
    HukouChange,
    LifeEvent,
    MaritalStatus,
    Marriage,
    MarriageEnd,
    Person,
    Sex,
    household_events,
    household_from_events,
    sample_household,
)
from fpcore.testing import strategies as fst

D = pendulum.Date
DEATH, DIVORCE = MarriageEnd.DEATH, MarriageEnd.DIVORCE
MARRIED, WIDOWED, DIVORCED = MaritalStatus.MARRIED, MaritalStatus.WIDOWED, MaritalStatus.DIVORCED
HEAVY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def paths(build: Callable[[], object]) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        build()
    return [problem.path for problem in caught.value.problems]


BORN = D(1999, 5, 31)


def son(born: pendulum.Date = BORN, **changes: Any) -> Child:
    changes.setdefault("sex", Sex.MALE)
    return Child(name="王小明", birth_date=born, **changes)


H = sample_household()  # mother 1970-05-01, father 1968-08-08, married 1997-10-01
MOTHER, FATHER = H.parents


def remarried() -> Household:
    """The mother divorced in 1995 with a daughter of her own, then married the father."""
    return attrs.evolve(
        H,
        marriages=(
            Marriage(spouses=(0,), married=D(1990, 1, 1), ended=D(1995, 6, 1), end=DIVORCE),
            Marriage(spouses=(0, 1), married=D(1997, 10, 1)),
        ),
        children=(
            Child(name="李小红", sex=Sex.FEMALE, birth_date=D(1992, 3, 3), parents=(0,)),
            son(),
        ),
        certificates=(),
        second_child_quota=None,
    )


# bad histories: InvalidInput naming the path, from the constructors ------------------------


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (  # overlapping marriages: the mother's first had not ended when she married again
            lambda: attrs.evolve(
                remarried(),
                marriages=(
                    Marriage(spouses=(0,), married=D(1990, 1, 1), ended=D(1998, 1, 1), end=DIVORCE),
                    Marriage(spouses=(0, 1), married=D(1997, 10, 1)),
                ),
            ),
            ["marriages[1].married"],
        ),
        (  # two undated marriages of one parent cannot be ordered
            lambda: attrs.evolve(
                H,
                marriages=(
                    Marriage(spouses=(0,), end=DIVORCE),
                    Marriage(spouses=(0, 1)),
                ),
            ),
            ["marriages[1].married"],
        ),
        (  # a divorce before the marriage
            lambda: Marriage(spouses=(0,), married=D(2000, 1, 1), ended=D(1999, 1, 1), end=DIVORCE),
            ["ended"],
        ),
        (lambda: Marriage(spouses=(0,), ended=D(1999, 1, 1)), ["end"]),
        (lambda: Marriage(spouses=(0, 1, 2)), ["spouses"]),
        (lambda: Marriage(spouses=(1, 1)), ["spouses"]),
        (  # a couple's marriage does not "end by death": the parent's death_date says it
            lambda: attrs.evolve(
                H, marriages=(Marriage(spouses=(0, 1), ended=D(2010, 1, 1), end=DEATH),)
            ),
            ["marriages[0].end"],
        ),
        (  # a hukou change before birth
            lambda: attrs.evolve(
                MOTHER, hukou_changes=(HukouChange(on=D(1960, 1, 1), hukou=Hukou.URBAN),)
            ),
            ["hukou_changes[0].on"],
        ),
        (  # hukou changes out of order
            lambda: attrs.evolve(
                MOTHER,
                hukou_changes=(
                    HukouChange(on=D(2010, 1, 1), hukou=Hukou.URBAN),
                    HukouChange(on=D(2005, 1, 1), hukou=Hukou.RURAL),
                ),
            ),
            ["hukou_changes[1].on"],
        ),
        (  # a hukou change after death
            lambda: attrs.evolve(
                MOTHER,
                death_date=D(2000, 1, 1),
                hukou_changes=(HukouChange(on=D(2010, 1, 1), hukou=Hukou.URBAN),),
            ),
            ["hukou_changes[0].on"],
        ),
        (  # a certificate returned before it was issued
            lambda: Certificate(
                kind=CertificateKind.HONOUR_CERTIFICATE,
                number="DZ-1",
                issued=D(2000, 3, 15),
                returned=D(2000, 3, 14),
            ),
            ["returned"],
        ),
        (  # a disability certificate cancelled before issue
            lambda: Disability(grade=2, issued=D(2005, 1, 1), cancelled=D(2004, 1, 1)),
            ["cancelled"],
        ),
        (  # a reissue while the first certificate is still in force
            lambda: son(
                disabilities=(
                    Disability(grade=2, issued=D(2005, 1, 1)),
                    Disability(grade=1, issued=D(2007, 1, 1)),
                )
            ),
            ["disabilities[0].cancelled"],
        ),
        (
            lambda: son(
                disabilities=(
                    Disability(grade=2, issued=D(2005, 1, 1), cancelled=D(2008, 1, 1)),
                    Disability(grade=1, issued=D(2007, 1, 1)),
                )
            ),
            ["disabilities[1].issued"],
        ),
        (  # events after death: a certificate issued to a dead child
            lambda: son(
                death_date=D(2003, 1, 1), disabilities=(Disability(grade=2, issued=D(2005, 1, 1)),)
            ),
            ["disabilities[0].issued"],
        ),
        (  # a death before the adoption
            lambda: son(
                link=ChildLink.ADOPTION, adoption_date=D(2003, 1, 1), death_date=D(2002, 1, 1)
            ),
            ["death_date"],
        ),
        (  # events after death: a marriage, a divorce and a confirmation after the death
            lambda: attrs.evolve(
                H,
                parents=(attrs.evolve(MOTHER, death_date=D(1996, 1, 1)), FATHER),
                children=(),
                certificates=(),
                second_child_quota=None,
                confirmations=(
                    Confirmation(benefit="special_assistance", parent=0, confirmed=D(2009, 1, 1)),
                ),
            ),
            ["marriages[0].married", "confirmations[0].confirmed"],
        ),
        (
            lambda: attrs.evolve(
                H,
                parents=(H.parents[0],),
                marriages=(
                    Marriage(spouses=(0,), married=D(1990, 1, 1), ended=D(2050, 1, 1), end=DEATH),
                ),
            ),
            [],  # a future end is the record's business, not a contradiction
        ),
        (  # a child linked to a parent the household does not have
            lambda: attrs.evolve(H, children=(son(parents=(2,)),)),
            ["children[0].parents"],
        ),
        (
            lambda: attrs.evolve(
                H,
                confirmations=(
                    Confirmation(benefit="special_assistance", parent=5, confirmed=D(2009, 1, 1)),
                ),
            ),
            ["confirmations[0].parent"],
        ),
        (  # a child adopted after the death of one of its parents
            lambda: attrs.evolve(
                H,
                parents=(MOTHER, attrs.evolve(FATHER, death_date=D(2001, 1, 1))),
                children=(son(link=ChildLink.ADOPTION, adoption_date=D(2002, 1, 1)),),
            ),
            ["children[0].adoption_date"],
        ),
    ],
)
def test_bad_histories_name_the_path(build: Callable[[], object], expected: list[str]) -> None:
    if not expected:
        assert build() is not None
        return
    assert paths(build) == expected


def test_a_childs_own_parent_is_the_one_checked() -> None:
    # the father's son from an earlier marriage, born when the mother was 10
    early = son(D(1981, 1, 1), parents=(1,))
    with pytest.raises(InvalidInput):
        attrs.evolve(H, children=(son(D(1981, 1, 1)),), certificates=())
    first = Marriage(spouses=(1,), married=D(1980, 9, 1), ended=D(1985, 1, 1), end=DIVORCE)
    h = attrs.evolve(
        H, marriages=(first, *H.marriages), children=(early, *H.children), certificates=()
    )
    assert h.parents_of(early) == (1,)
    assert h.children_of(0) == (H.children[0],)
    assert h.children_of(1) == (early, H.children[0])
    assert [len(view.children) for view in h.parent_views()] == [1, 2]


# reading the history by day ---------------------------------------------------------------


def test_remarriage_reads_by_day() -> None:
    h = remarried()
    assert h.marital_status_of(0, D(1989, 1, 1)) is None
    assert h.marital_status_of(0, D(1994, 1, 1)) is MARRIED
    assert h.marital_status_of(0, D(1996, 1, 1)) is DIVORCED
    assert h.marital_status_of(0, D(1997, 10, 1)) is MARRIED
    assert h.marital_status_of(1, D(1996, 1, 1)) is None
    assert h.marital_status is MARRIED


def test_a_spouses_death_widows_the_survivor() -> None:
    h = attrs.evolve(H, parents=(MOTHER, attrs.evolve(FATHER, death_date=D(2010, 4, 1))))
    assert h.marital_status_on(D(2010, 3, 31)) is MARRIED
    assert h.marital_status_on(D(2010, 4, 1)) is WIDOWED
    assert h.marital_status_of(0, D(2011, 1, 1)) is WIDOWED
    assert h.marital_status is WIDOWED


def test_a_marriage_ended_on_a_day_not_recorded() -> None:
    m = Marriage(spouses=(0,), married=D(1990, 1, 1), end=DEATH)
    assert m.end_unknown
    assert not m.in_force_on(D(1995, 1, 1))
    h = attrs.evolve(H, parents=(MOTHER,), marriages=(m,))
    assert h.marital_status_of(0, D(1995, 1, 1)) is WIDOWED
    assert h.marital_status_of(0, D(1989, 1, 1)) is None
    assert h.marital_status is WIDOWED
    # a later marriage may follow: when the first ended is unknown, not contradicted
    again = Marriage(spouses=(0,), married=D(2001, 1, 1), ended=D(2004, 1, 1), end=DIVORCE)
    assert attrs.evolve(h, marriages=(m, again)).marital_status is DIVORCED


def test_hukou_certificates_and_disabilities_by_day() -> None:
    mother = attrs.evolve(
        MOTHER,
        hukou_changes=(
            HukouChange(on=D(2010, 6, 1), hukou=Hukou.URBAN, reason="农转非"),
            HukouChange(on=D(2015, 1, 1), hukou=Hukou.RURAL),
        ),
    )
    assert [mother.hukou_on(D(y, 6, 1)).value for y in (2009, 2010, 2014, 2015)] == [
        "rural",
        "urban",
        "urban",
        "rural",
    ]
    returned = Certificate(
        kind=CertificateKind.HONOUR_CERTIFICATE,
        number="DZ-1",
        issued=D(2000, 3, 15),
        returned=D(2003, 1, 1),
    )
    assert returned.in_force_on(D(2002, 12, 31))
    assert not returned.in_force_on(D(2003, 1, 1))
    child = son(
        disabilities=(
            Disability(grade=3, issued=D(2005, 1, 1), cancelled=D(2008, 1, 1)),
            Disability(grade=1, issued=D(2008, 1, 1), cancelled=D(2012, 1, 1)),
        )
    )
    graded = [child.disability_on(D(y, 1, 1)) for y in (2004, 2005, 2008, 2012)]
    assert [d.grade if d else None for d in graded] == [None, 3, 1, None]


def test_twins_are_one_delivery() -> None:
    twins = (son(D(2001, 2, 3)), son(D(2001, 2, 3), sex=Sex.FEMALE), son(D(2004, 1, 1)))
    h = attrs.evolve(H, children=twins, certificates=(), second_child_quota=None)
    assert [h.delivery_order(i) for i in range(3)] == [1, 1, 2]


# the event list ----------------------------------------------------------------------------


def test_event_list_of_a_remarried_household() -> None:
    events = household_events(remarried())
    kinds = [(str(e.on), e.kind.value, e.who) for e in events[:6]]
    assert kinds == [
        ("1968-08-08", "birth", ("p1",)),
        ("1970-05-01", "birth", ("p0",)),
        ("1990-01-01", "marriage", ("p0",)),
        ("1992-03-03", "birth", ("c0",)),
        ("1995-06-01", "divorce", ("p0",)),
        ("1997-10-01", "marriage", ("p0", "p1")),
    ]


def test_undated_events_stand_after_what_they_need() -> None:
    h = attrs.evolve(H, parents=(MOTHER,), marriages=(Marriage(spouses=(0,), end=DIVORCE),))
    events = household_events(h)
    assert [(e.kind, e.on) for e in events[:3]] == [
        (EventKind.BIRTH, MOTHER.birth_date),
        (EventKind.MARRIAGE, None),
        (EventKind.DIVORCE, None),
    ]
    assert household_from_events(h.household_id, h.village, events) == h


def test_adopted_childs_earlier_certificate_stands_on_the_adoption() -> None:
    adopted = son(
        D(1995, 1, 1),
        link=ChildLink.ADOPTION,
        adoption_date=D(2000, 1, 1),
        disabilities=(Disability(grade=2, issued=D(1998, 1, 1)),),
    )
    h = attrs.evolve(H, children=(adopted,), certificates=())
    certified = [e for e in household_events(h) if e.kind is EventKind.DISABILITY_CERTIFIED]
    assert [(e.on, e.disability.issued if e.disability else None) for e in certified] == [
        (D(2000, 1, 1), D(1998, 1, 1))
    ]
    assert household_from_events(h.household_id, h.village, household_events(h)) == h


@HEAVY
@given(fst.households())
def test_households_rebuild_from_their_events(h: Household) -> None:
    events = household_events(h)
    rebuilt = household_from_events(h.household_id, h.village, events)
    assert rebuilt == h
    assert household_events(rebuilt) == events
    dated = [e.on for e in events if e.on is not None]
    assert dated == sorted(dated)


def _last_day(h: Household) -> pendulum.Date:
    return max(e.on for e in household_events(h) if e.on is not None)


@HEAVY
@given(fst.households(on=D(2015, 12, 31)), st.data())
def test_an_event_after_a_day_changes_nothing_before_it(h: Household, data: st.DataObject) -> None:
    cut = data.draw(fst.dates(D(1950, 1, 1), D(2016, 1, 1)), label="cut")
    later = data.draw(fst.dates(max(cut, _last_day(h)), D(2030, 12, 31)), label="later")
    living = [i for i, p in enumerate(h.parents) if p.death_date is None]
    choice = data.draw(st.sampled_from(["death", "hukou", "certificate", "confirmation"]))
    if choice in ("death", "hukou", "confirmation") and not living:
        choice = "certificate"
    if choice == "certificate":
        issued = Certificate(kind=CertificateKind.BIRTH_PERMIT, number="SY-9", issued=later)
        changed = attrs.evolve(h, certificates=(*h.certificates, issued))
    else:
        index = data.draw(st.sampled_from(living), label="parent")
        parent = h.parents[index]
        if choice == "death":
            parent = attrs.evolve(parent, death_date=later)
        elif choice == "hukou":
            now = parent.hukou_on(later)
            other = Hukou.URBAN if now is Hukou.RURAL else Hukou.RURAL
            change = HukouChange(on=later, hukou=other)
            parent = attrs.evolve(parent, hukou_changes=(*parent.hukou_changes, change))
        parents = tuple(parent if i == index else p for i, p in enumerate(h.parents))
        confirmations = h.confirmations
        if choice == "confirmation":
            confirmed = Confirmation(benefit="special_assistance", parent=index, confirmed=later)
            confirmations = (*confirmations, confirmed)
        changed = attrs.evolve(h, parents=parents, confirmations=confirmations)

    def before(household: Household) -> list[LifeEvent]:
        return [e for e in household_events(household) if e.on is None or e.on < cut]

    assert before(changed) == before(h)
    assert len(household_events(changed)) == len(household_events(h)) + 1


# bad event lists: InvalidInput naming the event -------------------------------------------


def rebuild(events: list[Any]) -> Household:
    return household_from_events(H.household_id, H.village, events)


def _events(h: Household = H) -> list[Any]:
    return list(household_events(h))


def _swap(events: list[Any], i: int, j: int) -> list[Any]:
    events[i], events[j] = events[j], events[i]
    return events


def _with(events: list[Any], position: int, event: Any) -> list[Any]:
    return [*events[:position], event, *events[position:]]


P0 = ("p0",)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        (_swap(_events(), 2, 3), ["events[3].on"]),  # out of order
        (  # a hukou change after the death of p0
            [
                *_events(),
                LifeEvent(on=D(2020, 1, 1), kind=EventKind.DEATH, who=P0),
                LifeEvent(
                    on=D(2021, 1, 1), kind=EventKind.HUKOU_CHANGE, who=P0, item=0, hukou=Hukou.URBAN
                ),
            ],
            ["events[11].on"],
        ),
        (  # a hukou change before the birth (listed first)
            [
                LifeEvent(
                    on=D(1960, 1, 1), kind=EventKind.HUKOU_CHANGE, who=P0, item=0, hukou=Hukou.URBAN
                ),
                *_events(),
            ],
            ["events[0].who"],
        ),
        (  # a divorce before the marriage
            _with(_events(), 2, LifeEvent(on=D(1990, 1, 1), kind=EventKind.DIVORCE, item=0)),
            ["events[2].item"],
        ),
        (  # a divorce of spouses who are not the marriage's
            [*_events(), LifeEvent(on=D(2020, 1, 1), kind=EventKind.DIVORCE, who=P0, item=0)],
            ["events[10].who"],
        ),
        (  # a certificate returned before it was issued
            _with(
                _events(),
                2,
                LifeEvent(on=D(1990, 1, 1), kind=EventKind.CERTIFICATE_RETURNED, item=1),
            ),
            ["events[2].item"],
        ),
        (  # a disability certificate cancelled that was never issued
            [
                *_events(),
                LifeEvent(
                    on=D(2020, 1, 1), kind=EventKind.DISABILITY_CANCELLED, who=("c0",), item=0
                ),
            ],
            ["events[10].item"],
        ),
        (  # dying twice
            [
                *_events(),
                LifeEvent(on=D(2020, 1, 1), kind=EventKind.DEATH, who=P0),
                LifeEvent(on=D(2020, 1, 1), kind=EventKind.DEATH, who=P0),
            ],
            ["events[11].who"],
        ),
        ([*_events(), LifeEvent(kind=EventKind.DEATH, who=P0)], ["events[10].on"]),
        ([*_events(), "death"], ["events[10]"]),
        (  # the certificates numbered 0 and 2
            [
                *_events(),
                LifeEvent(
                    on=D(2020, 1, 1),
                    kind=EventKind.CERTIFICATE_ISSUED,
                    item=3,
                    certificate=H.certificates[0],
                ),
            ],
            ["events"],
        ),
        (  # a marriage of a parent not yet born
            _with(
                _events(),
                0,
                LifeEvent(on=D(1960, 1, 1), kind=EventKind.MARRIAGE, who=("p0", "p1"), item=1),
            ),
            ["events[0].who"],
        ),
        (  # overlapping marriages: found when the household is built
            _with(
                _events(), 2, LifeEvent(on=D(1990, 1, 1), kind=EventKind.MARRIAGE, who=P0, item=1)
            ),
            ["events[3].on"],
        ),
    ],
)
def test_bad_event_lists_name_the_event(events: list[Any], expected: list[str]) -> None:
    assert paths(lambda: rebuild(events)) == expected


def test_births_must_agree_with_the_records() -> None:
    events = _events()
    events[0] = attrs.evolve(events[0], on=D(1968, 8, 9))
    assert paths(lambda: rebuild(events)) == ["events[0].on", "events[2].who"]
    events = _events()
    born = next(i for i, e in enumerate(events) if e.who == ("c0",))
    events[born] = attrs.evolve(events[born], kind=EventKind.ADOPTION)
    assert paths(lambda: rebuild(events)) == [f"events[{born}].kind"]


def test_an_unknown_person_record_is_refused_with_its_event_path() -> None:
    bad = LifeEvent(on=D(2020, 1, 1), kind=EventKind.BIRTH, who=("p2",))
    assert paths(lambda: rebuild([*_events(), bad])) == ["events[10].person"]
    assert isinstance(Person, type)


def test_what_the_household_finds_is_named_by_event() -> None:
    events = _events()
    honour = next(i for i, e in enumerate(events) if e.item == 1 and e.certificate)
    early = attrs.evolve(events[honour].certificate, issued=D(1999, 1, 1))
    moved = attrs.evolve(events[honour], on=D(1999, 1, 1), certificate=early)
    born = next(i for i, e in enumerate(events) if e.who == ("c0",))
    reordered = [e for i, e in enumerate(events) if i != honour]
    reordered.insert(born, moved)  # issued before the child's birth, in date order
    assert paths(lambda: rebuild(reordered)) == [f"events[{born}].certificate.issued"]
    swapped = [
        *_events(),
        LifeEvent(on=D(2011, 1, 1), kind=EventKind.HUKOU_CHANGE, who=P0, item=1,
                  hukou=Hukou.URBAN),
        LifeEvent(on=D(2012, 1, 1), kind=EventKind.HUKOU_CHANGE, who=P0, item=0,
                  hukou=Hukou.RURAL),
    ]  # fmt: skip
    assert paths(lambda: rebuild(swapped)) == ["events[10].on"]
