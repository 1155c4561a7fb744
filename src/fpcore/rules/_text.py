"""A decision as text, one language at a time: its spans, reasons in words, and every
citation once, in a numbered sources section.

The words come from the policy that made the decision (found by its content hash, see
:func:`glossary_of`): benefit names, what a failed condition means ("独生子女已满十八周岁"),
citations. A decision whose policy is not loaded in this process is shown with codes.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

import attrs

from fpcore.money import ZERO, Money
from fpcore.periods import Month
from fpcore.rules._parameters import Citation
from fpcore.rules._spans import AMOUNT_UNKNOWN, AMOUNT_ZERO, NOT_IN_FORCE, BenefitSpans, Span

if TYPE_CHECKING:
    from fpcore.rules._decision import Decision, RuleTrace
    from fpcore.rules._policy import Policy
    from fpcore.rules._rule import Condition

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


@attrs.frozen(kw_only=True)
class Reason:
    """How a reason code reads when it is why a benefit was not paid."""

    zh: str
    en: str
    unknown_zh: str
    unknown_en: str
    citation: Citation | None = None


@attrs.frozen(kw_only=True)
class Glossary:
    """The words of one policy: benefit names, reasons, citations by benefit."""

    benefits: dict[str, tuple[str, str]]
    reasons: dict[tuple[str, str], Reason]
    citations: dict[str, tuple[Citation, ...]]
    exceptions: dict[tuple[str, str], tuple[str, str]]

    @classmethod
    def of(cls, policy: Policy) -> Glossary:
        """Collect the words of a policy's rules (the first rule of a benefit names it)."""
        benefits: dict[str, tuple[str, str]] = {}
        reasons: dict[tuple[str, str], Reason] = {}
        citations: dict[str, dict[Citation, None]] = {}
        exceptions: dict[tuple[str, str], tuple[str, str]] = {}
        for rule in policy.rules:
            for e in rule.exceptions:
                exceptions.setdefault((rule.benefit, e.label), (e.zh or e.label, e.en or e.label))
            benefits.setdefault(rule.benefit, (rule.title_zh, rule.title_en))
            citations.setdefault(rule.benefit, {}).update(dict.fromkeys(rule.citations))
            for c in rule.conditions:
                reasons.setdefault((rule.benefit, c.code), _reason(c.code, c))
        return cls(
            benefits=benefits,
            reasons=reasons,
            citations={b: tuple(found) for b, found in citations.items()},
            exceptions=exceptions,
        )


def _reason(code: str, condition: Condition) -> Reason:
    zh = _zh(condition.zh or code)
    en = condition.en or code
    evidence_zh = _zh(condition.evidence_zh)
    return Reason(
        zh=_zh(condition.missing_zh) or f"不符合“{zh}”的条件",
        en=condition.missing_en or f"the requirement '{en}' is not met",
        unknown_zh=f"无法确认是否符合“{zh}”的条件，需提供{evidence_zh}"
        if evidence_zh
        else f"无法确认是否符合“{zh}”的条件（缺少所需信息）",
        unknown_en=f"cannot tell whether this holds: {en} ({condition.evidence_en} would settle it)"
        if condition.evidence_en
        else f"cannot tell whether this holds: {en} (information missing)",
        citation=condition.citation,
    )


_FIXED = {
    NOT_IN_FORCE: Reason(
        zh="该项待遇当期尚未施行或已停止施行",
        en="the benefit was not in force",
        unknown_zh="该项待遇当期尚未施行或已停止施行",
        unknown_en="the benefit was not in force",
    ),
    AMOUNT_UNKNOWN: Reason(
        zh="发放标准无法确定（缺少所需信息）",
        en="the monthly amount cannot be determined (information missing)",
        unknown_zh="发放标准无法确定（缺少所需信息）",
        unknown_en="the monthly amount cannot be determined (information missing)",
    ),
    AMOUNT_ZERO: Reason(
        zh="核定的月发放标准为零",
        en="the monthly amount works out at zero",
        unknown_zh="核定的月发放标准为零",
        unknown_en="the monthly amount works out at zero",
    ),
}

