"""The notice of a decision (核定通知书) sent to a household, as printable HTML in Chinese."""

from __future__ import annotations

import html

import pendulum

from fpcore.model import County, Household, mask_name, mask_resident_id
from fpcore.money import ZERO
from fpcore.rules import Decision
from fpcore.rules._text import BenefitBlock, Sources, SpanLine, benefit_blocks
from fpcore.workflows._notice import DEFAULT_CONTACT, place_names

__all__ = ["decision_notice_html"]

_CSS = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 12pt;
       line-height: 1.6; color: #000; background: #fff; margin: 0 auto; max-width: 170mm; }
h1 { font-size: 18pt; text-align: center; letter-spacing: 0.2em; margin: 0 0 0.2em; }
h2 { font-size: 13pt; margin: 1em 0 0.3em; }
.number { text-align: right; margin: 0 0 1em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }
th { font-weight: bold; text-align: center; }
td.amount { text-align: right; white-space: nowrap; }
ol { padding-left: 2.5em; margin: 0.3em 0; }
ul.sources { list-style: none; padding-left: 0; margin: 0.3em 0; }
.seal { text-align: right; margin-top: 2.5em; }
.record { font-size: 8pt; color: #444; margin-top: 2em; border-top: 1px solid #999; }
@media print { .record { break-inside: avoid; } h2, tr { break-after: avoid; } }
"""


def _zh_date(day: pendulum.Date | None) -> str:
    if day is None:
        return "　　　　年　　月　　日"
    return f"{day.year}年{day.month}月{day.day}日"


def _masked_parents(household: Household) -> dict[str, tuple[str, str]]:
    """Each parent's role key (``mother`` / ``father``): the masked name, and the masked
    name with the masked resident ID."""
    from fpcore.policies._catalogue import person_role

    found = {}
    for parent in household.parents:
        name = mask_name(parent.name)
        full = name
        if parent.resident_id:
            full += f"（身份证号{mask_resident_id(parent.resident_id)}）"
        found[person_role(parent)] = (name, full)
    return found


def _outcome(line: SpanLine) -> str:
    if line.monthly is not None:
        return "按月发放"
    return "暂不能核定" if line.unknown else "不予发放"


def _who(block: BenefitBlock, parents: dict[str, tuple[str, str]]) -> tuple[str, str]:
    if block.spans.entity == "household":
        return "本户", "本户"
    return parents.get(str(block.spans.beneficiary_id), (block.who, block.who))


def decision_notice_html(
    decision: Decision,
    household: Household,
    *,
    county: County | None = None,
    issued_on: pendulum.Date | None = None,
    office: str = DEFAULT_CONTACT,
) -> str:
    """The notice of a decision to the household (核定通知书), as a printable HTML page.

    The household is named as a public notice names it: names and resident IDs masked
    (``张*娟``, ``371121********1248``), township and village by name when ``county``
    is given. For each benefit and beneficiary, the periods and amounts paid; every
    refusal as a full sentence with its articles; the documents cited, each once; the
    record that makes the decision reproducible (policy, its hash, the input's hash).
    Every value is HTML-escaped; the page carries its own print style (A4).

    Args:
        decision: the decision (with or without its trace).
        household: the household it was made for (its names, masked, head the notice).
        county: names the township and village (codes are shown without it).
        issued_on: the day of the notice (left blank to fill in by hand without it).
        office: the office that issues it and receives objections.

    Example:
        >>> import fpcore.policies as policies
        >>> from fpcore.model import sample_household, sample_county
        >>> from fpcore.periods import Year
        >>> household = sample_household()
        >>> decision = policies.get("county").evaluate(household, Year(2017))
        >>> page = decision_notice_html(decision, household, county=sample_county(),
        ...                             issued_on=pendulum.Date(2018, 1, 10))
        >>> "张*娟" in page, "张秀娟" in page
        (True, False)
        >>> print(page[page.index("<h1>"):page.index("</h1>") + 5])
        <h1>计划生育家庭奖励扶助待遇核定通知书</h1>
    """
    esc = html.escape
    sources = Sources()
    blocks = benefit_blocks(decision, "zh", sources, checked=False)
    parents = _masked_parents(household)
    township, village = place_names(household.village, county)
    period = decision.stamp.period
    first, last = period.first_month, period.last_month
    when = f"{first.year}年{first.month}月至{last.year}年{last.month}月"
    names = "、".join(mask_name(p.name) for p in household.parents) or "户主"
    rows = []
    refusals = []
    total = ZERO
    for block in blocks:
        who, who_in_full = _who(block, parents)
        total += block.spans.total
        for line in block.lines:
            rows.append(
                "<tr>"
                f"<td>{esc(block.name)}</td><td>{esc(who_in_full)}</td><td>{esc(line.when)}</td>"
                f"<td>{_outcome(line)}</td>"
                f'<td class="amount">{"" if line.monthly is None else line.monthly}</td>'
                f'<td class="amount">{esc(str(line.total))}</td>'
                "</tr>"
            )
            if line.monthly is None:
                refusals.append(
                    f"<li>{esc(line.when)}，{esc(who)}的{esc(block.name)}{esc(line.what)}。"
                    f"{esc(line.refs)}</li>"
                )
        if block.basis:
            rows.append(
                f'<tr class="basis"><td colspan="6">{esc(block.name)}（{esc(who)}）'
                f"依据：{esc(block.basis)}</td></tr>"
            )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("扶助项目", "扶助对象", "核定期间", "核定结果", "月发放标准（元）", "金额（元）")
    )
    s = decision.stamp
    record = f"核定依据：{s.policy_id} {s.policy_version}（sha256:{s.short_hash}）"
    if s.input_hash:
        record += f"；申报材料摘要：sha256:{s.short_input_hash}"
    record += f"；fpcore {s.fpcore_version}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        "<title>计划生育家庭奖励扶助待遇核定通知书</title>",
        f"<style>{_CSS}</style></head><body>",
        '<article class="fpcore-decision-notice">',
        "<h1>计划生育家庭奖励扶助待遇核定通知书</h1>",
        f'<p class="number">户编号：{esc(str(household.household_id))}</p>',
        f"<p>{esc(names)}（{esc(township)}{esc(village)}）：</p>",
        f"<p>经审核，现将你户{esc(when)}计划生育家庭奖励扶助待遇核定结果通知如下：</p>",
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
        f"<p>以上合计：{esc(str(total))}元。</p>",
    ]
    if refusals:
        parts.append(f"<h2>不予发放（暂不能核定）的理由</h2><ol>{''.join(refusals)}</ol>")
    if sources.numbers:
        listed = "".join(f"<li>{esc(mark)}{esc(text)}</li>" for mark, text in sources.listed("zh"))
        parts.append(f'<h2>依据文件</h2><ul class="sources">{listed}</ul>')
    parts += [
        f"<p>如对本核定结果有异议，请向{esc(office)}反映。</p>",
        f'<p class="seal">{esc(office)}<br>{_zh_date(issued_on)}</p>',
        f'<p class="record">{esc(record)}</p>',
        "</article></body></html>",
    ]
    return "\n".join(parts) + "\n"
