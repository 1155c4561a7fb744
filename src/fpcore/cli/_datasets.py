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
        typer.Option(help="sum by these, comma-separated (benefit, township, village)"),
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
    """Evaluate a policy over a partitioned dataset, one partition per task: its totals
    (beneficiaries, fen, yuan), or with --reform the what-if, summed by --by, as CSV on
    stdout. Each task sums its own partition; equal to the fen to one process on the
    whole population."""
    import time

    import polars as pl

    from fpcore.distributed import compare_dataset, open_dataset, totals_dataset
    from fpcore.periods import parse_period
    from fpcore.policies import get

    chosen = parse_period(period)
    dataset = open_dataset(root)
    base = get(policy)
    client = _client(scheduler)
    started = time.perf_counter()
    try:
        groups = [part.strip() for part in by.split(",") if part.strip()]
        if reform is not None:
            from fpcore.testing.cases import load_reform

            table = compare_dataset(
                base,
                load_reform(reform),
                dataset,
                chosen,
                by=cast("list[Grouping]", groups),
                client=client,
            )
        else:
            table = totals_dataset(
                base, dataset, chosen, by=cast("list[Grouping]", groups), client=client
            )
    finally:
        if client is not None:
            client.close()
    lists = [name for name, dtype in table.schema.items() if isinstance(dtype, pl.List)]
    flat = table.with_columns(  # sample household ids, space-separated in one cell
        pl.col(name).cast(pl.List(pl.String)).list.join(" ") for name in lists
    )
    typer.echo(flat.write_csv(), nl=False)
    where = f"on {scheduler}" if scheduler else "in this process"
    note(
        f"{dataset.persons:,} persons in {len(dataset.partitions)} partitions, {chosen}, "
        f"{where}: {time.perf_counter() - started:.1f} s"
    )
