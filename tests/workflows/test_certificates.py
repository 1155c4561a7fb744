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
    CertificateKind,
    Child,
    Disability,
    Household,
    MaritalStatus,
    Sex,
    sample_household,
)
from fpcore.money import ZERO
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
    single = household(
        marital_status=MaritalStatus.WIDOWED,
        parents=sample_household().parents[:1],
        status_since=D(2005, 1, 1),
    )
    assert "MARRIED_COUPLE" in codes(apply_for_certificate(single, HANDBOOK, D(2008, 1, 1), ALL))
    assert "MARRIED_COUPLE" in codes(apply_for_certificate(single, PERMIT, D(2008, 1, 1), ALL))


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


def test_birth_permit_for_a_disabled_first_child_needs_its_certificate() -> None:
    disabled = child(D(2003, 1, 1), disability=Disability(grade=2, issued=D(2005, 1, 1)))
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
