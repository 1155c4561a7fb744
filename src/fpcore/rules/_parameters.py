"""Parameters: named timelines of dated, cited values, and their TOML loader."""

from __future__ import annotations

import bisect
import datetime
import importlib.resources
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal, TypeAlias

import attrs
import pendulum

from fpcore.errors import InvalidInput, ParameterNotInForce, Problem
from fpcore.money import Money

ParameterKind: TypeAlias = Literal["money", "int", "ratio", "date", "bool"]
"""The type of a parameter's values: Money, int, Fraction, pendulum.Date or bool."""

ParameterValue: TypeAlias = Money | int | Fraction | pendulum.Date | bool

PARAMETER_KINDS: tuple[ParameterKind, ...] = ("money", "int", "ratio", "date", "bool")


CONFIDENCE = ("sourced", "sourced-local", "report", "uncertain", "placeholder")
"""How sure a citation is, in the research notes' labels (``domain.md`` section 0)."""


@attrs.frozen(kw_only=True)
class Citation:
    """Where a value or a rule comes from: document, article, issuing body, URL, and how
    sure the source is.

    ``confidence`` uses the research notes' labels: ``sourced`` (the default: stated in
    the cited source), ``sourced-local`` (another locality's text), ``report`` (the
    county work report only), ``uncertain`` (recollection or inference) and
    ``placeholder`` (a stand-in value until the county supplies its own). Outputs show
    anything but ``sourced`` so that a stand-in never reads as data.

    Example:
        >>> str(Citation(document="国办发〔2004〕21号", article="三"))
        '国办发〔2004〕21号, 三'
        >>> str(Citation(document="Anhui 5:3:2", confidence="placeholder"))
        'Anhui 5:3:2 [placeholder]'
    """

    document: str
    article: str = ""
    issued_by: str = ""
    url: str = ""
    confidence: str = attrs.field(default="sourced", validator=attrs.validators.in_(CONFIDENCE))

    def __str__(self) -> str:
        text = ", ".join(p for p in (self.document, self.article, self.issued_by, self.url) if p)
        return text if self.confidence == "sourced" else f"{text} [{self.confidence}]"

    @property
    def is_assumption(self) -> bool:
        """Whether the value rests on a placeholder or an uncertain reading."""
        return self.confidence in ("uncertain", "placeholder")

    def to_dict(self) -> dict[str, str]:
        """The citation as a JSON-ready mapping (empty fields and the default confidence
        left out)."""
        return {
            k: v
            for k, v in attrs.asdict(self).items()
            if v and not (k == "confidence" and v == "sourced")
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> Citation:
        """Inverse of :meth:`to_dict`."""
        return cls(**dict(data))


@attrs.frozen(kw_only=True)
class DatedValue:
    """One value of a parameter, in force from ``start`` through ``until`` (inclusive).

    ``until`` of ``None`` means "until the next value, or open-ended".
    """

    start: pendulum.Date
    value: ParameterValue
    citation: Citation
    until: pendulum.Date | None = None


def render_value(value: object) -> str:
    """A value as canonical text: Money '10.00', Fraction '3/4', Date '2012-01-01'.

    >>> render_value(Fraction(1, 2)), render_value(True), render_value(Money(10))
    ('1/2', 'true', '10.00')
    """
    kind = type(value)
    if kind is int or kind is str or kind is Money:
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, pendulum.Date | datetime.date):
        return value.isoformat()
    return str(value)


