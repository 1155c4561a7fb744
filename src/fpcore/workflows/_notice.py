"""Public notices (公示) of approved applications, with personal data masked."""

from __future__ import annotations

import html
from collections.abc import Iterable

import attrs
import pendulum

from fpcore.errors import InvalidInput, Problem, UnknownName
from fpcore.model import County, mask_name, mask_resident_id
from fpcore.money import Money
from fpcore.workflows._application import Application
from fpcore.workflows._csv import csv_text
from fpcore.workflows._steps import Stage, Status, notice_last_day

BENEFIT_LABELS: dict[str, str] = {
    "special_assistance": "计划生育家庭特别扶助",
    "reward_assistance": "农村部分计划生育家庭奖励扶助",
    "only_child_reward": "独生子女父母奖励费",
}
"""The Chinese name of each catalogue benefit, as notices and registers print it."""

DEFAULT_CONTACT = "县人口和计划生育局"
"""Where complaints go unless a notice says otherwise (the county bureau)."""


def benefit_label(benefit: str) -> str:
    """The Chinese name of a benefit (its id when it has none).

    >>> benefit_label("special_assistance"), benefit_label("other")
    ('计划生育家庭特别扶助', 'other')
    """
    return BENEFIT_LABELS.get(benefit, benefit)


def place_names(village: str, county: County | None) -> tuple[str, str]:
    """Township and village names of a village code (the codes when unknown)."""
    if county is not None:
        try:
            return county.township_of(village).name, county.village(village).name
        except UnknownName:
            pass
    return village[:9], village


@attrs.frozen(kw_only=True)
class NoticeEntry:
    """One line of a public notice; it holds only masked personal data."""

    application_id: str
    name: str
    resident_id: str
    township: str
    village: str
    benefit: str
    monthly_amount: Money


@attrs.frozen(kw_only=True)
class PublicNotice:
    """A public notice (公示) of approved applications.

    Names and resident IDs are masked when the notice is built, so no rendering can
    show them in full: ``张*娟``, ``371121********1248``.
    """

    title: str
    first_day: pendulum.Date
    last_day: pendulum.Date
    contact: str
    entries: tuple[NoticeEntry, ...]

    @property
    def days(self) -> int:
        """How many days the notice runs."""
        return (self.last_day - self.first_day).days + 1

    def _period(self) -> str:
        return f"{self.first_day} 至 {self.last_day}（{self.days}天）"

    def _closing(self) -> str:
        return f"如有异议，请于公示期内向{self.contact}反映。"

    def to_text(self) -> str:
        """The notice as plain text."""
        lines = [self.title, f"公示期：{self._period()}", ""]
        lines.append("序号  姓名  身份证号  乡镇  村  扶助项目  每月金额（元）")
        for number, e in enumerate(self.entries, start=1):
            lines.append(
                f"{number}  {e.name}  {e.resident_id or '-'}  {e.township}  {e.village}  "
                f"{e.benefit}  {e.monthly_amount}"
            )
        lines += ["", self._closing()]
        return "\n".join(lines)

    def to_html(self) -> str:
        """The notice as an HTML fragment; every value is escaped."""
        esc = html.escape
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{esc(str(cell))}</td>"
                for cell in (
                    number,
                    e.name,
                    e.resident_id or "-",
                    e.township,
                    e.village,
                    e.benefit,
                    e.monthly_amount,
                )
            )
            + "</tr>"
            for number, e in enumerate(self.entries, start=1)
        )
        head = "".join(
            f"<th>{h}</th>"
            for h in ("序号", "姓名", "身份证号", "乡镇", "村", "扶助项目", "每月金额（元）")
        )
        return (
            f'<section class="fpcore-notice"><h1>{esc(self.title)}</h1>'
            f"<p>公示期：{esc(self._period())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            f"<p>{esc(self._closing())}</p></section>"
        )

    def to_csv(self) -> str:
        """The notice as CSV: one row per entry, with the notice period and contact.

        Every cell goes through :func:`~fpcore.workflows.csv_cell`: no cell starts a
        spreadsheet formula.
        """
        return csv_text(
            [
                "number",
                "name",
                "resident_id",
                "township",
                "village",
                "benefit",
                "monthly_amount",
                "notice_from",
                "notice_to",
                "contact",
            ],
            (
                [
                    number,
                    e.name,
                    e.resident_id,
                    e.township,
                    e.village,
                    e.benefit,
                    str(e.monthly_amount),
                    self.first_day.isoformat(),
                    self.last_day.isoformat(),
                    self.contact,
                ]
                for number, e in enumerate(self.entries, start=1)
            ),
        )


