"""Worked legal cases as data: a compact household spec, expanded into a Household.

A case file (``tests/policy_cases/*.yaml``) is a list of cases::

    - name: the reward is paid in the month of the 18th birthday
      policy: county            # a catalogue id
      period: 2017-05           # any period text
      settings: {only_child_reward_last_month: month_before}   # optional
      household:
        mother: {born: 1970-05-01, hukou: rural}               # died:, id: false,
                                                                # hukou_changes: [{on: ..., hukou: urban}]
        father: {born: 1968-08-08, hukou: urban}
        marriages:                                              # optional; a couple is married
          - {spouses: [mother, father], married: 1997-10-01}   # by default, a single parent not
          - {spouses: [father], married: 1990-01-01, ended: 1995-01-01, end: divorce}
        children:
          - {born: 1999-05-31, sex: male}                       # died:, adopted:,
                                                                # out_of_policy: true,
                                                                # parents: [father] (default both),
                                                                # disability: {grade: 2,
                                                                #   issued: ..., cancelled: ...}
                                                                # or disabilities: [...]
        honour_certificate: 2000-03-15                          # or {issued: ..., returned: ...}
        quota: {granted: 2004-01-10, waived: 2004-06-01}
        birth_permit: 2005-01-01
        confirmed: {mother: 2009-06-01}                         # special-assistance confirmations
      expect:                   # totals over the period; absent = 0
        only_child_reward: {household: "10.00"}
        reward_assistance: {mother: "960.00", father: "0.00"}
      why_not:                  # optional: a rule's failed condition codes, by role (each
        RA: {mother: [NO_OUT_OF_POLICY_BIRTH_SINCE_1973]}   # listed code fails in some month)
      because: the first sentence a clerk would say
      xfail_reason: optional; the code is known to disagree with the sources (a reported
        bug): the case states what the sources say and is run as a strict xfail

Beneficiaries are named by role: ``household``, ``mother``, ``father`` (a single
parent is ``mother`` or ``father`` by sex).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import attrs
import pendulum
import yaml

from fpcore.model import (
    Certificate,
    CertificateKind,
    Child,
    ChildLink,
    Confirmation,
    Disability,
    Household,
    Hukou,
    HukouChange,
    Marriage,
    MarriageEnd,
    Person,
    Residence,
    SecondChildQuota,
    Sex,
    make_resident_id,
)
from fpcore.money import Money

CASES_DIR = Path(__file__).resolve().parents[1] / "policy_cases"
_RESIDENCE = Residence(township="371121100", village="371121100201")
_REGION = "371121"


def _date(value: Any) -> pendulum.Date:
    if isinstance(value, datetime.date):
        return pendulum.Date(value.year, value.month, value.day)
    return pendulum.Date.fromisoformat(str(value))


def _optional_date(value: Any) -> pendulum.Date | None:
    return None if value is None else _date(value)


def _parent(spec: dict[str, Any], sex: Sex, sequence: int) -> Person:
    born = _date(spec["born"])
    with_id = spec.get("id", True)
    return Person(
        name="李秀英" if sex is Sex.FEMALE else "王建国",
        sex=sex,
        birth_date=born,
        hukou=Hukou(spec.get("hukou", "rural")),
        residence=_RESIDENCE,
        resident_id=make_resident_id(_REGION, born, sequence, sex) if with_id else None,
        no_id_reason=None if with_id else "household register only",
        death_date=_optional_date(spec.get("died")),
        hukou_changes=tuple(
            # YAML 1.1 reads a bare ``on`` key as true
            HukouChange(
                on=_date(c.get("on", c.get(True))), hukou=Hukou(c["hukou"]), reason=c.get("reason")
            )
            for c in spec.get("hukou_changes", [])
        ),
    )


def _disability(spec: dict[str, Any]) -> Disability:
    return Disability(
        grade=int(spec["grade"]),
        issued=_date(spec["issued"]),
        cancelled=_optional_date(spec.get("cancelled")),
    )


def _child(spec: dict[str, Any], roles: dict[str, int]) -> Child:
    adopted = _optional_date(spec.get("adopted"))
    disabilities = list(spec.get("disabilities", []))
    if "disability" in spec:
        disabilities.insert(0, spec["disability"])
    return Child(
        name="王小明",
        sex=Sex(spec.get("sex", "male")),
        birth_date=_date(spec["born"]),
        link=ChildLink.ADOPTION if adopted else ChildLink.BIRTH,
        adoption_date=adopted,
        within_policy=not spec.get("out_of_policy", False),
        death_date=_optional_date(spec.get("died")),
        disabilities=tuple(_disability(d) for d in disabilities),
        parents=None if "parents" not in spec else tuple(roles[r] for r in spec["parents"]),
    )


def _marriages(spec: dict[str, Any], roles: dict[str, int]) -> tuple[Marriage, ...]:
    if "marriages" not in spec:
        return (Marriage(spouses=(0, 1)),) if len(roles) == 2 else ()
    return tuple(
        Marriage(
            spouses=tuple(roles[r] for r in m["spouses"]),
            married=_optional_date(m.get("married")),
            ended=_optional_date(m.get("ended")),
            end=MarriageEnd(m["end"]) if "end" in m else None,
        )
        for m in spec["marriages"]
    )


def _honour_certificate(value: Any) -> Certificate:
    issued, returned = (
        (value.get("issued"), value.get("returned")) if isinstance(value, dict) else (value, None)
    )
    return Certificate(
        kind=CertificateKind.HONOUR_CERTIFICATE,
        number="DZ-0001",
        issued=_date(issued),
        returned=_optional_date(returned),
    )


def build_household(spec: dict[str, Any]) -> Household:
    """Expand a compact case spec into a valid Household."""
    parents: list[Person] = []
    roles: dict[str, int] = {}
    if "mother" in spec:
        roles["mother"] = len(parents)
        parents.append(_parent(spec["mother"], Sex.FEMALE, 20))
    if "father" in spec:
        roles["father"] = len(parents)
        parents.append(_parent(spec["father"], Sex.MALE, 21))
    certificates: list[Certificate] = []
    if "honour_certificate" in spec:
        certificates.append(_honour_certificate(spec["honour_certificate"]))
    if "birth_permit" in spec:
        certificates.append(
            Certificate(
                kind=CertificateKind.BIRTH_PERMIT,
                number="SY-0001",
                issued=_date(spec["birth_permit"]),
            )
        )
    quota = spec.get("quota")
    return Household(
        household_id=spec.get("id", "CASE-1"),
        village=_RESIDENCE.village,
        parents=tuple(parents),
        marriages=_marriages(spec, roles),
        children=tuple(_child(c, roles) for c in spec.get("children", [])),
        confirmations=tuple(
            Confirmation(benefit="special_assistance", parent=roles[role], confirmed=_date(day))
            for role, day in (spec.get("confirmed") or {}).items()
        ),
        certificates=tuple(certificates),
        second_child_quota=None
        if quota is None
        else SecondChildQuota(
            granted=_date(quota["granted"]), waived=_optional_date(quota.get("waived"))
        ),
    )


@attrs.frozen
class Case:
    """One worked case read from a file."""

    file: str
    name: str
    policy: str
    period: str
    settings: dict[str, str]
    household: Household
    expect: dict[str, dict[str, Money]]
    because: str
    why_not: dict[str, dict[str, list[str]]] = attrs.field(factory=dict)
    xfail_reason: str = ""

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"


def load_cases() -> list[Case]:
    """Every case of every file in ``tests/policy_cases``, in file order."""
    cases: list[Case] = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            expect = {
                benefit: {who: Money(str(amount)) for who, amount in by_role.items()}
                for benefit, by_role in (raw.get("expect") or {}).items()
            }
            cases.append(
                Case(
                    file=path.name,
                    name=str(raw["name"]),
                    policy=str(raw.get("policy", "county")),
                    period=str(raw["period"]),
                    settings={str(k): str(v) for k, v in (raw.get("settings") or {}).items()},
                    household=build_household(raw["household"]),
                    expect=expect,
                    because=str(raw.get("because", "")),
                    xfail_reason=str(raw.get("xfail_reason", "")),
                    why_not={
                        str(rule): {str(who): [str(c) for c in codes] for who, codes in by.items()}
                        for rule, by in (raw.get("why_not") or {}).items()
                    },
                )
            )
    return cases