def _to_values(values: Iterable[DatedValue]) -> tuple[DatedValue, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True, eq=True)
class Parameter:
    """A named timeline of dated values of one kind, each with its citation.

    Args:
        name: dotted name, e.g. ``"reward_assistance.annual"``.
        kind: ``money``, ``int``, ``ratio``, ``date`` or ``bool``.
        values: the dated values, in order, not overlapping.
        description: what the parameter is.

    Raises:
        InvalidInput: values unordered, overlapping, or not of ``kind``.

    Example:
        >>> cite = Citation(document="Doc 1")
        >>> p = Parameter(name="fee", kind="money", values=(
        ...     DatedValue(start=pendulum.Date(2008, 1, 1), value=Money(100), citation=cite),
        ...     DatedValue(start=pendulum.Date(2012, 1, 1), value=Money(135), citation=cite)))
        >>> p.at(pendulum.Date(2013, 5, 1))
        Money('135.00')
        >>> p.at(pendulum.Date(2007, 5, 1))
        Traceback (most recent call last):
        ...
        fpcore.errors.ParameterNotInForce: parameter 'fee' has no value in force on 2007-05-01
    """

    name: str
    kind: ParameterKind
    values: tuple[DatedValue, ...] = attrs.field(converter=_to_values)
    description: str = ""
    _starts: tuple[int, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems = _check_timeline(self.kind, self.values)
        if problems:
            raise InvalidInput([p.under(self.name) for p in problems])
        object.__setattr__(self, "_starts", tuple(v.start.toordinal() for v in self.values))

    def entry_at(self, on: pendulum.Date) -> DatedValue:
        """The dated value in force on a day.

        Raises:
            ParameterNotInForce: no value is in force on ``on``.
        """
        i = bisect.bisect_right(self._starts, on.toordinal()) - 1
        if i < 0:
            raise ParameterNotInForce(self.name, on)
        entry = self.values[i]
        if entry.until is not None and on > entry.until:
            raise ParameterNotInForce(self.name, on, f"the value from {entry.start} ended")
        return entry

    def at(self, on: pendulum.Date) -> ParameterValue:
        """The value in force on a day (see :meth:`entry_at`)."""
        return self.entry_at(on).value

    def with_value(
        self,
        start: pendulum.Date,
        value: ParameterValue,
        citation: Citation,
        *,
        until: pendulum.Date | None = None,
    ) -> Parameter:
        """A new timeline where ``value`` is in force from ``start`` (through ``until``).

        Values starting earlier are cut to end the day before ``start``; values
        starting on or after ``start`` (and before ``until``) are dropped.

        >>> cite = Citation(document="Reform")
        >>> p = Parameter(name="n", kind="int", values=(
        ...     DatedValue(start=pendulum.Date(2000, 1, 1), value=1, citation=cite),))
        >>> q = p.with_value(pendulum.Date(2010, 1, 1), 2, cite)
        >>> p.at(pendulum.Date(2011, 1, 1)), q.at(pendulum.Date(2011, 1, 1))
        (1, 2)
        """
        kept: list[DatedValue] = []
        earlier = [entry for entry in self.values if entry.start < start]
        for entry in self.values:
            if entry.start < start:
                end = entry.until
                cut = start.subtract(days=1)
                # only the last earlier value runs into the new one; the others already
                # end where their successor starts
                runs_on = entry is earlier[-1] and (end is None or end >= start)
                kept.append(attrs.evolve(entry, until=cut) if runs_on else entry)
            elif until is not None and entry.start > until:
                kept.append(entry)
        kept.append(DatedValue(start=start, value=value, citation=citation, until=until))
        kept.sort(key=lambda e: e.start)
        return attrs.evolve(self, values=tuple(kept))

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready canonical form (used by the policy hash and diffs)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "values": [
                {
                    "start": v.start.isoformat(),
                    "until": v.until.isoformat() if v.until else None,
                    "value": render_value(v.value),
                    "citation": v.citation.to_dict(),
                }
                for v in self.values
            ],
        }


_PY_TYPES: dict[str, tuple[type, ...]] = {
    "money": (Money,),
    "int": (int,),
    "ratio": (Fraction,),
    "date": (pendulum.Date,),
    "bool": (bool,),
}


