"""Expression trees and rules compiled once into Python functions (the single evaluator).

Each rule is turned into Python source (one function per rule, and one per top-level
expression for the explanation) and compiled with :func:`compile`: the evaluator runs
plain Python statements, with constants and settings inlined, instead of a call per
node of the tree. The rule is still defined once, as data; the source is derived.
"""

from __future__ import annotations

import linecache
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


def _month_constant(node: Expr) -> bool:
    """Whether a (non-trivial) tree depends only on parameters, settings and constants."""
    if isinstance(node, Const | ParamRef | SettingRef):
        return False
    return all(not isinstance(n, Fact | MonthIndex) for n in node.walk())


def _reads_parameters(node: Expr) -> bool:
    return any(isinstance(n, ParamRef) for n in node.walk())


_LITERALS = (type(None), bool, int, str)
_COMPARE: dict[str, Callable[[Any, Any], object]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_MAX_DEPTH = 40
"""Indentation levels a generated function nests before a subtree gets its own."""


def _smallest(values: tuple[Any, ...]) -> object:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _largest(values: tuple[Any, ...]) -> object:
    present = [v for v in values if v is not None]
    return max(present) if present else None


class _Source:
    """The Python source of one generated function ``f(c)`` and the names it reads.

    Each node of a tree becomes a few statements assigning a local variable, so a
    rule runs as one function: no call per node, constants and settings inlined, a
    fact read once per function from the entity's fact cache (``c.own`` or
    ``c.hh``). Missing values propagate as the algebra says (module docstring of
    :mod:`fpcore.rules._expr`), with the interpreter's order of evaluation: ``and``
    and ``or`` stop at the first value that decides them, a comparison or an
    arithmetic with a missing left side does not evaluate its right side. Traced,
    every node but constants, settings, parameters and the month index records its
    value in ``c.trace`` (first value kept) and every parameter read is appended to
    ``c.used``, as the explanation lists them.
    """

    def __init__(self, entity: str, settings: Mapping[str, str], traced: bool) -> None:
        self.entity = entity
        self.settings = settings
        self.traced = traced
        self.lines: list[str] = []
        self.ns: dict[str, Any] = {"MISS": _MISS, "_smallest": _smallest, "_largest": _largest}
        self.uses: set[str] = set()
        self.count = 0
        self.scopes: list[dict[str, str]] = [{}]
        self.known: dict[str, object] = {}

    def var(self, prefix: str = "v") -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def emit(self, ind: int, line: str) -> None:
        self.lines.append("    " * ind + line)

    def literal(self, value: object) -> str:
        """Source text of a constant: inline when Python writes it exactly, else a name."""
        if type(value) in _LITERALS:
            name = repr(value)
        else:
            name = self.var("K")
            self.ns[name] = value
        self.known[name] = value
        return name

    def is_known(self, source: str) -> bool:
        """Whether a value is known when the function is generated (a constant)."""
        return source in self.known

    def push(self) -> None:
        self.scopes.append({})

    def pop(self) -> None:
        self.scopes.pop()

    def expr(self, node: Expr, ind: int) -> str:
        """Emit statements computing ``node``; the source of its value (a local or a literal)."""
        if isinstance(node, Const):
            return self.literal(node.value)
        if isinstance(node, SettingRef):
            return self.literal(self.settings[node.name])
        if isinstance(node, MonthIndex):
            self.uses.add("index")
            return "index"
        if isinstance(node, ParamRef):
            self.uses.add("params")
            v = self.var()
            if self.traced:
                self.uses.add("used")
                self.emit(ind, f"used.append({node.name!r})")
            self.emit(ind, f"{v} = params[{node.name!r}]")
            return v
        if isinstance(node, Fact):
            return self.fact(node, ind)
        if not self.traced and _month_constant(node) and _reads_parameters(node):
            # the same for every entity of a month: computed once, kept with the month
            self.uses.add("params")
            key = "#" + node.key()
            v = self.var()
            self.emit(ind, f"{v} = params.get({key!r}, MISS)")
            self.emit(ind, f"if {v} is MISS:")
            self.push()
            inner = self.node(node, ind + 1)
            self.pop()
            self.emit(ind + 1, f"{v} = params[{key!r}] = {inner}")
            return v
        r = self.node(node, ind)
        if self.traced:
            self.uses.add("trace")
            self.emit(ind, f"trace.setdefault({node.key()!r}, {r})")
        return r

    def fact(self, node: Fact[Any], ind: int) -> str:
        key = node.key()
        for scope in reversed(self.scopes):
            if key in scope:
                return scope[key]
        own = node.entity == self.entity
        cache, arg = ("own", "subject") if own else ("hh", "household")
        self.uses.update((cache, arg, "month"))
        fn = self.var("F")
        self.ns[fn] = node.python
        v = self.var()
        self.emit(ind, f"{v} = {cache}.get({node.name!r}, MISS)")
        self.emit(ind, f"if {v} is MISS:")
        self.emit(ind + 1, f"{v} = {cache}[{node.name!r}] = {fn}({arg}, month)")
        if self.traced:
            self.uses.add("trace")
            self.emit(ind, f"trace.setdefault({key!r}, {v})")
        self.scopes[-1][key] = v
        return v

    def node(self, node: Expr, ind: int) -> str:
        """Statements for a compound node (not recorded here)."""
        if ind > _MAX_DEPTH:  # deep trees: the subtree becomes a function of its own
            fn = self.var("G")
            self.ns[fn] = compile_expr(node, self.entity, self.settings, traced=self.traced)
            v = self.var()
            self.emit(ind, f"{v} = {fn}(c)")
            return v
        r = self.var()
        known = self.known
        if isinstance(node, Compare):
            if isinstance(node.right, Const) and node.right.value is None:
                return "None"  # never true nor false; the left side is not evaluated
            x = self.expr(node.left, ind)
            if x in known and known[x] is None:
                return "None"
            if isinstance(node.right, Const):
                rv = self.literal(node.right.value)
                if x in known:
                    return self.literal(_COMPARE[node.op](known[x], known[rv]))
                if x == "index":
                    self.emit(ind, f"{r} = {x} {node.op} {rv}")
                else:
                    self.emit(ind, f"{r} = None if {x} is None else {x} {node.op} {rv}")
                return r
            body = ind
            if x != "index":  # the month is never missing
                self.emit(ind, f"if {x} is None:")
                self.emit(ind + 1, f"{r} = None")
                self.emit(ind, "else:")
                body = ind + 1
            self.push()
            y = self.expr(node.right, body)
            self.pop()
            if y in known:
                value = "None" if known[y] is None else f"{x} {node.op} {y}"
            elif y == "index":
                value = f"{x} {node.op} {y}"
            else:
                value = f"None if {y} is None else {x} {node.op} {y}"
            self.emit(body, f"{r} = {value}")
            return r
        if isinstance(node, BoolOp):
            stop, go = (False, True) if node.op == "and" else (True, False)
            unknown = self.var("u")
            unknown_now = False  # a constant item was missing
            self.emit(ind, f"{unknown} = False")
            depth = ind
            for item in node.items:
                v = self.expr(item, depth)
                if v in known:
                    if known[v] is stop:
                        self.emit(depth, f"{r} = {stop}")
                        break
                    unknown_now = unknown_now or known[v] is None
                    continue
                self.emit(depth, f"if {v} is {stop}:")
                self.emit(depth + 1, f"{r} = {stop}")
                self.emit(depth, "else:")
                depth += 1
                self.push()
                self.emit(depth, f"if {v} is None:")
                self.emit(depth + 1, f"{unknown} = True")
            else:
                if unknown_now:
                    self.emit(depth, f"{r} = None")
                else:
                    self.emit(depth, f"{r} = None if {unknown} else {go}")
            for _ in range(depth - ind):
                self.pop()
            return r
        if isinstance(node, Not):
            v = self.expr(node.item, ind)
            if v in known:
                return self.literal(None if known[v] is None else not known[v])
            self.emit(ind, f"{r} = None if {v} is None else not {v}")
            return r
        if isinstance(node, IsMissing):
            v = self.expr(node.item, ind)
            if v in known:
                return self.literal(known[v] is None)
            self.emit(ind, f"{r} = {v} is None")
            return r
        if isinstance(node, Arith):
            x = self.expr(node.left, ind)
            if x in known and known[x] is None:
                return "None"
            self.emit(ind, f"if {x} is None:")
            self.emit(ind + 1, f"{r} = None")
            self.emit(ind, "else:")
            self.push()
            y = self.expr(node.right, ind + 1)
            self.pop()
            if node.op == "*" and node.right.kind == "ratio":
                value = f"{x}.multiply({y})"
            elif node.op == "*" and node.left.kind == "ratio":
                value = f"{y}.multiply({x})"
            elif node.op == "/":
                value = f"{x}.divide({y})"
            else:
                value = f"{x} {node.op} {y}"
            if y in known:
                value = "None" if known[y] is None else value
            else:
                value = f"None if {y} is None else {value}"
            self.emit(ind + 1, f"{r} = {value}")
            return r
        if isinstance(node, Where):
            cond = self.expr(node.cond, ind)
            if cond in known:  # a reading chosen by a setting: only its branch
                return self.expr(node.then if known[cond] is True else node.otherwise, ind)
            self.emit(ind, f"if {cond} is True:")
            self.push()
            then = self.expr(node.then, ind + 1)
            self.pop()
            self.emit(ind + 1, f"{r} = {then}")
            self.emit(ind, "else:")
            self.push()
            other = self.expr(node.otherwise, ind + 1)
            self.pop()
            self.emit(ind + 1, f"{r} = {other}")
            return r
        if isinstance(node, Extreme):
            items = [self.expr(i, ind) for i in node.items]
            pick = "_smallest" if node.op == "min" else "_largest"
            self.emit(ind, f"{r} = {pick}(({', '.join(items)},))")
            return r
        raise TypeError(f"cannot compile {node!r}")  # pragma: no cover - every node type

    def function(self, name: str, title: str, args: str = "c") -> Callable[[Ctx], object]:
        """The function ``name(c)`` of the emitted body (which ends in ``return``)."""
        prelude = [f"    {local} = c.{local}" for local in sorted(self.uses)]
        source = "\n".join([f"def {name}({args}):", *prelude, *self.lines]) + "\n"
        filename = f"<fpcore {title}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), self.ns)  # our own source, from the rule
        fn: Callable[[Ctx], object] = self.ns[name]
        fn.__doc__ = source  # what runs, for reading and debugging
        return fn


_COMPILED: dict[tuple[int, str, tuple[tuple[str, str], ...], bool], tuple[Expr, Fn]] = {}


def compile_expr(
    node: Expr, entity: str, settings: Mapping[str, str], *, traced: bool = False
) -> Fn:
    """Compile a tree once into a Python function ``f(ctx) -> value`` (optionally recording).

    The function is generated as Python source and compiled (see :class:`_Source`);
    compiling the same tree again under the same settings returns the same function.

    Example:
        >>> from fpcore.rules import const, where
        >>> f = compile_expr(where(const(True), 3, 4), "person", {})
        >>> f(Ctx(Month(year=2017, month=1), {}, None, None, {}, {}))
        3
    """
    key = (id(node), entity, tuple(sorted(settings.items())), traced)
    found = _COMPILED.get(key)
    if found is not None and found[0] is node:
        return found[1]
    gen = _Source(entity, settings, traced)
    result = gen.expr(node, 1)
    gen.emit(1, f"return {result}")
    fn = gen.function("expression", node.key()[:80])
    if len(_COMPILED) >= 4096:
        _COMPILED.clear()
    _COMPILED[key] = (node, fn)
    return fn


class CompiledRule:
    """A rule compiled to Python functions generated from its definition: ``decide``
    (the whole rule in one function), and each condition, exception and default
    alone, plain and traced (for the explanation)."""

    __slots__ = (
        "benefit",
        "conds",
        "decide",
        "default",
        "failed",
        "groups",
        "meta",
        "money",
        "rule",
        "traced",
        "traced_conditions",
        "unknown",
    )

    def __init__(self, rule: Rule, settings: Mapping[str, str]) -> None:
        self.rule = rule
        self.benefit = rule.benefit

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
        self.default = comp(rule.outcome, False) if rule.outcome is not None else None
        self.groups = groups(False)
        self.money = rule.kind == "money"
        self.meta = tuple((c.code, c.test.key(), c.en, c.zh) for c in conditions)
        self.traced_conditions: dict[tuple[int, object, type], ConditionTrace] = {}
        self.failed = tuple(Failed((c.code,), ()) for c in conditions)
        self.unknown = tuple(Failed((c.code,), (c.code,)) for c in conditions)
        self.decide = self._generate(settings)
        self.traced = self._generate_traced(settings)

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

    def _generate(self, settings: Mapping[str, str]) -> Callable[[Ctx], object]:
        """``decide(ctx)``, generated as one Python function: the outcome, or a
        :class:`Failed` when a condition does not hold (the first that did not); two
        exceptions of one priority that disagree, or no outcome at all, raise as
        :meth:`outcome` says."""
        rule = self.rule
        gen = _Source(rule.entity, settings, traced=False)
        gen.ns["RAISE"] = lambda c: self.outcome(c, "")[0]
        conditions = rule.conditions_under(settings)
        for i, condition in enumerate(conditions):
            v = gen.expr(condition.test, 1)
            failed, unknown = gen.literal(self.failed[i]), gen.literal(self.unknown[i])
            gen.emit(1, f"if {v} is not True:")
            gen.emit(2, f"return {unknown} if {v} is None else {failed}")
        for priority in sorted({e.priority for e in rule.exceptions}, reverse=True):
            group = [e for e in rule.exceptions if e.priority == priority]
            hit = gen.var("hit")
            if len(group) > 1:
                gen.emit(1, f"{hit} = MISS")
            for n, exception in enumerate(group):
                when = gen.expr(exception.when, 1)
                gen.emit(1, f"if {when} is True:")
                gen.push()
                out = gen.expr(exception.outcome, 2)
                gen.pop()
                if len(group) == 1:
                    gen.emit(2, f"return {out}")
                elif n == 0:
                    gen.emit(2, f"{hit} = {out}")
                else:
                    gen.emit(2, f"if {hit} is MISS:")
                    gen.emit(3, f"{hit} = {out}")
                    gen.emit(2, f"elif {out} != {hit}:")
                    gen.emit(3, "return RAISE(c)")  # raises the conflict
            if len(group) > 1:
                gen.emit(1, f"if {hit} is not MISS:")
                gen.emit(2, f"return {hit}")
        if rule.outcome is None:
            gen.emit(1, "return RAISE(c)")  # raises EmptyOutcome
        else:
            gen.emit(1, f"return {gen.expr(rule.outcome, 1)}")
        return gen.function("decide", f"rule {rule.id}")

    def _generate_traced(
        self, settings: Mapping[str, str]
    ) -> Callable[[Ctx, str], tuple[list[object], bool, object, str | None]]:
        """``traced(ctx, who)``, generated as one function: the value of every condition
        (all evaluated), whether they all hold, and then the outcome and the label of
        the exception that gave it, every node's value recorded in ``ctx.trace`` in the
        order of evaluation, every parameter read in ``ctx.used``."""
        rule = self.rule
        gen = _Source(rule.entity, settings, traced=True)
        gen.ns["FIRST"] = self._first
        gen.ns["EMPTY"] = self._empty
        values = [gen.expr(condition.test, 1) for condition in rule.conditions_under(settings)]
        listed = f"[{', '.join(values)}]"
        if values:
            held = " and ".join(f"{v} is True" for v in values)
            gen.emit(1, f"if not ({held}):")
            gen.emit(2, f"return {listed}, False, None, None")
        for priority in sorted({e.priority for e in rule.exceptions}, reverse=True):
            fired = gen.var("fired")
            gen.emit(1, f"{fired} = []")
            for exception in (e for e in rule.exceptions if e.priority == priority):
                when = gen.expr(exception.when, 1)
                gen.emit(1, f"if {when} is True:")
                gen.push()
                out = gen.expr(exception.outcome, 2)
                gen.pop()
                gen.emit(2, f"{fired}.append(({exception.label!r}, {out}))")
            gen.emit(1, f"if {fired}:")
            gen.emit(2, f"return {listed}, True, *FIRST({fired}, who, c)")
        if rule.outcome is None:
            gen.emit(1, "return EMPTY(who, c)")  # raises EmptyOutcome
        else:
            gen.emit(1, f"return {listed}, True, {gen.expr(rule.outcome, 1)}, None")
        fn: Any = gen.function("traced", f"rule {rule.id}, traced", "c, who")
        return fn  # type: ignore[no-any-return]

    def _first(
        self, fired: list[tuple[str, object]], who: str, c: Ctx
    ) -> tuple[object, str | None]:
        """The outcome of the exceptions of one priority that fired: the first, unless
        another gives a different one (a conflict)."""
        first_label, first = fired[0]
        for label, value in fired[1:]:
            if value != first:
                raise ConflictingOutcomes(
                    f"rule {self.rule.id}: exceptions {first_label!r} and {label!r} "
                    f"give {render_value(first)} and {render_value(value)} for {who} "
                    f"in {c.month}"
                )
        return first, first_label

    def _empty(self, who: str, c: Ctx) -> tuple[object, str | None]:
        raise EmptyOutcome(
            f"rule {self.rule.id}: no outcome for {who} in {c.month} "
            "(no default, and no exception applied)"
        )

    def outcome(self, c: Ctx, who: str) -> tuple[object, str | None]:
        """The outcome once the conditions hold: (value, label of the exception used)."""
        for group in self.groups:
            fired: list[tuple[str, object]] = []
            for label, when, out in group:
                if when(c) is True:
                    fired.append((label, out(c)))
            if fired:
                return self._first(fired, who, c)
        if self.default is None:
            return self._empty(who, c)
        return self.default(c), None
