"""Cash payment registers (现金发放花名册) by township and village, with arrears."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from fpcore.model import County, Household, mask_name, mask_resident_id
from fpcore.money import ZERO, Money
from fpcore.periods import Month, MonthSpan, Period
from fpcore.policies.funding import fund_benefits
from fpcore.rules import Decision, Policy
from fpcore.workflows._application import Application, beneficiary_person, with_confirmation
from fpcore.workflows._csv import csv_text
from fpcore.workflows._notice import benefit_label, place_names
from fpcore.workflows._steps import Status


class LineKind(enum.StrEnum):
    """A register line pays the period's months (``REGULAR``, 当期) or back months
    (``ARREARS``, 补发) of a beneficiary whose eligibility was confirmed late."""

    REGULAR = "regular"
    ARREARS = "arrears"


class Copy(enum.StrEnum):
    """Who a register is printed for: the public (``PUBLIC``, 张贴公开, names and IDs
    masked) or the paying office (``OFFICE``, 发放单位留存, in full)."""

    PUBLIC = "public"
    OFFICE = "office"


class BackPay(enum.StrEnum):
    """How far back a late-confirmed beneficiary is paid (a convention; sources differ).

    - ``FROM_APPLICATION``: the months the rules give from the month of the
      application (申请之月起), so waiting for the procedure costs nothing.
    - ``FROM_GRANT``: nothing before the month of the grant (资格确认之月起).
    """

    FROM_APPLICATION = "from_application"
    FROM_GRANT = "from_grant"


@attrs.frozen(kw_only=True)
class RegisterLine:
    """One payment: a beneficiary, a benefit, the months paid and the amount."""

    township_code: str
    township: str
    village_code: str
    village: str
    household_id: str
    beneficiary: str
    name: str
    resident_id: str | None
    benefit: str
    kind: LineKind
    months: tuple[Month, ...]
    amount: Money

    def payee(self, copy: Copy) -> tuple[str, str]:
        """Name and resident ID as the copy shows them (masked on public copies).

        Example:
            >>> line = RegisterLine(
            ...     township_code="371121100", township="洪凝镇", village_code="371121100201",
            ...     village="洪凝1村", household_id="HN-0001", beneficiary="mother",
            ...     name="张秀娟", resident_id="371121197005011248", benefit="special_assistance",
            ...     kind=LineKind.REGULAR, months=(Month(year=2008, month=1),),
            ...     amount=Money("100"))
            >>> line.payee(Copy.PUBLIC), line.payee(Copy.OFFICE)
            (('张*娟', '371121********1248'), ('张秀娟', '371121197005011248'))
            >>> line.months_text
            '2008-01'
        """
        resident_id = self.resident_id or ""
        if copy is Copy.PUBLIC:
            return mask_name(self.name), mask_resident_id(resident_id) if resident_id else ""
        return self.name, resident_id

    @property
    def months_text(self) -> str:
        """The months paid: ``2017-01..2017-03``, or a list when there are gaps."""
        if not self.months:
            return ""
        first, last = self.months[0], self.months[-1]
        if last.index - first.index + 1 == len(self.months):
            return str(first) if first == last else f"{first}..{last}"
        return ",".join(str(m) for m in self.months)


@attrs.frozen(kw_only=True)
class PayerShare:
    """The part of one benefit's total that one payer funds."""

    benefit: str
    payer: str
    amount: Money


@attrs.frozen(kw_only=True)
class WithheldLine:
    """A beneficiary the rules would pay whose payment waits for an application (暂缓发放):
    not granted by the end of the period, with the reason."""

    household_id: str
    beneficiary: str
    benefit: str
    application_id: str
    reason: str
    amount: Money

    def to_text(self) -> str:
        """One line for the register's text.

        Example:
            >>> WithheldLine(household_id="HN-0002", beneficiary="mother",
            ...     benefit="special_assistance", application_id="TF-1",
            ...     reason="awaiting grant (township review, open)", amount=Money("1500")).to_text()
            'HN-0002  mother  special_assistance  TF-1: awaiting grant (township review, open); 1500.00 withheld'
        """  # noqa: E501
        return (
            f"{self.household_id}  {self.beneficiary}  {self.benefit}  "
            f"{self.application_id}: {self.reason}; {self.amount} withheld"
        )


def _withheld_reason(app: Application) -> str:
    granted = app.granted_on
    if granted is not None:
        return f"granted on {granted}, after the period"
    if app.status is Status.REJECTED:
        return f"application refused at {app.stage.value}"
    return f"awaiting grant ({app.stage.value}, {app.status.value})"


