"""Decisions: entitlements, per-rule explanations and the reproducibility stamp."""

from __future__ import annotations

import hashlib
import html
import json
import re
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs
import pendulum

from fpcore.errors import InvalidInput, Problem, TraceNotKept, UnknownName, described, shown
from fpcore.money import ZERO, Money
from fpcore.periods import Month, Period, parse_period
from fpcore.rules._facts import ENTITIES, Entity
from fpcore.rules._parameters import CONFIDENCE, Citation, render_value
from fpcore.rules._spans import BenefitSpans, Span
from fpcore.rules._trace_json import MAX_TRACE_MONTHS

__all__ = [
    "ConditionTrace",
    "Decision",
    "Entitlement",
    "ParameterUse",
    "Replay",
    "RuleTrace",
    "Stamp",
    "Status",
]

if TYPE_CHECKING:
    from fpcore.rules._policy import Policy

SCHEMA_VERSION = 3
"""2 adds ``spans``; 3 writes the trace with every expression, value and parameter use
once (:mod:`fpcore.rules._trace_json`), monthly amounts as runs of months, and the hash
of the input document in the stamp. Version 1 and 2 documents still read."""

Id: TypeAlias = int | str
"""An entity id: an integer (required by population tables) or a text id."""


@attrs.frozen(kw_only=True)
class Stamp:
    """What makes a decision reproducible: library version, policy and period."""

    fpcore_version: str
    policy_id: str
    policy_version: str
    policy_hash: str
    period: Period
    input_hash: str | None = None
    """``sha256:`` of the canonical input document (see :func:`input_hash`), when known."""

    @property
    def short_input_hash(self) -> str:
        """The input hash as shown: its first 12 hex digits ("" when not recorded).

        Example:
            >>> from fpcore.periods import Year
            >>> Stamp(fpcore_version="0.2", policy_id="p", policy_version="1",
            ...       policy_hash="sha256:00", input_hash="sha256:" + "ab" * 32,
            ...       period=Year(2017)).short_input_hash
            'abababababab'
        """
        return _short(self.input_hash) if self.input_hash else ""

    @property
    def short_hash(self) -> str:
        """The policy hash as shown: its first 12 hex digits (without ``sha256:``).

        Example:
            >>> from fpcore.periods import Year
            >>> Stamp(fpcore_version="0.2", policy_id="p", policy_version="1",
            ...       policy_hash="sha256:" + "0123456789ab" * 5 + "cdef",
            ...       period=Year(2017)).short_hash
            '0123456789ab'
        """
        return self.policy_hash.partition(":")[2][:12] or self.policy_hash[:12]


@attrs.frozen(kw_only=True)
class Entitlement:
    """A monthly amount of one benefit for one beneficiary over the period's months."""

    benefit: str
    entity: Entity
    beneficiary_id: Id
    household_id: Id
    monthly: tuple[tuple[Month, Money], ...]

    @property
    def total(self) -> Money:
        """The sum over the months."""
        return sum((amount for _, amount in self.monthly), ZERO)

    @property
    def months(self) -> int:
        """How many months carry an amount."""
        return len(self.monthly)


@attrs.frozen(kw_only=True)
class Status:
    """A status-valued outcome (e.g. ``eligible``) for one beneficiary, by month."""

    benefit: str
    entity: Entity
    beneficiary_id: Id
    household_id: Id
    monthly: tuple[tuple[Month, str], ...]


@attrs.frozen(kw_only=True)
class ConditionTrace:
    """A condition of a rule and its value (``true``, ``false`` or ``null``)."""

    code: str
    test: str
    value: str
    en: str = ""
    zh: str = ""

    @property
    def met(self) -> bool:
        """Whether the condition held (a missing value does not)."""
        return self.value == "true"


@attrs.frozen(kw_only=True)
class ParameterUse:
    """A parameter value a rule used, with the date it took effect and its citation."""

    name: str
    start: pendulum.Date
    value: str
    citation: Citation


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


def _rendered(recorded: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """Values a rule computed, as text: most are looked up (the same few values recur),
    without a call per value."""
    known = _RENDERED
    try:
        return tuple([(k, known.get((v.__class__, v)) or _render(v)) for k, v in recorded.items()])
    except TypeError:  # an unhashable value
        return tuple([(k, _render(v)) for k, v in recorded.items()])


@attrs.frozen(kw_only=True)
class RuleTrace:
    """Why a rule did or did not give an outcome, for one beneficiary and month."""

    rule_id: str
    title_zh: str
    title_en: str
    benefit: str
    entity: Entity
    beneficiary_id: Id
    household_id: Id
    month: Month
    in_force: bool
    applied: bool
    outcome: str | None = None
    exception: str | None = None
    conditions: tuple[ConditionTrace, ...] = ()
    values: tuple[tuple[str, str], ...] = ()
    parameters: tuple[ParameterUse, ...] = ()
    citations: tuple[Citation, ...] = ()
    _recorded: Mapping[str, object] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )
    """The values as computed, when the trace was made by the evaluator: ``values``
    renders them to text when first read (see :meth:`recorded`)."""

    @classmethod
    def recorded(cls, values: Mapping[str, object], **fields: Any) -> RuleTrace:
        """A trace that keeps the values a rule computed as they are (numbers, dates,
        amounts, ``None``) and renders them to text when ``values`` is first read:
        an explanation nobody reads in full costs no text.

        Example:
            >>> from fpcore.periods import Month
            >>> trace = RuleTrace.recorded(
            ...     {"person.age": 59}, rule_id="R", title_zh="", title_en="", benefit="b",
            ...     entity="person", beneficiary_id=1, household_id=1,
            ...     month=Month(year=2017, month=1), in_force=True, applied=False)
            >>> trace.values
            (('person.age', '59'),)
            >>> trace == RuleTrace(
            ...     rule_id="R", title_zh="", title_en="", benefit="b", entity="person",
            ...     beneficiary_id=1, household_id=1, month=Month(year=2017, month=1),
            ...     in_force=True, applied=False, values=(("person.age", "59"),))
            True
        """
        trace = cls(**fields)
        object.__delattr__(trace, "values")  # made on first reading, by __getattr__
        object.__setattr__(trace, "_recorded", values)
        return trace

    if not TYPE_CHECKING:  # (keeps mypy checking every other attribute name)

        def __getattr__(self, name: str) -> Any:
            # reached only for a slot not set: the values of a trace made by ``recorded``
            if name != "values":
                raise AttributeError(name)
            values = _rendered(object.__getattribute__(self, "_recorded"))
            object.__setattr__(self, "values", values)
            return values

    @property
    def failed(self) -> tuple[str, ...]:
        """Codes of the conditions that did not hold ("why not")."""
        return tuple(c.code for c in self.conditions if not c.met)


