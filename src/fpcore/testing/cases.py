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
    >>> wrong = attrs.evolve(cases[0], expect={"only_child_reward": {"household": Money("130")}})
    >>> print(run_case(wrong).report())  # doctest: +ELLIPSIS
    FAIL example.yaml[0] 10 a month for an only child under 18 (county, 2008)
      because: 12 months of 10 yuan
      only_child_reward / household: expected 130.00, got 120.00 (-10.00)
        got by month: 2008-01..2008-12 10.00 a month
        2008-01: rule OCR applied (10.00)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from fpcore.errors import InvalidInput, Problem
from fpcore.model import Household
from fpcore.money import ZERO, Money
from fpcore.periods import Month, Period, parse_period
from fpcore.rules import Decision, Policy
from fpcore.testing._casefile import (
    CASE_KEYS,
    RESIDENCE,
    ROLES,
    Reader,
    case_schema,
    read_household,
)

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


@attrs.frozen(kw_only=True)
class Difference:
    """One benefit and beneficiary whose amount is not the one expected.

    ``period`` is the case's period or the sub-period of a by-period expectation;
    ``expected`` is ``None`` for an amount the case does not expect at all.
    """

    benefit: str
    role: str
    period: str
    expected: Money | None
    got: Money
    monthly: tuple[tuple[Month, Money], ...] = ()
    why: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The difference as indented report lines."""
        span = f" in {self.period}" if self.period else ""
        if self.expected is None:
            head = f"{self.benefit} / {self.role}: got {self.got}{span}, the case expects nothing"
        else:
            change = self.got - self.expected
            sign = "+" if change > ZERO else ""
            head = (
                f"{self.benefit} / {self.role}: expected {self.expected}{span}, "
                f"got {self.got} ({sign}{change})"
            )
        out = [head]
        if self.monthly:
            out.append(f"  got by month: {_runs(self.monthly)}")
        out.extend(f"  {line}" for line in self.why)
        return out


@attrs.frozen(kw_only=True)
class CaseResult:
    """The outcome of running one case: ``passed``, or the differences found."""

    case: Case
    policy_label: str
    differences: tuple[Difference, ...] = ()
    error: str = ""

    @property
    def passed(self) -> bool:
        """No difference and no error."""
        return not self.differences and not self.error

    def report(self) -> str:
        """``PASS ...`` in one line, or ``FAIL ...`` with what differs, month by month,
        and why (the conditions that failed in the months that differ)."""
        case = self.case
        head = f"{case.where} {case.name} ({self.policy_label}, {case.period})"
        if self.passed:
            return f"PASS {head}"
        lines = [f"FAIL {head}"]
        if case.because:
            lines.append(f"  because: {case.because}")
        if self.error:
            lines.append(f"  error: {self.error}")
        for difference in self.differences:
            lines.extend(f"  {line}" for line in difference.lines())
        return "\n".join(lines)


def _runs(monthly: Sequence[tuple[Month, Money]]) -> str:
    """Months grouped into runs of equal amounts: ``2017-01..2017-04 10.00 a month; ...``."""
    parts: list[str] = []
    i = 0
    while i < len(monthly):
        j = i
        while (
            j + 1 < len(monthly)
            and monthly[j + 1][1] == monthly[i][1]
            and monthly[j + 1][0].index == monthly[j][0].index + 1
        ):
            j += 1
        first, last, amount = monthly[i][0], monthly[j][0], monthly[i][1]
        parts.append(f"{first} {amount}" if i == j else f"{first}..{last} {amount} a month")
        i = j + 1
    return "; ".join(parts)


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


def _yaml() -> Any:
    try:
        import yaml
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            'worked-case files need PyYAML: pip install "fpcore[testing]"', name="yaml"
        ) from error
    return yaml


def _load_yaml(text: str, source: str) -> Any:
    """YAML with dates left as text (the reader checks them and names a bad one by path)."""
    yaml = _yaml()

    class Loader(yaml.SafeLoader):  # type: ignore[misc,name-defined]
        pass

    # dates stay text; booleans are YAML 1.2's true/false only, so a key such as ``on``
    # (a hukou change's day) is not read as true
    dropped = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in dropped]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError as error:
        raise InvalidInput(f"not valid YAML ({error})", path=source) from None


def parse_cases(text: str, *, source: str = "<cases>") -> list[Case]:
    """The cases of one file's text.

    Raises:
        InvalidInput: every problem in the file, by path (``source[3].household.mother.born``).
    """
    raw = _load_yaml(text, source)
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
            text = path.read_text(encoding="utf-8")
            cases.extend(parse_cases(text, source=str(path)))
        except InvalidInput as error:
            problems.extend(error.problems)
        except OSError as error:
            problems.append(Problem(str(path), f"cannot read ({error.strerror})"))
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


PolicyLoader = Callable[[Case], Policy]
"""How a case's policy is found: by default the catalogue id (or the reform file)."""