@attrs.frozen(kw_only=True)
class PaymentRegister:
    """A cash payment register for a period: lines by township and village, totals that
    are sums of the lines to the fen, and each payer's share of each benefit."""

    policy_id: str
    policy_version: str
    period: Period
    lines: tuple[RegisterLine, ...]
    shares: tuple[PayerShare, ...]
    withheld: tuple[WithheldLine, ...] = ()

    @property
    def total(self) -> Money:
        """The sum of all lines."""
        return sum((line.amount for line in self.lines), ZERO)

    def _totals(self, key: str) -> dict[str, Money]:
        totals: dict[str, Money] = {}
        for line in self.lines:
            name = getattr(line, key)
            totals[name] = totals.get(name, ZERO) + line.amount
        return totals

    def by_township(self) -> dict[str, Money]:
        """Totals by township code."""
        return self._totals("township_code")

    def by_village(self) -> dict[str, Money]:
        """Totals by village code."""
        return self._totals("village_code")

    def by_benefit(self) -> dict[str, Money]:
        """Totals by benefit."""
        return self._totals("benefit")

    def by_payer(self) -> dict[str, Money]:
        """Totals by payer over all benefits."""
        totals: dict[str, Money] = {}
        for share in self.shares:
            totals[share.payer] = totals.get(share.payer, ZERO) + share.amount
        return totals

    @property
    def arrears(self) -> Money:
        """The total of the arrears lines."""
        return sum((x.amount for x in self.lines if x.kind is LineKind.ARREARS), ZERO)

    def to_text(self, copy: Copy = Copy.PUBLIC) -> str:
        """The register as text: lines grouped by township and village with subtotals,
        a signature column (领款人签字), the total and the payers' shares."""
        lines = [
            f"现金发放花名册 / cash payment register: {self.period} "
            f"({self.policy_id} {self.policy_version}), "
            f"{'public copy (公开)' if copy is Copy.PUBLIC else 'paying office copy (留存)'}",
        ]
        by_township, by_village = self.by_township(), self.by_village()
        township = village = None
        for line in self.lines:
            if line.township_code != township:
                township, village = line.township_code, None
                lines.append(f"{line.township} ({township}): {by_township[township]}")
            if line.village_code != village:
                village = line.village_code
                lines.append(f"  {line.village} ({village}): {by_village[village]}")
            name, resident_id = line.payee(copy)
            kind = "补发" if line.kind is LineKind.ARREARS else "当期"
            lines.append(
                f"    {line.household_id}  {name}  {resident_id or '-'}  "
                f"{benefit_label(line.benefit)}  {kind} {line.months_text}  {line.amount}"
                "  签字:____"
            )
        lines.append(f"合计 total: {self.total} ({len(self.lines)} lines)")
        for share in self.shares:
            lines.append(f"  {share.benefit} / {share.payer}: {share.amount}")
        if self.withheld:
            lines.append(f"暂缓发放 withheld: {len(self.withheld)}")
            lines.extend(f"  {w.to_text()}" for w in self.withheld)
        return "\n".join(lines)

    def to_csv(self, copy: Copy = Copy.PUBLIC) -> str:
        """The register as CSV, one row per line with an empty signature column.

        Every cell goes through :func:`~fpcore.workflows.csv_cell`: no cell starts a
        spreadsheet formula (household ids, names, masked ones included).
        """
        return csv_text(
            [
                "township_code",
                "township",
                "village_code",
                "village",
                "household_id",
                "beneficiary",
                "name",
                "resident_id",
                "benefit",
                "kind",
                "months",
                "amount",
                "signature",
            ],
            (
                [
                    line.township_code,
                    line.township,
                    line.village_code,
                    line.village,
                    line.household_id,
                    line.beneficiary,
                    *line.payee(copy),
                    line.benefit,
                    line.kind.value,
                    line.months_text,
                    str(line.amount),
                    "",
                ]
                for line in self.lines
            ),
        )


def _amounts(
    decision: Decision, benefit: str, beneficiary: str, since: Month | None = None
) -> list[tuple[Month, Money]]:
    found: list[tuple[Month, Money]] = []
    for entitlement in decision.entitlements:
        if entitlement.benefit != benefit or str(entitlement.beneficiary_id) != beneficiary:
            continue
        for month, amount in entitlement.monthly:
            if amount > ZERO and (since is None or month.index >= since.index):
                found.append((month, amount))
    return sorted(found, key=lambda item: item[0].index)


def _latest(applications: Iterable[Application]) -> dict[tuple[str, str, str], Application]:
    """Per household, benefit and beneficiary: a granted application, else the latest."""
    chosen: dict[tuple[str, str, str], Application] = {}
    for app in applications:
        key = (app.household.household_id, app.benefit, app.beneficiary)
        seen = chosen.get(key)
        rank = (app.status is Status.GRANTED, app.submitted_on)
        if seen is None or rank > (seen.status is Status.GRANTED, seen.submitted_on):
            chosen[key] = app
    return chosen


