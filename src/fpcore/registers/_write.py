"""Households to rows of a register (the inverse of :mod:`fpcore.registers._read`)."""

from __future__ import annotations

from collections.abc import Iterable

import pendulum

from fpcore.errors import InvalidInput, Problem
from fpcore.model import (
    CertificateKind,
    Child,
    ChildLink,
    Household,
    Marriage,
    MarriageEnd,
    Person,
)
from fpcore.registers._cells import escape, guarded, join_entries
from fpcore.registers._columns import (
    BENEFITS,
    BOOLEANS,
    CHILD,
    COLUMNS,
    ENDS,
    HEAD,
    HUKOUS,
    KINDS,
    LINKS,
    SEXES,
    SPOUSE,
    UNKNOWN,
    chinese,
)

Row = dict[str, str]


def _day(day: pendulum.Date | None) -> str:
    return "" if day is None else day.isoformat()


def _couple_marriage(household: Household) -> Marriage | None:
    return next((m for m in household.marriages if len(m.spouses) == 2), None)


def inexpressible(household: Household) -> list[Problem]:
    """What of a household the register template cannot hold (empty: all of it).

    Example:
        >>> from fpcore.model import sample_household
        >>> inexpressible(sample_household())
        []
    """
    problems: list[Problem] = []
    couples = [m for m in household.marriages if len(m.spouses) == 2]
    if len(couples) > 1:
        problems.append(
            Problem("marriages", "the parents married each other more than once (one 结婚日期)")
        )
    texts: list[tuple[str, str | None]] = [("household_id", household.household_id)]
    for index, person in enumerate(household.parents):
        texts += [
            (f"parents[{index}].name", person.name),
            (f"parents[{index}].resident_id", person.resident_id),
            (f"parents[{index}].no_id_reason", person.no_id_reason),
        ]
        texts += [
            (f"parents[{index}].hukou_changes[{i}].reason", c.reason)
            for i, c in enumerate(person.hukou_changes)
        ]
    for index, child in enumerate(household.children):
        texts += [
            (f"children[{index}].name", child.name),
            (f"children[{index}].resident_id", child.resident_id),
        ]
        texts += [
            (f"children[{index}].disabilities[{i}].certificate_number", d.certificate_number)
            for i, d in enumerate(child.disabilities)
        ]
    texts += [(f"certificates[{i}].number", c.number) for i, c in enumerate(household.certificates)]
    texts += [(f"deposits[{i}].receipt", d.receipt) for i, d in enumerate(household.deposits)]
    texts += [
        (f"confirmations[{i}].reference", c.reference)
        for i, c in enumerate(household.confirmations)
    ]
    texts += [
        (f"confirmations[{i}].benefit", c.benefit) for i, c in enumerate(household.confirmations)
    ]
    for path, text in texts:
        if text is None:
            continue
        if text != text.strip():
            problems.append(Problem(path, "has spaces at an end, which a register cell drops"))
        elif path.endswith(".benefit") and text in BENEFITS:
            problems.append(Problem(path, f"{text} is read back as the benefit {BENEFITS[text]}"))
    return [p.under(f"household {household.household_id}") for p in problems]


def household_rows(household: Household) -> list[Row]:
    """The register rows of one household: the 户主 (``parents[0]``), the 配偶
    (``parents[1]``), then the children, each a dict from column key to cell text.

    Raises:
        InvalidInput: the household holds what the template cannot (see
            :func:`inexpressible`).
    """
    problems = inexpressible(household)
    if problems:
        raise InvalidInput(problems)
    rows = [_parent_row(household, index, person) for index, person in enumerate(household.parents)]
    rows += [_child_row(household, child) for child in household.children]
    rows[0].update(_household_cells(household))
    for row in rows:
        for key, text in row.items():
            row[key] = guarded(text)
    return rows