def public_notice(
    applications: Iterable[Application],
    *,
    posted_on: pendulum.Date | None = None,
    contact: str = DEFAULT_CONTACT,
    county: County | None = None,
    title: str = "计划生育家庭扶助对象公示",
) -> PublicNotice:
    """The public notice of a batch of applications the city has approved.

    Each application must be at the public-notice stage and open. The printed period
    is always the one the procedure enforces: an application whose notice is posted
    prints its posting day (``posted_on``, if given, must be that day); one not yet
    posted needs ``posted_on``, no earlier than the city's approval, and must then be
    posted on that day (:meth:`~fpcore.workflows.Application.post_notice`). The length
    is the applications' ``notice_days`` (7 days at least).

    Args:
        applications: city-approved applications.
        posted_on: the first day of the notice.
        contact: where to raise an objection (投诉/异议 contact).
        county: names townships and villages (codes are shown without it).
        title: the notice's heading.

    Raises:
        InvalidInput: an application is not approved by the city, the notice lengths
            or posting days disagree, or no posting day is known; every problem by
            the application's position (``[2]``).

    Example:
        >>> from fpcore.model import sample_county
        >>> from fpcore.workflows import Application, sample_applicant
        >>> D = pendulum.Date
        >>> app = Application.submit(application_id="TF-1", household=sample_applicant(),
        ...                          benefit="special_assistance", on=D(2008, 3, 3))
        >>> for day in (5, 10, 14, 20):
        ...     app = app.approve(D(2008, 3, day))
        >>> notice = public_notice([app], posted_on=D(2008, 3, 21), county=sample_county(),
        ...                        contact="县人口和计划生育局 0633-5211234")
        >>> print(notice.to_text())
        计划生育家庭扶助对象公示
        公示期：2008-03-21 至 2008-03-27（7天）
        <BLANKLINE>
        序号  姓名  身份证号  乡镇  村  扶助项目  每月金额（元）
        1  李*英  371121********3488  洪凝镇  洪凝2村  计划生育家庭特别扶助  100.00
        <BLANKLINE>
        如有异议，请于公示期内向县人口和计划生育局 0633-5211234反映。
    """
    chosen = list(applications)
    problems: list[Problem] = []
    starts: set[pendulum.Date] = set()
    lengths: set[int] = set()
    unposted = 0
    for index, app in enumerate(chosen):
        if app.stage is not Stage.PUBLIC_NOTICE or app.status is not Status.OPEN:
            problems.append(
                Problem(
                    f"[{index}]",
                    f"{app.application_id} is {app.status.value} at {app.stage.value}, "
                    "not approved by the city for notice",
                )
            )
            continue
        lengths.add(app.notice_days)
        period = app.notice_period
        if period is None:
            unposted += 1
            last = app.state.last_day
            if posted_on is not None and posted_on < last:
                problems.append(
                    Problem(
                        f"[{index}]",
                        f"{app.application_id}: a notice from {posted_on} would start before "
                        f"the city's approval ({last})",
                    )
                )
        else:
            starts.add(period[0])
            if posted_on is not None and posted_on != period[0]:
                problems.append(
                    Problem(
                        f"[{index}]",
                        f"{app.application_id}: its notice was posted on {period[0]}; the "
                        f"printed notice must show that period, not one from {posted_on}",
                    )
                )
    if len(lengths) > 1:
        problems.append(Problem("", f"the notice lengths differ: {sorted(lengths)} days"))
    if posted_on is None and not problems and (len(starts) != 1 or unposted):
        problems.append(Problem("", "give posted_on: the applications' notices disagree"))
    if problems:
        raise InvalidInput(problems)
    first = posted_on if posted_on is not None else next(iter(starts))
    days = next(iter(lengths)) if lengths else 7
    entries = []
    for app in chosen:
        person = app.person
        township, village = place_names(app.household.village, county)
        entries.append(
            NoticeEntry(
                application_id=app.application_id,
                name=mask_name(person.name),
                resident_id=mask_resident_id(person.resident_id) if person.resident_id else "",
                township=township,
                village=village,
                benefit=benefit_label(app.benefit),
                monthly_amount=app.monthly_amount,
            )
        )
    return PublicNotice(
        title=title,
        first_day=first,
        last_day=notice_last_day(first, days),
        contact=contact,
        entries=tuple(entries),
    )
