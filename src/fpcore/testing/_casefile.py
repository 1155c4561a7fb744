"""Reading worked-case files: the compact household form, the case keys, the JSON Schema.

Every problem in a file is reported at once, by path (``cases.yaml[3].household.mother.born``),
as an :class:`~fpcore.errors.InvalidInput`; nothing half-read is returned.
"""

from __future__ import annotations

import copy
import datetime
import difflib
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
    Disability,
    Household,
    Hukou,
    MaritalStatus,
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
             "xfail_reason")  # fmt: skip
HOUSEHOLD_KEYS = ("id", "mother", "father", "status", "children", "honour_certificate",
                  "quota", "birth_permit")  # fmt: skip
PARENT_KEYS = ("born", "hukou", "died", "id")
CHILD_KEYS = ("born", "sex", "died", "adopted", "out_of_policy", "disability")
DISABILITY_KEYS = ("grade", "issued", "recovered")
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
        "hukou": {"enum": [h.value for h in Hukou]},
        "died": _DATE,
        "id": {"type": "boolean", "description": "false: no resident ID (register only)"},
    },
}
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
        "disability": {
            "type": "object",
            "additionalProperties": False,
            "required": ["grade", "issued"],
            "properties": {
                "grade": {"type": "integer", "minimum": 1, "maximum": 4},
                "issued": _DATE,
                "recovered": _DATE,
            },
        },
    },
}
_HOUSEHOLD = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"},
        "mother": _PARENT,
        "father": _PARENT,
        "status": {"enum": [s.value for s in MaritalStatus]},
        "children": {"type": "array", "items": _CHILD},
        "honour_certificate": _DATE,
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
        ),
    )
    return person


def _child(r: Reader, raw: object, path: str) -> Child | None:
    spec = r.mapping(raw, path, CHILD_KEYS)
    born = r.date(spec["born"], f"{path}.born") if "born" in spec else None
    if "born" not in spec:
        r.fail(f"{path}.born", "is required")
    sex = r.choice(spec.get("sex", "male"), f"{path}.sex", [s.value for s in Sex])
    adopted = r.optional_date(spec, "adopted", path)
    died = r.optional_date(spec, "died", path)
    disability: Disability | None = None
    if spec.get("disability") is not None:
        where = f"{path}.disability"
        d = r.mapping(spec["disability"], where, DISABILITY_KEYS)
        grade, issued = r.required(d, "grade", where), r.required(d, "issued", where)
        issued_on = None if issued is None else r.date(issued, f"{where}.issued")
        recovered = r.optional_date(d, "recovered", where)
        if isinstance(grade, int) and issued_on is not None:
            disability = r.built(
                where, lambda: Disability(grade=grade, issued=issued_on, recovered=recovered)
            )
        elif grade is not None:
            r.fail(f"{where}.grade", f"{grade!r} is not a grade (expected 1 to 4)")
    if born is None or sex is None:
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
            disability=disability,
        ),
    )
    return child


def read_household(r: Reader, raw: object, path: str) -> Household | None:
    """Expand a compact household (see :mod:`fpcore.testing.cases`) into a Household."""
    before = len(r.problems)
    spec = r.mapping(raw, path, HOUSEHOLD_KEYS)
    parents: list[Person | None] = []
    if "mother" in spec:
        parents.append(_parent(r, spec["mother"], Sex.FEMALE, 20, f"{path}.mother"))
    if "father" in spec:
        parents.append(_parent(r, spec["father"], Sex.MALE, 21, f"{path}.father"))
    raw_children = spec.get("children") or []
    if not isinstance(raw_children, list):
        r.fail(f"{path}.children", "expected a list of children")
        raw_children = []
    children = [_child(r, c, f"{path}.children[{i}]") for i, c in enumerate(raw_children)]
    certificates: list[Certificate] = []
    for key, kind, number in (
        ("honour_certificate", CertificateKind.HONOUR_CERTIFICATE, "DZ-0001"),
        ("birth_permit", CertificateKind.BIRTH_PERMIT, "SY-0001"),
    ):
        issued = r.optional_date(spec, key, path)
        if issued is not None:
            certificates.append(Certificate(kind=kind, number=number, issued=issued))
    quota: SecondChildQuota | None = None
    if spec.get("quota") is not None:
        where = f"{path}.quota"
        q = r.mapping(spec["quota"], where, QUOTA_KEYS)
        granted = r.required(q, "granted", where)
        granted_on = None if granted is None else r.date(granted, f"{where}.granted")
        waived = r.optional_date(q, "waived", where)
        if granted_on is not None:
            quota = r.built(where, lambda: SecondChildQuota(granted=granted_on, waived=waived))
    status_names = [s.value for s in MaritalStatus]
    default_status = "married" if len(parents) == 2 else "widowed"
    status = r.choice(spec.get("status", default_status), f"{path}.status", status_names)
    if len(r.problems) > before or status is None:
        return None
    household: Household | None = r.built(
        path,
        lambda: Household(
            household_id=str(spec.get("id", "CASE-1")),
            village=RESIDENCE.village,
            parents=tuple(p for p in parents if p is not None),
            marital_status=MaritalStatus(status),
            children=tuple(c for c in children if c is not None),
            certificates=tuple(certificates),
            second_child_quota=quota,
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

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError as error:
        raise InvalidInput(f"not valid YAML ({error})", path=source) from None


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
