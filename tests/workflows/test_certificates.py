"""The certificate desk: zero fee, documents, entitlement under the law in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.model import (
    Certificate,
    CertificateKind,
    Child,
    Disability,
    Household,
    Marriage,
    MarriageEnd,
    Sex,
    sample_household,
)
from fpcore.money import ZERO
from fpcore.periods import Month
from fpcore.policies import get
from fpcore.workflows import REQUIRED_DOCUMENTS, Document, apply_for_certificate
from tests.workflows.helpers import D

ALL = list(Document)
HONOUR = CertificateKind.HONOUR_CERTIFICATE
PERMIT = CertificateKind.BIRTH_PERMIT
HANDBOOK = CertificateKind.SERVICE_HANDBOOK


def household(*children: Child, **changes: Any) -> Household:
    base = attrs.evolve(
        sample_household(), children=children, certificates=(), second_child_quota=None
    )
    return attrs.evolve(base, **changes)


def child(born: pendulum.Date, **changes: Any) -> Child:
    return attrs.evolve(Child(name="王小明", sex=Sex.MALE, birth_date=born), **changes)


def codes(outcome: object) -> list[str]:
    return [r.code for r in outcome.refusals]  # type: ignore[attr-defined]


# --- honour certificate (独生子女父母光荣证) -------------------------------------------
def test_honour_certificate_issued_at_once_and_free() -> None:
    out = apply_for_certificate(household(child(D(2005, 2, 1))), HONOUR, D(2008, 5, 6), ALL)
    assert out.issued
    assert out.fee == ZERO
    assert out.certificate is not None
    assert out.certificate.issued == D(2008, 5, 6)
    assert out.household.honour_certificate == out.certificate
    assert "issued DZ-HN-0001-20080506" in out.to_text()


def test_no_honour_certificate_for_a_child_born_from_2016() -> None:
    born_2016 = household(child(D(2016, 1, 1)))
    out = apply_for_certificate(born_2016, HONOUR, D(2016, 6, 1), ALL)
    assert not out.issued
    assert codes(out) == ["CHILD_BORN_AFTER_CUTOFF"]
    assert out.fee == ZERO
    assert "2015年修正" in str(out.refusals[0].citation)
    assert "CHILD_BORN_AFTER_CUTOFF" in out.to_text()
    born_2015 = household(child(D(2015, 12, 31)))
    assert apply_for_certificate(born_2015, HONOUR, D(2016, 6, 1), ALL).issued


def test_honour_certificate_needs_exactly_one_child_and_none_held() -> None:
    two = household(child(D(2003, 1, 1)), child(D(2006, 1, 1), name="王小红", sex=Sex.FEMALE))
    assert codes(apply_for_certificate(two, HONOUR, D(2008, 1, 1), ALL)) == ["ONE_CHILD"]
    held = sample_household()
    assert codes(apply_for_certificate(held, HONOUR, D(2008, 1, 1), ALL)) == ["ALREADY_HELD"]
    none = household()
    assert codes(apply_for_certificate(none, HONOUR, D(2008, 1, 1), ALL)) == ["ONE_CHILD"]


def test_twins_at_one_delivery_are_two_children_for_the_honour_certificate() -> None:
    twins = household(child(D(2005, 4, 1)), child(D(2005, 4, 1), name="王小红", sex=Sex.FEMALE))
    out = apply_for_certificate(twins, HONOUR, D(2006, 1, 1), ALL)
    assert codes(out) == ["ONE_CHILD"]
    assert "twins are two children" in out.refusals[0].reason


def test_a_child_born_after_the_only_childs_death_is_a_second_child() -> None:
    # the worked case of tests/policy_cases/histories.yaml: neither desk nor reward
    family = household(child(D(2002, 10, 1), death_date=D(2004, 1, 1)), child(D(2006, 1, 1)))
    assert codes(apply_for_certificate(family, HONOUR, D(2007, 1, 1), ALL)) == ["ONE_CHILD"]
    # before the second child: the only child has died, so no certificate either
    assert codes(apply_for_certificate(family, HONOUR, D(2005, 1, 1), ALL)) == ["ONE_CHILD"]
    assert apply_for_certificate(family, HONOUR, D(2003, 1, 1), ALL).issued


def test_a_returned_honour_certificate_is_no_longer_held() -> None:
    out = apply_for_certificate(household(child(D(2005, 2, 1))), HONOUR, D(2008, 5, 6), ALL)
    assert out.certificate is not None
    returned = attrs.evolve(out.certificate, returned=D(2009, 1, 1))
    again = attrs.evolve(out.household, certificates=(returned,))
    assert codes(apply_for_certificate(again, HONOUR, D(2008, 12, 1), ALL)) == ["ALREADY_HELD"]
    assert apply_for_certificate(again, HONOUR, D(2009, 2, 1), ALL).issued


def test_keyed_on_the_issue_date_no_certificate_from_the_cutoff() -> None:
    policy = get("county").with_setting("only_child_certificate_cutoff_basis", "certificate_issue")
    born_2015 = household(child(D(2015, 12, 31)))
    out = apply_for_certificate(born_2015, HONOUR, D(2016, 6, 1), ALL, policy=policy)
    assert codes(out) == ["ISSUED_AFTER_CUTOFF"]
    assert apply_for_certificate(born_2015, HONOUR, D(2015, 12, 31), ALL, policy=policy).issued


@settings(max_examples=30, deadline=None)
@given(
    births=st.lists(st.tuples(st.integers(0, 180), st.none() | st.integers(0, 200)), max_size=3),
    month=st.integers(0, 200),
)
def test_the_desk_and_the_reward_read_one_fact(
    births: list[tuple[int, int | None]], month: int
) -> None:
    """Whatever the children, the desk refuses ONE_CHILD exactly when the only-child
    reward fails ONLY_CHILD_LIVING in that month (dates on month boundaries, so the
    desk's day and the reward's month agree)."""
    start = D(1996, 1, 1)
    kids = []
    for n, (born, lived) in enumerate(births):
        birth = start.add(months=born)
        died = None if lived is None else birth.add(months=lived + 1)
        kids.append(child(birth, name=f"王小{'明红刚'[n]}", death_date=died))
    on = D(2002, 9, 1).add(months=month, days=27)
    family = household(*kids)
    desk = "ONE_CHILD" in codes(apply_for_certificate(family, HONOUR, on, ALL))
    if not kids:
        assert desk
        return
    certificate = Certificate(kind=HONOUR, number="DZ-1", issued=kids[0].birth_date)
    held = attrs.evolve(family, certificates=(certificate,))
    decision = get("county").evaluate(held, Month.of(on), explain=True)
    failed = {code for t in decision.explanations if t.rule_id == "OCR" for code in t.failed}
    if any(t.rule_id == "OCR" and t.in_force for t in decision.explanations):
        assert desk == ("ONLY_CHILD_LIVING" in failed)


def test_missing_documents_are_listed_and_nothing_is_issued() -> None:
    out = apply_for_certificate(
        household(child(D(2005, 2, 1))), HONOUR, D(2008, 5, 6), ["household_register"]
    )
    assert not out.issued
    assert out.refusals == ()
    assert out.missing_documents == (
        Document.RESIDENT_ID_CARDS,
        Document.BIRTH_MEDICAL_CERTIFICATE,
        Document.PHOTO,
    )
    assert out.household == household(child(D(2005, 2, 1)))
    assert "missing documents: resident_id_cards" in out.to_text()


# --- service handbook (生育服务手册) ---------------------------------------------------
def test_handbook_for_a_birth_the_law_allows() -> None:
    assert apply_for_certificate(household(), HANDBOOK, D(2008, 1, 1), ALL).issued
    one = household(child(D(2005, 1, 1)))
    out = apply_for_certificate(one, HANDBOOK, D(2008, 1, 1), ALL)
    assert codes(out) == ["CHILDREN_ALLOWED"]
    assert "LAW-2001" in out.refusals[0].reason
    assert apply_for_certificate(one, HANDBOOK, D(2016, 1, 1), ALL).issued


def test_handbook_and_permit_are_for_married_couples() -> None:
    widowed = Marriage(
        spouses=(0,), married=D(1997, 10, 1), ended=D(2005, 1, 1), end=MarriageEnd.DEATH
    )
    single = household(parents=sample_household().parents[:1], marriages=(widowed,))
    assert "MARRIED_COUPLE" in codes(apply_for_certificate(single, HANDBOOK, D(2008, 1, 1), ALL))
    assert "MARRIED_COUPLE" in codes(apply_for_certificate(single, PERMIT, D(2008, 1, 1), ALL))
    # the marriage in force on the day: divorced in 2006, married before
    divorced = household(
        marriages=(
            Marriage(
                spouses=(0, 1), married=D(1997, 10, 1), ended=D(2006, 1, 1), end=MarriageEnd.DIVORCE
            ),
        )
    )
    assert apply_for_certificate(divorced, HANDBOOK, D(2005, 1, 1), ALL).issued
    assert codes(apply_for_certificate(divorced, HANDBOOK, D(2008, 1, 1), ALL)) == [
        "MARRIED_COUPLE"
    ]


# --- birth permit (生育证) -------------------------------------------------------------
def test_birth_permit_by_the_law_in_force() -> None:
    none = household()
    assert codes(apply_for_certificate(none, PERMIT, D(2008, 1, 1), ALL)) == ["FIRST_BIRTH"]
    one = household(child(D(2005, 1, 1)))
    assert codes(apply_for_certificate(one, PERMIT, D(2015, 12, 31), ALL)) == ["CHILDREN_ALLOWED"]
    assert apply_for_certificate(one, PERMIT, D(2016, 1, 1), ALL).issued
    two = household(child(D(2005, 1, 1)), child(D(2017, 1, 1), name="王小红", sex=Sex.FEMALE))
    assert codes(apply_for_certificate(two, PERMIT, D(2021, 8, 19), ALL)) == ["CHILDREN_ALLOWED"]
    out = apply_for_certificate(two, PERMIT, D(2021, 8, 20), ALL)
    assert out.issued
    assert "LAW-2021" in out.grounds


def test_birth_permit_for_a_disabled_first_child_reads_the_certificate_in_force() -> None:
    certificates = (
        Disability(grade=2, issued=D(2005, 1, 1), cancelled=D(2009, 1, 1)),
        Disability(grade=3, issued=D(2009, 1, 1), cancelled=D(2010, 6, 1)),
    )
    family = household(child(D(2003, 1, 1), disabilities=certificates))
    assert apply_for_certificate(family, PERMIT, D(2009, 3, 1), ALL).issued  # the reissue
    out = apply_for_certificate(family, PERMIT, D(2010, 6, 1), ALL)  # recovered
    assert codes(out) == ["CHILDREN_ALLOWED"]


def test_birth_permit_for_a_disabled_first_child_needs_its_certificate() -> None:
    disabled = child(D(2003, 1, 1), disabilities=(Disability(grade=2, issued=D(2005, 1, 1)),))
    family = household(disabled)
    without = [d for d in ALL if d is not Document.DISABILITY_CERTIFICATE]
    out = apply_for_certificate(family, PERMIT, D(2008, 1, 1), without)
    assert not out.issued
    assert out.missing_documents == (Document.DISABILITY_CERTIFICATE,)
    out = apply_for_certificate(family, PERMIT, D(2008, 1, 1), ALL)
    assert out.issued
    assert "disabled" in out.grounds


def test_bad_requests_are_input_errors() -> None:
    with pytest.raises(InvalidInput, match="unknown document"):
        apply_for_certificate(household(), HANDBOOK, D(2008, 1, 1), ["passport"])
    with pytest.raises(InvalidInput, match="2002-09-01"):
        apply_for_certificate(household(), HANDBOOK, D(2001, 1, 1), ALL)


@settings(max_examples=60)
@given(
    kind=st.sampled_from(list(CertificateKind)),
    documents=st.sets(st.sampled_from(ALL)),
    on=st.dates(min_value=D(2002, 9, 1), max_value=D(2024, 12, 31)),
    children=st.integers(0, 2),
)
def test_the_fee_is_always_zero_and_issue_means_complete_and_entitled(
    kind: CertificateKind, documents: set[Document], on: dt.date, children: int
) -> None:
    day = pendulum.Date(on.year, on.month, on.day)
    kids = [child(D(1999, 5, 31)), child(D(2001, 3, 1), name="王小红", sex=Sex.FEMALE)]
    out = apply_for_certificate(household(*kids[:children]), kind, day, documents)
    assert out.fee == ZERO
    assert out.issued == (not out.missing_documents and not out.refusals)
    assert set(REQUIRED_DOCUMENTS[kind]) - documents <= set(out.missing_documents)
    if out.issued:
        assert out.certificate in out.household.certificates