_LOCK = threading.Lock()
_GLOSSARIES: dict[str, Glossary] = {}
_POLICIES: dict[str, Policy] = {}
_MAX_GLOSSARIES = 256


def remember(policy: Policy) -> None:
    """Keep a policy's words for the decisions it makes (by content hash)."""
    key = policy.content_hash
    if key in _GLOSSARIES:
        return
    glossary = Glossary.of(policy)
    with _LOCK:
        if len(_GLOSSARIES) >= _MAX_GLOSSARIES:
            _GLOSSARIES.clear()
            _POLICIES.clear()
        _GLOSSARIES[key] = glossary
        _POLICIES[key] = policy


def known_policy(content_hash: str) -> Policy | None:
    """The policy with this content hash, if one made a decision in this process."""
    return _POLICIES.get(content_hash)


def glossary_of(decision: Decision) -> Glossary | None:
    """The words of the policy that made the decision, if it was loaded here."""
    return _GLOSSARIES.get(decision.stamp.policy_hash)


# --- Chinese typography ----------------------------------------------------------------

_LATIN = re.compile(r"[A-Za-z]")
_LATIN_NOTE = re.compile(r"\s*[（(][^（）()]*[A-Za-z][^（）()]*[）)]")
_FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "!": "！", "?": "？"})


@functools.lru_cache(maxsize=4096)  # the policy's own texts: the same few recur
def _zh(text: str) -> str:
    """Text from a policy as a Chinese document writes it: notes in English (in
    brackets, or a whole part between semicolons) dropped, full-width punctuation, no
    space around it."""
    text = _LATIN_NOTE.sub("", text)
    if _LATIN.search(text):
        text = "".join(
            part for part in re.split(r"(?<=[;,])", text) if not _LATIN.search(part)
        ).rstrip(";, ")
    text = text.translate(_FULL)
    return re.sub(r"\s*([（），：；！？、。《》])\s*", r"\1", text).strip()


_ROLES = {
    "zh": {"mother": "女方", "father": "男方"},
    "en": {"mother": "the mother", "father": "the father"},
}

_CONFIDENCE = {
    "zh": {
        "sourced-local": "参照外地文件",
        "report": "据县工作计划",
        "uncertain": "待核实",
        "placeholder": "暂定值",
    },
    "en": {
        "sourced-local": "another locality's text",
        "report": "the county's work plan only",
        "uncertain": "to be confirmed",
        "placeholder": "placeholder value",
    },
}

_ZH_NUMBERS = "一二三四五六七八九十"


def _heading_number(lang: Lang, n: int) -> str:
    if lang == "en":
        return f"{n}."
    if n <= 10:
        return f"{_ZH_NUMBERS[n - 1]}、"
    if n < 20:
        return f"十{_ZH_NUMBERS[n - 11]}、"
    return f"{n}、"


def _month(lang: Lang, month: Month) -> str:
    return f"{month.year}年{month.month}月" if lang == "zh" else str(month)


def _months(lang: Lang, first: Month, last: Month) -> str:
    if first == last:
        return _month(lang, first)
    joiner = "至" if lang == "zh" else " to "
    return f"{_month(lang, first)}{joiner}{_month(lang, last)}"


def _yuan(lang: Lang, amount: Money) -> str:
    return f"{amount}元" if lang == "zh" else f"{amount} yuan"


@functools.lru_cache(maxsize=1024)  # a policy cites a few documents, again and again
def _citation(lang: Lang, c: Citation) -> str:
    if lang == "zh":
        document = _zh(c.document) or "有关文件"
        if not document.startswith("《") and not re.search(r"[A-Za-z]", document):
            document = f"《{document}》" if "〔" not in document else document
        article = _zh(c.article)
        issued = _zh(c.issued_by)
        text = f"{issued}{document}"
        if article:
            text += article if article.startswith("第") else f"，{article}"
        note = _CONFIDENCE["zh"].get(c.confidence)
        return f"{text}（{note}）" if note else text
    parts = [c.issued_by, c.document, c.article]
    text = ", ".join(p for p in parts if p)
    note = _CONFIDENCE["en"].get(c.confidence)
    return f"{text} ({note})" if note else text