@attrs.frozen(kw_only=True)
class Replay:
    """What evaluating a decision's household again gives (:meth:`Decision.verify`).

    ``identical`` when the new decision equals the recorded one (the fpcore version
    aside); otherwise ``differences`` names each benefit and beneficiary whose spans
    changed, ``policy_changed`` says whether the policy is another one than the
    recorded (its content hash differs), and ``input_changed`` whether the household
    document is another one (its hash differs; None when the decision recorded no
    input hash).
    """

    identical: bool
    policy_changed: bool
    recorded_hash: str
    replayed_hash: str
    differences: tuple[str, ...] = ()
    input_changed: bool | None = None
    recorded_input: str | None = None
    replayed_input: str | None = None

    def __str__(self) -> str:
        if self.identical:
            return "identical" + (
                " (the input document changed, the decision did not)" if self.input_changed else ""
            )
        causes = []
        if self.policy_changed:
            causes.append(
                f"the policy changed (sha256:{_short(self.recorded_hash)} -> "
                f"sha256:{_short(self.replayed_hash)})"
            )
        if self.input_changed:
            causes.append(
                f"the input changed (sha256:{_short(self.recorded_input or '')} -> "
                f"sha256:{_short(self.replayed_input or '')})"
            )
        if not causes:
            causes.append(
                "same policy and input: the evaluation itself changed"
                if self.input_changed is False
                else "same policy: the input changed"
            )
        return "\n".join(["differs: " + "; ".join(causes), *(f"  {d}" for d in self.differences)])


def _short(content_hash: str) -> str:
    return content_hash.partition(":")[2][:12] or content_hash[:12]


def input_hash(document: object) -> str:
    """``sha256:`` of a JSON document in canonical form: keys sorted, no spaces, UTF-8.

    Example:
        >>> input_hash({"b": 1, "a": "张"}) == input_hash({"a": "张", "b": 1})
        True
        >>> input_hash({"a": 1})[:19]
        'sha256:015abd7f5cc5'
    """
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


_INPUT_HASHES: dict[int, tuple[weakref.ref[object], str]] = {}
_MAX_INPUT_HASHES = 4096


def _hash_of(household: object, document_of: Callable[[Any], object]) -> str | None:
    """The input hash of a household, kept while the household object lives (evaluating
    one household for several periods hashes it once)."""
    key = id(household)
    kept = _INPUT_HASHES.get(key)
    if kept is not None and kept[0]() is household:
        return kept[1]
    try:
        found = input_hash(document_of(household))
    except (TypeError, ValueError):  # not a document the adapter can write
        return None
    if type(household).__hash__ is None:  # a mutable object may change: not kept
        return found
    try:
        ref = weakref.ref(household)
    except TypeError:  # an object without weak references: not kept
        return found
    if len(_INPUT_HASHES) >= _MAX_INPUT_HASHES:
        _INPUT_HASHES.clear()
    _INPUT_HASHES[key] = (ref, found)
    return found


_STAMPS: dict[tuple[int, str], tuple[Stamp, Stamp]] = {}


def with_input(stamp: Stamp, household: object, document_of: Callable[[Any], object]) -> Stamp:
    """The stamp with the hash of the household's input document (the stamps made are
    kept, so that a household evaluated again costs two look-ups)."""
    found = _hash_of(household, document_of)
    if found is None or found == stamp.input_hash:
        return stamp
    key = (id(stamp), found)
    kept = _STAMPS.get(key)
    if kept is None or kept[0] is not stamp:
        if len(_STAMPS) >= _MAX_INPUT_HASHES:
            _STAMPS.clear()
        kept = _STAMPS[key] = (stamp, attrs.evolve(stamp, input_hash=found))
    return kept[1]


def _spans_text(decision: Decision, benefit: str, spans: tuple[Span, ...]) -> str:
    """Spans in short: the monthly amount, or why not in words (codes when the
    policy's words are not at hand)."""
    from fpcore.rules._text import span_reason

    parts = []
    for s in spans:
        what = (
            str(s.monthly)
            if s.monthly is not None
            else "not paid: " + (span_reason(decision, benefit, s, "en") or "/".join(s.failed))
        )
        when = str(s.first) if s.first == s.last else f"{s.first}..{s.last}"
        parts.append(f"{when} {what}")
    return ", ".join(parts) or "nothing"


