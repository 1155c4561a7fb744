"""The county part of ``fpcore demo``: the synthetic county calibrated to the report,
measured against the report, evaluated for a year, and a what-if."""

from __future__ import annotations

import time
from collections.abc import Mapping

import pendulum
import polars as pl
from rich.console import Console
from rich.table import Table

from fpcore.money import Money
from fpcore.periods import Year
from fpcore.policies import get
from fpcore.policies.funding import fund_benefits, share_assumptions
from fpcore.rules import Policy, Population
from fpcore.scenario import compare, entitlement_lines
from fpcore.synth import CALIBRATED_HOUSEHOLDS, CountyCalibration, calibrated_county

#: The targets the demo shows (all are measured; ``describe()`` prints them all).
KEY_TARGETS = (
    "people",
    "married_women_15_49",
    "crude_birth_rate",
    "crude_death_rate",
    "natural_growth_rate",
    "planned_birth_rate",
    "double_fee_couples",
    "special_assistance_families",
    "only_child_reward_yuan",
)


def _totals(policy: Policy, population: Population, year: Year) -> pl.DataFrame:
    """Amount per township and benefit (persons' and households' benefits together)."""
    return (
        entitlement_lines(policy, population, year)
        .group_by("township", "benefit")
        .agg(pl.len().alias("beneficiaries"), pl.col("fen").alias("amount_fen").sum())
        .sort("township", "benefit")
    )


def _by_benefit(totals: pl.DataFrame) -> dict[str, tuple[int, Money]]:
    rows = totals.group_by("benefit").agg(pl.col("beneficiaries").sum(), pl.col("amount_fen").sum())
    return {
        benefit: (count, Money.from_fen(fen))
        for benefit, count, fen in rows.sort("benefit").iter_rows()
    }


def show_county(out: Console, policy_id: str, households: int, year_number: int) -> None:
    """Build the calibrated county, show it against the report, evaluate it for a year,
    split by payer, and a what-if."""
    policy, year = get(policy_id), Year(year=year_number)
    started = time.perf_counter()
    county = calibrated_county(scale=households / CALIBRATED_HOUSEHOLDS)
    population = Population(county.tables())
    built = time.perf_counter() - started
    people = population.persons.height + population.table("children").height
    out.print(
        f"\n[bold]Synthetic county[/]: {county.size:,} households calibrated to the report, "
        f"{people:,} parents and children ({len(county.geography.townships)} townships, "
        f"{county.geography.village_count} villages), built in {built:.2f} s"
    )
    _show_calibration(out, county.describe())
    started = time.perf_counter()
    totals = _totals(policy, population, year)
    took = time.perf_counter() - started
    names = {t.code: t.name for t in county.geography.townships}
    benefits = sorted(totals["benefit"].unique().to_list())
    table = Table("township", *benefits, "total", title=f"{policy.id} {year}: yuan by township")
    for code in sorted(names):
        rows = totals.filter(pl.col("township") == code)
        amounts = {
            b: Money.from_fen(f) for b, f in rows.select("benefit", "amount_fen").iter_rows()
        }
        cells = [str(amounts.get(b, Money(0))) for b in benefits]
        table.add_row(names[code], *cells, str(sum(amounts.values(), Money(0))))
    out.print(table)
    by_benefit = _by_benefit(totals)
    out.print(
        f"evaluated {population.persons.height:,} persons for 12 months in {took:.2f} s "
        f"(batch evaluator); county total {sum((m for _, m in by_benefit.values()), Money(0))}"
    )
    _show_funding(out, policy, by_benefit, year)
    _show_what_if(out, policy, population, year)


def _show_calibration(out: Console, calibration: CountyCalibration) -> None:
    """The key lines of ``describe()``: the report's figures against the county's."""
    lines = calibration.lines()
    out.print(lines[0], markup=False)
    shown = [row for row in calibration if row.target.key in KEY_TARGETS]
    for row, line in zip(calibration, lines[1:], strict=True):
        if row in shown:
            out.print(line, markup=False)
    met = sum(row.within for row in calibration)
    out.print(
        f"  {met} of {len(calibration.rows)} targets within tolerance "
        "(all: fpcore.synth.calibrated_county().describe())",
        markup=False,
    )


def _show_funding(
    out: Console, policy: Policy, by_benefit: Mapping[str, tuple[int, Money]], year: Year
) -> None:
    shares = fund_benefits(policy, {b: m for b, (_, m) in by_benefit.items()}, year.start)
    assumed = share_assumptions(policy, by_benefit, year.start)
    table = Table(
        "benefit", "payer", "amount", "basis", title="who pays (cost shares, exact to the fen)"
    )
    for (benefit, payer), amount in shares.items():
        basis = assumed[benefit].confidence if benefit in assumed else "sourced"
        table.add_row(benefit, payer, str(amount), basis)
    out.print(table)
    for benefit, citation in assumed.items():
        out.print(
            f"note: the {benefit} shares are a {citation.confidence}: {citation.document}",
            markup=False,
        )


def _show_what_if(out: Console, policy: Policy, population: Population, year: Year) -> None:
    """What if reward assistance were 1,200 a year from the start of the year?"""
    parameter = policy.parameters["reward_assistance.annual"]
    citation = parameter.entry_at(year.start).citation
    reform = policy.with_parameter(
        parameter.with_value(pendulum.Date(year.year, 1, 1), Money("1200"), citation)
    ).with_identity(version=f"{policy.version}+ra1200")
    table = Table(
        "benefit",
        "beneficiaries",
        "baseline",
        "reform",
        "change",
        "gain / lose",
        title=f"what if reward assistance were 1,200 a year from {year.start}?",
    )
    for row in compare(population, policy, reform, year).iter_rows(named=True):
        table.add_row(
            row["benefit"],
            f"{row['base_beneficiaries']:,} -> {row['reform_beneficiaries']:,}",
            str(Money.from_fen(row["base_fen"])),
            str(Money.from_fen(row["reform_fen"])),
            str(Money.from_fen(row["change_fen"])),
            f"{row['gainers']:,} / {row['losers']:,}",
        )
    out.print(table)
