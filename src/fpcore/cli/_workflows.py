"""Commands on procedures: the public notice of approved applications, payment registers."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import pendulum
import typer
from rich.console import Console

from fpcore.cli._app import app
from fpcore.errors import FpcoreError, InvalidInput, Problem
from fpcore.model import Household, sample_county
from fpcore.periods import parse_period
from fpcore.policies import get
from fpcore.serialization import from_document, parse_date, parse_json
from fpcore.workflows import (
    DEFAULT_CONTACT,
    Application,
    Copy,
    loads_applications,
    payment_register,
    public_notice,
)


class NoticeFormat(enum.StrEnum):
    """Output formats of ``fpcore notice``."""

    TEXT = "text"
    HTML = "html"
    CSV = "csv"


class RegisterFormat(enum.StrEnum):
    """Output formats of ``fpcore register``."""

    TEXT = "text"
    CSV = "csv"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {path} ({error.strerror})") from None


def read_population(path: Path) -> list[Household]:
    """Households from a JSON list of household documents, one household document, or
    a directory of household JSON files (``*.json``, in name order).

    Raises:
        InvalidInput: every problem, by file or by position in the list.
    """
    problems: list[Problem] = []
    found: list[Household] = []
    if path.is_dir():
        for file in sorted(path.glob("*.json")):
            try:
                found.append(from_document(parse_json(_read(file)), Household))
            except InvalidInput as error:
                problems.extend(p.under(file.name) for p in error.problems)
    else:
        data = parse_json(_read(path))
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


def _fail(error: Exception) -> typer.Exit:
    out = Console(stderr=True, highlight=False)
    out.print("[bold red]error:[/]", end=" ")
    out.print(str(error), markup=False)
    return typer.Exit(code=1)


@app.command()
def notice(
    applications: Annotated[
        Path, typer.Argument(help="a JSON list of application documents", metavar="APPLICATIONS")
    ],
    output_format: Annotated[
        NoticeFormat, typer.Option("--format", help="text, html or csv")
    ] = NoticeFormat.TEXT,
    posted_on: Annotated[
        str | None, typer.Option(help="first day of the notice, YYYY-MM-DD (default: as posted)")
    ] = None,
    contact: Annotated[str, typer.Option(help="where objections go")] = DEFAULT_CONTACT,
) -> None:
    """Print the public notice (公示) of city-approved applications, names and IDs masked."""
    try:
        chosen: list[Application] = loads_applications(_read(applications))
        day: pendulum.Date | None = parse_date(posted_on) if posted_on is not None else None
        built = public_notice(chosen, posted_on=day, contact=contact, county=sample_county())
    except FpcoreError as error:
        raise _fail(error) from None
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
            help="a JSON list of household documents, or a directory of household JSON files",
            metavar="POPULATION",
        ),
    ],
    policy: Annotated[str, typer.Option(help="a policy id (see: fpcore policies list)")] = (
        "county"
    ),
    period: Annotated[str, typer.Option(help="the period paid: 2017Q1, 2017, ...")] = "2017Q1",
    copy: Annotated[
        Copy, typer.Option(help="public (names and IDs masked) or office (in full)")
    ] = Copy.PUBLIC,
    output_format: Annotated[
        RegisterFormat, typer.Option("--format", help="text or csv")
    ] = RegisterFormat.TEXT,
    applications: Annotated[
        Path | None,
        typer.Option(help="applications whose grant the payments wait for (arrears)"),
    ] = None,
) -> None:
    """Print the cash payment register (现金发放花名册) of a period, by township and village."""
    try:
        households = read_population(population)
        chosen = get(policy)
        waiting = loads_applications(_read(applications)) if applications else []
        built = payment_register(
            households,
            chosen,
            parse_period(period),
            county=sample_county(),
            applications=waiting,
        )
    except FpcoreError as error:
        raise _fail(error) from None
    if output_format is RegisterFormat.CSV:
        typer.echo(built.to_csv(copy), nl=False)
    else:
        typer.echo(built.to_text(copy))
