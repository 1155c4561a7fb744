"""Reading worked-case files: the compact household form, the case keys, the JSON Schema.

Every problem in a file is reported at once, by path (``cases.yaml[3].household.mother.born``),
as an :class:`~fpcore.errors.InvalidInput`; nothing half-read is returned.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pendulum

from fpcore.errors import InvalidInput, Problem
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
    MaritalStatus,
    Marriage,
    MarriageEnd,
    Person,
    Residence,
    SecondChildQuota,
    Sex,
    make_resident_id,
)
from fpcore.money import Money

RESIDENCE = Residence(township="371121100", village="371121100201")
"""Where every case household lives (a village of the sample county)."""
_REGION = "371121"

CASE_KEYS = ("name", "policy", "reform", "period", "settings", "household", "expect", "because",
             "why_not", "xfail_reason")  # fmt: skip
HOUSEHOLD_KEYS = ("id", "mother", "father", "status", "marriages", "children",
                  "honour_certificate", "quota", "birth_permit", "confirmed")  # fmt: skip
PARENT_KEYS = ("born", "hukou", "died", "id", "hukou_changes")
HUKOU_CHANGE_KEYS = ("on", "hukou", "reason")
MARRIAGE_KEYS = ("spouses", "married", "ended", "end")
CHILD_KEYS = ("born", "sex", "died", "adopted", "out_of_policy", "disability", "disabilities",
              "parents")  # fmt: skip
DISABILITY_KEYS = ("grade", "issued", "cancelled", "recovered")
CERTIFICATE_KEYS = ("issued", "returned")
PARENT_ROLES = ("mother", "father")
QUOTA_KEYS = ("granted", "waived")
ROLES = ("household", "mother", "father")

_DATE = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
_AMOUNT = {
    "description": 'yuan, exact to the fen; quote it ("960.00") so YAML keeps it exact',
    "anyOf": [{"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$"}, {"type": "integer"}],
}
_PARENT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["born"],
    "properties": {
        "born": _DATE,
        "hukou": {
            "enum": [h.value for h in Hukou],
            "description": "the class the record starts with",
        },
        "died": _DATE,
        "id": {"type": "boolean", "description": "false: no resident ID (register only)"},
        "hukou_changes": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["on", "hukou"],
                "properties": {
                    "on": _DATE,
                    "hukou": {"enum": [h.value for h in Hukou]},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}
_DISABILITY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["grade", "issued"],
    "properties": {
        "grade": {"type": "integer", "minimum": 1, "maximum": 4},
        "issued": _DATE,
        "cancelled": _DATE,
        "recovered": _DATE,
    },
}
_ROLE_LIST = {"type": "array", "items": {"enum": list(PARENT_ROLES)}, "minItems": 1}
_CHILD = {
    "type": "object",
    "additionalProperties": False,
    "required": ["born"],
    "properties": {
        "born": _DATE,
        "sex": {"enum": [s.value for s in Sex]},
        "died": _DATE,
        "adopted": _DATE,
        "out_of_policy": {"type": "boolean"},
        "disability": _DISABILITY,
        "disabilities": {"type": "array", "items": _DISABILITY},
        "parents": {**_ROLE_LIST, "description": "the child's parents (default: both)"},
    },
}
_HOUSEHOLD = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"},
        "mother": _PARENT,
        "father": _PARENT,
        "status": {
            "enum": [s.value for s in MaritalStatus],
            "description": "0.1 form: married makes the couple's marriage; a single parent's "
            "status needs no record",
        },
        "marriages": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["spouses"],
                "properties": {
                    "spouses": _ROLE_LIST,
                    "married": _DATE,
                    "ended": _DATE,
                    "end": {"enum": [e.value for e in MarriageEnd]},
                },
            },
        },
        "children": {"type": "array", "items": _CHILD},
        "honour_certificate": {
            "anyOf": [
                _DATE,
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["issued"],
                    "properties": {"issued": _DATE, "returned": _DATE},
                },
            ]
        },
        "confirmed": {
            "type": "object",
            "propertyNames": {"enum": list(PARENT_ROLES)},
            "additionalProperties": _DATE,
            "description": "special-assistance eligibility confirmed, by parent",
        },
        "quota": {
            "type": "object",
            "additionalProperties": False,
            "required": ["granted"],
            "properties": {"granted": _DATE, "waived": _DATE},
        },
        "birth_permit": _DATE,
    },
}
_EXPECTED = {
    "description": "the total over the case's period, or totals by sub-period "
    "({'2017-01..2017-06': '480.00', '2017-07..2017-12': '0.00'})",
    "anyOf": [_AMOUNT, {"type": "object", "additionalProperties": _AMOUNT}],
}
CASE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "fpcore worked cases",
    "description": "A list of worked cases: a household in compact form, a policy and "
    "period, and the amounts expected per benefit and beneficiary. YAML dates may be "
    "written unquoted; this schema describes them as strings.",
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "period", "household"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "policy": {"type": "string", "description": "a catalogue id (default: county)"},
            "reform": {
                "type": "string",
                "description": "a reform file, relative to the case file (instead of policy)",
            },
            "period": {
                "type": ["string", "integer"],
                "description": "2017, 2017Q1, 2017-03 or 2017-01..2017-06",
            },
            "settings": {"type": "object", "additionalProperties": {"type": "string"}},
            "household": _HOUSEHOLD,
            "expect": {
                "description": "benefit -> beneficiary (household, mother, father) -> amount; "
                "absent amounts are expected to be 0",
                "type": ["object", "null"],
                "additionalProperties": {
                    "type": "object",
                    "propertyNames": {"enum": list(ROLES)},
                    "additionalProperties": _EXPECTED,
                },
            },
            "because": {"type": "string", "description": "the sentence a clerk would say"},
            "why_not": {
                "description": "rule id -> beneficiary -> condition codes that must fail in "
                "some month of the period (what the refusal names)",
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "propertyNames": {"enum": list(ROLES)},
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "xfail_reason": {
                "type": "string",
                "description": "the code is known to disagree with the sources (a reported "
                "bug): the case states what the sources say and runs as a strict xfail",
            },
        },
    },
}


def case_schema() -> dict[str, Any]:
    """The JSON Schema of a worked-case file (a fresh copy).

    Example:
        >>> case_schema()["items"]["required"]
        ['name', 'period', 'household']
    """
    return copy.deepcopy(CASE_SCHEMA)


class Reader:
    """Collects problems while reading one file; ``check()`` raises them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def check(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)

    def mapping(self, raw: object, path: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        """``raw`` as a mapping with only ``allowed`` keys (unknown keys are problems)."""
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.fail(path, f"expected a mapping with keys among {', '.join(allowed)}")
            return {}
        for key in raw:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.fail(
                    f"{path}.{key}", f"unknown key{hint}; expected one of {', '.join(allowed)}"
                )
        return raw

    def date(self, raw: object, path: str) -> pendulum.Date | None:
        if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
            return pendulum.Date(raw.year, raw.month, raw.day)
        try:
            return pendulum.Date.fromisoformat(str(raw))
        except ValueError:
            self.fail(path, f"{raw!r} is not a date (expected YYYY-MM-DD)")
            return None

    def optional_date(self, spec: Mapping[str, Any], key: str, path: str) -> pendulum.Date | None:
        return None if spec.get(key) is None else self.date(spec[key], f"{path}.{key}")

    def required(self, spec: Mapping[str, Any], key: str, path: str) -> object:
        if key not in spec or spec[key] is None:
            self.fail(f"{path}.{key}", "is required")
            return None
        return spec[key]

    def choice(self, raw: object, path: str, choices: list[str]) -> str | None:
        if str(raw) not in choices:
            self.fail(path, f"{raw!r} is not one of {', '.join(choices)}")
            return None
        return str(raw)

    def amount(self, raw: object, path: str) -> Money | None:
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            self.fail(path, f'{raw!r} is not an amount (expected text such as "960.00")')
            return None
        try:
            return Money(str(raw))
        except (InvalidInput, ValueError, ArithmeticError):
            self.fail(path, f'{raw!r} is not an amount (expected text such as "960.00")')
            return None

    def built(self, path: str, build: Any) -> Any:
        """The object ``build()`` makes, or None with its problems under ``path``."""
        try:
            return build()
        except InvalidInput as error:
            self.problems.extend(p.under(path) for p in error.problems)
        except ValueError as error:
            self.fail(path, str(error))
        return None


def _parent(r: Reader, raw: object, sex: Sex, sequence: int, path: str) -> Person | None:
    spec = r.mapping(raw, path, PARENT_KEYS)
    born = r.date(spec["born"], f"{path}.born") if "born" in spec else None
    if "born" not in spec:
        r.fail(f"{path}.born", "is required")
    hukou = r.choice(spec.get("hukou", "rural"), f"{path}.hukou", [h.value for h in Hukou])
    died = r.optional_date(spec, "died", path)
    with_id = spec.get("id", True)
    changes = []
    raw_changes = spec.get("hukou_changes") or []
    if not isinstance(raw_changes, list):
        r.fail(f"{path}.hukou_changes", "expected a list of changes")
        raw_changes = []
    for index, raw_change in enumerate(raw_changes):
        where = f"{path}.hukou_changes[{index}]"
        if isinstance(raw_change, Mapping):  # YAML 1.1 reads a bare ``on`` key as true
            raw_change = {("on" if k is True else k): v for k, v in raw_change.items()}
        c = r.mapping(raw_change, where, HUKOU_CHANGE_KEYS)
        on_raw = r.required(c, "on", where)
        on = None if on_raw is None else r.date(on_raw, f"{where}.on")
        to = r.choice(c.get("hukou"), f"{where}.hukou", [h.value for h in Hukou])
        if on is not None and to is not None:
            changes.append(HukouChange(on=on, hukou=Hukou(to), reason=c.get("reason")))
    if born is None or hukou is None:
        return None
    person: Person | None = r.built(
        path,
        lambda: Person(
            name="李秀英" if sex is Sex.FEMALE else "王建国",
            sex=sex,
            birth_date=born,
            hukou=Hukou(hukou),
            residence=RESIDENCE,
            resident_id=make_resident_id(_REGION, born, sequence, sex) if with_id else None,
            no_id_reason=None if with_id else "household register only",
            death_date=died,
            hukou_changes=tuple(changes),
        ),
    )
    return person


def _disability(r: Reader, raw: object, where: str) -> Disability | None:
    d = r.mapping(raw, where, DISABILITY_KEYS)
    grade, issued = r.required(d, "grade", where), r.required(d, "issued", where)
    issued_on = None if issued is None else r.date(issued, f"{where}.issued")
    # ``recovered`` is the 0.1 name of ``cancelled``
    key = "recovered" if "recovered" in d else "cancelled"
    cancelled = r.optional_date(d, key, where)
    if isinstance(grade, int) and not isinstance(grade, bool) and issued_on is not None:
        found: Disability | None = r.built(
            where, lambda: Disability(grade=grade, issued=issued_on, cancelled=cancelled)
        )
        return found
    if grade is not None:
        r.fail(f"{where}.grade", f"{grade!r} is not a grade (expected 1 to 4)")
    return None


def _roles(r: Reader, raw: object, path: str, roles: Mapping[str, int]) -> tuple[int, ...] | None:
    if not isinstance(raw, list) or not raw:
        r.fail(path, f"expected a list of parents among {', '.join(roles)}")
        return None
    found = []
    for index, role in enumerate(raw):
        if role not in roles:
            r.fail(
                f"{path}[{index}]",
                f"{role!r} is not a parent of this household ({', '.join(roles) or 'none'})",
            )
            return None
        found.append(roles[role])
    return tuple(found)


def _child(r: Reader, raw: object, path: str, roles: Mapping[str, int]) -> Child | None:
    spec = r.mapping(raw, path, CHILD_KEYS)
    born = r.date(spec["born"], f"{path}.born") if "born" in spec else None
    if "born" not in spec:
        r.fail(f"{path}.born", "is required")
    sex = r.choice(spec.get("sex", "male"), f"{path}.sex", [s.value for s in Sex])
    adopted = r.optional_date(spec, "adopted", path)
    died = r.optional_date(spec, "died", path)
    disabilities: list[Disability | None] = []
    if spec.get("disability") is not None:
        disabilities.append(_disability(r, spec["disability"], f"{path}.disability"))
    raw_list = spec.get("disabilities") or []
    if not isinstance(raw_list, list):
        r.fail(f"{path}.disabilities", "expected a list of disability certificates")
        raw_list = []
    disabilities.extend(
        _disability(r, d, f"{path}.disabilities[{i}]") for i, d in enumerate(raw_list)
    )
    parents = (
        None
        if spec.get("parents") is None
        else _roles(r, spec["parents"], f"{path}.parents", roles)
    )
    if born is None or sex is None or None in disabilities:
        return None
    child: Child | None = r.built(
        path,
        lambda: Child(
            name="王小明",
            sex=Sex(sex),
            birth_date=born,
            link=ChildLink.ADOPTION if adopted else ChildLink.BIRTH,
            adoption_date=adopted,
            within_policy=not spec.get("out_of_policy", False),
            death_date=died,
            disabilities=tuple(d for d in disabilities if d is not None),
            parents=parents,
        ),
    )
    return child


def _marriages(
    r: Reader, spec: Mapping[str, Any], path: str, roles: Mapping[str, int]
) -> tuple[Marriage, ...]:
    if "marriages" not in spec:
        status = r.choice(
            spec.get("status", "married" if len(roles) == 2 else "widowed"),
            f"{path}.status",
            [s.value for s in MaritalStatus],
        )
        # the 0.1 form: a couple is married; a single parent widowed (by default) or
        # divorced on a day the case does not give
        if len(roles) == 2:
            return (Marriage(spouses=(0, 1)),)
        if len(roles) == 1 and status in ("widowed", "divorced"):
            how = MarriageEnd.DEATH if status == "widowed" else MarriageEnd.DIVORCE
            return (Marriage(spouses=(0,), end=how),)
        return ()
    raw = spec["marriages"]
    if not isinstance(raw, list):
        r.fail(f"{path}.marriages", "expected a list of marriages")
        return ()
    found = []
    for index, item in enumerate(raw):
        where = f"{path}.marriages[{index}]"
        m = r.mapping(item, where, MARRIAGE_KEYS)
        spouses = _roles(r, m.get("spouses"), f"{where}.spouses", roles)
        end = None
        if m.get("end") is not None:
            end = r.choice(m["end"], f"{where}.end", [e.value for e in MarriageEnd])
        married, ended = r.optional_date(m, "married", where), r.optional_date(m, "ended", where)
        if spouses is not None:
            made = functools.partial(
                Marriage,
                spouses=spouses,
                married=married,
                ended=ended,
                end=None if end is None else MarriageEnd(end),
            )
            marriage: Marriage | None = r.built(where, made)
            if marriage is not None:
                found.append(marriage)
    return tuple(found)


def read_household(r: Reader, raw: object, path: str) -> Household | None:
    """Expand a compact household (see :mod:`fpcore.testing.cases`) into a Household."""
    before = len(r.problems)
    spec = r.mapping(raw, path, HOUSEHOLD_KEYS)
    parents: list[Person | None] = []
    if "mother" in spec:
        parents.append(_parent(r, spec["mother"], Sex.FEMALE, 20, f"{path}.mother"))
    if "father" in spec:
        parents.append(_parent(r, spec["father"], Sex.MALE, 21, f"{path}.father"))
    roles = {role: i for i, role in enumerate(r for r in PARENT_ROLES if r in spec)}
    raw_children = spec.get("children") or []
    if not isinstance(raw_children, list):
        r.fail(f"{path}.children", "expected a list of children")
        raw_children = []
    children = [_child(r, c, f"{path}.children[{i}]", roles) for i, c in enumerate(raw_children)]
    marriages = _marriages(r, spec, path, roles)
    certificates: list[Certificate] = []
    for key, kind, number in (
        ("honour_certificate", CertificateKind.HONOUR_CERTIFICATE, "DZ-0001"),
        ("birth_permit", CertificateKind.BIRTH_PERMIT, "SY-0001"),
    ):
        value = spec.get(key)
        if isinstance(value, Mapping):
            c = r.mapping(value, f"{path}.{key}", CERTIFICATE_KEYS)
            issued = r.optional_date(c, "issued", f"{path}.{key}")
            returned = r.optional_date(c, "returned", f"{path}.{key}")
        else:
            issued, returned = r.optional_date(spec, key, path), None
        if issued is not None:
            made = r.built(
                f"{path}.{key}",
                functools.partial(
                    Certificate, kind=kind, number=number, issued=issued, returned=returned
                ),
            )
            if made is not None:
                certificates.append(made)
    confirmations = []
    for role, day in r.mapping(spec.get("confirmed"), f"{path}.confirmed", PARENT_ROLES).items():
        on = r.date(day, f"{path}.confirmed.{role}")
        if role not in roles:
            r.fail(f"{path}.confirmed.{role}", f"{role} is not a parent of this household")
        elif on is not None:
            confirmations.append(
                Confirmation(benefit="special_assistance", parent=roles[role], confirmed=on)
            )
    quota: SecondChildQuota | None = None
    if spec.get("quota") is not None:
        where = f"{path}.quota"
        q = r.mapping(spec["quota"], where, QUOTA_KEYS)
        granted = r.required(q, "granted", where)
        granted_on = None if granted is None else r.date(granted, f"{where}.granted")
        waived = r.optional_date(q, "waived", where)
        if granted_on is not None:
            quota = r.built(where, lambda: SecondChildQuota(granted=granted_on, waived=waived))
    if len(r.problems) > before:
        return None
    household: Household | None = r.built(
        path,
        lambda: Household(
            household_id=str(spec.get("id", "CASE-1")),
            village=RESIDENCE.village,
            parents=tuple(p for p in parents if p is not None),
            marriages=marriages,
            children=tuple(c for c in children if c is not None),
            certificates=tuple(certificates),
            second_child_quota=quota,
            confirmations=tuple(confirmations),
        ),
    )
    return household


def yaml_module() -> Any:
    try:
        import yaml
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            'worked-case files need PyYAML: pip install "fpcore[testing]"', name="yaml"
        ) from error
    return yaml