class Sources:
    """Citations numbered in order of first use."""

    def __init__(self) -> None:
        self.numbers: dict[Citation, int] = {}

    def listed(self, lang: Lang) -> list[tuple[str, str]]:
        """Each citation with its mark (``〔1〕`` / ``[1] ``), in number order."""
        return [
            (f"〔{n}〕" if lang == "zh" else f"[{n}] ", _citation(lang, c))
            for c, n in self.numbers.items()
        ]

    def refs(self, lang: Lang, citations: Iterable[Citation | None]) -> str:
        found = []
        for c in citations:
            if c is None:
                continue
            n = self.numbers.setdefault(c, len(self.numbers) + 1)
            if n not in found:
                found.append(n)
        if not found:
            return ""
        if lang == "zh":
            return "".join(f"〔{n}〕" for n in found)
        return " " + "".join(f"[{n}]" for n in found)


_W = {
    "zh": {
        "title": "核定结果",
        "household": "户编号",
        "period": "核定期间",
        "policy": "适用政策",
        "the_household": "本户",
        "paid": "按月发放，月发放标准{amount}，共{months}个月，计{total}",
        "not_paid": "不予发放，因{why}",
        "unknown": "暂不能核定，因{why}",
        "subtotal": "小计：{total}",
        "basis": "依据",
        "total": "合计：{total}",
        "none": "本期无应发待遇。",
        "sources": "依据文件：",
        "checked": "审核情况",
        "exception": "适用例外",
        "met": "符合",
        "failed": "不符合",
        "not_known": "无法确认",
        "statuses": "其他核定事项：",
        "sep": "；",
        "end": "。",
        "colon": "：",
    },
    "en": {
        "title": "Decision",
        "household": "Household",
        "period": "Period",
        "policy": "Policy",
        "the_household": "the household",
        "paid": "paid {amount} a month, {months} month(s), {total}",
        "not_paid": "not paid: {why}",
        "unknown": "cannot be decided yet: {why}",
        "subtotal": "Subtotal: {total}",
        "basis": "sources:",
        "total": "Total: {total}",
        "none": "Nothing is payable for the period.",
        "sources": "Sources:",
        "checked": "checked",
        "exception": "exception applied",
        "met": "met",
        "failed": "not met",
        "not_known": "unknown",
        "statuses": "Other results:",
        "sep": "; ",
        "end": ".",
        "colon": ": ",
    },
}


def role_name(b: BenefitSpans, lang: Lang) -> str:
    """A person beneficiary as a clerk names them: 女方 / 男方 (the mother / the
    father), or by id."""
    return _who(lang, attrs.evolve(b, entity="person"))


def _who(lang: Lang, b: BenefitSpans) -> str:
    if b.entity == "household":
        return _W[lang]["the_household"]
    key = str(b.beneficiary_id)
    role = _ROLES[lang].get(key)
    if role is not None:
        return role
    return f"编号{key}" if lang == "zh" else f"person {key}"


def _why(lang: Lang, glossary: Glossary | None, benefit: str, span: Span) -> str:
    out = []
    for code in span.failed:
        reason = _FIXED.get(code) or (glossary.reasons.get((benefit, code)) if glossary else None)
        if reason is None:
            out.append(code)
            continue
        unknown = code in span.unknown
        if lang == "zh":
            out.append(reason.unknown_zh if unknown else reason.zh)
        else:
            out.append(reason.unknown_en if unknown else reason.en)
    return _W[lang]["sep"].join(out)


