"""The single evaluator: one household, its persons, a period; optional explanation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeAlias

from fpcore._version import __version__
from fpcore.errors import ConflictingOutcomes, EmptyOutcome
from fpcore.money import Money
from fpcore.periods import Month, Period
from fpcore.rules._compile import CompiledRule, Ctx, Failed
from fpcore.rules._decision import (
    ConditionTrace,
    Decision,
    Entitlement,
    Id,
    ParameterUse,
    RuleTrace,
    Stamp,
    Status,
    _render,
    with_input,
)
from fpcore.rules._parameters import render_value
from fpcore.rules._spans import (
    AMOUNT_UNKNOWN,
    AMOUNT_ZERO,
    NOT_IN_FORCE,
    BenefitSpans,
    Span,
)
from fpcore.rules._text import remember

if TYPE_CHECKING:
    from fpcore.rules._policy import Policy


class MonthPlan:
    """Per month: the parameter values and the rules in force (cached per policy)."""

    __slots__ = ("household_rules", "index", "month", "params", "person_rules", "spans")

    def __init__(self, policy: Policy, rules: Iterable[CompiledRule], month: Month) -> None:
        self.month = month
        self.index = month.index
        live = [r for r in rules if r.rule.in_force(month)]
        self.person_rules = tuple(r for r in live if r.rule.entity == "person")
        self.household_rules = tuple(r for r in live if r.rule.entity == "household")
        names = sorted({n for r in live for n in policy.parameters_of(r.rule)})
        self.params: dict[str, object] = {n: policy.parameters[n].at(month.start) for n in names}
        self.spans: dict[Money | Failed, Span] = {}
        """The month as one span, by its amount or by the reasons it is not paid (the
        reasons a rule gives, as one object each)."""


def _keep(
    cr: CompiledRule,
    entity: str,
    bid: Id,
    month: int,
    value: object,
    amounts: dict[tuple[str, str, Id], dict[int, Money]],
    statuses: dict[tuple[str, str, Id], dict[int, str]],
) -> None:
    """Add a rule's outcome for a month: amounts of one benefit add up."""
    key = (cr.benefit, entity, bid)
    if cr.money:
        if value:
            slot = amounts.get(key)
            if slot is None:
                amounts[key] = {month: value}  # type: ignore[dict-item]
            elif month in slot:
                slot[month] = slot[month] + value  # type: ignore[operator]
            else:
                slot[month] = value  # type: ignore[assignment]
    else:
        statuses.setdefault(key, {})[month] = str(value)


_AMOUNT_UNKNOWN = Failed((AMOUNT_UNKNOWN,), (AMOUNT_UNKNOWN,))
_AMOUNT_ZERO = Failed((AMOUNT_ZERO,), ())
_NO_RULE = Failed((NOT_IN_FORCE,), ())


def _no_amount(value: object) -> Failed:
    """The reasons of a rule that applied and paid nothing: no amount, or zero."""
    return _AMOUNT_UNKNOWN if value is None else _AMOUNT_ZERO


Reasons: TypeAlias = dict[tuple[str, str, Id], dict[int, Failed]]
"""Why a money benefit paid nothing: by benefit, entity and beneficiary, then month."""


def _miss(reasons: Reasons, key: tuple[str, str, Id], index: int, why: Failed) -> None:
    """Record that a money rule paid nothing in a month (rules of one benefit that all
    paid nothing in a month add their reasons up)."""
    slot = reasons.get(key)
    if slot is None:
        reasons[key] = {index: why}
        return
    before = slot.get(index)
    slot[index] = why if before is None else _joined(before, why)


def _joined(before: Failed, why: Failed) -> Failed:
    """The reasons of two rules of one benefit that both paid nothing in a month."""
    if before is why:
        return before
    return Failed(
        tuple(dict.fromkeys((*before.failed, *why.failed))),
        tuple(dict.fromkeys((*before.unknown, *why.unknown))),
    )


_NONE_PAID: dict[int, Money] = {}
_NONE_MISSED: dict[int, Failed] = {}


_SPANS: dict[tuple[object, ...], Span] = {}
"""Spans already made (immutable, so shared): the same few recur from one decision to
the next (a month paid so much, a year not paid for the same reasons)."""


