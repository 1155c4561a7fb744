"""Policy test cases as data: worked cases in YAML, a loader, a runner with readable diffs.

A team that changes a policy writes what the law gives for a few households, in files
it can review with the people who know the law, and runs them with ``fpcore test
PATH...`` or with pytest (the plugin collects ``*.cases.yaml`` files). PyYAML comes
with the ``testing`` extra (``pip install "fpcore[testing]"``).

A case file is a list of cases::

    - name: the reward is paid in the month of the 18th birthday
      policy: county            # a catalogue id (default county); or instead:
      # reform: raise.yaml      #   a reform file, relative to this file
      period: 2017-05           # 2017, 2017Q1, 2017-03 or 2017-01..2017-06
      settings: {only_child_reward_last_month: month_before}   # optional
      household:                # the compact form of a life history
        mother: {born: 1970-05-01, hukou: rural}               # died:, id: false,
                                                                # hukou_changes:
                                                                #   [{on: ..., hukou: urban}]
        father: {born: 1968-08-08, hukou: urban}
        marriages:                                              # optional: a couple is
          - {spouses: [mother, father], married: 1997-10-01}   #   married by default
          - {spouses: [father], married: 1990-01-01, ended: 1995-01-01, end: divorce}
        children:
          - {born: 1999-05-31, sex: male}                       # died:, adopted:,
                                                                # out_of_policy: true,
                                                                # parents: [father]
                                                                #   (default: both),
                                                                # disabilities: [{grade: 2,
                                                                #   issued: ..., cancelled: ...}]
        honour_certificate: 2000-03-15                          # or {issued: ..., returned: ...}
        quota: {granted: 2004-01-10, waived: 2004-06-01}
        birth_permit: 2005-01-01
        confirmed: {mother: 2009-06-01}                         # special-assistance confirmations
      expect:                   # totals over the period; absent = 0
        only_child_reward: {household: "10.00"}
        reward_assistance:
          mother: "960.00"
          father: {2017-01..2017-06: "480.00", 2017-07..2017-12: "0.00"}  # by sub-period
      because: the first sentence a clerk would say
      why_not:                  # optional: condition codes a refusal must name, by rule
        RA: {father: [RURAL_COUPLE]}                            #   and beneficiary
      xfail_reason: optional; the code is known to disagree with the sources (a reported
        bug): the case states what the sources say and is run as a strict xfail

Beneficiaries are named by role: ``household``, ``mother``, ``father`` (a single parent
is ``mother`` or ``father`` by sex). Amounts are yuan as quoted text, exact to the fen.
Every household lives in a village of the sample county; parents get valid resident IDs
unless ``id: false``. :func:`case_schema` gives the JSON Schema of the format.

When a case fails, :meth:`CaseResult.report` says what was expected and what came, by
benefit and beneficiary, the amounts month by month, the months that differ, and for
those months the explanation: which conditions of which rule failed.

Example:
    >>> cases = parse_cases('''
    ... - name: 10 a month for an only child under 18
    ...   policy: county
    ...   period: 2008
    ...   household:
    ...     mother: {born: 1970-05-01}
    ...     father: {born: 1968-08-08}
    ...     children: [{born: 1999-05-31}]
    ...     honour_certificate: 2000-03-15
    ...   expect:
    ...     only_child_reward: {household: "120.00"}
    ...   because: 12 months of 10 yuan
    ... ''', source="example.yaml")
    >>> run_case(cases[0]).passed
    True
    >>> import attrs
    >>> wrong = attrs.evolve(cases[0], expect={"only_child_reward": {"household": Money("130")}})
    >>> print(run_case(wrong).report())  # doctest: +ELLIPSIS
    FAIL example.yaml[0] 10 a month for an only child under 18 (county, 2008)
      because: 12 months of 10 yuan
      only_child_reward / household: expected 130.00, got 120.00 (-10.00)
        got by month: 2008-01..2008-12 10.00 a month
        2008-01: rule OCR applied (10.00)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from fpcore._json import read_limited
from fpcore.errors import InvalidInput, Problem
from fpcore.model import Household
from fpcore.money import Money
from fpcore.periods import parse_period
from fpcore.testing._casefile import (
    CASE_KEYS,
    RESIDENCE,
    ROLES,
    Case,
    Expected,
    Reader,
    case_schema,
    load_yaml,
    read_household,
)
from fpcore.testing._caserun import CaseResult, Difference, load_reform, run_case, run_cases

__all__ = [
    "RESIDENCE",
    "Case",
    "CaseResult",
    "Difference",
    "build_household",
    "case_files",
    "case_schema",
    "load_cases",
    "load_reform",
    "parse_cases",
    "run_case",
    "run_cases",
]


def _expected(r: Reader, raw: object, path: str) -> Expected | None:
    if isinstance(raw, Mapping):
        by_period: dict[str, Money] = {}
        for key, value in raw.items():
            try:
                parse_period(str(key))
            except InvalidInput as error:
                r.fail(f"{path}.{key}", error.problems[0].message)
                continue
            amount = r.amount(value, f"{path}.{key}")
            if amount is not None:
                by_period[str(key)] = amount
        return by_period
    return r.amount(raw, path)


def _case(r: Reader, raw: object, source: str, index: int) -> Case | None:
    path = f"[{index}]"
    before = len(r.problems)
    spec = r.mapping(raw, path, CASE_KEYS)
    for key in ("name", "period", "household"):
        if key not in spec:
            r.fail(f"{path}.{key}", "is required")
    period = str(spec.get("period", ""))
    if "period" in spec:
        try:
            parse_period(period)
        except InvalidInput as error:
            r.fail(f"{path}.period", error.problems[0].message)
    if "policy" in spec and "reform" in spec:
        r.fail(path, "give a policy or a reform, not both")
    settings = r.mapping(
        spec.get("settings"), f"{path}.settings", tuple(spec.get("settings") or ())
    )
    household = (
        read_household(r, spec["household"], f"{path}.household") if "household" in (spec) else None
    )
    expect: dict[str, dict[str, Expected]] = {}
    for benefit, by_role in r.mapping(
        spec.get("expect"), f"{path}.expect", tuple(spec.get("expect") or ())
    ).items():
        where = f"{path}.expect.{benefit}"
        expect[str(benefit)] = {}
        for role, raw_amount in r.mapping(by_role, where, ROLES).items():
            amount = _expected(r, raw_amount, f"{where}.{role}")
            if amount is not None:
                expect[str(benefit)][str(role)] = amount
    why_not: dict[str, dict[str, tuple[str, ...]]] = {}
    for rule_id, by_role in r.mapping(
        spec.get("why_not"), f"{path}.why_not", tuple(spec.get("why_not") or ())
    ).items():
        where = f"{path}.why_not.{rule_id}"
        why_not[str(rule_id)] = {}
        for role, codes in r.mapping(by_role, where, ROLES).items():
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                r.fail(f"{where}.{role}", "expected a list of condition codes")
                continue
            why_not[str(rule_id)][str(role)] = tuple(codes)
    if len(r.problems) > before or household is None:
        return None
    reform = spec.get("reform")
    return Case(
        source=source,
        index=index,
        name=str(spec["name"]),
        period=period,
        household=household,
        expect=expect,
        because=str(spec.get("because") or ""),
        policy=str(spec.get("policy", "county")),
        reform=None if reform is None else str(Path(source).parent / str(reform)),
        settings={str(k): str(v) for k, v in settings.items()},
        why_not=why_not,
        xfail_reason=str(spec.get("xfail_reason") or ""),
    )


def parse_cases(text: str, *, source: str = "<cases>") -> list[Case]:
    """The cases of one file's text.

    Raises:
        InvalidInput: every problem in the file, by path (``source[3].household.mother.born``).
    """
    raw = load_yaml(text, source)
    if not isinstance(raw, list):
        raise InvalidInput("expected a list of cases", path=source)
    r = Reader()
    cases = [_case(r, item, source, i) for i, item in enumerate(raw)]
    if r.problems:
        raise InvalidInput([p.under(source) for p in r.problems])
    return [c for c in cases if c is not None]


def case_files(paths: Iterable[str | Path]) -> list[Path]:
    """The case files named: each file, and every ``*.yaml`` / ``*.yml`` under each
    directory (recursively, in name order).

    Raises:
        InvalidInput: a path that does not exist.
    """
    found: list[Path] = []
    missing: list[Problem] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            )
        elif path.is_file():
            found.append(path)
        else:
            missing.append(Problem(str(path), "no such file or directory"))
    if missing:
        raise InvalidInput(missing)
    return found


def load_cases(*paths: str | Path) -> list[Case]:
    """Every case of the files and directories given, in file order.

    Raises:
        InvalidInput: every problem of every file, each path starting with its file.
    """
    cases: list[Case] = []
    problems: list[Problem] = []
    for path in case_files(paths):
        try:
            raw = read_limited(path)  # the size checked before reading, no devices
        except InvalidInput as error:
            problems.extend(Problem(str(path), p.message) for p in error.problems)
            continue
        try:
            text = raw.decode("utf-8")
            cases.extend(parse_cases(text, source=str(path)))
        except InvalidInput as error:
            problems.extend(error.problems)
        except UnicodeDecodeError:
            problems.append(Problem(str(path), "cannot read (not UTF-8 text)"))
    if problems:
        raise InvalidInput(problems)
    return cases


def build_household(spec: Mapping[str, Any]) -> Household:
    """Expand a compact household spec (as in a case file) into a valid Household.

    Raises:
        InvalidInput: every problem, by path.

    Example:
        >>> h = build_household({"mother": {"born": "1970-05-01"}, "children": [
        ...     {"born": "1999-05-31", "sex": "female"}]})
        >>> h.household_id, h.marital_status.value, h.parents[0].resident_id[:6]
        ('CASE-1', 'widowed', '371121')
    """
    r = Reader()
    household = read_household(r, spec, "")
    if r.problems or household is None:  # paths were built under "": drop the leading dot
        raise InvalidInput([Problem(p.path.lstrip("."), p.message) for p in r.problems])
    return household