@attrs.frozen(kw_only=True)
class Decision:
    """The result of evaluating a policy on one household for a period.

    ``spans`` are the compact reasons every decision carries: for each money benefit
    and beneficiary, the months paid (and how much a month) and the months not paid
    (and the codes of the conditions that did not hold), as runs of equal months.
    ``explanations`` (the condition-by-condition trace) is empty unless the evaluation
    was asked to explain. Being ineligible is a result, not an error.
    """

    stamp: Stamp
    entitlements: tuple[Entitlement, ...]
    statuses: tuple[Status, ...] = ()
    explanations: tuple[RuleTrace, ...] = ()
    spans: tuple[BenefitSpans, ...] = ()

    def spans_of(self, benefit: str, beneficiary: Id) -> tuple[Span, ...]:
        """The spans of one benefit for one beneficiary (empty when it has none).

        Example:
            >>> import fpcore.policies as policies
            >>> from fpcore.model import sample_household
            >>> from fpcore.periods import Year
            >>> d = policies.get("county").evaluate(sample_household(), Year(2008))
            >>> [(str(s.first), str(s.last), str(s.monthly)) for s in
            ...  d.spans_of("only_child_reward", "HN-0001")]
            [('2008-01', '2008-12', '20.00')]
            >>> [(str(s.first), s.failed) for s in d.spans_of("reward_assistance", "father")]
            [('2008-01', ('AGED_60',))]
        """
        for found in self.spans:
            if found.benefit == benefit and found.beneficiary_id == beneficiary:
                return found.spans
        return ()

    def total(self, benefit: str | None = None, beneficiary: Id | None = None) -> Money:
        """The amount of one benefit for one beneficiary over the period.

        ``total(benefit, beneficiary)`` is the usual call. Leaving ``beneficiary`` out
        sums the benefit over every beneficiary of the household (both parents, say);
        ``total()`` with no argument sums *every* benefit for every beneficiary (e.g.
        the only-child reward plus reward assistance plus special assistance): a
        household's whole amount, not any one benefit's. A benefit or beneficiary with
        nothing to pay gives 0.00.

        Example:
            >>> import fpcore.policies as policies
            >>> from fpcore.model import sample_household
            >>> from fpcore.periods import Year
            >>> d = policies.get("county").evaluate(sample_household(), Year(2008))
            >>> str(d.total("only_child_reward", "HN-0001"))
            '240.00'
            >>> str(d.total("reward_assistance")), str(d.total())
            ('0.00', '240.00')
        """
        return sum(
            (
                e.total
                for e in self.entitlements
                if (benefit is None or e.benefit == benefit)
                and (beneficiary is None or e.beneficiary_id == beneficiary)
            ),
            ZERO,
        )

    def _traces_of(self, name: str) -> list[RuleTrace]:
        """The traces of a rule (by id) or of every rule of a benefit (by name)."""
        if not self.explanations:
            raise TraceNotKept(
                f"the decision has no condition-by-condition trace to answer for {name!r}; "
                "evaluate with explain=True"
            )
        found = [t for t in self.explanations if name in (t.rule_id, t.benefit)]
        if not found:  # named by benefit (a rule id is also accepted, but not offered)
            raise UnknownName("benefit", name, {t.benefit for t in self.explanations})
        return found

    def why_not(self, name: str) -> dict[tuple[Id, Month], tuple[str, ...]]:
        """For a benefit (``"reward_assistance"``) or a rule id: the failed condition
        codes by (beneficiary, month) where it did not apply.

        A month in which the rule was not in force shows with no codes.

        Raises:
            UnknownName: no rule has this id and no benefit this name.
            TraceNotKept: the decision was evaluated without ``explain=True``.

        Example:
            >>> import fpcore.policies as policies
            >>> from fpcore.model import sample_household
            >>> from fpcore.periods import Month
            >>> county = policies.get("county")
            >>> d = county.evaluate(sample_household(), Month.parse("2008-01"), explain=True)
            >>> sorted(d.why_not("reward_assistance").items())[0]
            (('father', Month('2008-01')), ('AGED_60',))
            >>> d.why_not("reward_assistance") == d.why_not("RA")
            True
            >>> county.evaluate(sample_household(), Month.parse("2008-01")).why_not("RA")
            Traceback (most recent call last):
            ...
            fpcore.errors.TraceNotKept: ...
        """
        out: dict[tuple[Id, Month], tuple[str, ...]] = {}
        for t in self._traces_of(name):
            if not t.applied:
                key = (t.beneficiary_id, t.month)
                out[key] = tuple(dict.fromkeys((*out.get(key, ()), *t.failed)))
        return out

    def why(self, name: str) -> dict[tuple[Id, Month], tuple[str, ...]]:
        """For a benefit or a rule id: the codes of the conditions that held, by
        (beneficiary, month) where it applied.

        Raises:
            UnknownName: no rule has this id and no benefit this name.
            TraceNotKept: the decision was evaluated without ``explain=True``.

        Example:
            >>> import fpcore.policies as policies
            >>> from fpcore.model import sample_household
            >>> from fpcore.periods import Month
            >>> county = policies.get("county")
            >>> d = county.evaluate(sample_household(), Month.parse("2008-01"), explain=True)
            >>> d.why("only_child_reward")  # doctest: +ELLIPSIS
            {('HN-0001', Month('2008-01')): ('HONOUR_CERTIFICATE_HELD', ...)}
            >>> d.why("SA")
            {}
        """
        out: dict[tuple[Id, Month], tuple[str, ...]] = {}
        for t in self._traces_of(name):
            if t.applied:
                key = (t.beneficiary_id, t.month)
                met = (c.code for c in t.conditions if c.met)
                out[key] = tuple(dict.fromkeys((*out.get(key, ()), *met)))
        return out

    def verify(self, household: object, policy: Policy | None = None) -> Replay:
        """Evaluate the household again for the same period and compare.

        Args:
            household: the input the decision was made for (or a changed one).
            policy: the policy to evaluate under; by default the one that made the
                decision, found by its content hash among the policies used in this
                process.

        Raises:
            UnknownName: no policy given, and none with the recorded hash is loaded.

        Example:
            >>> import fpcore.policies as policies
            >>> from fpcore.model import sample_household
            >>> from fpcore.periods import Year
            >>> county = policies.get("county")
            >>> d = county.evaluate(sample_household(), Year(2008))
            >>> print(d.verify(sample_household()))
            identical
            >>> national = policies.get("national")
            >>> print(d.verify(sample_household(), national))  # doctest: +ELLIPSIS
            differs: the policy changed (sha256:... -> sha256:...)
              ...
        """
        from fpcore.rules._text import known_policy

        recorded = self.stamp.policy_hash
        chosen = policy if policy is not None else known_policy(recorded)
        if chosen is None:
            raise UnknownName("policy with content hash", recorded)
        again = chosen.evaluate(household, self.stamp.period, explain=bool(self.explanations))
        replayed_input = again.stamp.input_hash
        recorded_input = self.stamp.input_hash
        input_changed = (
            None
            if recorded_input is None or replayed_input is None
            else recorded_input != replayed_input
        )
        again = attrs.evolve(
            again,
            stamp=attrs.evolve(
                again.stamp, fpcore_version=self.stamp.fpcore_version, input_hash=recorded_input
            ),
        )
        changed = chosen.content_hash != recorded
        found = Replay(
            identical=again == self,
            policy_changed=changed,
            recorded_hash=recorded,
            replayed_hash=chosen.content_hash,
            input_changed=input_changed,
            recorded_input=recorded_input,
            replayed_input=replayed_input,
        )
        if found.identical:
            return found
        before = {(b.benefit, b.beneficiary_id): b.spans for b in self.spans}
        after = {(b.benefit, b.beneficiary_id): b.spans for b in again.spans}
        differences = []
        for key in sorted(before.keys() | after.keys(), key=str):
            old, new = before.get(key, ()), after.get(key, ())
            if old != new:
                benefit, who = key
                total_old = sum((s.total for s in old), ZERO)
                total_new = sum((s.total for s in new), ZERO)
                differences.append(
                    f"{benefit} for {who}: recorded {total_old} "
                    f"({_spans_text(self, benefit, old)}), "
                    f"now {total_new} ({_spans_text(again, benefit, new)})"
                )
        if not differences:
            differences.append("the entitlements and their reasons are the same")
        return attrs.evolve(found, differences=tuple(differences))

    # --- text ----------------------------------------------------------------------
    def to_text(self, lang: Literal["en", "zh"] = "en") -> str:
        """The decision as text in one language: ``zh`` as a county family-planning
        office writes it (核定结果, 核定期间, 月发放标准 20.00元), or ``en``.

        For each benefit and beneficiary, one line per span: paid with the monthly
        amount, or not paid with what is missing; with the trace (``explain=True``)
        each span also lists the conditions checked. Every citation appears once, in a
        numbered sources section. Benefit names and reasons come from the policy that
        made the decision when it is loaded in this process; otherwise codes show.

        Raises:
            InvalidInput: ``lang`` is neither ``en`` nor ``zh``.

        Example:
            >>> import fpcore.policies as policies
            >>> from fpcore.model import sample_household
            >>> from fpcore.periods import Year
            >>> d = policies.get("county").evaluate(sample_household(), Year(2008))
            >>> print(d.to_text("zh"))  # doctest: +ELLIPSIS
            核定结果
            户编号：HN-0001
            核定期间：2008年1月至2008年12月
            适用政策：county ...
            一、独生子女父母奖励费（本户）
              2008年1月至2008年12月：按月发放，月发放标准20.00元，共12个月，计240.00元。
              小计：240.00元；依据〔1〕〔2〕〔3〕〔4〕
            ...
        """
        from fpcore.rules._text import LANGS, render

        if lang not in LANGS:
            raise InvalidInput(f"{shown(lang)} is not a language (expected en or zh)")
        return render(self, lang)

    def __str__(self) -> str:
        return self.to_text("en")

    def _repr_html_(self) -> str:
        """Jupyter rendering: the English and Chinese texts, HTML-escaped."""
        en = html.escape(self.to_text("en"))
        zh = html.escape(self.to_text("zh"))
        return f"<div class='fpcore-decision'><pre>{en}</pre><pre lang='zh'>{zh}</pre></div>"

    # --- JSON ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (with ``schema_version``), the same for the same decision.

        Amounts by month are written as runs of months with one amount
        (``{"first", "last", "amount"}``); the trace, when kept, as described in
        :mod:`fpcore.rules._trace_json`.

        Example:
            >>> import fpcore.policies as policies
            >>> from fpcore.model import sample_household
            >>> from fpcore.periods import Year
            >>> d = policies.get("county").evaluate(sample_household(), Year(2008))
            >>> d.to_dict()["entitlements"][0]["monthly"]
            [{'first': '2008-01', 'last': '2008-12', 'amount': '20.00'}]
        """
        from fpcore.rules._trace_json import trace_to_dict

        s = self.stamp
        return {
            "schema_version": SCHEMA_VERSION,
            "stamp": {
                "fpcore_version": s.fpcore_version,
                "policy_id": s.policy_id,
                "policy_version": s.policy_version,
                "policy_hash": s.policy_hash,
                "input_hash": s.input_hash,
                "period": str(s.period),
            },
            "entitlements": [
                {
                    "benefit": e.benefit,
                    "entity": e.entity,
                    "beneficiary_id": e.beneficiary_id,
                    "household_id": e.household_id,
                    "monthly": _runs(e.monthly, "amount"),
                    "total": str(e.total),
                }
                for e in self.entitlements
            ],
            "statuses": [
                {
                    "benefit": st.benefit,
                    "entity": st.entity,
                    "beneficiary_id": st.beneficiary_id,
                    "household_id": st.household_id,
                    "monthly": _runs(st.monthly, "value"),
                }
                for st in self.statuses
            ],
            **trace_to_dict(self.explanations),
            "spans": [
                {
                    "benefit": b.benefit,
                    "entity": b.entity,
                    "beneficiary_id": b.beneficiary_id,
                    "household_id": b.household_id,
                    "spans": [_span_to_dict(span) for span in b.spans],
                }
                for b in self.spans
            ],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The decision as JSON text (Chinese kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        """Inverse of :meth:`to_dict`, strict about every field's type.

        Raises:
            InvalidInput: every problem, by path (``entitlements[0].monthly[2]``): a
                missing, unknown or mistyped field, a bad month or amount, a total that
                is not the sum of the months, an unsupported ``schema_version``.

        Example:
            >>> Decision.from_dict({"schema_version": True, "stamp": {}})
            Traceback (most recent call last):
            ...
            fpcore.errors.InvalidInput: 9 problems in the input:
              schema_version: true is not supported (expected 3, 2 or 1)
              ...
        """
        return _read_decision(data)

    @classmethod
    def from_json(cls, text: str | bytes) -> Decision:
        """Inverse of :meth:`to_json`, through fpcore's guarded JSON reading (size, depth,
        no NaN, no repeated keys, UTF-8).

        Raises:
            InvalidInput: the text is not acceptable JSON or not a decision document.

        Example:
            >>> Decision.from_json("[]")
            Traceback (most recent call last):
            ...
            fpcore.errors.InvalidInput: 1 problem in the input:
              expected a decision document (a JSON object), got a list
        """
        from fpcore._json import parse_json

        return _read_decision(parse_json(text))


def _span_to_dict(span: Span) -> dict[str, Any]:
    out: dict[str, Any] = {"first": str(span.first), "last": str(span.last)}
    if span.monthly is not None:
        out["monthly"] = str(span.monthly)
    else:
        out["failed"] = list(span.failed)
        if span.unknown:
            out["unknown"] = list(span.unknown)
    return out


def _runs(monthly: tuple[tuple[Month, object], ...], name: str) -> list[dict[str, str]]:
    """Consecutive months with one value as one run: ``{"first", "last", name}``."""
    out: list[dict[str, str]] = []
    last: Month | None = None
    for month, value in monthly:
        if (
            out
            and last is not None
            and month.index == last.index + 1
            and out[-1][name] == str(value)
        ):
            out[-1]["last"] = str(month)
        else:
            out.append({"first": str(month), "last": str(month), name: str(value)})
        last = month
    return out


_DATE_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class _Reader:
    """Reads a decision document field by field, collecting every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.version = SCHEMA_VERSION

    def bad(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def fields(
        self, data: object, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> Mapping[str, Any] | None:
        if not isinstance(data, Mapping):
            self.bad(path, f"expected an object, got {described(data)}")
            return None
        for key in data:
            if key not in required and key not in optional:
                self.bad(_at(path, shown(key, 40).strip("'")), "unknown field")
        missing = [key for key in required if key not in data]
        for key in missing:
            self.bad(_at(path, key), "is required")
        return None if missing else data

    def text(self, value: object, path: str) -> str:
        if not isinstance(value, str):
            self.bad(path, f"expected text, got {described(value)}")
            return ""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.bad(path, "is not UTF-8 text (a lone surrogate)")
        return value

    def optional_text(self, value: object, path: str) -> str | None:
        return None if value is None else self.text(value, path)

    def flag(self, value: object, path: str) -> bool:
        if not isinstance(value, bool):
            self.bad(path, f"expected true or false, got {described(value)}")
            return False
        return value

    def entity(self, value: object, path: str) -> Entity:
        for entity in ENTITIES:
            if isinstance(value, str) and value == entity:
                return entity
        self.bad(path, f"{shown(value)} is not an entity (expected person or household)")
        return "household"

    def id(self, value: object, path: str) -> Id:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.bad(path, f"expected an id (text or a whole number), got {described(value)}")
            return ""
        return self.text(value, path) if isinstance(value, str) else value

    def parsed(self, parse: Any, value: object, path: str) -> Any:
        if not isinstance(value, str):
            self.bad(path, f"expected text, got {described(value)}")
            return None
        try:
            return parse(value)
        except InvalidInput as error:  # the value's own parts are not document paths
            self.problems.extend(Problem(path, p.message) for p in error.problems)
            return None

    def items(self, value: object, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.bad(path, f"expected a list, got {described(value)}")
            return []
        return value

    def pair(self, value: object, path: str) -> tuple[Any, Any] | None:
        if not isinstance(value, list) or len(value) != 2:
            self.bad(path, f"expected a pair [a, b], got {described(value)}")
            return None
        return value[0], value[1]

    def citation(self, value: object, path: str) -> Citation | None:
        # Citation.to_dict leaves empty fields (and the default confidence) out, so every
        # field is optional here
        data = self.fields(value, path, (), _CITATION)
        if data is None:
            return None
        texts = {k: self.text(data.get(k, ""), _at(path, k)) for k in _CITATION if k in data}
        confidence = texts.get("confidence", "sourced")
        if isinstance(confidence, str) and confidence not in CONFIDENCE:
            self.bad(_at(path, "confidence"), f"expected one of: {', '.join(CONFIDENCE)}")
            return None
        if not all(isinstance(v, str) for v in texts.values()):
            return None
        return Citation(**{"document": "", **texts})


_CITATION = ("document", "article", "issued_by", "url", "confidence")


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _day(text: str) -> pendulum.Date:
    match = _DATE_TEXT.fullmatch(text)
    if match is None:
        raise InvalidInput(f"{shown(text)} is not a date (expected YYYY-MM-DD)")
    try:
        return pendulum.Date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise InvalidInput(f"{shown(text)} is not a date (no such day)") from None


def _monthly(
    r: _Reader, value: object, path: str, read: Any, name: str
) -> tuple[tuple[Month, Any], ...]:
    """Amounts (or values) by month: ``[month, value]`` pairs up to version 2, runs of
    months ``{"first", "last", name}`` from version 3."""
    found = []
    for index, item in enumerate(r.items(value, path)):
        at = f"{path}[{index}]"
        if r.version < 3:
            pair = r.pair(item, at)
            if pair is None:
                continue
            month = r.parsed(Month.parse, pair[0], f"{at}[0]")
            amount = read(pair[1], f"{at}[1]")
            if month is not None and amount is not None:
                found.append((month, amount))
            continue
        run = r.fields(item, at, ("first", "last", name))
        if run is None:
            continue
        first = r.parsed(Month.parse, run["first"], _at(at, "first"))
        last = r.parsed(Month.parse, run["last"], _at(at, "last"))
        amount = read(run[name], _at(at, name))
        if first is None or last is None or amount is None:
            continue
        if not 0 <= last.index - first.index < MAX_TRACE_MONTHS:
            r.bad(at, f"{first}..{last} is not a run of 1 to {MAX_TRACE_MONTHS} months")
            continue
        found.extend((Month.from_index(i), amount) for i in range(first.index, last.index + 1))
    return tuple(found)


_OUTCOME_KEYS = ("benefit", "entity", "beneficiary_id", "household_id", "monthly")


def _read_entitlement(r: _Reader, value: object, path: str) -> Entitlement | None:
    data = r.fields(value, path, _OUTCOME_KEYS, ("total",))
    if data is None:
        return None
    before = len(r.problems)
    monthly = _monthly(
        r, data["monthly"], _at(path, "monthly"), lambda v, at: r.parsed(Money, v, at), "amount"
    )
    found = Entitlement(
        benefit=r.text(data["benefit"], _at(path, "benefit")),
        entity=r.entity(data["entity"], _at(path, "entity")),
        beneficiary_id=r.id(data["beneficiary_id"], _at(path, "beneficiary_id")),
        household_id=r.id(data["household_id"], _at(path, "household_id")),
        monthly=monthly,
    )
    if "total" in data and len(r.problems) == before:
        total = r.parsed(Money, data["total"], _at(path, "total"))
        if total is not None and total != found.total:
            r.bad(_at(path, "total"), f"{total} is not the sum of the months ({found.total})")
    return found


def _read_status(r: _Reader, value: object, path: str) -> Status | None:
    data = r.fields(value, path, _OUTCOME_KEYS)
    if data is None:
        return None
    return Status(
        benefit=r.text(data["benefit"], _at(path, "benefit")),
        entity=r.entity(data["entity"], _at(path, "entity")),
        beneficiary_id=r.id(data["beneficiary_id"], _at(path, "beneficiary_id")),
        household_id=r.id(data["household_id"], _at(path, "household_id")),
        monthly=_monthly(r, data["monthly"], _at(path, "monthly"), r.text, "value"),
    )


_TRACE_KEYS = (
    "rule_id",
    "title_zh",
    "title_en",
    "benefit",
    "entity",
    "beneficiary_id",
    "household_id",
    "month",
    "in_force",
    "applied",
    "outcome",
    "exception",
    "conditions",
    "values",
    "parameters",
    "citations",
)


def _read_trace(r: _Reader, value: object, path: str) -> RuleTrace | None:
    d = r.fields(value, path, _TRACE_KEYS)
    if d is None:
        return None
    conditions = []
    for index, item in enumerate(r.items(d["conditions"], _at(path, "conditions"))):
        at = f"{_at(path, 'conditions')}[{index}]"
        c = r.fields(item, at, ("code", "test", "value"), ("en", "zh"))
        if c is not None:
            keys = ("code", "test", "value", "en", "zh")
            conditions.append(
                ConditionTrace(**{k: r.text(c[k], _at(at, k)) for k in keys if k in c})
            )
    values, parameters = _values_and_parameters(r, d, path, r.citation)
    citations = []
    for index, item in enumerate(r.items(d["citations"], _at(path, "citations"))):
        citation = r.citation(item, f"{_at(path, 'citations')}[{index}]")
        if citation is not None:
            citations.append(citation)
    month = r.parsed(Month.parse, d["month"], _at(path, "month"))
    if month is None:
        return None
    return RuleTrace(
        rule_id=r.text(d["rule_id"], _at(path, "rule_id")),
        title_zh=r.text(d["title_zh"], _at(path, "title_zh")),
        title_en=r.text(d["title_en"], _at(path, "title_en")),
        benefit=r.text(d["benefit"], _at(path, "benefit")),
        entity=r.entity(d["entity"], _at(path, "entity")),
        beneficiary_id=r.id(d["beneficiary_id"], _at(path, "beneficiary_id")),
        household_id=r.id(d["household_id"], _at(path, "household_id")),
        month=month,
        in_force=r.flag(d["in_force"], _at(path, "in_force")),
        applied=r.flag(d["applied"], _at(path, "applied")),
        outcome=r.optional_text(d["outcome"], _at(path, "outcome")),
        exception=r.optional_text(d["exception"], _at(path, "exception")),
        conditions=tuple(conditions),
        values=tuple(values),
        parameters=tuple(parameters),
        citations=tuple(citations),
    )


def _read_codes(r: _Reader, value: object, path: str) -> tuple[str, ...]:
    return tuple(r.text(v, f"{path}[{i}]") for i, v in enumerate(r.items(value, path)))


def _read_span(r: _Reader, value: object, path: str) -> Span | None:
    d = r.fields(value, path, ("first", "last"), ("monthly", "failed", "unknown"))
    if d is None:
        return None
    first = r.parsed(Month.parse, d["first"], _at(path, "first"))
    last = r.parsed(Month.parse, d["last"], _at(path, "last"))
    monthly = r.parsed(Money, d["monthly"], _at(path, "monthly")) if "monthly" in d else None
    failed = _read_codes(r, d["failed"], _at(path, "failed")) if "failed" in d else ()
    unknown = _read_codes(r, d["unknown"], _at(path, "unknown")) if "unknown" in d else ()
    if ("monthly" in d) == ("failed" in d):
        r.bad(path, "a span has either a monthly amount (paid) or failed codes (not paid)")
        return None
    if "monthly" not in d and not failed:
        r.bad(_at(path, "failed"), "an unpaid span names at least one failed condition")
    if not set(unknown) <= set(failed):
        r.bad(_at(path, "unknown"), "lists a code that is not among the failed codes")
    if first is None or last is None or ("monthly" in d and monthly is None):
        return None
    if last.index < first.index:
        r.bad(path, f"ends ({last}) before it starts ({first})")
        return None
    return Span(first=first, last=last, monthly=monthly, failed=failed, unknown=unknown)


def _read_benefit_spans(r: _Reader, value: object, path: str) -> BenefitSpans | None:
    keys = ("benefit", "entity", "beneficiary_id", "household_id", "spans")
    d = r.fields(value, path, keys)
    if d is None:
        return None
    spans: list[Span] = []
    for index, item in enumerate(r.items(d["spans"], _at(path, "spans"))):
        at = f"{_at(path, 'spans')}[{index}]"
        span = _read_span(r, item, at)
        if span is not None:
            if spans and span.first.index != spans[-1].last.index + 1:
                r.bad(_at(at, "first"), f"does not follow the span before ({spans[-1].last})")
            spans.append(span)
    return BenefitSpans(
        benefit=r.text(d["benefit"], _at(path, "benefit")),
        entity=r.entity(d["entity"], _at(path, "entity")),
        beneficiary_id=r.id(d["beneficiary_id"], _at(path, "beneficiary_id")),
        household_id=r.id(d["household_id"], _at(path, "household_id")),
        spans=tuple(spans),
    )


def _read_compact_trace(r: _Reader, d: Mapping[str, Any]) -> list[RuleTrace]:
    """The trace of a version 2 document, expanded month by month."""
    from fpcore.rules._trace_json import expand_span, read_rules, span_rule

    sources = []
    for index, item in enumerate(r.items(d.get("sources", []), "sources")):
        sources.append(r.citation(item, f"sources[{index}]"))

    def cited(value: object, path: str) -> Citation | None:
        if isinstance(value, bool) or not isinstance(value, int):
            r.bad(path, f"expected the index of a source, got {described(value)}")
            return None
        if not 0 <= value < len(sources) or sources[value] is None:
            r.bad(path, f"{value} is not the index of a source")
            return None
        return sources[value]

    def written(value: object, path: str) -> str | None:
        return r.text(value, path)

    rules = read_rules(r, d.get("rules", {}), cited, written)
    expanded: list[tuple[int, int, RuleTrace]] = []
    for index, item in enumerate(r.items(d["explanations"], "explanations")):
        path = f"explanations[{index}]"
        found = span_rule(r, item, path, rules, cited)
        if found is None:
            continue
        t, rule_id, rule, own = found
        conditions = []
        for i, item in enumerate(r.items(t["conditions"], _at(path, "conditions"))):
            at = f"{_at(path, 'conditions')}[{i}]"
            if isinstance(item, str):
                if i >= len(rule["conditions"]):
                    r.bad(at, f"rule {rule_id} has {len(rule['conditions'])} conditions")
                    continue
                code, test, en, zh = rule["conditions"][i]
                conditions.append(ConditionTrace(code=code, test=test, value=item, en=en, zh=zh))
                continue
            c = r.fields(item, at, ("code", "test", "value", "en", "zh"))
            if c is not None:
                texts = {k: r.text(c[k], _at(at, k)) for k in ("code", "test", "value", "en", "zh")}
                conditions.append(ConditionTrace(**texts))
        for condition in conditions:
            if condition.value not in ("true", "false", "null"):
                r.bad(
                    _at(path, "conditions"),
                    f"{shown(condition.value)} is not true, false or null",
                )
        values, parameters = _values_and_parameters(r, t, path, cited)
        kept = (tuple(conditions), tuple(values), tuple(parameters))
        expand_span(r, t, path, own, kept, expanded)
    expanded.sort(key=lambda found: (found[0], found[1]))
    return [trace for _, _, trace in expanded]


def _read_decision(data: object) -> Decision:
    r = _Reader()
    if not isinstance(data, Mapping):
        raise InvalidInput(f"expected a decision document (a JSON object), got {described(data)}")
    version = data.get("schema_version")
    if type(version) is not int or version not in (1, 2, SCHEMA_VERSION):
        r.bad(
            "schema_version",
            f"{described(version).removeprefix('the number ')} is not supported "
            f"(expected {SCHEMA_VERSION}, 2 or 1)",
        )
    else:
        r.version = version
    keys = ("schema_version", "stamp", "entitlements", "statuses", "explanations")
    if version == 1:
        d = r.fields(data, "", keys)
    elif version == 2:
        d = r.fields(data, "", (*keys, "spans"), ("rules", "sources"))
    else:
        tables = ("rules", "sources", "expressions", "values", "parameters")
        d = r.fields(data, "", (*keys, "spans"), tables)
    stamp = None
    stamp_keys = ("fpcore_version", "policy_id", "policy_version", "policy_hash", "period")
    s = (
        r.fields(
            data.get("stamp"),
            "stamp",
            (*stamp_keys, "input_hash") if version == SCHEMA_VERSION else stamp_keys,
        )
        if "stamp" in data
        else None
    )
    if s is not None:
        period = r.parsed(parse_period, s["period"], "stamp.period")
        texts = {
            k: r.text(s[k], f"stamp.{k}")
            for k in ("fpcore_version", "policy_id", "policy_version", "policy_hash")
        }
        input_hash = r.optional_text(s.get("input_hash"), "stamp.input_hash")
        if period is not None:
            stamp = Stamp(period=period, input_hash=input_hash, **texts)
    entitlements: list[Entitlement | None] = []
    statuses: list[Status | None] = []
    explanations: list[RuleTrace | None] = []
    spans: list[BenefitSpans | None] = []
    if d is not None:
        for index, item in enumerate(r.items(d["entitlements"], "entitlements")):
            entitlements.append(_read_entitlement(r, item, f"entitlements[{index}]"))
        for index, item in enumerate(r.items(d["statuses"], "statuses")):
            statuses.append(_read_status(r, item, f"statuses[{index}]"))
        if version == 1:
            for index, item in enumerate(r.items(d["explanations"], "explanations")):
                explanations.append(_read_trace(r, item, f"explanations[{index}]"))
        elif version == 2:
            explanations.extend(_read_compact_trace(r, d))
        else:
            from fpcore.rules._trace_json import read_trace

            explanations.extend(read_trace(r, d))
        if "spans" in d:
            for index, item in enumerate(r.items(d["spans"], "spans")):
                spans.append(_read_benefit_spans(r, item, f"spans[{index}]"))
    if r.problems or stamp is None:
        raise InvalidInput(r.problems or [Problem("stamp", "is required")])
    return Decision(
        stamp=stamp,
        entitlements=tuple(e for e in entitlements if e is not None),
        statuses=tuple(st for st in statuses if st is not None),
        explanations=tuple(t for t in explanations if t is not None),
        spans=tuple(b for b in spans if b is not None),
    )


def _values_and_parameters(
    r: _Reader,
    data: Mapping[str, Any],
    path: str,
    cite: Callable[[object, str], Citation | None],
) -> tuple[list[tuple[str, str]], list[ParameterUse]]:
    """A trace's recorded values and the parameters it used (both decision versions)."""
    values = []
    for index, item in enumerate(r.items(data["values"], _at(path, "values"))):
        at = f"{_at(path, 'values')}[{index}]"
        pair = r.pair(item, at)
        if pair is not None:
            values.append((r.text(pair[0], f"{at}[0]"), r.text(pair[1], f"{at}[1]")))
    parameters = []
    for index, item in enumerate(r.items(data["parameters"], _at(path, "parameters"))):
        at = f"{_at(path, 'parameters')}[{index}]"
        p = r.fields(item, at, ("name", "start", "value", "citation"))
        if p is None:
            continue
        start = r.parsed(_day, p["start"], _at(at, "start"))
        citation = cite(p["citation"], _at(at, "citation"))
        if start is not None and citation is not None:
            parameters.append(
                ParameterUse(
                    name=r.text(p["name"], _at(at, "name")),
                    start=start,
                    value=r.text(p["value"], _at(at, "value")),
                    citation=citation,
                )
            )
    return values, parameters
