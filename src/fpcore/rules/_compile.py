"""Expression trees and rules compiled once into Python closures (the single evaluator)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from fpcore.errors import ConflictingOutcomes, EmptyOutcome
from fpcore.periods import Month
from fpcore.rules._decision import ConditionTrace
from fpcore.rules._expr import (
    Arith,
    BoolOp,
    Compare,
    Const,
    Expr,
    Extreme,
    IsMissing,
    MonthIndex,
    Not,
    ParamRef,
    SettingRef,
    Where,
)
from fpcore.rules._facts import Fact
from fpcore.rules._parameters import render_value
from fpcore.rules._rule import Rule

Fn = Callable[["Ctx"], object]
_MISS = object()


class Failed:
    """What ``decide`` returns when a rule's conditions do not hold: the first that
    did not (in the rule's order) and whether its value was missing, as the codes
    ``failed`` and ``unknown`` (the compact reasons of a decision's spans)."""

    __slots__ = ("failed", "unknown")

    def __init__(self, failed: tuple[str, ...], unknown: tuple[str, ...]) -> None:
        self.failed = failed
        self.unknown = unknown

    def same(self, other: Failed) -> bool:
        """Whether both give the same reasons."""
        return self is other or (self.failed == other.failed and self.unknown == other.unknown)


_NO_TRACE: dict[str, object] = {}
_NO_USE: list[str] = []
_PYOPS: dict[str, Callable[[Any, Any], object]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


_RENDERED: dict[tuple[type, object], str] = {}


def _render(value: object) -> str:
    """``render_value`` memoised for the small set of values traces repeat."""
    key = (type(value), value)
    try:
        return _RENDERED[key]
    except KeyError:
        text = render_value(value)
        if len(_RENDERED) < 4096:
            _RENDERED[key] = text
        return text
    except TypeError:  # unhashable
        return render_value(value)


class Ctx:
    """What a compiled expression reads: the entity, its fact caches, the month's values."""

    __slots__ = ("hh", "household", "index", "month", "own", "params", "subject", "trace", "used")

    def __init__(
        self,
        month: Month,
        params: dict[str, object],
        subject: object,
        household: object,
        own: dict[str, object],
        hh: dict[str, object],
        index: int | None = None,
    ) -> None:
        self.month = month
        self.index = month.index if index is None else index
        self.params = params
        self.subject = subject
        self.household = household
        self.own = own
        self.hh = hh
        self.trace: dict[str, object] = _NO_TRACE
        self.used: list[str] = _NO_USE


def _fact_fn(f: Fact[Any], own: bool) -> Fn:
    fn, name = f.python, f.name
    if own:

        def own_fact(c: Ctx) -> object:
            v = c.own.get(name, _MISS)
            if v is _MISS:
                v = c.own[name] = fn(c.subject, c.month)
            return v

        return own_fact

    def household_fact(c: Ctx) -> object:
        v = c.hh.get(name, _MISS)
        if v is _MISS:
            v = c.hh[name] = fn(c.household, c.month)
        return v

    return household_fact


def _arith_fn(node: Arith, a: Fn, b: Fn) -> Fn:
    op, lk, rk = node.op, node.left.kind, node.right.kind
    if op == "*" and rk == "ratio":
        pyop: Callable[[Any, Any], object] = lambda x, y: x.multiply(y)  # noqa: E731
    elif op == "*" and lk == "ratio":
        pyop = lambda x, y: y.multiply(x)  # noqa: E731
    elif op == "/":
        pyop = lambda x, y: x.divide(y)  # noqa: E731
    else:
        pyop = {"+": operator.add, "-": operator.sub, "*": operator.mul}[op]

    def arith(c: Ctx) -> object:
        x = a(c)
        if x is None:
            return None
        y = b(c)
        return None if y is None else pyop(x, y)

    return arith


def _month_constant(node: Expr) -> bool:
    """Whether a (non-trivial) tree depends only on parameters, settings and constants."""
    if isinstance(node, Const | ParamRef | SettingRef):
        return False
    return all(not isinstance(n, Fact | MonthIndex) for n in node.walk())


def _cached_per_month(key: str, fn: Fn) -> Fn:
    def cached(c: Ctx) -> object:
        params = c.params
        v = params.get(key, _MISS)
        if v is _MISS:
            v = params[key] = fn(c)
        return v

    return cached


def compile_expr(
    node: Expr, entity: str, settings: Mapping[str, str], *, traced: bool = False
) -> Fn:
    """Compile a tree once into a closure ``f(ctx) -> value`` (optionally recording)."""

    def sub(n: Expr) -> Fn:
        return compile_expr(n, entity, settings, traced=traced)

    fn: Fn
    if isinstance(node, Const):
        value = node.value
        return lambda c: value
    if isinstance(node, SettingRef):
        setting_value = settings[node.name]
        fn = lambda c: setting_value  # noqa: E731
    elif isinstance(node, Fact):
        fn = _fact_fn(node, own=node.entity == entity)
    elif isinstance(node, ParamRef):
        name = node.name
        if traced:

            def param_traced(c: Ctx) -> object:
                c.used.append(name)
                return c.params[name]

            fn = param_traced
        else:
            fn = lambda c: c.params[name]  # noqa: E731
    elif isinstance(node, MonthIndex):
        fn = lambda c: c.index  # noqa: E731
    elif isinstance(node, Compare):
        op, left = _PYOPS[node.op], sub(node.left)
        if isinstance(node.right, Const):
            rv = node.right.value

            def compare_const(c: Ctx) -> object:
                x = left(c)
                return None if x is None else op(x, rv)

            fn = (lambda c: None) if rv is None else compare_const
        else:
            right = sub(node.right)

            def compare(c: Ctx) -> object:
                x = left(c)
                if x is None:
                    return None
                y = right(c)
                return None if y is None else op(x, y)

            fn = compare
    elif isinstance(node, BoolOp):
        fns = tuple(sub(i) for i in node.items)
        stop, go = (False, True) if node.op == "and" else (True, False)

        def boolop(c: Ctx) -> object:
            unknown = False
            for f in fns:
                v = f(c)
                if v is stop:
                    return stop
                if v is None:
                    unknown = True
            return None if unknown else go

        fn = boolop
    elif isinstance(node, Not):
        inner = sub(node.item)

        def negate(c: Ctx) -> object:
            v = inner(c)
            return None if v is None else not v

        fn = negate
    elif isinstance(node, IsMissing):
        inner_m = sub(node.item)
        fn = lambda c: inner_m(c) is None  # noqa: E731
    elif isinstance(node, Arith):
        fn = _arith_fn(node, sub(node.left), sub(node.right))
    elif isinstance(node, Where):
        cond, then, other = sub(node.cond), sub(node.then), sub(node.otherwise)
        fn = lambda c: then(c) if cond(c) is True else other(c)  # noqa: E731
    elif isinstance(node, Extreme):
        items = tuple(sub(i) for i in node.items)
        pick: Callable[[list[Any]], object] = min if node.op == "min" else max

        def extreme(c: Ctx) -> object:
            vals: list[Any] = [v for v in (f(c) for f in items) if v is not None]
            return pick(vals) if vals else None

        fn = extreme
    else:  # pragma: no cover - every node type is handled above
        raise TypeError(f"cannot compile {node!r}")
    if not traced:
        if _month_constant(node):
            return _cached_per_month("#" + node.key(), fn)
        return fn
    if isinstance(node, MonthIndex | SettingRef | ParamRef):
        return fn  # the month is in the trace, settings in the policy, parameters listed apart
    label, plain = node.key(), fn

    def record(c: Ctx) -> object:
        v = plain(c)
        c.trace.setdefault(label, v)
        return v

    return record


class CompiledRule:
    """A rule's conditions, default and exception groups as closures."""

    __slots__ = (
        "conds",
        "decide",
        "default",
        "failed",
        "groups",
        "meta",
        "money",
        "rule",
        "tconds",
        "tdefault",
        "tgroups",
        "traced_conditions",
        "unknown",
    )

    def __init__(self, rule: Rule, settings: Mapping[str, str]) -> None:
        self.rule = rule

        def comp(e: Expr, traced: bool) -> Fn:
            return compile_expr(e, rule.entity, settings, traced=traced)

        def groups(traced: bool) -> tuple[tuple[tuple[str, Fn, Fn], ...], ...]:
            prios = sorted({e.priority for e in rule.exceptions}, reverse=True)
            return tuple(
                tuple(
                    (e.label, comp(e.when, traced), comp(e.outcome, traced))
                    for e in rule.exceptions
                    if e.priority == p
                )
                for p in prios
            )

        conditions = rule.conditions_under(settings)
        self.conds = tuple(comp(c.test, False) for c in conditions)
        self.tconds = tuple(comp(c.test, True) for c in conditions)
        self.default = comp(rule.outcome, False) if rule.outcome is not None else None
        self.tdefault = comp(rule.outcome, True) if rule.outcome is not None else None
        self.groups = groups(False)
        self.tgroups = groups(True)
        self.money = rule.kind == "money"
        self.meta = tuple((c.code, c.test.key(), c.en, c.zh) for c in conditions)
        self.traced_conditions: dict[tuple[int, object, type], ConditionTrace] = {}
        self.failed = tuple(Failed((c.code,), ()) for c in conditions)
        self.unknown = tuple(Failed((c.code,), (c.code,)) for c in conditions)
        self.decide = self._fast()

    def reasons(self, values: list[object]) -> Failed:
        """Why the conditions do not hold, from the traced value of each: the first
        that did not, as ``decide`` reports it."""
        for i, v in enumerate(values):
            if v is not True:
                return self.unknown[i] if v is None else self.failed[i]
        raise AssertionError("the conditions hold")  # pragma: no cover

    def condition_trace(self, i: int, value: object) -> ConditionTrace:
        """The trace of condition ``i`` with a value (immutable, so shared)."""
        key = (i, value, type(value))
        trace = self.traced_conditions.get(key)
        if trace is None:
            code, test, en, zh = self.meta[i]
            trace = ConditionTrace(code=code, test=test, value=render_value(value), en=en, zh=zh)
            if len(self.traced_conditions) < 64:
                self.traced_conditions[key] = trace
        return trace

    def _fast(self) -> Callable[[Ctx], object]:
        """``decide(ctx)``: the outcome, or a :class:`Failed` when a condition does not
        hold (the first that did not)."""
        conds, default = self.conds, self.default
        checks = tuple(zip(conds, self.failed, self.unknown, strict=True))
        if not self.groups and default is not None:
            if len(conds) == 1:
                ((cond, failed, unknown),) = checks

                def single(c: Ctx) -> object:
                    v = cond(c)
                    if v is True:
                        return default(c)
                    return unknown if v is None else failed

                return single

            def plain(c: Ctx) -> object:
                for f, failed, unknown in checks:
                    v = f(c)
                    if v is not True:
                        return unknown if v is None else failed
                return default(c)

            return plain

        if default is not None and all(len(g) == 1 for g in self.groups):
            # one exception per priority: no conflict is possible
            chain = tuple((when, out) for ((_, when, out),) in self.groups)

            def with_single_exceptions(c: Ctx) -> object:
                for f, failed, unknown in checks:
                    v = f(c)
                    if v is not True:
                        return unknown if v is None else failed
                for when, out in chain:
                    if when(c) is True:
                        return out(c)
                return default(c)

            return with_single_exceptions

        groups = self.groups

        def with_exceptions(c: Ctx) -> object:
            for f, failed, unknown in checks:
                v = f(c)
                if v is not True:
                    return unknown if v is None else failed
            for group in groups:
                hit = _MISS
                for _, when, out in group:
                    if when(c) is True:
                        v = out(c)
                        if hit is _MISS:
                            hit = v
                        elif v != hit:
                            return self.outcome(c, False, "")[0]  # raises the conflict
                if hit is not _MISS:
                    return hit
            if default is None:
                return self.outcome(c, False, "")[0]  # raises EmptyOutcome
            return default(c)

        return with_exceptions

    def outcome(self, c: Ctx, traced: bool, who: str) -> tuple[object, str | None]:
        """The outcome once the conditions hold: (value, label of the exception used)."""
        for group in self.tgroups if traced else self.groups:
            fired: list[tuple[str, object]] = []
            for label, when, out in group:
                if when(c) is True:
                    fired.append((label, out(c)))
            if fired:
                first_label, first = fired[0]
                for label, value in fired[1:]:
                    if value != first:
                        raise ConflictingOutcomes(
                            f"rule {self.rule.id}: exceptions {first_label!r} and {label!r} "
                            f"give {render_value(first)} and {render_value(value)} for {who} "
                            f"in {c.month}"
                        )
                return first, first_label
        default = self.tdefault if traced else self.default
        if default is None:
            raise EmptyOutcome(
                f"rule {self.rule.id}: no outcome for {who} in {c.month} "
                "(no default, and no exception applied)"
            )
        return default(c), None