def _span(first: MonthPlan, last: MonthPlan, amount: Money | None, why: Failed | None) -> Span:
    key = (
        (first.index, last.index, amount)
        if why is None
        else (first.index, last.index, why.failed, why.unknown)
    )
    span = _SPANS.get(key)
    if span is None:
        if why is None:
            span = Span(first=first.month, last=last.month, monthly=amount)
        else:
            span = Span(first=first.month, last=last.month, failed=why.failed, unknown=why.unknown)
        if len(_SPANS) >= 4096:
            _SPANS.clear()
        _SPANS[key] = span
    return span


def _month_span(plan: MonthPlan, outcome: Money | Failed) -> Span:
    """A month as one span: paid so much, or not paid for these reasons (kept with the
    month's plan, by the amount or by the reasons object)."""
    made = plan.spans
    span = made.get(outcome)
    if span is None:
        if isinstance(outcome, Failed):
            span = _span(plan, plan, None, outcome)
        else:
            span = _span(plan, plan, outcome, None)
        if len(made) < 64:
            made[outcome] = span
    return span


def _condition_traces(cr: CompiledRule, values: list[object]) -> tuple[ConditionTrace, ...]:
    known = cr.traced_conditions
    try:
        return tuple(
            [
                known.get((i, v, v.__class__)) or cr.condition_trace(i, v)
                for i, v in enumerate(values)
            ]
        )
    except TypeError:  # an unhashable value
        return tuple([cr.condition_trace(i, v) for i, v in enumerate(values)])


def _runs(
    plans: tuple[MonthPlan, ...], paid: dict[int, Money], missed: dict[int, Failed]
) -> tuple[Span, ...]:
    """The months of one benefit and beneficiary as runs of equal outcomes."""
    spans: list[Span] = []
    first = last = plans[0]
    amount: Money | None = None
    why: Failed | None = None
    for n, plan in enumerate(plans):
        now = paid.get(plan.index)
        now_why = None if now else missed.get(plan.index, _NO_RULE)
        if n and (
            (now is not None and now == amount)
            or (now_why is not None and why is not None and now_why.same(why))
        ):
            last = plan
            continue
        if n:
            spans.append(_span(first, last, amount, why))
        first = last = plan
        amount, why = now or None, now_why
    spans.append(_span(first, last, amount, why))
    return tuple(spans)


_MAX_CACHED_PERIODS = 1024
"""Periods whose month plans and stamps are kept (months themselves are bounded)."""

_MAX_CACHED_HOUSEHOLDS = 1024
"""Households whose ids and persons (parent views) are kept, with the household."""

_Seen: TypeAlias = tuple[Id, tuple[tuple[Id, object], ...], tuple[Id, ...]]
"""A household's id, its persons with their ids, and the ids in order."""


