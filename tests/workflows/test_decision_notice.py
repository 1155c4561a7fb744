"""The notice of a decision to a household (核定通知书): escaped, masked, in Chinese
(issue 11)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import attrs
import pendulum
from typer.testing import CliRunner

import fpcore.policies as policies
from fpcore.cli import app
from fpcore.model import Household, mask_name, mask_resident_id, sample_county, sample_household
from fpcore.periods import Year
from fpcore.rules import Decision
from fpcore.serialization import loads_household
from fpcore.workflows import decision_notice_html

EXAMPLE = Path(__file__).parents[2] / "examples" / "household.json"
LATIN = re.compile(r"[A-Za-z]")


def _example() -> Household:
    return loads_household(EXAMPLE.read_bytes())


def _text(page: str) -> str:
    """What a reader sees: the page without its style, tags and entities."""
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", body))


def _latin_left(decision: Decision, household: Household, text: str) -> list[str]:
    """Latin may appear in IDs and codes only: policy id and version, hashes, fpcore's
    name and version, the household id, masked resident IDs."""
    s = decision.stamp
    allowed = {
        s.policy_id,
        s.policy_version,
        f"sha256:{s.short_hash}",
        f"sha256:{s.short_input_hash}",
        "fpcore",
        s.fpcore_version,
        str(household.household_id),
    }
    allowed |= {mask_resident_id(p.resident_id) for p in household.parents if p.resident_id}
    for token in sorted(allowed, key=len, reverse=True):
        text = text.replace(token, "")
    return [line for line in text.splitlines() if LATIN.search(line)]


def test_the_notice_of_the_example() -> None:
    household = _example()
    decision = policies.get("county").evaluate(household, Year(2017), explain=True)
    page = decision_notice_html(
        decision, household, county=sample_county(), issued_on=pendulum.Date(2018, 1, 10)
    )
    text = _text(page)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page
    assert "@page" in page
    assert "@media print" in page
    assert "计划生育家庭奖励扶助待遇核定通知书" in text
    assert "2017年1月至2017年5月" in text
    assert "10.00" in text
    assert "50.00" in text
    assert "以上合计：50.00元。" in text
    assert "本户的独生子女父母奖励费不予发放，因独生子女已满十八周岁。" in text
    assert "因本人未满60周岁。" in text
    assert (
        "〔1〕全国人民代表大会常务委员会《中华人民共和国人口与计划生育法（2001）》第二十七条"
        in text
    )
    assert "2018年1月10日" in text
    assert "only_child_reward" not in text
    assert "OCR" not in text
    assert _latin_left(decision, household, text) == []


def test_names_and_ids_are_masked() -> None:
    household = _example()
    decision = policies.get("county").evaluate(household, Year(2008))
    page = decision_notice_html(decision, household)
    for parent in household.parents:
        assert parent.name not in page
        assert mask_name(parent.name) in page
        assert parent.resident_id is not None
        assert parent.resident_id not in page
        assert mask_resident_id(parent.resident_id) in page
    for child in household.children:
        assert child.name not in page
    assert "　　　　年　　月　　日" in page  # no day given: left to fill in by hand


def test_every_value_is_escaped() -> None:
    household = sample_household()
    mother = attrs.evolve(household.parents[0], name="<script>alert(1)</script>")
    hostile = attrs.evolve(
        household, parents=(mother, *household.parents[1:]), household_id="HN-<b>&1"
    )
    decision = policies.get("county").evaluate(hostile, Year(2008))
    page = decision_notice_html(decision, hostile, office="<i>局</i>&")
    assert "<script" not in page
    assert "<b>" not in page
    assert "<i>" not in page
    assert "HN-&lt;b&gt;&amp;1" in page
    assert "&lt;i&gt;局&lt;/i&gt;&amp;" in page


def test_the_notice_is_the_same_for_the_same_decision() -> None:
    household = _example()
    county = policies.get("county")
    one = decision_notice_html(county.evaluate(household, Year(2017)), household)
    two = decision_notice_html(county.evaluate(_example(), Year(2017)), household)
    assert one == two


def test_evaluate_writes_the_notice(tmp_path: Path) -> None:
    target = tmp_path / "notice.html"
    result = CliRunner().invoke(
        app, ["evaluate", str(EXAMPLE), "--period", "2017", "--notice-html", str(target)]
    )
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert "核定通知书" in page
    assert "洪凝镇" in page  # township and village by name