def load_yaml(text: str, source: str) -> Any:
    """YAML with dates left as text (the reader checks them and names a bad one by path)."""
    yaml = yaml_module()

    class Loader(yaml.SafeLoader):  # type: ignore[misc,name-defined]
        pass

    # dates stay text; booleans are YAML 1.2's true/false only, so a key such as ``on``
    # (a hukou change's day) is not read as true
    dropped = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in dropped]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    yaml_12_bool = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", yaml_12_bool, list("tTfF"))
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError as error:
        raise InvalidInput(f"not valid YAML ({error})", path=source) from None
    except RecursionError:  # as the JSON reader: deep nesting is refused, not a crash
        raise InvalidInput("the document is nested too deeply", path=source) from None


Expected = Money | dict[str, Money]
"""A total over the case's period, or totals by sub-period (period text -> amount)."""


@attrs.frozen(kw_only=True)
class Case:
    """One worked case read from a file.

    ``source`` and ``index`` say where it came from (``cases.yaml[3]``); ``policy`` is a
    catalogue id, or ``reform`` the path of a reform file; ``expect`` maps benefit ->
    role -> the amount expected over the period (or by sub-period).
    """

    source: str
    index: int
    name: str
    period: str
    household: Household
    expect: Mapping[str, Mapping[str, Expected]]
    because: str = ""
    policy: str = "county"
    reform: str | None = None
    settings: Mapping[str, str] = attrs.field(factory=dict)
    why_not: Mapping[str, Mapping[str, tuple[str, ...]]] = attrs.field(factory=dict)
    xfail_reason: str = ""

    @property
    def file(self) -> str:
        """The file's name (without its directory)."""
        return Path(self.source).name

    @property
    def id(self) -> str:
        """``file: name``, as test ids show it."""
        return f"{self.file}: {self.name}"

    @property
    def where(self) -> str:
        """``source[index]``: where to find the case."""
        return f"{self.source}[{self.index}]"