def _check_timeline(kind: str, values: Sequence[DatedValue]) -> list[Problem]:
    problems: list[Problem] = []
    if kind not in _PY_TYPES:
        return [Problem("kind", f"{kind!r} is not one of {', '.join(PARAMETER_KINDS)}")]
    for i, v in enumerate(values):
        ok = isinstance(v.value, _PY_TYPES[kind])
        if kind == "int" and isinstance(v.value, bool):
            ok = False
        if not ok:
            problems.append(Problem(f"values[{i}].value", f"{v.value!r} is not a {kind}"))
        if v.until is not None and v.until < v.start:
            problems.append(Problem(f"values[{i}].until", f"{v.until} is before {v.start}"))
        if i:
            prev = values[i - 1]
            if v.start <= prev.start:
                problems.append(
                    Problem(f"values[{i}].start", f"{v.start} is not after {prev.start}")
                )
            elif prev.until is not None and prev.until >= v.start:
                problems.append(
                    Problem(
                        f"values[{i}].start",
                        f"{v.start} overlaps the previous value (until {prev.until})",
                    )
                )
    return problems


# --- TOML -----------------------------------------------------------------------------


def _as_date(raw: object, path: str, problems: list[Problem]) -> pendulum.Date | None:
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return pendulum.Date(raw.year, raw.month, raw.day)
    problems.append(Problem(path, f"{raw!r} is not a date (expected a TOML date YYYY-MM-DD)"))
    return None


def _parse_value(kind: str, raw: object, path: str, problems: list[Problem]) -> object:
    if kind in ("money", "ratio"):
        if isinstance(raw, float):
            problems.append(
                Problem(path, f'{raw!r} is a float; write amounts quoted, e.g. "{raw}"')
            )
            return None
        if not isinstance(raw, str):
            problems.append(Problem(path, f"{raw!r} must be a quoted string"))
            return None
        try:
            if kind == "money":
                return Money(raw)
            if "/" in raw:
                return Fraction(raw.strip())
            return Fraction(Decimal(raw.strip()))
        except (InvalidInput, InvalidOperation, ValueError, ZeroDivisionError) as err:
            problems.append(Problem(path, f"{raw!r} is not a {kind}: {err}"))
            return None
    if kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            problems.append(Problem(path, f"{raw!r} is not an integer"))
            return None
        return raw
    if kind == "bool":
        if not isinstance(raw, bool):
            problems.append(Problem(path, f"{raw!r} is not true or false"))
            return None
        return raw
    if kind == "date":
        return _as_date(raw, path, problems)
    problems.append(Problem(path, f"unknown kind {kind!r}"))
    return None


def _parse_citation(
    raw: object, citations: Mapping[str, Citation], path: str, problems: list[Problem]
) -> Citation | None:
    if isinstance(raw, str):
        if raw in citations:
            return citations[raw]
        problems.append(Problem(path, f"unknown citation {raw!r}; define it under [citations]"))
        return None
    if isinstance(raw, dict):
        extra = set(raw) - {"document", "article", "issued_by", "url", "confidence"}
        if extra or "document" not in raw or not all(isinstance(v, str) for v in raw.values()):
            problems.append(
                Problem(
                    path,
                    "expected {document, article?, issued_by?, url?, confidence?} as strings",
                )
            )
            return None
        if raw.get("confidence", "sourced") not in CONFIDENCE:
            problems.append(
                Problem(f"{path}.confidence", f"expected one of: {', '.join(CONFIDENCE)}")
            )
            return None
        return Citation(**raw)
    problems.append(Problem(path, "every value needs a citation"))
    return None


