"""The synthetic county's households as validated objects."""

from __future__ import annotations

from typing import Any

import pendulum

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
from fpcore.synth._county import (
    COMMON,
    GIVEN,
    MAX_CERTIFICATES,
    MAX_CHILDREN,
    NO_DATE,
    SPECIAL_ASSISTANCE,
    SURNAMES,
    SyntheticCounty,
    date_of,
)


def county_household(county: SyntheticCounty, i: int) -> Household:
    """Household ``i`` of the county, as objects."""
    a = county.arrays
    codes = [v.code for t in county.geography.townships for v in t.villages]
    village = codes[int(a["village"][i])]
    residence = Residence(township=village[:9], village=village)

    def optional(days: Any) -> pendulum.Date | None:
        return None if int(days) == NO_DATE else date_of(int(days))

    parents: list[Person] = []
    roles: dict[int, int] = {}  # parent slot (0 mother, 1 father) -> index in parents
    for slot, (key, sex, sequence) in enumerate(
        (("mother", Sex.FEMALE, 10), ("father", Sex.MALE, 11))
    ):
        if not a[f"has_{key}"][i]:
            continue
        roles[slot] = len(parents)
        born = date_of(int(a[f"{key}_birth"][i]))
        initial = Hukou.RURAL if a[f"{key}_rural"][i] else Hukou.URBAN
        changes = []
        current = initial
        for day in a[f"{key}_hukou"][i]:
            if int(day) == NO_DATE:
                break
            current = Hukou.URBAN if current is Hukou.RURAL else Hukou.RURAL
            reason = "农转非" if current is Hukou.URBAN else "非转农"
            changes.append(HukouChange(on=date_of(int(day)), hukou=current, reason=reason))
        parents.append(
            Person(
                name=SURNAMES[i % len(SURNAMES)] + GIVEN[(i + sequence) % len(GIVEN)],
                sex=sex,
                birth_date=born,
                hukou=initial,
                residence=residence,
                resident_id=make_resident_id("371121", born, sequence, sex),
                death_date=optional(a[f"{key}_death"][i]),
                hukou_changes=tuple(changes),
            )
        )
    marriages = []
    if int(a["own_married"][i]) != NO_DATE:
        by_death = bool(a["own_by_death"][i])
        marriages.append(
            Marriage(
                spouses=(roles[int(a["own_slot"][i])],),
                married=date_of(int(a["own_married"][i])),
                ended=date_of(int(a["own_ended"][i])),
                end=MarriageEnd.DEATH if by_death else MarriageEnd.DIVORCE,
            )
        )
    if int(a["couple_married"][i]) != NO_DATE:
        divorced = optional(a["couple_divorced"][i])
        marriages.append(
            Marriage(
                spouses=(0, 1),
                married=date_of(int(a["couple_married"][i])),
                ended=divorced,
                end=None if divorced is None else MarriageEnd.DIVORCE,
            )
        )
    children = []
    for k in range(MAX_CHILDREN):
        if not a["child_valid"][i, k]:
            continue
        linked = int(a["child_parent"][i, k])
        children.append(
            Child(
                name="王小" + GIVEN[(i + k) % len(GIVEN)][-1],
                sex=Sex.MALE if a["child_male"][i, k] else Sex.FEMALE,
                birth_date=date_of(int(a["child_birth"][i, k])),
                link=ChildLink.ADOPTION if a["child_adopted"][i, k] else ChildLink.BIRTH,
                adoption_date=optional(a["child_adoption"][i, k]),
                within_policy=bool(a["child_within"][i, k]),
                death_date=optional(a["child_death"][i, k]),
                disabilities=tuple(
                    Disability(
                        grade=int(a["disability_grade"][i, k, c]),
                        issued=date_of(int(a["disability_issued"][i, k, c])),
                        cancelled=optional(a["disability_cancelled"][i, k, c]),
                    )
                    for c in range(MAX_CERTIFICATES)
                    if a["disability_grade"][i, k, c] > 0
                ),
                parents=None if linked == COMMON else (roles[linked],),
            )
        )
    certificates = []
    if int(a["certificate"][i]) != NO_DATE:
        certificates.append(
            Certificate(
                kind=CertificateKind.HONOUR_CERTIFICATE,
                number=f"DZ-{i:07d}",
                issued=date_of(int(a["certificate"][i])),
                returned=optional(a["certificate_returned"][i]),
            )
        )
    if int(a["permit"][i]) != NO_DATE:
        certificates.append(
            Certificate(
                kind=CertificateKind.BIRTH_PERMIT,
                number=f"SY-{i:07d}",
                issued=date_of(int(a["permit"][i])),
            )
        )
    quota = None
    if int(a["quota"][i]) != NO_DATE:
        granted = date_of(int(a["quota"][i]))
        quota = SecondChildQuota(granted=granted, waived=optional(a["waiver"][i]))
    confirmations = tuple(
        Confirmation(
            benefit=SPECIAL_ASSISTANCE,
            parent=role,
            confirmed=date_of(int(a["confirmed"][i, slot])),
        )
        for slot, role in roles.items()
        if int(a["confirmed"][i, slot]) != NO_DATE
    )
    return Household(
        household_id=f"SC-{i:07d}",
        village=village,
        parents=tuple(parents),
        marriages=tuple(marriages),
        children=tuple(children),
        certificates=tuple(certificates),
        second_child_quota=quota,
        confirmations=confirmations,
    )
