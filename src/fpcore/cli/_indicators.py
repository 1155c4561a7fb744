"""``fpcore indicators REGISTER_DIR --year 2008 [--by township|village] [--json]``, or
``fpcore indicators --synthetic [--seed N] [--scale F] --year 2008`` on the county
calibrated to the report (:func:`fpcore.synth.calibrated_county`)."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fpcore.cli._app import app
from fpcore.cli._contract import refuse
from fpcore.cli._text import plain

if TYPE_CHECKING:
    from fpcore.indicators import Register


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
    year: Annotated[int, typer.Option(help="the calendar year, e.g. 2008", min=1850, max=2199)],
    register_dir: Annotated[
        Path | None,
        typer.Argument(
            help="a register directory (register.json + persons/births/... .csv or .parquet)",
            metavar="[REGISTER_DIR]",
        ),
    ] = None,
    synthetic: Annotated[
        bool,
        typer.Option(
            "--synthetic",
            help="instead of a register: the synthetic county calibrated to the report "
            "(as of the end of --year)",
        ),
    ] = False,
    seed: Annotated[int, typer.Option(help="with --synthetic: the random seed")] = 2008,
    scale: Annotated[
        float,
        typer.Option(
            help="with --synthetic: a fraction of the county's households", min=0.0001, max=1.0
        ),
    ] = 1.0,
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
    """Compute the county's indicators for a year, by township or village, from a register
    (or, with --synthetic, from the synthetic county calibrated to the report)."""
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
    if synthetic == (register_dir is not None):
        refuse("give either a REGISTER_DIR or --synthetic", as_json=as_json)
    try:
        if register_dir is None:
            register = _synthetic_register(year, seed, scale)
        else:
            register = read_register(register_dir)
        result = compute_indicators(
            register,
            year=year,
            by=by.value,
            basis=PopulationBasis(basis.value),
            settings=settings,
        )
    except InvalidInput as error:
        refuse(error.under(str(register_dir or "synthetic")), as_json=as_json)
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


def _synthetic_register(year: int, seed: int, scale: float) -> Register:
    """The calibrated county's register as of the end of ``year`` (drawn up to then)."""
    import pendulum

    from fpcore.synth import calibrated_county

    county = calibrated_county(seed=seed, scale=scale, on=pendulum.Date(year, 12, 31))
    return county.indicator_register(year)
