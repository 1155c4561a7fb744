"""A decision's text: one language at a time, spans, reasons as what is missing,
citations once (issue 11)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import attrs
import pytest

import fpcore.policies as policies
from fpcore.model import Household, sample_household
from fpcore.periods import Year
from fpcore.rules import Decision
from fpcore.serialization import loads

EXAMPLE = Path(__file__).parents[2] / "examples" / "household.json"
LATIN = re.compile(r"[A-Za-z]")


def _example_2017(explain: bool) -> Decision:
    household = loads(EXAMPLE.read_text(encoding="utf-8"), Household)
    return policies.get("county").evaluate(household, Year(2017), explain=explain)


def _allowed(decision: Decision) -> set[str]:
    """Latin may appear in IDs and codes only: the policy's id and hash, the program's
    name and version, beneficiary and household ids."""
    s = decision.stamp
    out = {s.policy_id, s.policy_version, f"sha256:{s.short_hash}", "fpcore", s.fpcore_version}
    for b in decision.spans:
        out.update({str(b.household_id), str(b.beneficiary_id)})
    return out


def _latin_left(decision: Decision, text: str) -> list[str]:
    for token in sorted(_allowed(decision), key=len, reverse=True):
        text = text.replace(token, "")
    return [line for line in text.splitlines() if LATIN.search(line)]


@pytest.mark.parametrize("explain", [False, True])
def test_no_latin_letters_in_chinese_text(explain: bool) -> None:
    for decision in (
        _example_2017(explain),
        policies.get("county").evaluate(sample_household(), Year(2008), explain=explain),
        policies.get("national").evaluate(sample_household(), Year(2030), explain=explain),
    ):
        text = decision.to_text("zh")
        assert _latin_left(decision, text) == []
        assert "," not in text
        assert "(" not in text


@pytest.mark.parametrize("explain", [False, True])
def test_chinese_text_of_the_example(explain: bool) -> None:
    text = _example_2017(explain).to_text("zh")
    assert text.startswith("核定结果\n")
    assert "核定期间：2017年1月至2017年12月" in text
    assert "独生子女父母奖励费（本户）" in text
    assert "only_child_reward" not in text
    assert "月发放标准" in text
    assert "元" in text
    assert "依据文件：" in text
    assert len(text.splitlines()) <= 40


def test_a_failed_condition_reads_as_what_is_missing() -> None:
    text = _example_2017(False).to_text("zh")
    assert "独生子女已满十八周岁" in text
    assert "未满十八周岁 =" not in text
    assert "= false" not in text


def test_a_healthy_only_child_is_a_refusal_not_an_unknown() -> None:
    """No disability certificate in force is a known "not disabled" (the law asks for a
    certificate), so special assistance is refused, not left undecided."""
    decision = policies.get("county").evaluate(sample_household(), Year(2030))
    special = [b for b in decision.spans if b.benefit == "special_assistance"]
    assert special
    for found in special:
        assert [(s.failed, s.unknown) for s in found.spans] == [
            (("CHILD_DECEASED_OR_DISABLED",), ())
        ]
    assert "尚有存活子女，且独生子女未被认定为三级以上伤残" in decision.to_text("zh")


def test_an_unknown_value_names_the_document_that_settles_it() -> None:
    # The catalogue's facts are known for every household the model holds; an unknown
    # value reaches the text from a decision record (or a policy with facts that may be
    # missing): set one on the special-assistance spans.
    decision = policies.get("county").evaluate(sample_household(), Year(2030))
    code = "CHILD_DECEASED_OR_DISABLED"
    decision = attrs.evolve(
        decision,
        spans=tuple(
            attrs.evolve(b, spans=tuple(attrs.evolve(s, unknown=(code,)) for s in b.spans))
            if b.benefit == "special_assistance"
            else b
            for b in decision.spans
        ),
    )
    zh = decision.to_text("zh")
    assert "暂不能核定，因无法确认是否符合“现无存活子女或独生子女伤残（三级以上）”的条件，" in zh
    assert "需提供独生子女的死亡证明，或伤残等级为三级以上的《中华人民共和国残疾人证》。" in zh
    assert "缺少所需信息" not in zh
    en = decision.to_text("en")
    assert "the disability certificate of the China Disabled Persons' Federation" in en
    assert _latin_left(decision, zh) == []


def test_citations_appear_once() -> None:
    for lang in ("zh", "en"):
        text = _example_2017(True).to_text(lang)
        sources = text.split("依据文件：" if lang == "zh" else "Sources:")[1].splitlines()
        assert len(sources) == len(set(sources))
        assert "第二十七条" in text


def test_english_text_is_english() -> None:
    decision = _example_2017(False)
    text = decision.to_text("en")
    body = text.split("Sources:")[0]
    assert not re.search(r"[\u4e00-\u9fff]", body), body
    assert "Only-child parents' reward (the household)" in text
    assert "not paid: the only child has passed the month of the 18th birthday" in text


GOLDEN = Path(__file__).parent / "golden"


def _stable(decision: Decision, text: str) -> str:
    """The text without what changes with any release or policy edit: the program's
    version and the policy's hash."""
    s = decision.stamp
    return text.replace(f"sha256:{s.short_hash}", "sha256:<hash>").replace(
        f"fpcore {s.fpcore_version}", "fpcore <version>"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("year", "explain"), [(2017, False), (2017, True), (2030, False)])
def test_golden_texts_of_the_example(lang: str, year: int, explain: bool) -> None:
    """The example household's decisions as a clerk reads them (2030: paid, and not
    paid for two reasons in turn).
    After a deliberate change, rewrite the files with FPCORE_UPDATE_GOLDEN=1 and review
    the diff."""
    household = loads(EXAMPLE.read_text(encoding="utf-8"), Household)
    decision = policies.get("county").evaluate(household, Year(year), explain=explain)
    text = _stable(decision, decision.to_text(lang)) + "\n"  # type: ignore[arg-type]
    path = GOLDEN / f"household-{year}{'-explained' if explain else ''}.{lang}.txt"
    if os.environ.get("FPCORE_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