def _catalogue_policy(case: Case) -> Policy:
    from fpcore.policies import get

    if case.reform is not None:
        return load_reform(case.reform)
    return get(case.policy)


def load_reform(path: str | Path) -> Policy:
    """The policy a reform file describes (YAML, JSON or TOML), read by the catalogue's
    reform reader, :func:`fpcore.policies.reform_from_document`.

    Raises:
        InvalidInput: the file cannot be read, or every problem of the reform, each
            path starting with the file.

    Example:
        >>> load_reform("examples/reforms/county-ocr-20.yaml").id
        'county-ocr-20'
    """
    from fpcore.policies import reform_from_document

    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise InvalidInput(f"cannot read the reform file ({reason})", path=path) from None
    if path.endswith(".toml"):
        import tomllib

        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InvalidInput(f"not valid TOML ({error})", path=path) from None
    else:
        document = _load_yaml(text, path)  # YAML is a superset of JSON
    try:
        policy = reform_from_document(document)
    except InvalidInput as error:
        raise error.under(path) from None
    return policy


def _role_of(household: Household) -> dict[str, str]:
    from fpcore.policies import ADAPTER

    roles = {str(ADAPTER.household_id(household)): "household"}
    for parent in household.parent_views():
        roles[str(ADAPTER.person_id(parent))] = (
            "mother" if parent.person.sex.value == "female" else "father"
        )
    return roles


def _monthly(
    decision: Decision, roles: Mapping[str, str]
) -> dict[tuple[str, str], list[tuple[Month, Money]]]:
    found: dict[tuple[str, str], list[tuple[Month, Money]]] = {}
    for entitlement in decision.entitlements:
        role = roles.get(str(entitlement.beneficiary_id), str(entitlement.beneficiary_id))
        found.setdefault((entitlement.benefit, role), []).extend(entitlement.monthly)
    return {key: sorted(value, key=lambda m: m[0].index) for key, value in found.items()}


def _sum(monthly: Iterable[tuple[Month, Money]], within: Period | None = None) -> Money:
    return sum(
        (
            a
            for m, a in monthly
            if within is None or within.first_month.index <= m.index <= within.last_month.index
        ),
        ZERO,
    )


def _why(
    policy: Policy,
    case: Case,
    benefit: str,
    role: str,
    months: Sequence[Month],
    roles: Mapping[str, str],
) -> tuple[str, ...]:
    """For the months that differ: which rule applied or not, and the failed conditions."""
    if not months:
        return ()
    span = parse_period(f"{months[0]}..{months[-1]}")
    decision = policy.evaluate(case.household, span, explain=True)
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    for trace in decision.explanations:
        if trace.benefit != benefit or roles.get(str(trace.beneficiary_id)) != role:
            continue
        if trace.month not in months:
            continue
        if not trace.in_force:
            text = "not in force"
        elif trace.applied:
            text = f"applied ({trace.outcome})" if trace.outcome else "applied"
        else:
            failed = [c for c in trace.conditions if not c.met]
            text = (
                "did not apply: "
                + "; ".join(f"{c.code} ({c.en or c.test}: {c.value})" for c in failed)
                if failed
                else "did not apply"
            )
        key = (trace.rule_id, text)
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"{trace.month}: rule {trace.rule_id} {text}")
    return tuple(lines[:6])


