"""Commands on procedures: the public notice of approved applications, payment registers."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fpcore.cli._app import app
from fpcore.cli._contract import note, read_input
from fpcore.cli._options import check_date, check_period, check_policy

if TYPE_CHECKING:
    from fpcore.model import Household


class NoticeFormat(enum.StrEnum):
    """Output formats of ``fpcore notice``."""

    TEXT = "text"
    HTML = "html"
    CSV = "csv"


class RegisterFormat(enum.StrEnum):
    """Output formats of ``fpcore register``."""

    TEXT = "text"
    CSV = "csv"


class RegisterCopy(enum.StrEnum):
    """As :class:`fpcore.workflows.Copy` (kept here so that ``--help`` loads no workflows)."""

    PUBLIC = "public"
    OFFICE = "office"


def read_population(path: Path) -> list[Household]:
    """Households from a JSON list of household documents, one household document, or
    a directory of household JSON files (``*.json``, in name order); ``-``: stdin.

    Raises:
        InvalidInput: every problem, by file or by position in the list.
    """
    from fpcore.errors import InvalidInput, Problem
    from fpcore.model import Household
    from fpcore.serialization import from_document, parse_json

    problems: list[Problem] = []
    found: list[Household] = []
    if str(path) != "-" and path.is_dir():
        for file in sorted(path.glob("*.json")):
            try:
                found.append(from_document(parse_json(read_input(file)), Household))
            except InvalidInput as error:
                problems.extend(p.under(file.name) for p in error.problems)
    else:
        data = parse_json(read_input(path))
        items = data if isinstance(data, list) else [data]
        for index, item in enumerate(items):
            try:
                found.append(from_document(item, Household))
            except InvalidInput as error:
                prefix = f"[{index}]" if isinstance(data, list) else ""
                problems.extend(p.under(prefix) for p in error.problems)
    if problems:
        raise InvalidInput(problems)
    return found


@app.command()
def notice(
    applications: Annotated[
        Path,
        typer.Argument(
            help="a JSON list of application documents (- for stdin)", metavar="APPLICATIONS"
        ),
    ],
    output_format: Annotated[
        NoticeFormat, typer.Option("--format", help="text, html or csv")
    ] = NoticeFormat.TEXT,
    posted_on: Annotated[
        str | None,
        typer.Option(
            help="first day of the notice, YYYY-MM-DD (default: as posted)", callback=check_date
        ),
    ] = None,
    contact: Annotated[
        str | None, typer.Option(help="where objections go (default: the county bureau)")
    ] = None,
) -> None:
    """Print the public notice (公示) of city-approved applications, names and IDs masked."""
    from fpcore.model import sample_county
    from fpcore.serialization import parse_date
    from fpcore.workflows import DEFAULT_CONTACT, loads_applications, public_notice

    chosen = loads_applications(read_input(applications))
    day = parse_date(posted_on) if posted_on is not None else None
    built = public_notice(
        chosen, posted_on=day, contact=contact or DEFAULT_CONTACT, county=sample_county()
    )
    if output_format is NoticeFormat.HTML:
        typer.echo(built.to_html())
    elif output_format is NoticeFormat.CSV:
        typer.echo(built.to_csv(), nl=False)
    else:
        typer.echo(built.to_text())


@app.command()
def register(
    population: Annotated[
        Path,
        typer.Argument(
            help="a JSON list of household documents, a directory of household JSON files, "
            "or - for stdin",
            metavar="POPULATION",
        ),
    ],
    policy: Annotated[
        str, typer.Option(help="a policy id (see: fpcore policies list)", callback=check_policy)
    ] = "county",
    period: Annotated[
        str, typer.Option(help="the period paid: 2017Q1, 2017, ...", callback=check_period)
    ] = "2017Q1",
    copy: Annotated[
        RegisterCopy, typer.Option(help="public (names and IDs masked) or office (in full)")
    ] = RegisterCopy.PUBLIC,
    output_format: Annotated[
        RegisterFormat, typer.Option("--format", help="text or csv")
    ] = RegisterFormat.TEXT,
    applications: Annotated[
        Path | None,
        typer.Option(
            help="applications whose grant the payments wait for (arrears; withheld if not "
            "granted by the end of the period)"
        ),
    ] = None,
) -> None:
    """Print the cash payment register (现金发放花名册) of a period, by township and village."""
    from fpcore.cli._options import period_notes
    from fpcore.errors import InvalidInput
    from fpcore.model import sample_county
    from fpcore.periods import parse_period
    from fpcore.policies import get
    from fpcore.workflows import Copy, loads_applications, payment_register

    households = read_population(population)
    chosen = get(policy)
    when = parse_period(period)
    try:
        waiting = loads_applications(read_input(applications)) if applications else []
    except InvalidInput as error:
        raise error.under("--applications") from None
    period_notes(chosen, when)
    built = payment_register(households, chosen, when, county=sample_county(), applications=waiting)
    shown = Copy(copy.value)
    if output_format is RegisterFormat.CSV:
        typer.echo(built.to_csv(shown), nl=False)
        for line in built.withheld:  # the CSV holds payments only
            note(f"withheld: {line.to_text()}")
    else:
        typer.echo(built.to_text(shown))
