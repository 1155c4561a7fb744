"""From domain objects (:mod:`fpcore.model` households) to register tables.

The households cover only family-planning families (parents and their children), so
the population indicators computed from them describe those families, not the whole
county: use a full persons register for the county's rates.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pendulum

from fpcore.errors import InvalidInput, Problem, UnknownName
from fpcore.indicators._register import SCHEMAS, Register
from fpcore.model import ChildLink, County, Household, MaritalStatus, Person

if TYPE_CHECKING:
    import polars as pl

_Place = tuple[str, str, bool, bool]  # township name, village name, registered, resident


def _names(county: County, village_code: str) -> tuple[str, str]:
    return county.township_of(village_code).name, county.village(village_code).name


def _places(county: County, household: Household, person: Person | None) -> list[_Place]:
    """Where a person counts: registered (户籍) in the household's village, resident
    (常住) where the person lives; one place with both flags when they agree, and no
    resident place when the person lives outside the county."""
    township, village = _names(county, household.village)
    lives = household.village if person is None else person.residence.village
    if lives == household.village:
        return [(township, village, True, True)]
    places: list[_Place] = [(township, village, True, False)]
    with contextlib.suppress(UnknownName):  # living outside the county: not resident
        places.append((*_names(county, lives), False, True))
    return places


def _frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    import polars as pl

    kinds = {"int": pl.Int64, "str": pl.String, "date": pl.Date, "bool": pl.Boolean}
    schema = {c: kinds[spec.kind] for c, spec in SCHEMAS[table].items()}
    return pl.DataFrame(rows, schema=schema, orient="row")


def register_from_households(households: Iterable[Household], *, county: County) -> Register:
    """Build a :class:`Register` (persons, births, deaths) from households.

    Parents and children become persons (children enter on their birth or adoption);
    children by birth become live births (birth order counted in deliveries, as
    :meth:`fpcore.model.Household.delivery_order` counts them: twins at one delivery
    share their order; ``within_policy`` as the policy flag; the mother's birth date
    when the household's mother is the child's mother); deaths come from
    ``death_date``. Each parent's marital status is their own from the household's
    marriages (:meth:`fpcore.model.Household.marital_status_of`): as the record stands
    for a living parent, on the eve of death for one who died; ``single`` for a parent
    never married. What the model does not record is left unknown: contraception is
    empty (so those women are not in the prevalence counts), menopause and infertility
    are false, and no birth defect is recorded.

    Raises:
        InvalidInput: a household's village (or its index) is not in ``county``.

    Example:
        >>> from fpcore.model import sample_county, sample_household
        >>> reg = register_from_households([sample_household()], county=sample_county())
        >>> reg.persons.height, reg.births.height
        (3, 1)
    """
    persons: list[dict[str, Any]] = []
    births: list[dict[str, Any]] = []
    deaths: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for h_index, household in enumerate(households):
        try:
            _add_household(household, county, persons, births, deaths)
        except UnknownName as err:
            problems.append(Problem(f"[{h_index}].village", str(err)))
    if problems:
        raise InvalidInput(problems)
    return Register(
        county=county.name,
        persons=_frame("persons", persons),
        births=_frame("births", births),
        deaths=_frame("deaths", deaths),
    )


#: The register's words for the model's marital statuses (never married: ``single``).
_STATUS_NAMES = {
    MaritalStatus.MARRIED: "married",
    MaritalStatus.WIDOWED: "widowed",
    MaritalStatus.DIVORCED: "divorced",
}

#: A day after every recorded event: the status "as the record stands".
_END_OF_RECORD = pendulum.Date(9999, 12, 31)


def _marital_status(household: Household, index: int) -> str:
    """A parent's own status: as the record stands, or on the eve of their death."""
    died = household.parents[index].death_date
    day = _END_OF_RECORD if died is None else died.subtract(days=1)
    status = household.marital_status_of(index, day)
    return "single" if status is None else _STATUS_NAMES[status]


def _add_household(
    household: Household,
    county: County,
    persons: list[dict[str, Any]],
    births: list[dict[str, Any]],
    deaths: list[dict[str, Any]],
) -> None:
    for index, parent in enumerate(household.parents):
        status = _marital_status(household, index)
        for township, village, registered, resident in _places(county, household, parent):
            pid = len(persons)
            persons.append(
                {
                    "person_id": pid,
                    "township": township,
                    "village": village,
                    "sex": parent.sex.value,
                    "birth_date": parent.birth_date,
                    "entry_date": None,
                    "exit_date": parent.death_date,
                    "registered": registered,
                    "resident": resident,
                    "marital_status": status,
                    "menopausal": False,
                    "infertile": False,
                    "contraception": None,
                }
            )
            if parent.death_date is not None:
                deaths.append(
                    {
                        "person_id": pid,
                        "township": township,
                        "village": village,
                        "date": parent.death_date,
                        "registered": registered,
                        "resident": resident,
                    }
                )
    mother = household.mother
    mother_index = None if mother is None else household.parents.index(mother)
    for child_index, child in enumerate(household.children):
        for township, village, registered, resident in _places(county, household, None):
            pid = len(persons)
            persons.append(
                {
                    "person_id": pid,
                    "township": township,
                    "village": village,
                    "sex": child.sex.value,
                    "birth_date": child.birth_date,
                    "entry_date": child.adopted_on,
                    "exit_date": child.death_date,
                    "registered": registered,
                    "resident": resident,
                    "marital_status": "single",
                    "menopausal": False,
                    "infertile": False,
                    "contraception": None,
                }
            )
            if child.death_date is not None:
                deaths.append(
                    {
                        "person_id": pid,
                        "township": township,
                        "village": village,
                        "date": child.death_date,
                        "registered": registered,
                        "resident": resident,
                    }
                )
        if child.link is not ChildLink.BIRTH:
            continue
        # the household's mother is the child's mother unless the child is another
        # parent's own (from an earlier marriage): then the mother is not recorded
        own_mother = mother if mother_index in household.parents_of(child) else None
        for township, village, registered, resident in _places(county, household, own_mother):
            births.append(
                {
                    "birth_id": len(births),
                    "township": township,
                    "village": village,
                    "date": child.birth_date,
                    "outcome": "live",
                    "sex": child.sex.value,
                    "order": household.delivery_order(child_index),
                    "in_policy": child.within_policy,
                    "defect": False,
                    "mother_birth_date": None if own_mother is None else own_mother.birth_date,
                    "registered": registered,
                    "resident": resident,
                }
            )