class SingleEvaluator:
    """A policy compiled for single evaluation; built once per policy."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        settings = policy.settings_in_force()
        self.rules = tuple(CompiledRule(r, settings) for r in policy.rules)
        remember(policy)  # its words, for the text of the decisions it makes
        self._money_benefits = sorted(
            {(r.rule.benefit, r.rule.entity) for r in self.rules if r.money}
        )
        self._plans: dict[int, MonthPlan] = {}
        self._stamps: dict[Period, Stamp] = {}
        self._uses: dict[tuple[int, str], ParameterUse] = {}
        self._use_lists: dict[tuple[int, tuple[str, ...]], tuple[ParameterUse, ...]] = {}
        self._periods: dict[Period, tuple[MonthPlan, ...]] = {}
        self._households: dict[int, tuple[object, _Seen]] = {}

    def plans(self, period: Period) -> tuple[MonthPlan, ...]:
        cached = self._periods.get(period)
        if cached is None:
            out = []
            for month in period.months():
                plan = self._plans.get(month.index)
                if plan is None:
                    plan = self._plans[month.index] = MonthPlan(self.policy, self.rules, month)
                out.append(plan)
            if len(self._periods) >= _MAX_CACHED_PERIODS:
                self._periods.clear()  # a server sees any number of distinct spans
            cached = self._periods[period] = tuple(out)
        return cached

    def stamp(self, period: Period) -> Stamp:
        stamp = self._stamps.get(period)
        if stamp is None:
            if len(self._stamps) >= _MAX_CACHED_PERIODS:
                self._stamps.clear()
            stamp = self._stamps[period] = Stamp(
                fpcore_version=__version__,
                policy_id=self.policy.id,
                policy_version=self.policy.version,
                policy_hash=self.policy.content_hash,
                period=period,
            )
        return stamp

    def _seen(self, household: object) -> _Seen:
        """The household's id, its persons with their ids and their ids in order, worked
        out once per household object (an immutable one: its type is hashable) and kept
        with it."""
        found = self._households.get(id(household))
        if found is not None and found[0] is household:
            return found[1]
        adapter = self.policy.adapter
        persons = tuple((adapter.person_id(p), p) for p in adapter.persons(household))
        seen = (
            adapter.household_id(household),
            persons,
            tuple(sorted(pid for pid, _ in persons)),
        )
        if type(household).__hash__ is not None:
            if len(self._households) >= _MAX_CACHED_HOUSEHOLDS:
                self._households.clear()
            self._households[id(household)] = (household, seen)
        return seen

    def _stamped(self, period: Period, household: object) -> Stamp:
        """The period's stamp, with the hash of the household's input document when the
        adapter writes one."""
        stamp = self.stamp(period)
        document = self.policy.adapter.document
        return stamp if document is None else with_input(stamp, household, document)

    def evaluate(self, household: object, period: Period, explain: bool) -> Decision:
        hid, persons, pids = self._seen(household)
        plans = self.plans(period)
        if not explain and len(plans) == 1:
            return self._one_month(household, period, plans[0], hid, persons, pids)
        amounts: dict[tuple[str, str, Id], dict[int, Money]] = {}
        statuses: dict[tuple[str, str, Id], dict[int, str]] = {}
        reasons: Reasons = {}
        traces: list[RuleTrace] = []
        for plan in plans:
            month, params, index = plan.month, plan.params, plan.index
            hh: dict[str, object] = {}
            if explain:
                if plan.household_rules:
                    c = Ctx(month, params, household, household, hh, hh, index)
                    for cr in plan.household_rules:
                        self._run(cr, c, "household", hid, hid, amounts, statuses, reasons, traces)
                if plan.person_rules:
                    for pid, person in persons:
                        c = Ctx(month, params, person, household, {}, hh, index)
                        for cr in plan.person_rules:
                            self._run(cr, c, "person", pid, hid, amounts, statuses, reasons, traces)
                self._not_in_force(plan, month, hid, persons, traces)
                continue
            if plan.household_rules:
                c = Ctx(month, params, household, household, hh, hh, index)
                for cr in plan.household_rules:
                    try:
                        value = cr.decide(c)
                    except (ConflictingOutcomes, EmptyOutcome):
                        cr.outcome(c, f"household {hid}")
                        raise
                    if value.__class__ is Failed:
                        if cr.money:
                            _miss(reasons, (cr.benefit, "household", hid), index, value)
                    elif value:
                        _keep(cr, "household", hid, index, value, amounts, statuses)
                    elif cr.money:
                        _miss(reasons, (cr.benefit, "household", hid), index, _no_amount(value))
                    elif value is not None:
                        _keep(cr, "household", hid, index, value, amounts, statuses)
            if plan.person_rules:
                for pid, person in persons:
                    c = Ctx(month, params, person, household, {}, hh, index)
                    for cr in plan.person_rules:
                        try:
                            value = cr.decide(c)
                        except (ConflictingOutcomes, EmptyOutcome):
                            cr.outcome(c, f"person {pid}")
                            raise
                        if value.__class__ is Failed:
                            if cr.money:
                                _miss(reasons, (cr.benefit, "person", pid), index, value)
                        elif value:
                            _keep(cr, "person", pid, index, value, amounts, statuses)
                        elif cr.money:
                            _miss(reasons, (cr.benefit, "person", pid), index, _no_amount(value))
                        elif value is not None:
                            _keep(cr, "person", pid, index, value, amounts, statuses)
        months = {plan.index: plan.month for plan in plans} if amounts or statuses else {}
        return Decision(
            stamp=self._stamped(period, household),
            entitlements=tuple(
                Entitlement(
                    benefit=b,
                    entity=e,  # type: ignore[arg-type]
                    beneficiary_id=bid,
                    household_id=hid,
                    monthly=monthly,
                )
                for (b, e, bid), by_month in sorted(amounts.items())
                if (monthly := tuple((months[m], a) for m, a in by_month.items() if a))
            ),
            statuses=tuple(
                Status(
                    benefit=b,
                    entity=e,  # type: ignore[arg-type]
                    beneficiary_id=bid,
                    household_id=hid,
                    monthly=tuple((months[m], v) for m, v in by_month.items()),
                )
                for (b, e, bid), by_month in sorted(statuses.items())
            ),
            explanations=tuple(traces),
            spans=self._spans(plans, hid, pids, amounts, reasons),
        )

    def _one_month(
        self,
        household: object,
        period: Period,
        plan: MonthPlan,
        hid: Id,
        persons: tuple[tuple[Id, object], ...],
        pids: tuple[Id, ...],
    ) -> Decision:
        """A plain decision for one month: each rule's outcome kept by beneficiary
        as it comes (no month keys), then the decision's parts made in one pass."""
        month, params, index = plan.month, plan.params, plan.index
        paid: dict[tuple[str, str, Id], Money] = {}
        missed: dict[tuple[str, str, Id], Failed] = {}
        statuses: dict[tuple[str, str, Id], str] = {}
        hh: dict[str, object] = {}
        runs: list[tuple[str, Id, Ctx, tuple[CompiledRule, ...]]] = []
        if plan.household_rules:
            c = Ctx(month, params, household, household, hh, hh, index)
            runs.append(("household", hid, c, plan.household_rules))
        if plan.person_rules:
            for pid, person in persons:
                c = Ctx(month, params, person, household, {}, hh, index)
                runs.append(("person", pid, c, plan.person_rules))
        for entity, bid, c, rules in runs:
            for cr in rules:
                try:
                    value = cr.decide(c)
                except (ConflictingOutcomes, EmptyOutcome):
                    cr.outcome(c, f"{entity} {bid}")
                    raise
                if cr.money:
                    key = (cr.benefit, entity, bid)
                    if value.__class__ is Failed:
                        why: Failed = value
                    elif value:
                        before = paid.get(key)
                        paid[key] = value if before is None else before + value  # type: ignore[assignment, operator]
                        continue
                    else:
                        why = _no_amount(value)
                    was = missed.get(key)
                    missed[key] = why if was is None else _joined(was, why)
                elif value is not None and value.__class__ is not Failed:
                    statuses[(cr.benefit, entity, bid)] = str(value)
        spans = []
        made = plan.spans
        for benefit, entity in self._money_benefits:
            for bid in (hid,) if entity == "household" else pids:
                key = (benefit, entity, bid)
                outcome = paid.get(key) or missed.get(key, _NO_RULE)
                span = made.get(outcome) or _month_span(plan, outcome)
                spans.append(
                    BenefitSpans(
                        benefit=benefit,
                        entity=entity,
                        beneficiary_id=bid,
                        household_id=hid,
                        spans=(span,),
                    )
                )
        return Decision(
            stamp=self._stamped(period, household),
            entitlements=tuple(
                [
                    Entitlement(
                        benefit=b,
                        entity=e,  # type: ignore[arg-type]
                        beneficiary_id=bid,
                        household_id=hid,
                        monthly=((month, amount),),
                    )
                    for (b, e, bid), amount in sorted(paid.items())
                    if amount
                ]
            ),
            statuses=tuple(
                [
                    Status(
                        benefit=b,
                        entity=e,  # type: ignore[arg-type]
                        beneficiary_id=bid,
                        household_id=hid,
                        monthly=((month, text),),
                    )
                    for (b, e, bid), text in sorted(statuses.items())
                ]
            ),
            explanations=(),
            spans=tuple(spans),
        )

    def _spans(
        self,
        plans: tuple[MonthPlan, ...],
        hid: Id,
        pids: tuple[Id, ...],
        amounts: dict[tuple[str, str, Id], dict[int, Money]],
        reasons: Reasons,
    ) -> tuple[BenefitSpans, ...]:
        """Every money benefit for every beneficiary, as runs of equal months (what
        :func:`~fpcore.rules._spans.merge_months` gives, without a tuple per month)."""
        one = plans[0] if len(plans) == 1 else None
        out = []
        for benefit, entity in self._money_benefits:
            for bid in (hid,) if entity == "household" else pids:
                key = (benefit, entity, bid)
                paid = amounts.get(key, _NONE_PAID)
                missed = reasons.get(key, _NONE_MISSED)
                if one is not None:  # one month: one span
                    spans: tuple[Span, ...] = (
                        _month_span(one, paid.get(one.index) or missed.get(one.index, _NO_RULE)),
                    )
                else:
                    spans = _runs(plans, paid, missed)
                out.append(
                    BenefitSpans(
                        benefit=benefit,
                        entity=entity,
                        beneficiary_id=bid,
                        household_id=hid,
                        spans=spans,
                    )
                )
        return tuple(out)

    def _run(
        self,
        cr: CompiledRule,
        c: Ctx,
        entity: str,
        bid: Id,
        hid: Id,
        amounts: dict[tuple[str, str, Id], dict[int, Money]],
        statuses: dict[tuple[str, str, Id], dict[int, str]],
        reasons: Reasons,
        traces: list[RuleTrace],
    ) -> None:
        """Evaluate a rule recording every value (for the explanation)."""
        c.trace, c.used = {}, []
        values, applied, value, label = cr.traced(c, f"{entity} {bid}")
        if value is not None:
            _keep(cr, entity, bid, c.index, value, amounts, statuses)
        if cr.money and not value:
            why = cr.reasons(values) if not applied else _no_amount(value)
            _miss(reasons, (cr.benefit, entity, bid), c.index, why)
        traces.append(self._trace(cr, c, entity, bid, hid, values, applied, value, label))

    def _trace(
        self,
        cr: CompiledRule,
        c: Ctx,
        entity: str,
        bid: Id,
        hid: Id,
        values: list[object],
        applied: bool,
        value: object,
        label: str | None,
    ) -> RuleTrace:
        key = (c.index, tuple(c.used))
        uses = self._use_lists.get(key)
        if uses is None:
            uses = self._use_lists[key] = tuple(
                self._use(c, name) for name in dict.fromkeys(c.used)
            )
        rule = cr.rule
        return RuleTrace.recorded(
            c.trace,
            rule_id=rule.id,
            title_zh=rule.title_zh,
            title_en=rule.title_en,
            benefit=rule.benefit,
            entity=rule.entity,
            beneficiary_id=bid,
            household_id=hid,
            month=c.month,
            in_force=True,
            applied=applied,
            outcome=_render(value) if applied else None,
            exception=label,
            conditions=_condition_traces(cr, values),
            parameters=uses,
            citations=rule.citations,
        )

    def _use(self, c: Ctx, name: str) -> ParameterUse:
        """A parameter's value in force in the context's month, with its citation."""
        use = self._uses.get((c.index, name))
        if use is None:
            entry = self.policy.parameters[name].entry_at(c.month.start)
            use = self._uses[(c.index, name)] = ParameterUse(
                name=name,
                start=entry.start,
                value=render_value(entry.value),
                citation=entry.citation,
            )
        return use

    def _not_in_force(
        self,
        plan: MonthPlan,
        month: Month,
        hid: Id,
        persons: tuple[tuple[Id, object], ...],
        traces: list[RuleTrace],
    ) -> None:
        live = {cr.rule.id for cr in (*plan.person_rules, *plan.household_rules)}
        for cr in self.rules:
            rule = cr.rule
            if rule.id in live:
                continue
            ids = [hid] if rule.entity == "household" else [pid for pid, _ in persons]
            for bid in ids:
                traces.append(
                    RuleTrace(
                        rule_id=rule.id,
                        title_zh=rule.title_zh,
                        title_en=rule.title_en,
                        benefit=rule.benefit,
                        entity=rule.entity,
                        beneficiary_id=bid,
                        household_id=hid,
                        month=month,
                        in_force=False,
                        applied=False,
                        citations=rule.citations,
                    )
                )
