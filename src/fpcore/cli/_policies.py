"""Commands on the policy catalogue: evaluate a household, list, show and diff policies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fpcore.cli._app import app
from fpcore.cli._contract import refuse
from fpcore.cli._options import Lang, check_period, check_policy
from fpcore.cli._text import plain

policies_app = typer.Typer(help="The catalogue of named policy versions.", no_args_is_help=True)
app.add_typer(policies_app, name="policies")


@app.command()
def evaluate(
    household: Annotated[Path, typer.Argument(help="a household JSON document (- for stdin)")],
    policy: Annotated[
        str, typer.Option(help="a policy id (see: fpcore policies list)", callback=check_policy)
    ] = "county",
    period: Annotated[
        str,
        typer.Option(help="2017, 2017Q1, 2017-03 or 2017-01..2017-06", callback=check_period),
    ] = "2017",
    explain: Annotated[bool, typer.Option(help="say why and why not, with citations")] = False,
    json: Annotated[bool, typer.Option("--json", help="print the decision as JSON")] = False,
    lang: Annotated[Lang, typer.Option(help="text language: en or zh")] = Lang.en,
    notice_html: Annotated[
        Path | None,
        typer.Option(
            "--notice-html",
            help="also write the notice of the decision to the household (核定通知书, "
            "printable HTML in Chinese, names masked) to this file",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """Evaluate one household under a policy for a period."""
    from fpcore.cli._documents import read_household
    from fpcore.cli._options import period_notes
    from fpcore.errors import InvalidInput
    from fpcore.periods import parse_period
    from fpcore.policies import get

    chosen = get(policy)
    when = parse_period(period)
    try:
        found = read_household(household)
    except InvalidInput as error:
        refuse(error, as_json=json)
    period_notes(chosen, when)
    decision = chosen.evaluate(found, when, explain=explain)
    if notice_html is not None:
        from fpcore.model import sample_county
        from fpcore.workflows import decision_notice_html

        page = decision_notice_html(decision, found, county=sample_county())
        try:
            notice_html.write_text(page, encoding="utf-8")
        except OSError as error:
            refuse(f"cannot write {plain(str(notice_html))}: {plain(error.strerror or '')}")
    if json:  # the decision record itself, byte for byte (fpcore replay reads it)
        typer.echo(decision.to_json())
        return
    if explain:
        typer.echo(decision.to_text(lang.value))
        return
    from rich.console import Console

    from fpcore.cli._documents import spans_table

    out = Console(highlight=False)
    out.print(f"[bold]{chosen.id}[/] {chosen.version}, period {period}: total {decision.total()}")
    out.print(spans_table(decision, lang.value))


@app.command()
def replay(
    decision: Annotated[Path, typer.Argument(help="a decision JSON document")],
    household: Annotated[Path, typer.Argument(help="its household JSON document (- for stdin)")],
) -> None:
    """Evaluate a recorded decision's household again: identical, or what differs and why
    (exits 1 when it differs)."""
    from fpcore.cli._documents import read_household
    from fpcore.errors import FpcoreError, InvalidInput
    from fpcore.policies import get, list_policies
    from fpcore.rules import Decision

    try:
        recorded = Decision.from_json(decision.read_bytes())
        found = read_household(household)
    except OSError as error:
        refuse(f"cannot read {plain(str(decision))}: {plain(error.strerror or str(error))}")
    except InvalidInput as error:
        refuse(error)
    policy_id = recorded.stamp.policy_id
    policy = get(policy_id) if policy_id in list_policies() else None
    try:
        result = recorded.verify(found, policy)
    except FpcoreError as error:
        refuse(error)
    typer.echo(str(result))
    if not result.identical:
        raise typer.Exit(code=1)


@policies_app.command("list")
def list_command() -> None:
    """The named policy versions."""
    from rich.console import Console
    from rich.table import Table

    from fpcore.policies import get, list_policies

    table = Table("id", "version", "title", "rules")
    for policy_id in list_policies():
        policy = get(policy_id)
        table.add_row(
            policy.id, policy.version, policy.title, ", ".join(r.id for r in policy.rules)
        )
    Console().print(table)


@policies_app.command("show")
def show(
    policy_id: Annotated[str, typer.Argument(help="a policy id", callback=check_policy)],
) -> None:
    """A policy's rules, conditions, parameters by period and sources (markdown)."""
    from fpcore.policies import get
    from fpcore.policies._explorer import policy_markdown

    typer.echo(policy_markdown(get(policy_id)))


@policies_app.command("diff")
def diff_command(
    a: Annotated[str, typer.Argument(help="the baseline policy id", callback=check_policy)],
    b: Annotated[str, typer.Argument(help="the policy to compare", callback=check_policy)],
) -> None:
    """What changes from policy A to policy B: parameters by date, rules, settings."""
    from fpcore.policies import get
    from fpcore.rules import diff

    typer.echo(str(diff(get(a), get(b))))