def payment_register(
    households: Iterable[Household],
    policy: Policy,
    period: Period,
    *,
    county: County | None = None,
    applications: Iterable[Application] = (),
    back_pay: BackPay = BackPay.FROM_APPLICATION,
) -> PaymentRegister:
    """The cash payment register of a period (a quarter or a year) from the rules.

    Every household is evaluated for the period; each beneficiary's months with an
    amount become a line. Where an application for the same household, benefit and
    beneficiary is given, payment waits for its grant: nothing is paid unless it was
    granted by the end of the period; months from the grant month are regular, and
    when the grant falls in the period, the earlier months the rules give from the
    back-pay start (:class:`BackPay`) are one arrears line (补发), back before the period
    if need be. A grant confirms the beneficiary's eligibility from its day
    (:meth:`Application.confirmation`), whether or not the household's record carries
    the confirmation yet: where the rules pay from confirmation (special assistance
    for a woman already past 49, domain.md 3.2), nothing is owed before the grant. A
    beneficiary whose application is not granted by the end of the period is listed in
    ``withheld`` with the reason and the amount the rules give. Payer shares come from
    :func:`fpcore.policies.funding.fund_benefits` on the period's first day.

    Raises:
        UnknownName: a benefit with an amount has no funding parameters.

    Example:
        >>> from fpcore.model import sample_county, sample_household
        >>> from fpcore.periods import parse_period
        >>> from fpcore.policies import get
        >>> reg = payment_register([sample_household()], get("county"), parse_period("2008Q1"),
        ...                        county=sample_county())
        >>> [(x.village, x.benefit, x.months_text, str(x.amount)) for x in reg.lines]
        [('洪凝1村', 'only_child_reward', '2008-01..2008-03', '60.00')]
        >>> reg.total, reg.by_payer()
        (Money('60.00'), {'township': Money('30.00'), 'village': Money('30.00')})
    """
    waiting = _latest(applications)
    lines: list[RegisterLine] = []
    withheld: list[WithheldLine] = []
    for household in households:
        # a grant confirms eligibility from its day, recorded in the household or not
        for (household_id, benefit, beneficiary), case in waiting.items():
            granted = case.granted_on
            if household_id == household.household_id and granted and granted <= period.end:
                household = with_confirmation(
                    household, benefit, beneficiary, granted, case.application_id
                )
        decision = policy.evaluate(household, period)
        township_name, village_name = place_names(household.village, county)
        keys = {(e.benefit, str(e.beneficiary_id)) for e in decision.entitlements}
        # a grant in the period may owe arrears even with nothing to pay in the period
        keys |= {
            (benefit, beneficiary)
            for (household_id, benefit, beneficiary), app in waiting.items()
            if household_id == household.household_id
            and app.granted_on is not None
            and period.contains(app.granted_on)
        }
        for benefit, beneficiary in sorted(keys):
            person = beneficiary_person(household, beneficiary)
            app = waiting.get((household.household_id, benefit, beneficiary))
            regular = _amounts(decision, benefit, beneficiary)
            back: list[tuple[Month, Money]] = []
            if app is not None:
                granted = app.granted_on
                if granted is None or granted > period.end:
                    if regular:
                        withheld.append(
                            WithheldLine(
                                household_id=household.household_id,
                                beneficiary=beneficiary,
                                benefit=benefit,
                                application_id=app.application_id,
                                reason=_withheld_reason(app),
                                amount=sum((a for _, a in regular), ZERO),
                            )
                        )
                    continue
                grant_month = Month.of(granted)
                start = (
                    Month.of(app.submitted_on)
                    if back_pay is BackPay.FROM_APPLICATION
                    else grant_month
                )
                back = [(m, a) for m, a in regular if start.index <= m.index < grant_month.index]
                regular = [(m, a) for m, a in regular if m.index >= grant_month.index]
                if period.contains(granted) and start.index < period.first_month.index:
                    before = MonthSpan(first=start, last=period.first_month - 1)
                    back = _amounts(policy.evaluate(household, before), benefit, beneficiary) + back
            for kind, paid in ((LineKind.ARREARS, back), (LineKind.REGULAR, regular)):
                if paid:
                    lines.append(
                        RegisterLine(
                            township_code=household.village[:9],
                            township=township_name,
                            village_code=household.village,
                            village=village_name,
                            household_id=household.household_id,
                            beneficiary=beneficiary,
                            name=person.name if person else household.household_id,
                            resident_id=person.resident_id if person else None,
                            benefit=benefit,
                            kind=kind,
                            months=tuple(m for m, _ in paid),
                            amount=sum((a for _, a in paid), ZERO),
                        )
                    )
    lines.sort(
        key=lambda x: (x.township_code, x.village_code, x.household_id, x.beneficiary, x.benefit)
    )
    totals: dict[str, Money] = {}
    for line in lines:
        totals[line.benefit] = totals.get(line.benefit, ZERO) + line.amount
    funded = fund_benefits(policy, dict(sorted(totals.items())), period.start)
    shares = tuple(
        PayerShare(benefit=benefit, payer=payer, amount=amount)
        for (benefit, payer), amount in funded.items()
    )
    return PaymentRegister(
        policy_id=policy.id,
        policy_version=policy.version,
        period=period,
        lines=tuple(lines),
        shares=shares,
        withheld=tuple(withheld),
    )
