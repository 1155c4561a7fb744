"""Commands on household documents: validate, schema, demo."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fpcore.cli._app import app
from fpcore.cli._contract import EXIT_REFUSED, input_name, note, read_input, refuse
from fpcore.cli._options import check_date, check_policy
from fpcore.cli._text import plain

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from fpcore.model import Household
    from fpcore.rules import Decision


def read_household(path: Path | str) -> Household:
    """A household from a JSON document file (``-``: stdin): version 1 or 2, or an event
    document.

    Raises:
        InvalidInput: the file cannot be read or is not a valid household document.
    """
    from fpcore.serialization import loads_household

    return loads_household(read_input(path))  # version 1 or 2, or an event document


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(help="household JSON documents (- for stdin)", metavar="FILE")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="print the findings as a JSON list")
    ] = False,
) -> None:
    """Check household documents (version 1 or 2, or event documents): OK, or every
    problem with its path; exit 1 if any is bad.

    OK lines go to stdout, problems to stderr; with --json, stdout gets one record per
    file: {"file", "valid", "problems": [{"path", "message"}]}.
    """
    from fpcore.errors import InvalidInput, Problem

    records: list[dict[str, object]] = []
    bad = 0
    for path in files:
        name = input_name(path)
        problems: tuple[Problem, ...] = ()
        try:
            read_household(path)
        except InvalidInput as error:
            bad += 1
            problems = error.problems
        records.append(
            {
                "file": name,
                "valid": not problems,
                "problems": [{"path": p.path, "message": p.message} for p in problems],
            }
        )
        if as_json:
            continue
        if problems:
            typer.echo(f"INVALID {name}", err=True)
            for problem in problems:
                typer.echo(f"  {problem.path or '(document)'}: {problem.message}", err=True)
        else:
            typer.echo(f"OK {name}")
    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
    if bad:
        raise typer.Exit(code=EXIT_REFUSED)


class _SchemaOf(enum.StrEnum):
    household = "household"
    decision = "decision"


@app.command()
def schema(
    document: Annotated[
        _SchemaOf, typer.Argument(help="which document: household or decision")
    ] = _SchemaOf.household,
) -> None:
    """Print the JSON Schema of the household document (or of the decision document)."""
    from fpcore.model import Household
    from fpcore.serialization import decision_schema, json_schema

    found = json_schema(Household) if document is _SchemaOf.household else decision_schema()
    typer.echo(json.dumps(found, ensure_ascii=False, indent=2))


@app.command()
def demo(
    file: Annotated[
        Path | None,
        typer.Argument(help="a household JSON document, - for stdin (default: the sample)"),
    ] = None,
    on: Annotated[
        str,
        typer.Option(help="the day to look at the household, YYYY-MM-DD", callback=check_date),
    ] = "2008-06-30",
    policy_id: Annotated[
        str, typer.Option("--policy", help="the policy to evaluate under", callback=check_policy)
    ] = "county",
    households: Annotated[
        int,
        typer.Option(
            min=0,
            help="households of the synthetic county calibrated to the report (212,000: the "
            "whole county; fewer: a sample of it; 0: skip the county)",
        ),
    ] = 212_000,
    year: Annotated[
        int, typer.Option(help="the year to evaluate the county for", min=1850, max=2199)
    ] = 2008,
) -> None:
    """The sample household (what fpcore sees in it, its entitlements over the years),
    then a synthetic county evaluated for a year, by township and payer, with a what-if."""
    import pendulum
    from rich.console import Console
    from rich.table import Table

    from fpcore.cli._options import first_in_force, in_force
    from fpcore.model import mask_name, mask_resident_id, sample_household
    from fpcore.periods import age_on
    from fpcore.policies import get

    policy = get(policy_id)
    if households > 0 and pendulum.Date(year, 12, 31) < first_in_force(policy):
        refuse(f"--year {year}: nothing to evaluate; {in_force(policy)}")
    household = sample_household() if file is None else read_household(file)
    day = pendulum.Date.fromisoformat(on)
    out = Console(highlight=False, width=max(120, Console().width))
    out.print(
        f"[bold]Household {plain(household.household_id)}[/] "
        f"(village {plain(household.village)}), {day}"
    )
    people = Table("who", "name", "resident ID", "born", "age", "hukou")
    for parent in household.parents:
        shown_id = mask_resident_id(parent.resident_id) if parent.resident_id else "-"
        people.add_row(
            "parent",
            plain(mask_name(parent.name)),
            shown_id,
            str(parent.birth_date),
            str(parent.age_on(day)),
            parent.hukou_on(day).value,
        )
    for child in household.children:
        people.add_row(
            f"child ({child.link.value})",
            plain(mask_name(child.name)),
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
            certificate.kind.value, plain(certificate.number), str(certificate.issued), returned
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
            note('the county part needs the batch extra: pip install "fpcore[batch]"')
            return
        show_county(out, policy_id, households, year)


def spans_table(decision: Decision, lang: str, period: str | None = None) -> Table:
    """A decision as a table: one row per benefit and beneficiary, by the benefit's name,
    with the months paid, the total and why the last unpaid months are not paid."""
    from rich.table import Table

    from fpcore.rules._text import Lang, benefit_name, role_name, span_reason

    chosen: Lang = "zh" if lang == "zh" else "en"
    heads = ("benefit", "beneficiary", "months paid", "total", "why not (last unpaid months)")
    if chosen == "zh":
        heads = ("待遇", "对象", "发放月数", "金额（元）", "不予发放的理由（最后一段）")
    table = Table(*(("period",) if period is not None else ()), *heads)
    for b in decision.spans:
        unpaid = [s for s in b.spans if not s.paid]
        why = ""
        if unpaid:
            last = unpaid[-1]
            when = str(last.first) if last.first == last.last else f"{last.first}..{last.last}"
            why = f"{when}: {span_reason(decision, b.benefit, last, chosen)}"
        table.add_row(
            *((period,) if period is not None else ()),
            benefit_name(decision, b.benefit, chosen),
            plain(b.household_id if b.entity == "household" else role_name(b, chosen)),
            str(sum(s.months for s in b.spans if s.paid)),
            str(b.total),
            plain(why),
        )
    return table


def _show_entitlements(out: Console, household: Household, policy_id: str) -> None:
    """What the household is entitled to under a policy, over a few telling periods."""
    from fpcore.periods import parse_period
    from fpcore.policies import get

    policy = get(policy_id)
    out.print(f"[bold]Entitlements under policy {policy.id}[/] {policy.version}")
    for text in ("2004Q2", "2008", "2017", "2030"):
        decision = policy.evaluate(household, parse_period(text))
        out.print(spans_table(decision, "en", text))
