"""``fpcore evaluate-dataset ROOT --period P [--reform FILE] [--scheduler ADDRESS]``: a
partitioned population dataset (:mod:`fpcore.distributed`) evaluated partition by
partition, here or on a Dask cluster; totals (or a what-if) as CSV on stdout."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from fpcore.cli._app import app
from fpcore.cli._contract import note
from fpcore.cli._options import check_period, check_policy

if TYPE_CHECKING:
    from fpcore.scenario import Grouping


def _client(scheduler: str | None) -> Any:
    if scheduler is None:
        return None
    from distributed import Client

    try:
        return Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
    except OSError as error:
        raise typer.BadParameter(
            f"no Dask scheduler answers at {scheduler} ({error})", param_hint="'--scheduler'"
        ) from None


@app.command("evaluate-dataset")
def evaluate_dataset_command(
    root: Annotated[
        str,
        typer.Argument(
            help="a partitioned dataset (fpcore.distributed.write_partitioned): a folder "
            "every worker reads at the same path, or an object-store URL",
            metavar="ROOT",
        ),
    ],
    period: Annotated[
        str,
        typer.Option(help="2017, 2017Q1, 2017-03 or 2017-01..2017-06", callback=check_period),
    ],
    policy: Annotated[
        str, typer.Option(help="the policy id (the base of a --reform)", callback=check_policy)
    ] = "county",
    reform: Annotated[
        Path | None,
        typer.Option(help="compare with this reform file (YAML, JSON or TOML)", metavar="FILE"),
    ] = None,
    by: Annotated[
        str,
        typer.Option(
            help="with --reform: sum by these, comma-separated (benefit, township, village)"
        ),
    ] = "benefit",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="a Dask scheduler's address (tcp://host:8786); default: every partition "
            "in this process, one after another",
            metavar="ADDRESS",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="errors as JSON on stderr")] = False,
) -> None:
    """Evaluate a policy over a partitioned dataset, one partition per task: the amount
    per benefit (beneficiaries, fen, yuan), or with --reform the what-if summed by
    --by, as CSV on stdout. Equal to the fen to one process on the whole population."""
    import time

    import polars as pl

    from fpcore.distributed import compare_dataset, evaluate_dataset, open_dataset
    from fpcore.periods import parse_period
    from fpcore.policies import get

    chosen = parse_period(period)
    dataset = open_dataset(root)
    base = get(policy)
    client = _client(scheduler)
    started = time.perf_counter()
    try:
        if reform is not None:
            from fpcore.testing.cases import load_reform

            groups = [part.strip() for part in by.split(",") if part.strip()]
            table = compare_dataset(
                base,
                load_reform(reform),
                dataset,
                chosen,
                by=cast("list[Grouping]", groups),
                client=client,
            )
        else:
            result = evaluate_dataset(base, dataset, chosen, client=client)
            lines = pl.concat(
                [
                    result.persons.select("benefit", "amount_fen"),
                    result.households.select("benefit", "amount_fen"),
                ]
            )
            table = (
                lines.group_by("benefit")
                .agg(
                    (pl.col("amount_fen") != 0).sum().cast(pl.Int64).alias("beneficiaries"),
                    pl.col("amount_fen").sum().alias("fen"),
                )
                .sort("benefit")
                .with_columns(
                    (pl.col("fen").cast(pl.Decimal(18, 2)) / 100)
                    .cast(pl.Decimal(18, 2))
                    .alias("amount")
                )
            )
    finally:
        if client is not None:
            client.close()
    typer.echo(table.write_csv(), nl=False)
    where = f"on {scheduler}" if scheduler else "in this process"
    note(
        f"{dataset.persons:,} persons in {len(dataset.partitions)} partitions, {chosen}, "
        f"{where}: {time.perf_counter() - started:.1f} s"
    )
