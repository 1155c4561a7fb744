"""Running worked cases: a case's policy, the amounts by month, the differences and why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs

from fpcore.model import Household
from fpcore.money import ZERO, Money
from fpcore.periods import Month, Period, parse_period
from fpcore.rules import Decision, Policy
from fpcore.testing._casefile import Case


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


def _catalogue_policy(case: Case) -> Policy:
    from fpcore.policies import get

    if case.reform is not None:
        return load_reform(case.reform)
    return get(case.policy)


def load_reform(path: str | Path) -> Policy:
    """The policy a reform file describes (TOML, JSON or YAML):
    :func:`fpcore.policies.reform_from_file`.

    Raises:
        InvalidInput: the file cannot be read, or every problem of the reform, each
            path starting with the file.

    Example:
        >>> load_reform("examples/reforms/county-ocr-20.yaml").id
        'county-ocr-20'
    """
    from fpcore.policies import reform_from_file

    return reform_from_file(path)


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