def _reason_citations(glossary: Glossary | None, benefit: str, span: Span) -> list[Citation]:
    if glossary is None:
        return []
    found = []
    for code in span.failed:
        reason = glossary.reasons.get((benefit, code))
        if reason is not None and reason.citation is not None:
            found.append(reason.citation)
    return found


def _trace_line(lang: Lang, glossary: Glossary | None, trace: RuleTrace) -> str:
    """One line: every condition of the rule as met / not met / unknown in this month,
    and the exception that decided the amount."""
    w = _W[lang]
    parts = []
    for c in trace.conditions:
        text = _zh(c.zh) if lang == "zh" and c.zh else (c.en or c.code)
        mark = w["met"] if c.met else w["not_known"] if c.value == "null" else w["failed"]
        parts.append(f"{mark}“{text}”" if lang == "zh" else f"{mark}: {text}")
    if trace.exception:
        labels = glossary.exceptions.get((trace.benefit, trace.exception)) if glossary else None
        label = (_zh(labels[0]) if lang == "zh" else labels[1]) if labels else trace.exception
        parts.append(f"{w['exception']}{w['colon']}{label}")
    return w["sep"].join(parts)


@attrs.frozen(kw_only=True)
class SpanLine:
    """One span of a benefit in words: when, what (paid so much, or not paid because),
    the numbers of its sources, and the conditions checked (with the trace)."""

    when: str
    what: str
    refs: str
    monthly: Money | None
    total: Money
    unknown: bool = False
    checked: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class BenefitBlock:
    """One benefit for one beneficiary in words (see :func:`benefit_blocks`)."""

    spans: BenefitSpans
    name: str
    who: str
    lines: tuple[SpanLine, ...]
    basis: str


def benefit_blocks(
    decision: Decision, lang: Lang, sources: Sources, *, checked: bool = True
) -> list[BenefitBlock]:
    """Each benefit and beneficiary of a decision in words, one line per span, citations
    numbered in ``sources`` in order of use: what the text and the notice print. With
    ``checked`` (and a trace) each line also lists the conditions checked."""
    w = _W[lang]
    glossary = glossary_of(decision)
    traces: dict[tuple[str, object, int], list[RuleTrace]] = {}
    for t in decision.explanations if checked else ():
        traces.setdefault((t.benefit, t.beneficiary_id, t.month.index), []).append(t)
    out = []
    for b in decision.spans:
        names = glossary.benefits.get(b.benefit) if glossary else None
        name = (names[0] if lang == "zh" else names[1]) if names else _title(decision, b, lang)
        lines = []
        for span in b.spans:
            if span.monthly is not None:
                what = w["paid"].format(
                    amount=_yuan(lang, span.monthly),
                    months=span.months,
                    total=_yuan(lang, span.total),
                )
                refs = ""
            else:
                key = "unknown" if span.unknown else "not_paid"
                what = w[key].format(why=_why(lang, glossary, b.benefit, span))
                refs = sources.refs(lang, _reason_citations(glossary, b.benefit, span))
            lines_checked = []
            for t in traces.get((b.benefit, b.beneficiary_id, span.first.index), ()):
                if t.in_force and t.conditions:
                    line = _trace_line(lang, glossary, t)
                    used = sources.refs(lang, (p.citation for p in t.parameters if t.applied))
                    lines_checked.append(f"{line}{used}")
            lines.append(
                SpanLine(
                    when=_months(lang, span.first, span.last),
                    what=what,
                    refs=refs,
                    monthly=span.monthly,
                    total=span.total,
                    unknown=bool(span.unknown),
                    checked=tuple(lines_checked),
                )
            )
        citations = glossary.citations.get(b.benefit, ()) if glossary else _cited(decision, b)
        out.append(
            BenefitBlock(
                spans=b,
                name=name,
                who=_who(lang, b),
                lines=tuple(lines),
                basis=sources.refs(lang, citations),
            )
        )
    return out


