"""``fpcore import-register FILE`` and ``fpcore export-register POPULATION``: a county's
register (CSV or Excel, one row per person) to household documents, and back."""

from __future__ import annotations

import enum
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from fpcore.cli._app import app
from fpcore.cli._contract import STDIN, input_name, note, read_input


class _Headers(enum.StrEnum):
    both = "both"
    zh = "zh"
    en = "en"


def _write_text(text: str, out: Path | None) -> None:
    """``text`` to ``out`` (written beside it, then moved into place) or to stdout."""
    from fpcore.registers._files import publish

    if out is None:
        sys.stdout.write(text)
        return
    descriptor, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        publish(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)


@app.command("import-register")
def import_register(
    file: Annotated[
        Path,
        typer.Argument(
            help="the register: CSV, or an Excel workbook (.xlsx); - for CSV on stdin",
            metavar="FILE",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="write the households here (default: stdout)", metavar="FILE"),
    ] = None,
    encoding: Annotated[
        str, typer.Option(help="the CSV file's encoding (gb18030 for GBK files)")
    ] = "utf-8",
    sheet: Annotated[
        str | None, typer.Option(help="the workbook's sheet (default: the first)")
    ] = None,
    ignore_unknown_columns: Annotated[
        bool,
        typer.Option(
            "--ignore-unknown-columns", help="read past columns the template does not have"
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="errors as JSON on stderr")] = False,
) -> None:
    """Read a county register (one row per person, the template of docs/registers.md)
    into a JSON list of household documents, the POPULATION other commands read.

    All or nothing: every bad cell is reported by row and column on stderr (exit 1)
    and nothing is written.
    """
    from fpcore.registers import decode, loads_households, read_households
    from fpcore.serialization import to_document

    if str(file) == STDIN:
        if sheet is not None:
            raise typer.BadParameter("--sheet is for workbooks; stdin is read as CSV")
        households = loads_households(
            decode(read_input(file), encoding), ignore_unknown_columns=ignore_unknown_columns
        )
    else:
        households = read_households(
            file, encoding=encoding, sheet=sheet, ignore_unknown_columns=ignore_unknown_columns
        )
    documents = [to_document(h) for h in households]
    _write_text(json.dumps(documents, ensure_ascii=False, indent=2) + "\n", out)
    persons = sum(len(h.parents) + len(h.children) for h in households)
    note(f"read {len(households)} households ({persons} persons) from {input_name(file)}")


@app.command("export-register")
def export_register(
    population: Annotated[
        Path,
        typer.Argument(
            help="households: a JSON list of household documents, one document, or a "
            "directory of them (- for stdin)",
            metavar="POPULATION",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            help="the register file: .csv, or .xlsx for a workbook (default: CSV on stdout)",
            metavar="FILE",
        ),
    ] = None,
    headers: Annotated[
        _Headers, typer.Option(help="column headers: both (中文 english), zh or en")
    ] = _Headers.both,
    as_json: Annotated[bool, typer.Option("--json", help="errors as JSON on stderr")] = False,
) -> None:
    """Write households as a county register (one row per person, the template of
    docs/registers.md): CSV in UTF-8 with a BOM (Excel shows the Chinese), or .xlsx."""
    from fpcore.cli._workflows import read_population
    from fpcore.registers import dumps_households, write_households

    households = read_population(population)
    if out is None:
        sys.stdout.write(dumps_households(households, headers=headers.value))
    else:
        write_households(households, out, headers=headers.value)
        note(f"wrote {len(households)} households to {out}")
