"""Commands on household documents: validate, schema, demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pendulum
import typer
from rich.console import Console
from rich.table import Table

from fpcore.cli._app import app
from fpcore.errors import InvalidInput
from fpcore.model import Household, mask_name, mask_resident_id, sample_household
from fpcore.periods import age_on
from fpcore.serialization import json_schema, loads_household


def read_household(path: Path) -> Household:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read the file ({error.strerror})") from None
    return loads_household(data)  # version 1 or 2, or an event document


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="household JSON documents", metavar="FILE")],
) -> None:
    """Check household documents (version 1 or 2, or event documents): OK, or every
    problem with its path; exit 1 if any is bad."""
    out = Console(highlight=False)
    bad = 0
    for path in files:
        try:
            read_household(path)
        except InvalidInput as error:
            bad += 1
            out.print(f"[bold red]INVALID[/] {path}")
            for problem in error.problems:
                out.print(f"  {problem.path or '(document)'}: {problem.message}", markup=False)
        else:
            out.print(f"[green]OK[/] {path}")
    if bad:
        raise typer.Exit(code=1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the household document."""
    typer.echo(json.dumps(json_schema(Household), ensure_ascii=False, indent=2))


@app.command()
def demo(
    file: Annotated[
        Path | None, typer.Argument(help="a household JSON document (default: the sample)")
    ] = None,
    on: Annotated[str, typer.Option(help="the day to look at the household, YYYY-MM-DD")] = (
        "2008-06-30"
    ),
    policy_id: Annotated[str, typer.Option("--policy", help="the policy to evaluate under")] = (
        "county"
    ),
    households: Annotated[
        int, typer.Option(help="households of the synthetic county (0: skip the county)")
    ] = 168_000,
    year: Annotated[int, typer.Option(help="the year to evaluate the county for")] = 2008,
) -> None:
    """The sample household (what fpcore sees in it, its entitlements over the years),
    then a synthetic county evaluated for a year, by township and payer, with a what-if."""
    out = Console(highlight=False, width=max(120, Console().width))
    try:
        household = sample_household() if file is None else read_household(file)
        day = pendulum.Date.fromisoformat(on)
    except (InvalidInput, ValueError) as error:
        out.print(f"[bold red]cannot run the demo:[/] {error}", markup=True)
        raise typer.Exit(code=1) from None
    out.print(f"[bold]Household {household.household_id}[/] (village {household.village}), {day}")
    people = Table("who", "name", "resident ID", "born", "age", "hukou")
    for parent in household.parents:
        shown_id = mask_resident_id(parent.resident_id) if parent.resident_id else "-"
        people.add_row(
            "parent",
            mask_name(parent.name),
            shown_id,
            str(parent.birth_date),
            str(parent.age_on(day)),
            parent.hukou_on(day).value,
        )
    for child in household.children:
        people.add_row(
            f"child ({child.link.value})",
            mask_name(child.name),
            "-",
            str(child.birth_date),
            str(age_on(child.birth_date, day)) if child.alive_on(day) else "-",
            "",
        )
    out.print(people)
    records = Table("record", "number / amount", "date", "state")
    for certificate in household.certificates:
        returned = f"returned {certificate.returned}" if certificate.returned else ""
        records.add_row(
            certificate.kind.value, certificate.number, str(certificate.issued), returned
        )
    quota = household.second_child_quota
    if quota is not None:
        state = f"waived {quota.waived}" if quota.waived else "held"
        records.add_row("second_child_quota", "", str(quota.granted), state)
    for deposit in household.deposits:
        state = f"refunded {deposit.refunded}" if deposit.refunded else "outstanding"
        records.add_row("deposit", str(deposit.amount), str(deposit.paid), state)
    out.print(records)
    _show_entitlements(out, household, policy_id)
    if households > 0:
        try:
            from fpcore.cli._county_demo import show_county
        except ImportError:  # the county needs the batch extra (polars, numpy)
            out.print(
                'the county part needs: pip install "fpcore[batch]"', style="yellow", markup=False
            )
            return
        show_county(out, policy_id, households, year)


def _show_entitlements(out: Console, household: Household, policy_id: str) -> None:
    """What the household is entitled to under a policy, over a few telling periods."""
    from fpcore.periods import parse_period
    from fpcore.policies import get

    policy = get(policy_id)
    out.print(f"[bold]Entitlements under policy {policy.id}[/] {policy.version}")
    table = Table("period", "benefit", "beneficiary", "months", "total", "why not (last month)")
    for text in ("2004Q2", "2008", "2017", "2030"):
        period = parse_period(text)
        decision = policy.evaluate(household, period, explain=True)
        for entitlement in decision.entitlements:
            table.add_row(
                text,
                entitlement.benefit,
                str(entitlement.beneficiary_id),
                str(entitlement.months),
                str(entitlement.total),
                "",
            )
        last = period.last_month
        for trace in decision.explanations:
            if trace.month == last and not trace.applied:
                why_not = ", ".join(trace.failed) if trace.in_force else "not in force"
                table.add_row(text, trace.rule_id, str(trace.beneficiary_id), "0", "0.00", why_not)
    out.print(table)