def parameters_from_toml(text: str, *, source: str = "<toml>") -> dict[str, Parameter]:
    """Parse parameters from TOML text; every problem is reported at once.

    The document has an optional ``[citations]`` table of named citations and one
    table per parameter, quoted when dotted, each with ``kind``, ``description`` and
    an array ``values`` of ``{start, until?, value, citation}``. Amounts and ratios
    are quoted strings; a float is refused.

    Raises:
        InvalidInput: paths are ``<source>:<parameter>.values[i].<field>``.

    Example:
        >>> doc = '''
        ... [citations.sa2008]
        ... document = "国人口发〔2007〕78号"
        ... ["special_assistance.death"]
        ... kind = "money"
        ... [["special_assistance.death".values]]
        ... start = 2008-01-01
        ... value = "100"
        ... citation = "sa2008"
        ... '''
        >>> params = parameters_from_toml(doc)
        >>> params["special_assistance.death"].at(pendulum.Date(2009, 1, 1))
        Money('100.00')
        >>> parameters_from_toml(doc.replace('"100"', '100.0'), source="sa.toml")
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          sa.toml:special_assistance.death.values[0].value: 100.0 is a float; ...
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InvalidInput(f"{source}: not valid TOML: {err}") from None
    problems: list[Problem] = []
    citations: dict[str, Citation] = {}
    for key, raw in dict(doc.pop("citations", {})).items():
        cite = _parse_citation(raw, {}, f"citations.{key}", problems)
        if cite is not None:
            citations[key] = cite
    result: dict[str, Parameter] = {}
    for name, table in doc.items():
        result_or_none = _parse_parameter(name, table, citations, problems)
        if result_or_none is not None:
            result[name] = result_or_none
    if problems:
        raise InvalidInput([_prefix(p, source) for p in problems])
    return result


def _prefix(problem: Problem, source: str) -> Problem:
    return Problem(f"{source}:{problem.path}", problem.message)


def _parse_parameter(
    name: str, table: object, citations: Mapping[str, Citation], problems: list[Problem]
) -> Parameter | None:
    if not isinstance(table, dict):
        problems.append(Problem(name, "expected a table with kind and values"))
        return None
    extra = set(table) - {"kind", "description", "unit", "values"}
    if extra:
        problems.append(Problem(name, f"unknown keys {sorted(extra)}"))
    kind = table.get("kind")
    if kind not in PARAMETER_KINDS:
        problems.append(Problem(f"{name}.kind", f"{kind!r} is not one of {PARAMETER_KINDS}"))
        return None
    entries: list[DatedValue] = []
    before = len(problems)
    raw_values = table.get("values")
    if not isinstance(raw_values, list) or not raw_values:
        problems.append(Problem(f"{name}.values", "expected at least one dated value"))
        return None
    for i, raw in enumerate(raw_values):
        path = f"{name}.values[{i}]"
        if not isinstance(raw, dict):
            problems.append(Problem(path, "expected a table"))
            continue
        unknown = set(raw) - {"start", "until", "value", "citation"}
        if unknown:
            problems.append(Problem(path, f"unknown keys {sorted(unknown)}"))
        start = _as_date(raw.get("start"), f"{path}.start", problems)
        until = None
        if "until" in raw:
            until = _as_date(raw["until"], f"{path}.until", problems)
        value = _parse_value(kind, raw.get("value"), f"{path}.value", problems)
        cite = _parse_citation(raw.get("citation"), citations, f"{path}.citation", problems)
        if start is not None and value is not None and cite is not None:
            entries.append(DatedValue(start=start, value=value, citation=cite, until=until))  # type: ignore[arg-type]
    if len(problems) > before:
        return None
    timeline = _check_timeline(kind, entries)
    if timeline:
        problems.extend(p.under(name) for p in timeline)
        return None
    description = table.get("description", "")
    return Parameter(name=name, kind=kind, values=tuple(entries), description=str(description))


def load_parameters(package: str, *resources: str) -> dict[str, Parameter]:
    """Load parameters from TOML files shipped inside a package (``importlib.resources``).

    Raises:
        InvalidInput: a file is malformed, or two files define the same parameter.
    """
    result: dict[str, Parameter] = {}
    root = importlib.resources.files(package)
    for resource in resources:
        text = root.joinpath(resource).read_text(encoding="utf-8")
        for name, param in parameters_from_toml(text, source=resource).items():
            if name in result:
                raise InvalidInput(f"{resource}: parameter {name!r} is defined twice")
            result[name] = param
    return result


def merge_parameters(*groups: Iterable[Parameter]) -> dict[str, Parameter]:
    """Index parameters by name, refusing duplicates."""
    result: dict[str, Parameter] = {}
    for group in groups:
        for param in group:
            if param.name in result:
                raise InvalidInput(f"parameter {param.name!r} is defined twice")
            result[param.name] = param
    return result
