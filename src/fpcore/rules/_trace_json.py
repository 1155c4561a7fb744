"""The condition-by-condition trace of a decision as compact JSON (decision schema 3).

A year's trace is hundreds of :class:`~fpcore.rules.RuleTrace` objects that mostly
repeat one another: the same rule, conditions and citations month after month, the same
sub-expressions in every rule, the same values for both parents. The document keeps
each thing once and refers to it by number:

- ``rules``: what every trace of a rule repeats (titles, benefit, entity, citations,
  conditions with their wording);
- ``sources``: every citation once;
- ``expressions``: every expression text once, shortest first, each written with
  references to the shorter ones it contains (``["(month_index >= ", 12, ")"]``);
- ``values``: every (expression, value) pair a trace recorded, once;
- ``parameters``: every parameter use (name, start, value, citation) once;
- ``explanations``: a rule's trace for one beneficiary over consecutive months with the
  same content, its conditions as a string (``"ttf"``: true, true, false; ``n`` for
  null), its values and parameters as numbers in the tables above.

Reading expands it back to exactly the same traces (:func:`read_trace`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from fpcore.errors import described, shown
from fpcore.periods import Month
from fpcore.rules._parameters import Citation

if TYPE_CHECKING:
    from fpcore.rules._decision import ConditionTrace, Id, ParameterUse, RuleTrace, _Reader

__all__ = ["expand_span", "read_rules", "read_trace", "rule_parts", "span_rule", "trace_to_dict"]

_LETTER = {"true": "t", "false": "f", "null": "n"}
_VALUE = {letter: value for value, letter in _LETTER.items()}

_MIN_SHARED = 12
"""Shorter expressions are written out where they occur, not referred to by number."""

MAX_EXPRESSION = 1 << 16
"""An expression that would expand beyond this many characters is refused."""

MAX_TRACE_MONTHS = 12 * 200
"""A trace span longer than this is refused (a bound on what a document may expand to)."""


_TABLES: dict[frozenset[str], tuple[list[str | list[str | int]], dict[str, int]]] = {}
"""Expression tables already made: a policy's decisions list the same few sets of
expressions (their making is quadratic in the number of expressions)."""


def _expression_table(texts: set[str]) -> tuple[list[str | list[str | int]], dict[str, int]]:
    """Every expression once, shortest first, written with references to shorter ones
    (a table of a set of expressions already seen is looked up; the caller has a copy)."""
    key = frozenset(texts)
    found = _TABLES.get(key)
    if found is None:
        if len(_TABLES) >= 256:
            _TABLES.clear()
        found = _TABLES[key] = _made_table(texts)
    table, index = found
    return [list(e) if isinstance(e, list) else e for e in table], index


def _made_table(texts: set[str]) -> tuple[list[str | list[str | int]], dict[str, int]]:
    ordered = sorted(texts, key=lambda t: (len(t), t))
    index = {text: i for i, text in enumerate(ordered)}
    shared = [t for t in ordered if len(t) >= _MIN_SHARED]
    table: list[str | list[str | int]] = []
    for text in ordered:
        chosen: list[tuple[int, int, int]] = []
        for inner in reversed(shared):  # the longest first
            if len(inner) >= len(text):
                continue
            start = text.find(inner)
            while start != -1:
                end = start + len(inner)
                if all(end <= a or start >= b for a, b, _ in chosen):
                    chosen.append((start, end, index[inner]))
                    start = text.find(inner, end)
                else:
                    start = text.find(inner, start + 1)
        if not chosen:
            table.append(text)
            continue
        parts: list[str | int] = []
        at = 0
        for start, end, ref in sorted(chosen):
            if start > at:
                parts.append(text[at:start])
            parts.append(ref)
            at = end
        if at < len(text):
            parts.append(text[at:])
        table.append(parts)
    return table, index


def trace_to_dict(traces: tuple[RuleTrace, ...]) -> dict[str, Any]:
    """The trace's part of a decision document (empty ``explanations`` without a trace).

    Example:
        >>> import fpcore.policies as policies
        >>> from fpcore.model import sample_household
        >>> from fpcore.periods import Year
        >>> d = policies.get("county").evaluate(sample_household(), Year(2008), explain=True)
        >>> part = trace_to_dict(d.explanations)
        >>> sorted(part)
        ['explanations', 'expressions', 'parameters', 'rules', 'sources', 'values']
        >>> len(part["explanations"]) < len(d.explanations) / 10
        True
    """
    if not traces:
        return {"explanations": []}
    texts: set[str] = set()
    for t in traces:
        texts.update(c.test for c in t.conditions)
        texts.update(expression for expression, _ in t.values)
    expressions, expression_index = _expression_table(texts)
    sources: dict[Citation, int] = {}
    values: dict[tuple[int, str], int] = {}
    parameters: dict[ParameterUse, int] = {}

    def cite(c: Citation) -> int:
        return sources.setdefault(c, len(sources))

    def use(p: ParameterUse) -> int:
        found = parameters.get(p)
        if found is None:
            cite(p.citation)
            found = parameters[p] = len(parameters)
        return found

    rules: dict[str, dict[str, Any]] = {}
    metas: dict[str, tuple[tuple[str, str, str, str], ...]] = {}
    open_spans: dict[tuple[str, Id, int], dict[str, Any]] = {}
    last_month: dict[tuple[str, Id, int], int] = {}
    out: list[dict[str, Any]] = []
    rank = 0
    month_index: int | None = None
    for t in traces:
        if t.month.index != month_index:
            month_index, rank = t.month.index, 0
        else:
            rank += 1
        meta = tuple((c.code, c.test, c.en, c.zh) for c in t.conditions)
        known = rules.get(t.rule_id)
        citations = [cite(c) for c in t.citations]
        if known is None:
            rules[t.rule_id] = known = {
                "title_zh": t.title_zh,
                "title_en": t.title_en,
                "benefit": t.benefit,
                "entity": t.entity,
                "citations": citations,
                "conditions": [],
            }
        if meta and not metas.get(t.rule_id):
            metas[t.rule_id] = meta
            known["conditions"] = [
                {"code": code, "test": expression_index[test], "en": en, "zh": zh}
                for code, test, en, zh in meta
            ]
        same_rule = (t.title_zh, t.title_en, t.benefit, t.entity) == (
            known["title_zh"],
            known["title_en"],
            known["benefit"],
            known["entity"],
        ) and citations == known["citations"]
        letters = "".join(_LETTER.get(c.value, "?") for c in t.conditions)
        conditions: str | list[dict[str, str]] = (
            letters
            if metas.get(t.rule_id, ())[: len(meta)] == meta and "?" not in letters
            else [attrs.asdict(c) for c in t.conditions]
        )
        body: dict[str, Any] = {
            "rule_id": t.rule_id,
            "beneficiary_id": t.beneficiary_id,
            "household_id": t.household_id,
            "rank": rank,
            "in_force": t.in_force,
            "applied": t.applied,
            "outcome": t.outcome,
            "exception": t.exception,
            "conditions": conditions,
            "values": [
                values.setdefault((expression_index[e], v), len(values)) for e, v in t.values
            ],
            "parameters": [use(p) for p in t.parameters],
        }
        if not same_rule:  # a hand-made decision: the rule's own parts in full
            body["rule"] = {
                "title_zh": t.title_zh,
                "title_en": t.title_en,
                "benefit": t.benefit,
                "entity": t.entity,
                "citations": citations,
            }
        key = (t.rule_id, t.beneficiary_id, rank)
        span = open_spans.get(key)
        if (
            span is not None
            and last_month.get(key) == t.month.index - 1
            and all(span[k] == v for k, v in body.items())
        ):
            span["last"] = str(t.month)
            last_month[key] = t.month.index
            continue
        span = {"first": str(t.month), "last": str(t.month), **body}
        open_spans[key] = span
        last_month[key] = t.month.index
        out.append(span)
    return {
        "rules": rules,
        "sources": [c.to_dict() for c in sources],
        "expressions": expressions,
        "values": [[e, v] for e, v in values],
        "parameters": [
            {
                "name": p.name,
                "start": p.start.isoformat(),
                "value": p.value,
                "citation": sources[p.citation],
            }
            for p in parameters
        ],
        "explanations": out,
    }


SPAN_KEYS = (
    "first",
    "last",
    "rule_id",
    "beneficiary_id",
    "household_id",
    "rank",
    "in_force",
    "applied",
    "outcome",
    "exception",
    "conditions",
    "values",
    "parameters",
)
"""The fields of a span of the trace (versions 2 and 3; ``rule`` may be added)."""


def read_rules(
    r: _Reader,
    given: object,
    cite: Callable[[object, str], Citation | None],
    test: Callable[[object, str], str | None],
) -> dict[str, dict[str, Any]]:
    """The ``rules`` of a document: what every trace of a rule repeats."""
    from fpcore.rules._decision import _at

    rules: dict[str, dict[str, Any]] = {}
    if not isinstance(given, Mapping):
        r.bad("rules", f"expected an object, got {described(given)}")
        return rules
    for rule_id, value in given.items():
        parts = rule_parts(r, value, _at("rules", str(rule_id)), cite, test)
        if parts is not None:
            rules[str(rule_id)] = parts
    return rules


def rule_parts(
    r: _Reader,
    value: object,
    path: str,
    cite: Callable[[object, str], Citation | None],
    test: Callable[[object, str], str | None] | None,
) -> dict[str, Any] | None:
    """A rule's parts; with ``test`` (how a condition's test is written) its conditions
    too, as (code, test, en, zh)."""
    from fpcore.rules._decision import _at

    keys = ("title_zh", "title_en", "benefit", "entity", "citations")
    data = r.fields(value, path, keys if test is None else (*keys, "conditions"))
    if data is None:
        return None
    found: dict[str, Any] = {
        k: r.text(data[k], _at(path, k)) for k in ("title_zh", "title_en", "benefit")
    }
    found["entity"] = r.entity(data["entity"], _at(path, "entity"))
    cited = [
        cite(c, f"{_at(path, 'citations')}[{i}]")
        for i, c in enumerate(r.items(data["citations"], _at(path, "citations")))
    ]
    found["citations"] = tuple(c for c in cited if c is not None)
    if test is not None:
        metas = []
        for i, item in enumerate(r.items(data["conditions"], _at(path, "conditions"))):
            at = f"{_at(path, 'conditions')}[{i}]"
            c = r.fields(item, at, ("code", "test", "en", "zh"))
            if c is not None:
                texts = tuple(r.text(c[k], _at(at, k)) for k in ("code", "en", "zh"))
                metas.append((texts[0], test(c["test"], _at(at, "test")) or "", *texts[1:]))
        found["conditions"] = metas
    return found


def span_rule(
    r: _Reader,
    item: object,
    path: str,
    rules: Mapping[str, Mapping[str, Any]],
    cite: Callable[[object, str], Citation | None],
) -> tuple[Mapping[str, Any], str, Mapping[str, Any], Mapping[str, Any]] | None:
    """A span of the trace with its rule id, its rule, and the rule's parts it has (its
    own, in a hand-made decision); None when it cannot be read."""
    from fpcore.rules._decision import _at

    t = r.fields(item, path, SPAN_KEYS, ("rule",))
    if t is None:
        return None
    rule_id = r.text(t["rule_id"], _at(path, "rule_id"))
    rule = rules.get(rule_id)
    if rule is None:
        r.bad(_at(path, "rule_id"), f"{shown(rule_id)} is not among the rules")
        return None
    own = rule_parts(r, t["rule"], _at(path, "rule"), cite, None) if "rule" in t else rule
    if own is None:
        return None
    return t, rule_id, rule, own


def expand_span(
    r: _Reader,
    t: Mapping[str, Any],
    path: str,
    own: Mapping[str, Any],
    parts: tuple[tuple[ConditionTrace, ...], tuple[tuple[str, str], ...], tuple[ParameterUse, ...]],
    into: list[tuple[int, int, RuleTrace]],
) -> None:
    """Add the traces of one span, month by month, keyed by (month, rank) for ordering."""
    from fpcore.rules._decision import RuleTrace, _at

    conditions, values, parameters = parts
    first = r.parsed(Month.parse, t["first"], _at(path, "first"))
    last = r.parsed(Month.parse, t["last"], _at(path, "last"))
    rank = t["rank"]
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 0:
        r.bad(_at(path, "rank"), f"expected a whole number from 0, got {described(rank)}")
        return
    if first is None or last is None:
        return
    if last.index < first.index:
        r.bad(path, f"ends ({last}) before it starts ({first})")
        return
    if last.index - first.index >= MAX_TRACE_MONTHS:
        r.bad(path, f"covers more than {MAX_TRACE_MONTHS} months")
        return
    common = {
        "rule_id": r.text(t["rule_id"], _at(path, "rule_id")),
        "title_zh": own["title_zh"],
        "title_en": own["title_en"],
        "benefit": own["benefit"],
        "entity": own["entity"],
        "beneficiary_id": r.id(t["beneficiary_id"], _at(path, "beneficiary_id")),
        "household_id": r.id(t["household_id"], _at(path, "household_id")),
        "in_force": r.flag(t["in_force"], _at(path, "in_force")),
        "applied": r.flag(t["applied"], _at(path, "applied")),
        "outcome": r.optional_text(t["outcome"], _at(path, "outcome")),
        "exception": r.optional_text(t["exception"], _at(path, "exception")),
        "conditions": conditions,
        "values": values,
        "parameters": parameters,
        "citations": own["citations"],
    }
    for month_index in range(first.index, last.index + 1):
        into.append((month_index, rank, RuleTrace(month=Month.from_index(month_index), **common)))


def _expand(r: _Reader, table: list[Any]) -> list[str | None]:
    """The expression texts of the ``expressions`` table (None where one is bad)."""
    found: list[str | None] = []
    for i, item in enumerate(table):
        path = f"expressions[{i}]"
        if isinstance(item, str):
            found.append(r.text(item, path))
            continue
        if not isinstance(item, list):
            r.bad(path, f"expected text or a list of text and numbers, got {described(item)}")
            found.append(None)
            continue
        pieces: list[str] = []
        size = 0
        for j, part in enumerate(item):
            at = f"{path}[{j}]"
            if isinstance(part, str):
                piece: str | None = r.text(part, at)
            elif isinstance(part, int) and not isinstance(part, bool) and 0 <= part < i:
                piece = found[part]
            else:
                r.bad(
                    at, f"expected text or the number of an earlier expression, got {shown(part)}"
                )
                piece = None
            if piece is None:
                break
            size += len(piece)
            if size > MAX_EXPRESSION:
                r.bad(path, f"expands to more than {MAX_EXPRESSION} characters")
                break
            pieces.append(piece)
        else:
            found.append("".join(pieces))
            continue
        found.append(None)
    return found


def read_trace(r: _Reader, d: Mapping[str, Any]) -> list[RuleTrace]:
    """The traces of a version 3 document, month by month, in their order."""
    from fpcore.rules._decision import ConditionTrace, ParameterUse, _at, _day

    explanations = r.items(d["explanations"], "explanations")
    if not explanations:
        return []
    missing = [
        key for key in ("rules", "sources", "expressions", "values", "parameters") if key not in d
    ]
    for key in missing:
        r.bad(key, "is required with explanations")
    if missing:
        return []
    sources = [
        r.citation(item, f"sources[{i}]") for i, item in enumerate(r.items(d["sources"], "sources"))
    ]
    expressions = _expand(r, r.items(d["expressions"], "expressions"))

    def numbered(value: object, path: str, table: list[Any], what: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            r.bad(path, f"expected the number of {what}, got {described(value)}")
            return None
        if not 0 <= value < len(table) or table[value] is None:
            r.bad(path, f"{value} is not the number of {what}")
            return None
        return table[value]

    pairs: list[tuple[str, str] | None] = []
    for i, item in enumerate(r.items(d["values"], "values")):
        pair = r.pair(item, f"values[{i}]")
        if pair is None:
            pairs.append(None)
            continue
        text = numbered(pair[0], f"values[{i}][0]", expressions, "an expression")
        value = r.text(pair[1], f"values[{i}][1]")
        pairs.append(None if text is None else (text, value))
    uses: list[ParameterUse | None] = []
    for i, item in enumerate(r.items(d["parameters"], "parameters")):
        at = f"parameters[{i}]"
        p = r.fields(item, at, ("name", "start", "value", "citation"))
        if p is None:
            uses.append(None)
            continue
        start = r.parsed(_day, p["start"], _at(at, "start"))
        citation = numbered(p["citation"], _at(at, "citation"), sources, "a source")
        name = r.text(p["name"], _at(at, "name"))
        value = r.text(p["value"], _at(at, "value"))
        ok = start is not None and citation is not None
        uses.append(
            ParameterUse(name=name, start=start, value=value, citation=citation) if ok else None
        )

    def cite(value: object, path: str) -> Citation | None:
        found: Citation | None = numbered(value, path, sources, "a source")
        return found

    def expression(value: object, path: str) -> str | None:
        found: str | None = numbered(value, path, expressions, "an expression")
        return found

    rules = read_rules(r, d["rules"], cite, expression)
    expanded: list[tuple[int, int, RuleTrace]] = []
    for index, item in enumerate(explanations):
        path = f"explanations[{index}]"
        found = span_rule(r, item, path, rules, cite)
        if found is None:
            continue
        t, rule_id, rule, own = found
        conditions: list[ConditionTrace] = []
        given_conditions = t["conditions"]
        at = _at(path, "conditions")
        if isinstance(given_conditions, str):
            if len(given_conditions) > len(rule["conditions"]):  # fewer: the first ones
                r.bad(at, f"rule {rule_id} has {len(rule['conditions'])} conditions")
            for letter, (code, test, en, zh) in zip(
                given_conditions, rule["conditions"], strict=False
            ):
                if letter not in _VALUE:
                    r.bad(at, f"{shown(letter)} is not t, f or n (true, false, null)")
                    break
                conditions.append(
                    ConditionTrace(code=code, test=test, value=_VALUE[letter], en=en, zh=zh)
                )
        else:
            for i, c_item in enumerate(r.items(given_conditions, at)):
                c = r.fields(c_item, f"{at}[{i}]", ("code", "test", "value", "en", "zh"))
                if c is not None:
                    texts = {
                        k: r.text(c[k], _at(f"{at}[{i}]", k))
                        for k in ("code", "test", "value", "en", "zh")
                    }
                    conditions.append(ConditionTrace(**texts))
        recorded = [
            numbered(v, f"{_at(path, 'values')}[{i}]", pairs, "a value")
            for i, v in enumerate(r.items(t["values"], _at(path, "values")))
        ]
        used = [
            numbered(p, f"{_at(path, 'parameters')}[{i}]", uses, "a parameter use")
            for i, p in enumerate(r.items(t["parameters"], _at(path, "parameters")))
        ]
        kept = (
            tuple(conditions),
            tuple(v for v in recorded if v is not None),
            tuple(p for p in used if p is not None),
        )
        expand_span(r, t, path, own, kept, expanded)
    expanded.sort(key=lambda found: (found[0], found[1]))
    return [trace for _, _, trace in expanded]
