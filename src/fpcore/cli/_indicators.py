"""``fpcore indicators REGISTER_DIR --year 2008 [--by township|village] [--json]``."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer

from fpcore.cli._app import app
from fpcore.cli._contract import refuse
from fpcore.cli._text import plain


class _By(enum.StrEnum):
    county = "county"
    township = "township"
    village = "village"


class _Basis(enum.StrEnum):
    registered = "registered"
    resident = "resident"


class _Population(enum.StrEnum):
    start_end = "start-end"
    mid_year = "mid-year"


class _Defects(enum.StrEnum):
    perinatal = "perinatal"
    live = "live"


@app.command("indicators")
def indicators(
    register_dir: Annotated[
        Path,
        typer.Argument(
            help="a register directory (register.json + persons/births/... .csv or .parquet)",
            metavar="REGISTER_DIR",
        ),
    ],
    year: Annotated[int, typer.Option(help="the calendar year, e.g. 2008", min=1850, max=2199)],
    by: Annotated[_By, typer.Option(help="the finest area level to report")] = _By.township,
    basis: Annotated[
        _Basis, typer.Option(help="population basis: registered (户籍) or resident (常住)")
    ] = _Basis.registered,
    population: Annotated[
        _Population, typer.Option(help="average population: (start + end) / 2, or mid-year")
    ] = _Population.start_end,
    defects: Annotated[
        _Defects, typer.Option(help="birth-defect denominator: perinatal births or live births")
    ] = _Defects.perinatal,
    as_json: Annotated[
        bool, typer.Option("--json", help="print the indicators as a JSON list")
    ] = False,
) -> None:
    """Compute the county's indicators for a year, by township or village, from a register."""
    from rich.console import Console
    from rich.table import Table

    from fpcore.errors import InvalidInput
    from fpcore.indicators import (
        DefectDenominator,
        IndicatorSettings,
        PopulationBasis,
        PopulationMethod,
        compute_indicators,
        indicator_record,
        read_register,
    )

    out = Console(highlight=False)
    settings = IndicatorSettings(
        population=PopulationMethod(population.value),
        defect_denominator=(
            DefectDenominator.PERINATAL
            if defects is _Defects.perinatal
            else DefectDenominator.LIVE_BIRTHS
        ),
    )
    try:
        register = read_register(register_dir)
        result = compute_indicators(
            register,
            year=year,
            by=by.value,
            basis=PopulationBasis(basis.value),
            settings=settings,
        )
    except InvalidInput as error:
        refuse(error.under(str(register_dir)), as_json=as_json)
    records = [indicator_record(i) for i in result]
    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    table = Table(
        "area",
        "indicator",
        "value",
        "numerator",
        "denominator",
        title=f"{plain(register.county)} {year}",
    )
    for record in records:
        table.add_row(
            plain(record["area"]),
            f"{record['name']} ({record['chinese']})",
            record["shown"],
            record["numerator"],
            record["denominator"],
        )
    out.print(table)
    out.print(
        f"basis: {basis.value}; average population: {population.value}; "
        f"birth-defect denominator: {defects.value} births",
        markup=False,
    )
