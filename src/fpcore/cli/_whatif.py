"""``fpcore whatif --reform FILE --years 2017..2035 --by township,payer --out DIR``: a
reform file against a base policy on the synthetic county, projected year by year,
written as tables (CSV, Excel, Parquet), charts (PNG) and the assumptions."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fpcore.cli._app import app
from fpcore.cli._options import check_policy

if TYPE_CHECKING:
    import polars as pl

    from fpcore.projection import Assumption

_YEARS = re.compile(r"(\d{4})(?:\.\.(\d{4}))?", re.ASCII)
GROUPINGS = ("benefit", "payer", "township", "village")


def parse_years(text: str) -> range:
    """``2017..2035`` or ``2020`` as a range of years (at most 100, 1900-2199).

    >>> parse_years("2017..2035")
    range(2017, 2036)
    >>> try:
    ...     parse_years("2035..2017")
    ... except typer.BadParameter as error:
    ...     print(error.message)
    2035..2017: the first year is after the last
    """
    match = _YEARS.fullmatch(text.strip())
    if match is None:
        raise typer.BadParameter(f"{text!r}: expected YEAR or FIRST..LAST, e.g. 2017..2035")
    first = int(match[1])
    last = int(match[2] or match[1])
    if first > last:
        raise typer.BadParameter(f"{text}: the first year is after the last")
    if first < 1900 or last > 2199 or last - first >= 100:
        raise typer.BadParameter(f"{text}: years from 1900 to 2199, at most 100 of them")
    return range(first, last + 1)


def parse_by(text: str) -> list[str]:
    """``township,payer`` as a list of groupings (``year`` is always the first).

    >>> parse_by("township, payer")
    ['township', 'payer']
    >>> try:
    ...     parse_by("townhip")
    ... except typer.BadParameter as error:
    ...     print(error.message)
    'townhip' is not a grouping; did you mean 'township'? (choose from benefit, payer, township, village)
    """  # noqa: E501
    from fpcore.cli._contract import suggest

    chosen = [part.strip() for part in text.split(",") if part.strip() and part.strip() != "year"]
    for part in chosen:
        if part not in GROUPINGS:
            raise typer.BadParameter(
                f"{part!r} is not a grouping{suggest(part, GROUPINGS)} "
                f"(choose from {', '.join(GROUPINGS)})"
            )
    if len(set(chosen)) != len(chosen):
        raise typer.BadParameter(f"{text!r}: a grouping is named twice")
    return chosen or ["benefit"]


def _flat(table: pl.DataFrame) -> pl.DataFrame:
    """List columns (sample household ids) as text, for CSV and Excel."""
    import polars as pl

    lists = [n for n, t in table.schema.items() if isinstance(t, pl.List)]
    return table.with_columns(
        pl.col(n).cast(pl.List(pl.String)).list.join(" ").alias(n) for n in lists
    )


def write_tables(tables: dict[str, pl.DataFrame], out: Path) -> list[Path]:
    """Each table as ``NAME.csv`` and ``NAME.parquet``, all of them as sheets of
    ``whatif.xlsx``; the paths written."""
    written: list[Path] = []
    for name, table in tables.items():
        csv, parquet = out / f"{name}.csv", out / f"{name}.parquet"
        _flat(table).write_csv(csv)
        table.write_parquet(parquet)
        written += [csv, parquet]
    workbook_path = out / "whatif.xlsx"
    import xlsxwriter

    with xlsxwriter.Workbook(str(workbook_path)) as workbook:
        for name, table in tables.items():
            _flat(table).write_excel(workbook, worksheet=name[:31], autofit=True)
    written.append(workbook_path)
    return written


def draw_charts(tables: dict[str, pl.DataFrame], out: Path, labels: tuple[str, str]) -> list[Path]:
    """The PNG charts of a what-if, in ``out/charts``; the paths written."""
    from fpcore import charts

    folder = out / "charts"
    folder.mkdir(exist_ok=True)
    figures = {
        "budget_by_year": charts.budget_by_year(
            tables["budget_by_year"], base_label=labels[0], reform_label=labels[1]
        ),
        "by_township": charts.by_township(tables["by_township"]),
        "by_payer": charts.by_payer(tables["by_payer"]),
        "gainers_losers": charts.gainers_and_losers(tables["budget_by_year"]),
    }
    written = []
    for name, figure in figures.items():
        path = folder / f"{name}.png"
        figure.savefig(path, dpi=120)
        written.append(path)
    return written


def _assumptions_table(assumptions: tuple[Assumption, ...]) -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame(
        {
            "label": [a.label for a in assumptions],
            "value": [a.value for a in assumptions],
            "source": [a.source for a in assumptions],
        },
        schema={"label": pl.String, "value": pl.String, "source": pl.String},
    )


@app.command("whatif")
def whatif(
    reform: Annotated[
        Path,
        typer.Option(
            help="the reform file (TOML, JSON or YAML; see docs/whatif.md)", metavar="FILE"
        ),
    ],
    out: Annotated[
        Path, typer.Option(help="the folder to write tables and charts to", metavar="DIR")
    ],
    base: Annotated[
        str,
        typer.Option(help="the policy to compare with (a catalogue id)", callback=check_policy),
    ] = "county",
    years: Annotated[
        str, typer.Option(help="the years: YEAR or FIRST..LAST", metavar="YEARS")
    ] = "2017..2035",
    by: Annotated[
        str,
        typer.Option(
            help="the table by year and ...: any of benefit, payer, township, village, "
            "comma-separated",
            metavar="GROUPS",
        ),
    ] = "township,payer",
    scale: Annotated[
        float,
        typer.Option(
            help="a fraction of the calibrated county's households (0.1: a tenth, for a "
            "quick look)",
            min=0.0001,
            max=10,
        ),
    ] = 1.0,
    seed: Annotated[int, typer.Option(help="the county's seed")] = 2008,
    projection_seed: Annotated[int, typer.Option(help="the projection's seed")] = 1,
    uprate: Annotated[
        str | None,
        typer.Option(
            help="raise money parameters by this rate a year after their last value "
            "(e.g. 0.03; default: held flat, listed as an assumption)",
            metavar="RATE",
        ),
    ] = None,
    no_charts: Annotated[bool, typer.Option("--no-charts", help="write no PNG charts")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="errors as JSON on stderr")] = False,
) -> None:
    """Compare a reform with a base policy over years on the calibrated county.

    The county calibrated to the report (fpcore.synth.calibrated_county; --scale,
    --seed) is drawn as of 2008-12-31 and projected year by year to the last year
    (fpcore.projection: deaths, births under the law in force, hukou changes); each
    year is evaluated under both policies. DIR gets the tables as CSV, Parquet and one
    Excel workbook (budget by year, by payer, by township, the --by table, every gainer
    and loser with the reason, the assumptions), PNG charts in DIR/charts, and
    ASSUMPTIONS.txt. A progress bar goes to stderr; a summary to stdout.
    """
    chosen_years = parse_years(years)
    groups = parse_by(by)
    import polars as pl

    from fpcore.periods import Month, MonthSpan
    from fpcore.policies import get, reform_from_file
    from fpcore.projection import parameter_assumptions, project, uprated
    from fpcore.scenario import Comparison

    base_policy = get(base)
    reform_policy = reform_from_file(reform)
    if uprate is not None:
        base_policy = uprated(
            base_policy, uprate, first_year=chosen_years[0], until=chosen_years[-1]
        )
        reform_policy = uprated(
            reform_policy, uprate, first_year=chosen_years[0], until=chosen_years[-1]
        )
    if out.exists() and not out.is_dir():
        raise typer.BadParameter(f"{out} exists and is not a folder", param_hint="'--out'")
    out.mkdir(parents=True, exist_ok=True)

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from fpcore.synth import calibrated_county

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,  # on a terminal the bar stays; in a log, its last state
    ) as progress:
        task = progress.add_task("drawing the county", total=len(chosen_years) + 2)
        county = calibrated_county(seed=seed, scale=scale)
        progress.update(task, advance=1, description=f"projecting to {chosen_years[-1]}")
        tables: Any
        if chosen_years[-1] > county.on.year:
            tables = project(county, until=chosen_years[-1], seed=projection_seed)
        else:
            from fpcore.rules import Population

            tables = Population(county.tables(), as_of=county.on)
        progress.update(task, advance=1, description="evaluating")

        def step(year: int) -> None:
            progress.update(task, advance=1, description=f"evaluated {year}")

        period = MonthSpan(
            first=Month(year=chosen_years[0], month=1), last=Month(year=chosen_years[-1], month=12)
        )
        comparison = Comparison.of(
            tables, base_policy, reform_policy, period, geography=county.geography, progress=step
        )
    results = {
        "budget_by_year": comparison.table(by=("year", "benefit")),
        "by_payer": comparison.table(by=("year", "payer")),
        "by_township": comparison.table(by=("year", "township")),
    }
    name = "by_" + "_".join(["year", *groups])
    if name not in results:
        results[name] = comparison.table(by=("year", *groups))  # type: ignore[arg-type]
    results["gainers_losers"] = comparison.gainers_losers()
    assumptions = list(getattr(tables, "assumptions", ()))
    assumptions += parameter_assumptions(base_policy, list(chosen_years))
    assumptions += parameter_assumptions(reform_policy, list(chosen_years))
    unique = tuple(dict.fromkeys(assumptions))
    results["assumptions"] = _assumptions_table(unique)
    written = write_tables(results, out)
    labels = (f"{base_policy.id}", f"{reform_policy.id}")
    if not no_charts:
        written += draw_charts(results, out, labels)
    lines = [f"- {a}" for a in unique]
    (out / "ASSUMPTIONS.txt").write_text(
        f"fpcore whatif: {reform_policy.id} against {base_policy.id}, {chosen_years[0]}-"
        f"{chosen_years[-1]}, the calibrated county at scale {scale} ({county.size:,} "
        f"households, seed {seed}), "
        f"projection seed {projection_seed}\n\nThe figures rest on these assumptions:\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    budget = results["budget_by_year"]
    base_fen, reform_fen = int(budget["base_fen"].sum()), int(budget["reform_fen"].sum())
    from fpcore.money import Money

    print(
        f"{reform_policy.id} against {base_policy.id}, {chosen_years[0]}-{chosen_years[-1]}: "
        f"{Money.from_fen(base_fen)} -> {Money.from_fen(reform_fen)} yuan "
        f"(change {Money.from_fen(reform_fen - base_fen)})"
    )
    yearly = budget.group_by("year").agg(pl.col("change_fen").sum()).sort("year")
    for year, change in yearly.rows():
        print(f"  {year}: change {Money.from_fen(change)}")
    print(f"{len(unique)} assumptions (ASSUMPTIONS.txt); {len(written) + 1} files in {out}")
    sys.stdout.flush()