def _parent_row(household: Household, index: int, person: Person) -> Row:
    own = person.residence.village
    return {
        "household_id": household.household_id,
        "relation": HEAD if index == 0 else SPOUSE,
        "name": person.name,
        "sex": chinese(SEXES, person.sex),
        "birth_date": _day(person.birth_date),
        "resident_id": person.resident_id or "",
        "no_id_reason": person.no_id_reason or "",
        "death_date": _day(person.death_date),
        "hukou": chinese(HUKOUS, person.hukou),
        "hukou_changes": join_entries(
            [
                [_day(c.on), chinese(HUKOUS, c.hukou), escape(c.reason or "")]
                for c in person.hukou_changes
            ]
        ),
        "residence_village": "" if own == household.village else own,
        "other_marriages": join_entries(
            [
                [
                    _day(m.married) if m.married else UNKNOWN[0],
                    _day(m.ended),
                    chinese(ENDS, m.end) if m.end else "",
                ]
                for m in household.marriages
                if m.spouses == (index,)
            ]
        ),
        "confirmations": join_entries(
            [
                [
                    escape(_benefit_word(c.benefit)),
                    _day(c.confirmed),
                    escape(c.reference or ""),
                ]
                for c in household.confirmations
                if c.parent == index
            ]
        ),
    }


def _benefit_word(benefit: str) -> str:
    return next((zh for zh, key in BENEFITS.items() if key == benefit), benefit)


def _child_row(household: Household, child: Child) -> Row:
    of = ""
    if child.parents is not None and len(child.parents) == 1:
        of = HEAD if child.parents == (0,) else SPOUSE
    return {
        "household_id": household.household_id,
        "relation": CHILD,
        "name": child.name,
        "sex": chinese(SEXES, child.sex),
        "birth_date": _day(child.birth_date),
        "resident_id": child.resident_id or "",
        "death_date": _day(child.death_date),
        "link": "" if child.link is ChildLink.BIRTH else chinese(LINKS, child.link),
        "adoption_date": _day(child.adoption_date),
        "within_policy": "" if child.within_policy else chinese(BOOLEANS, False),
        "child_of": of,
        "disabilities": join_entries(
            [
                [
                    str(d.grade),
                    _day(d.issued),
                    _day(d.cancelled),
                    escape(d.certificate_number or ""),
                ]
                for d in child.disabilities
            ]
        ),
    }


def _household_cells(household: Household) -> Row:
    cells: Row = {"village": household.village, "township": household.village[:9]}
    couple = _couple_marriage(household)
    if couple is not None:
        cells["married"] = _day(couple.married)
        if couple.end is MarriageEnd.DIVORCE:
            cells["divorced"] = _day(couple.ended) or UNKNOWN[0]
    certificates = list(household.certificates)
    if certificates and certificates[-1].kind is CertificateKind.HONOUR_CERTIFICATE:
        honour = certificates.pop()
        cells["honour_certificate_number"] = honour.number
        cells["honour_certificate_issued"] = _day(honour.issued)
        cells["honour_certificate_returned"] = _day(honour.returned)
    cells["other_certificates"] = join_entries(
        [
            [chinese(KINDS, c.kind), escape(c.number), _day(c.issued), _day(c.returned)]
            for c in certificates
        ]
    )
    quota = household.second_child_quota
    if quota is not None:
        cells["quota_granted"] = _day(quota.granted)
        cells["quota_waived"] = _day(quota.waived)
    cells["deposits"] = join_entries(
        [
            [str(d.amount), _day(d.paid), _day(d.refunded), escape(d.receipt or "")]
            for d in household.deposits
        ]
    )
    return cells


def register_rows(households: Iterable[Household]) -> list[Row]:
    """Every row of a register of ``households``, all or none.

    Raises:
        InvalidInput: every household holding what the template cannot, and what.
    """
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for household in households:
        found = inexpressible(household)
        if household.household_id in seen:
            found.append(
                Problem(
                    f"household {household.household_id}",
                    "is listed twice (rows with one 户编号 are one household)",
                )
            )
        seen.add(household.household_id)
        if found:
            problems.extend(found)
        elif not problems:
            rows.extend(household_rows(household))
    if problems:
        raise InvalidInput(problems)
    return rows


KEYS = tuple(column.key for column in COLUMNS)