def run_case(case: Case, policy: Policy | None = None) -> CaseResult:
    """Run one case under its own policy (or ``policy``, which overrides it).

    Settings of the case are applied to the policy. An fpcore error (an unknown setting,
    a parameter not in force) is a failing result with the error, not an exception.
    """
    from fpcore.errors import FpcoreError

    label = policy.id if policy is not None else (case.reform or case.policy)
    try:
        chosen = policy if policy is not None else _catalogue_policy(case)
        for name, value in case.settings.items():
            chosen = chosen.with_setting(name, value)
        period = parse_period(case.period)
        decision = chosen.evaluate(case.household, period)
    except FpcoreError as error:
        return CaseResult(case=case, policy_label=label, error=str(error))
    roles = _role_of(case.household)
    got = _monthly(decision, roles)
    differences: list[Difference] = []

    def differ(benefit: str, role: str, within: Period | None, expected: Money | None) -> None:
        monthly = got.get((benefit, role), [])
        amount = _sum(monthly, within)
        if expected is not None and amount == expected:
            return
        shown = [
            (m, a)
            for m, a in monthly
            if within is None or within.first_month.index <= m.index <= within.last_month.index
        ]
        scope = within or period
        months = _months(scope)
        paid = {m.index: a for m, a in shown}
        full = tuple((m, paid.get(m.index, ZERO)) for m in months)
        if expected is None or amount > expected:
            suspects = [m for m, a in full if a > ZERO]
        else:
            suspects = [m for m, a in full if a == ZERO] or [m for m, _ in full]
        differences.append(
            Difference(
                benefit=benefit,
                role=role,
                period=str(within) if within is not None else "",
                expected=expected,
                got=amount,
                monthly=full,
                why=_why(chosen, case, benefit, role, suspects, roles),
            )
        )

    for benefit, by_role in case.expect.items():
        for role, expected in by_role.items():
            if isinstance(expected, Money):
                differ(benefit, role, None, expected)
            else:
                for text, amount in expected.items():
                    differ(benefit, role, parse_period(text), amount)
    for (benefit, role), monthly in got.items():
        if role not in case.expect.get(benefit, {}) and _sum(monthly) != ZERO:
            differ(benefit, role, None, None)
    if case.why_not:
        differences.extend(_reasons(chosen, case, period, roles))
    return CaseResult(
        case=case,
        policy_label=chosen.id if policy is None and case.reform else label,
        differences=tuple(differences),
    )


def _reasons(
    policy: Policy, case: Case, period: Period, roles: Mapping[str, str]
) -> list[Difference]:
    """The ``why_not`` codes that no month of the period names for their rule and role."""
    decision = policy.evaluate(case.household, period, explain=True)
    named: dict[tuple[str, str], set[str]] = {}
    for trace in decision.explanations:
        role = roles.get(str(trace.beneficiary_id), str(trace.beneficiary_id))
        failed = {c.code for c in trace.conditions if not c.met}
        named.setdefault((trace.rule_id, role), set()).update(failed)
    found = []
    for rule_id, by_role in case.why_not.items():
        for role, codes in by_role.items():
            seen = named.get((rule_id, role), set())
            missing = [c for c in codes if c not in seen]
            if missing:
                found.append(
                    Difference(
                        benefit=rule_id,
                        role=role,
                        period="",
                        expected=None,
                        got=ZERO,
                        why=(
                            f"the refusal should name {', '.join(missing)}; it names "
                            f"{', '.join(sorted(seen)) or 'nothing'}",
                        ),
                    )
                )
    return found


def _months(period: Period) -> list[Month]:
    first, last = period.first_month, period.last_month
    months = [first]
    while months[-1].index < last.index:
        months.append(months[-1] + 1)
    return months


def run_cases(cases: Iterable[Case], policy: Policy | None = None) -> list[CaseResult]:
    """Run cases in order (see :func:`run_case`)."""
    return [run_case(case, policy) for case in cases]
