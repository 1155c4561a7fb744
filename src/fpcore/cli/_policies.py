"""Commands on the policy catalogue: evaluate a household, list, show and diff policies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from fpcore.cli._app import app
from fpcore.cli._documents import read_household
from fpcore.errors import FpcoreError, InvalidInput
from fpcore.periods import parse_period
from fpcore.policies import get, list_policies
from fpcore.policies._explorer import policy_markdown
from fpcore.rules import diff

policies_app = typer.Typer(help="The catalogue of named policy versions.", no_args_is_help=True)
app.add_typer(policies_app, name="policies")


def _fail(out: Console, error: Exception) -> typer.Exit:
    out.print(f"[bold red]error:[/] {error}")
    return typer.Exit(code=1)


@app.command()
def evaluate(
    household: Annotated[Path, typer.Argument(help="a household JSON document")],
    policy: Annotated[str, typer.Option(help="a policy id (see: fpcore policies list)")] = (
        "county"
    ),
    period: Annotated[str, typer.Option(help="2017, 2017Q1, 2017-03 or 2017-01..2017-06")] = (
        "2017"
    ),
    explain: Annotated[bool, typer.Option(help="say why and why not, with citations")] = False,
    json: Annotated[bool, typer.Option("--json", help="print the decision as JSON")] = False,
    lang: Annotated[str, typer.Option(help="text language: en or zh")] = "en",
) -> None:
    """Evaluate one household under a policy for a period."""
    out = Console(highlight=False)
    try:
        chosen = get(policy)
        decision = chosen.evaluate(read_household(household), parse_period(period), explain=explain)
    except (FpcoreError, InvalidInput) as error:
        raise _fail(out, error) from None
    if json:
        typer.echo(decision.to_json(indent=2))
        return
    if explain:
        typer.echo(decision.to_text("zh" if lang == "zh" else "en"))
        return
    table = Table("benefit", "beneficiary", "months", "total")
    for entitlement in decision.entitlements:
        table.add_row(
            entitlement.benefit,
            str(entitlement.beneficiary_id),
            str(entitlement.months),
            str(entitlement.total),
        )
    out.print(f"[bold]{chosen.id}[/] {chosen.version}, period {period}: total {decision.total()}")
    out.print(table)


@policies_app.command("list")
def list_command() -> None:
    """The named policy versions."""
    table = Table("id", "version", "title", "rules")
    for policy_id in list_policies():
        policy = get(policy_id)
        table.add_row(
            policy.id, policy.version, policy.title, ", ".join(r.id for r in policy.rules)
        )
    Console().print(table)


@policies_app.command("show")
def show(policy_id: Annotated[str, typer.Argument(help="a policy id")]) -> None:
    """A policy's rules, conditions, parameters by period and sources (markdown)."""
    try:
        typer.echo(policy_markdown(get(policy_id)))
    except FpcoreError as error:
        raise _fail(Console(), error) from None


@policies_app.command("diff")
def diff_command(
    a: Annotated[str, typer.Argument(help="the baseline policy id")],
    b: Annotated[str, typer.Argument(help="the policy to compare")],
) -> None:
    """What changes from policy A to policy B: parameters by date, rules, settings."""
    try:
        typer.echo(str(diff(get(a), get(b))))
    except FpcoreError as error:
        raise _fail(Console(), error) from None