def benefit_name(decision: Decision, benefit: str, lang: Lang) -> str:
    """A benefit's name in one language, from the policy that made the decision (its
    key when the policy is not loaded here).

    Example:
        >>> import fpcore.policies as policies
        >>> from fpcore.model import sample_household
        >>> from fpcore.periods import Year
        >>> d = policies.get("county").evaluate(sample_household(), Year(2008))
        >>> benefit_name(d, "reward_assistance", "zh")
        '农村部分计划生育家庭奖励扶助'
    """
    glossary = glossary_of(decision)
    names = glossary.benefits.get(benefit) if glossary else None
    if names:
        return names[0] if lang == "zh" else names[1]
    for t in decision.explanations:
        if t.benefit == benefit:
            return t.title_zh if lang == "zh" else t.title_en
    return benefit


def span_reason(decision: Decision, benefit: str, span: Span, lang: Lang) -> str:
    """Why an unpaid span is not paid, in words ("" for a paid one).

    Example:
        >>> import fpcore.policies as policies
        >>> from fpcore.model import sample_household
        >>> from fpcore.periods import Year
        >>> d = policies.get("county").evaluate(sample_household(), Year(2008))
        >>> (span,) = d.spans_of("reward_assistance", "father")
        >>> span_reason(d, "reward_assistance", span, "en")
        'not yet 60 years old'
    """
    if span.paid:
        return ""
    return _why(lang, glossary_of(decision), benefit, span)


def render(decision: Decision, lang: Lang) -> str:
    """The decision as text in one language (see :meth:`Decision.to_text`)."""
    w = _W[lang]
    sources = Sources()
    s = decision.stamp
    period = s.period
    lines = [
        w["title"],
        f"{w['household']}{w['colon']}{_household(decision)}",
        f"{w['period']}{w['colon']}{_months(lang, period.first_month, period.last_month)}",
        f"{w['policy']}{w['colon']}{s.policy_id} {s.policy_version}"
        + (f"（sha256:{s.short_hash}），" if lang == "zh" else f" (sha256:{s.short_hash}), ")
        + f"fpcore {s.fpcore_version}",
    ]
    total = ZERO
    for n, block in enumerate(benefit_blocks(decision, lang, sources), start=1):
        lines.append(
            f"{_heading_number(lang, n)}{block.name}（{block.who}）"
            if lang == "zh"
            else f"{_heading_number(lang, n)} {block.name} ({block.who})"
        )
        for line in block.lines:
            lines.append(f"  {line.when}{w['colon']}{line.what}{w['end']}{line.refs}")
            lines.extend(f"    {w['checked']}{w['colon']}{c}" for c in line.checked)
        basis = f"{w['sep']}{w['basis']}{block.basis}" if block.basis else ""
        lines.append(f"  {w['subtotal'].format(total=_yuan(lang, block.spans.total))}{basis}")
        total += block.spans.total
    if not decision.spans:
        lines.append(w["none"])
    lines.append(w["total"].format(total=_yuan(lang, total)))
    if decision.statuses:
        lines.append(w["statuses"])
        for st in decision.statuses:
            values = w["sep"].join(f"{m} {v}" for m, v in st.monthly)
            lines.append(f"  {st.benefit} {st.beneficiary_id}{w['colon']}{values}")
    if sources.numbers:
        lines.append(w["sources"])
        lines.extend(f"  {mark}{text}" for mark, text in sources.listed(lang))
    return "\n".join(lines)


def _household(decision: Decision) -> str:
    for b in decision.spans:
        return str(b.household_id)
    for e in decision.entitlements:
        return str(e.household_id)
    return "-"


def _title(decision: Decision, b: BenefitSpans, lang: Lang) -> str:
    for t in decision.explanations:
        if t.benefit == b.benefit:
            return t.title_zh if lang == "zh" else t.title_en
    return b.benefit


def _cited(decision: Decision, b: BenefitSpans) -> tuple[Citation, ...]:
    found: dict[Citation, None] = {}
    for t in decision.explanations:
        if t.benefit == b.benefit:
            found.update(dict.fromkeys(t.citations))
    return tuple(found)
