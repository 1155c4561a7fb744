"""The domain model: frozen, validated records of households, persons and places.

Every class is an ``attrs`` frozen, keyword-only class that checks itself when built
and reports every problem at once as :class:`fpcore.errors.InvalidInput`. What-ifs use
``attrs.evolve``, which checks again.

Example:
    >>> import attrs, pendulum
    >>> h = sample_household()
    >>> attrs.evolve(h.children[0], death_date=pendulum.Date(1990, 1, 1))
    Traceback (most recent call last):
    ...
    fpcore.errors.InvalidInput: 1 problem in the input:
      death_date: 1990-01-01 is before the birth date
"""

from fpcore.model._enums import CertificateKind, ChildLink, Hukou, MaritalStatus, MarriageEnd, Sex
from fpcore.model._events import EventKind, LifeEvent, household_events, household_from_events
from fpcore.model._geography import County, Township, Village
from fpcore.model._household import (
    MIN_PARENT_AGE_AT_BIRTH,
    Certificate,
    Confirmation,
    Deposit,
    Household,
    HouseholdParent,
    Marriage,
    SecondChildQuota,
)
from fpcore.model._limits import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_CERTIFICATES,
    MAX_CHILDREN,
    MAX_DEPOSITS,
    MAX_PARENTS,
    MAX_TEXT_CHARS,
)
from fpcore.model._people import Child, Disability, HukouChange, Person, Residence
from fpcore.model._resident_id import (
    check_digit,
    make_resident_id,
    mask_name,
    mask_resident_id,
    resident_id_problems,
)
from fpcore.model._samples import sample_county, sample_history, sample_household

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_CERTIFICATES",
    "MAX_CHILDREN",
    "MAX_DEPOSITS",
    "MAX_PARENTS",
    "MAX_TEXT_CHARS",
    "MIN_PARENT_AGE_AT_BIRTH",
    "Certificate",
    "CertificateKind",
    "Child",
    "ChildLink",
    "Confirmation",
    "County",
    "Deposit",
    "Disability",
    "EventKind",
    "Household",
    "HouseholdParent",
    "Hukou",
    "HukouChange",
    "LifeEvent",
    "MaritalStatus",
    "Marriage",
    "MarriageEnd",
    "Person",
    "Residence",
    "SecondChildQuota",
    "Sex",
    "Township",
    "Village",
    "check_digit",
    "household_events",
    "household_from_events",
    "make_resident_id",
    "mask_name",
    "mask_resident_id",
    "resident_id_problems",
    "sample_county",
    "sample_history",
    "sample_household",
]
