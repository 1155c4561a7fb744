"""Version 1 household documents, for testing readers of old documents."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from fpcore.model import Household, MarriageEnd
from fpcore.serialization import unstructure
from fpcore.testing._households import households

_V1_STATUS = {MarriageEnd.DEATH: "widowed", MarriageEnd.DIVORCE: "divorced"}


def v1_document(household: Household) -> dict[str, Any]:
    """The version 1 document of a household a version 1 document can describe (as
    ``households(snapshot=True)`` draws them): what fpcore 0.1 wrote for it.

    Raises:
        ValueError: the household has history version 1 cannot say (hukou changes,
            more than one marriage, a child of one parent of a couple, reissued
            disability certificates, a returned certificate, confirmations).

    Example:
        >>> from fpcore.model import sample_household
        >>> doc = v1_document(sample_household())
        >>> doc["schema_version"], doc["marital_status"], doc["married"]
        (1, 'married', '1997-10-01')
    """
    h = household
    said = _unsayable(h)
    if said:
        raise ValueError(f"version 1 cannot say: {said}")
    data = unstructure(h)
    marriage = h.marriages[0] if h.marriages else None
    if len(h.parents) == 2:
        status, since = "married", None
    else:
        assert marriage is not None
        assert marriage.end is not None
        status, since = _V1_STATUS[marriage.end], marriage.ended
    parents = []
    for parent in data["parents"]:
        parent.pop("hukou_changes")
        parents.append(parent)
    children = []
    for child in data["children"]:
        child.pop("parents")
        found = child.pop("disabilities")
        if found:
            (disability,) = found
            disability["recovered"] = disability.pop("cancelled")
            child["disability"] = disability
        else:
            child["disability"] = None
        children.append(child)
    certificates = []
    for certificate in data["certificates"]:
        certificate.pop("returned")
        certificates.append(certificate)
    return {
        "schema_version": 1,
        "household_id": data["household_id"],
        "village": data["village"],
        "parents": parents,
        "marital_status": status,
        "married": None if marriage is None or marriage.married is None else str(marriage.married),
        "status_since": None if since is None else str(since),
        "children": children,
        "certificates": certificates,
        "second_child_quota": data["second_child_quota"],
        "deposits": data["deposits"],
    }


def _unsayable(h: Household) -> str:
    if any(p.hukou_changes for p in h.parents):
        return "hukou changes"
    if len(h.marriages) != 1:
        return f"{len(h.marriages)} marriages"
    spouses = h.marriages[0].spouses
    if len(h.parents) == 2 and (spouses != (0, 1) or h.marriages[0].end is not None):
        return "a couple's marriage that ended"
    if len(h.parents) == 1 and (spouses != (0,) or h.marriages[0].end is None):
        return "a single parent's marriage in force"
    if any(p.death_date is not None for p in h.parents) and len(h.parents) == 2:
        return "the death of a parent of a couple"
    if any(c.parents is not None for c in h.children):
        return "a child of one parent"
    if any(len(c.disabilities) > 1 for c in h.children):
        return "reissued disability certificates"
    if any(c.returned is not None for c in h.certificates):
        return "a returned certificate"
    if h.confirmations:
        return "confirmations"
    return ""


def v1_household_documents(**options: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Version 1 household documents (parsed JSON), of the households
    ``households(snapshot=True, **options)`` draws.

    Shrinks towards the document of the simplest such household (a married rural
    couple born 1970-01-01, married 1990-01-01, no children).

    Example:
        >>> from hypothesis import given, settings
        >>> from fpcore.serialization import migrate_household_v1
        >>> @settings(max_examples=10)
        ... @given(v1_household_documents(min_children=1))
        ... def test_one_marriage(doc: dict) -> None:
        ...     assert len(migrate_household_v1(doc)["marriages"]) == 1
        >>> test_one_marriage()
    """
    return households(snapshot=True, **options).map(v1_document)
