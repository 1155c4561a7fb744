"""Version 1 household documents, read as the life history they meant.

A version 1 household was a snapshot: one marital status with two dates, one hukou
per parent, one disability certificate per child, children of both parents. The
migration is a pure function on JSON data (a version 1 ``dict`` in, a version 2
``dict`` out), so any reader of fpcore documents can reuse it; nothing here builds
domain objects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fpcore.errors import InvalidInput, Problem

# The version 1 format is frozen: these are its fields, for ever.
_V1_FIELDS: dict[str, frozenset[str]] = {
    "household": frozenset(
        {
            "household_id",
            "village",
            "parents",
            "marital_status",
            "married",
            "status_since",
            "children",
            "certificates",
            "second_child_quota",
            "deposits",
        }
    ),
    "person": frozenset(
        {
            "name",
            "sex",
            "birth_date",
            "hukou",
            "residence",
            "resident_id",
            "no_id_reason",
            "death_date",
        }
    ),
    "child": frozenset(
        {
            "name",
            "sex",
            "birth_date",
            "link",
            "adoption_date",
            "within_policy",
            "resident_id",
            "death_date",
            "disability",
        }
    ),
    "disability": frozenset({"grade", "issued", "recovered", "certificate_number"}),
    "certificate": frozenset({"kind", "number", "issued"}),
}
_V1_STATUSES = ("married", "widowed", "divorced")
_SNAPSHOT = frozenset({"marital_status", "married", "status_since"})
_END_OF = {"widowed": "death", "divorced": "divorce"}


def migrate_household_v1(data: Mapping[str, Any]) -> dict[str, Any]:
    """The version 2 household data meaning what a version 1 household meant.

    Works on parsed JSON (the top-level document, or a household embedded in another
    document); the input is not changed. A ``schema_version`` key, if present, must
    be 1 and becomes 2. What the version 1 fields become:

    - ``marital_status`` ``married`` (two parents) and ``married`` -> one marriage of
      the couple, ``{"spouses": [0, 1], "married": married}``;
    - ``widowed`` or ``divorced`` (one parent), ``married`` and ``status_since`` ->
      one marriage of the parent to a spouse outside the household, ended by
      ``death`` or ``divorce`` on ``status_since``. Without ``status_since`` the
      marriage keeps its ``end`` but has no ``ended`` date: it ended on a day the
      document does not give, and is in force on no day (the parent reads as
      widowed or divorced throughout, as version 1 read the snapshot);
    - each parent's ``hukou`` is the class for life (no ``hukou_changes``);
    - every child is a child of every parent (``parents`` null);
    - a child's ``disability`` -> ``disabilities`` (a list of none or one), its
      ``recovered`` -> ``cancelled``.

    Only what needs moving is checked here; types and values are left for the
    reader, which reports them under the version 1 paths (see :func:`v1_path`).

    Raises:
        InvalidInput: what version 1 itself refused and version 2 could not say: a
            field unknown to version 1, a marital status not in version 1, a married
            couple that is not two parents, a single parent who is not one,
            ``status_since`` for a married couple.

    Example:
        >>> v1 = {"schema_version": 1, "household_id": "HN-1", "village": "371121100201",
        ...       "parents": [{"name": "张秀娟"}], "marital_status": "widowed",
        ...       "married": "1990-01-01", "status_since": "2003-05-01",
        ...       "children": [{"name": "王小明", "disability": {"grade": 2,
        ...                     "issued": "2001-01-01", "recovered": None}}]}
        >>> v2 = migrate_household_v1(v1)
        >>> v2["schema_version"], v2["marriages"]
        (2, [{'spouses': [0], 'married': '1990-01-01', 'ended': '2003-05-01', 'end': 'death'}])
        >>> v2["children"][0]["disabilities"]
        [{'grade': 2, 'issued': '2001-01-01', 'cancelled': None}]
        >>> migrate_household_v1({"parents": [{}], "marital_status": "married"})
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          parents: a married couple has 2 parents, not 1
    """
    migrated, problems = migrate_v1(data)
    if problems:
        raise InvalidInput(problems)
    return migrated


def migrate_v1(data: Mapping[str, Any], path: str = "") -> tuple[dict[str, Any], list[Problem]]:
    """:func:`migrate_household_v1` that hands back its problems (paths under ``path``)
    instead of raising, so a reader can report them with the rest."""
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    _unknown(data, "household", path, problems)
    for key, value in data.items():
        if key == "schema_version":
            if value != 1 or isinstance(value, bool):
                problems.append(
                    Problem(_join(path, key), f"{value!r} is not 1 (this migrates version 1)")
                )
            out[key] = 2
        elif key in _V1_FIELDS["household"] and key not in _SNAPSHOT:
            out[key] = value
    status = data.get("marital_status", "married")
    parents = data.get("parents")
    count = len(parents) if isinstance(parents, list) else None
    if status not in _V1_STATUSES or not isinstance(status, str):
        allowed = ", ".join(repr(s) for s in _V1_STATUSES)
        problems.append(
            Problem(_join(path, "marital_status"), f"{status!r} is not one of {allowed}")
        )
        out["marriages"] = [{"spouses": [0, 1]}] if count == 2 else []
    elif status == "married":
        if count is not None and count != 2:
            problems.append(
                Problem(_join(path, "parents"), f"a married couple has 2 parents, not {count}")
            )
        if data.get("status_since") is not None:
            problems.append(
                Problem(_join(path, "status_since"), "is only for a widowed or divorced parent")
            )
        out["marriages"] = [{"spouses": [0, 1], "married": data.get("married")}]
    else:
        if count is not None and count != 1:
            problems.append(
                Problem(
                    _join(path, "parents"),
                    f"a {status} single-parent household has 1 parent, not {count}",
                )
            )
        marriage: dict[str, Any] = {"spouses": [0], "married": data.get("married")}
        since = data.get("status_since")
        if since is not None:
            marriage["ended"] = since
        marriage["end"] = _END_OF[status]
        out["marriages"] = [marriage]
    if isinstance(parents, list):
        where = _join(path, "parents")
        out["parents"] = [
            _known(parent, "person", f"{where}[{index}]", problems)
            for index, parent in enumerate(parents)
        ]
    children = data.get("children")
    if isinstance(children, list):
        where = _join(path, "children")
        out["children"] = [
            _child(child, f"{where}[{index}]", problems) for index, child in enumerate(children)
        ]
    certificates = data.get("certificates")
    if isinstance(certificates, list):
        where = _join(path, "certificates")
        out["certificates"] = [
            _known(certificate, "certificate", f"{where}[{index}]", problems)
            for index, certificate in enumerate(certificates)
        ]
    return out, problems


def _known(data: Any, kind: str, path: str, problems: list[Problem]) -> Any:
    """``data`` without the fields version 1 did not have (reported as problems)."""
    if not isinstance(data, Mapping):
        return data
    _unknown(data, kind, path, problems)
    known = _V1_FIELDS[kind]
    return {key: value for key, value in data.items() if key in known}


def _child(child: Any, path: str, problems: list[Problem]) -> Any:
    if not isinstance(child, Mapping):
        return child
    child = _known(child, "child", path, problems)
    out = {key: value for key, value in child.items() if key != "disability"}
    disability = child.get("disability")
    if disability is None:
        return out
    if not isinstance(disability, Mapping):
        out["disabilities"] = disability  # the reader reports it under disability
        return out
    disability = _known(disability, "disability", f"{path}.disability", problems)
    out["disabilities"] = [
        {("cancelled" if key == "recovered" else key): value for key, value in disability.items()}
    ]
    return out


def _unknown(data: Mapping[str, Any], kind: str, path: str, problems: list[Problem]) -> None:
    known = _V1_FIELDS[kind]
    allowed = known | {"schema_version"} if kind == "household" else known
    extra = sorted(str(key) for key in data if key not in allowed)
    listed = ", ".join(sorted(known))
    message = f"unknown field in a version 1 document (expected only: {listed})"
    problems.extend(Problem(_join(path, str(key)), message) for key in extra)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


_V1_PATHS = (
    (re.compile(r"^marriages\[0\]\.married(?=$|\.)"), "married"),
    (re.compile(r"^marriages\[0\]\.ended(?=$|\.)"), "status_since"),
    (re.compile(r"^marriages(\[0\](\.[a-z_]+)?)?$"), "marital_status"),
    (re.compile(r"^(children\[\d+\])\.disabilities\[0\]\.cancelled"), r"\1.disability.recovered"),
    (re.compile(r"^(children\[\d+\])\.disabilities(\[0\])?"), r"\1.disability"),
)


def v1_path(path: str, prefix: str = "") -> str:
    """The version 1 path of a problem found in migrated data (``prefix``: where the
    household sits in its document, e.g. ``household``).

    Example:
        >>> v1_path("children[2].disabilities[0].cancelled")
        'children[2].disability.recovered'
        >>> v1_path("household.marriages[0].ended", "household")
        'household.status_since'
    """
    if prefix:
        if not path.startswith(prefix + ".") and path != prefix:
            return path
        inner = path[len(prefix) + 1 :]
    else:
        inner = path
    for pattern, replacement in _V1_PATHS:
        changed, count = pattern.subn(replacement, inner, count=1)
        if count:
            return _join(prefix, changed)
    return path
