"""Evaluating a partitioned dataset partition by partition, in this process or on Dask."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fpcore._version import __version__
from fpcore.distributed._dataset import Dataset, check_partition, open_dataset, read_partition
from fpcore.errors import FpcoreError, InvalidInput
from fpcore.periods import Period

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

    from fpcore.rules import EntitlementTables, Policy, Population
    from fpcore.scenario import Grouping

__all__ = [
    "WorkerMismatch",
    "check_workers",
    "compare_dataset",
    "compare_partition",
    "entitlement_totals",
    "evaluate_dataset",
    "evaluate_partition",
    "local_population",
    "reduce_comparisons",
    "totals_dataset",
    "totals_partition",
]


class WorkerMismatch(FpcoreError, RuntimeError):
    """A Dask worker cannot evaluate fpcore's tasks: fpcore is missing there, or its
    version differs from the client's (a policy built by one version is not evaluated
    by another).
    """


def _dataset(dataset: Dataset | str | Path) -> Dataset:
    return dataset if isinstance(dataset, Dataset) else open_dataset(dataset)


def _remap(column: pl.Series, ids: np.ndarray[Any, Any], what: str) -> pl.Series:
    """Positions of ``column``'s ids in ``ids`` (0..n-1), as Int64."""
    import numpy as np
    import polars as pl

    if column.len() == 0:
        return pl.Series(column.name, [], dtype=pl.Int64)
    values = column.to_numpy() if column.null_count() == 0 else None
    if values is not None and ids.size and bool((ids[1:] > ids[:-1]).all()):
        if int(ids[-1]) - int(ids[0]) == ids.size - 1:  # a run of ids (a whole county's)
            positions = values - ids[0]
            if values.size == 0 or (positions.min() >= 0 and positions.max() < ids.size):
                return pl.Series(column.name, positions, dtype=pl.Int64)
        positions = np.searchsorted(ids, values)
        inside = positions < ids.size
        if bool(inside.all()) and bool((ids[positions] == values).all()):
            return pl.Series(column.name, positions, dtype=pl.Int64)
    try:
        return column.replace_strict(
            pl.Series(ids), pl.Series(np.arange(ids.size)), return_dtype=pl.Int64
        )
    except pl.exceptions.InvalidOperationError:
        raise InvalidInput(f"{column.name} names a {what} outside the partition") from None


def local_population(
    tables: dict[str, pl.DataFrame],
) -> tuple[Population, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """A partition's tables as a :class:`~fpcore.rules.Population` with local keys.

    ``household_id`` and ``person_id`` are renumbered ``0..n-1`` in row order, so the
    batch evaluator takes its positional fast path on a partition as on a whole
    county. Returns the population and the written ids of its households and persons
    (``ids[local]`` is the written id).

    Example:
        >>> import polars as pl
        >>> pop, households, persons = local_population({
        ...     "households": pl.DataFrame({"household_id": [4, 9]}),
        ...     "persons": pl.DataFrame({"person_id": [7, 8, 12], "household_id": [4, 4, 9]}),
        ... })
        >>> pop.persons.rows(), households.tolist(), persons.tolist()
        ([(0, 0), (1, 0), (2, 1)], [4, 9], [7, 8, 12])
    """
    from fpcore.rules import Population

    households = tables["households"]["household_id"].to_numpy()
    persons = tables["persons"]["person_id"].to_numpy()
    local = {}
    for name, frame in tables.items():
        changes = []
        if "household_id" in frame.columns:
            changes.append(_remap(frame["household_id"], households, "household"))
        if "person_id" in frame.columns:
            changes.append(_remap(frame["person_id"], persons, "person"))
        local[name] = frame.with_columns(changes) if changes else frame
    return Population(local), households, persons


def _global(values: pl.Series, ids: np.ndarray[Any, Any]) -> pl.Series:
    import polars as pl

    return pl.Series(values.name, ids[values.to_numpy()], dtype=pl.Int64)


def _global_ids(
    result: EntitlementTables, households: np.ndarray[Any, Any], persons: np.ndarray[Any, Any]
) -> EntitlementTables:
    import numpy as np
    import polars as pl

    from fpcore.rules import EntitlementTables

    statuses = result.statuses
    if statuses.height:
        local = statuses["beneficiary_id"].to_numpy()
        is_person = (statuses["entity"] == "person").to_numpy()
        as_person = persons[np.where(is_person, local, 0)] if persons.size else local
        as_household = households[np.where(is_person, 0, local)] if households.size else local
        statuses = statuses.with_columns(
            pl.Series("beneficiary_id", np.where(is_person, as_person, as_household)),
            _global(statuses["household_id"], households),
        )
    return EntitlementTables(
        persons=result.persons.with_columns(
            _global(result.persons["person_id"], persons),
            _global(result.persons["household_id"], households),
        ),
        households=result.households.with_columns(
            _global(result.households["household_id"], households)
        ),
        statuses=statuses,
    )


def _read(dataset: Dataset, key: str) -> dict[str, pl.DataFrame]:
    try:
        tables = read_partition(dataset, key)
    except (FileNotFoundError, OSError) as error:
        raise InvalidInput(
            f"{socket.gethostname()} cannot read partition {key} of {dataset.root} ({error}): "
            "the dataset must lie where every worker reads it (a shared file system mounted "
            "at the same path, or an object-store URL)",
            path="root",
        ) from None
    check_partition(dataset, key, tables)
    return tables


def evaluate_partition(
    policy: Policy, dataset: Dataset, key: str, period: Period
) -> EntitlementTables:
    """One partition evaluated (what each task does, where it runs): its tables read,
    a population built with local keys, the policy evaluated, the written ids put back.

    Raises:
        InvalidInput: the partition cannot be read from here, or is not what the
            metadata says.
    """
    population, households, persons = local_population(_read(dataset, key))
    result = policy.evaluate_table(population, period)
    return _global_ids(result, households, persons)


def compare_partition(
    base: Policy,
    reform: Policy,
    dataset: Dataset,
    key: str,
    period: Period,
    by: Sequence[Grouping],
) -> pl.DataFrame:
    """One partition's :func:`fpcore.scenario.compare` (what each task does)."""
    import polars as pl

    from fpcore.scenario import compare

    population, households, _ = local_population(_read(dataset, key))
    table = compare(population, base, reform, period, by=by)
    # the sample household ids of gainers and losers, back to the ids as written
    return table.with_columns(
        pl.Series(name, [households[list(ids)].tolist() for ids in table[name]], dtype=dtype)
        for name, dtype in table.schema.items()
        if isinstance(dtype, pl.List)
    )


def entitlement_totals(
    policy: Policy,
    population: Population,
    period: Period,
    *,
    by: Sequence[Grouping] = ("benefit",),
) -> pl.DataFrame:
    """A population's entitlements over the period summed by ``by`` (any of benefit,
    township, village): ``beneficiaries`` (paid anything), ``fen`` (exact Int64) and
    ``amount`` (yuan, ``Decimal(18, 2)``), rows sorted by ``by``.

    Example:
        >>> from fpcore.periods import Month
        >>> from fpcore.policies import get
        >>> from fpcore.rules import Population
        >>> from fpcore.synth import synthetic_county
        >>> population = Population(synthetic_county(households=300, seed=2).tables())
        >>> table = entitlement_totals(get("county"), population, Month(year=2008, month=6))
        >>> table.columns
        ['benefit', 'beneficiaries', 'fen', 'amount']
    """
    import polars as pl

    from fpcore.scenario import entitlement_lines

    _check_by(by)
    return (
        entitlement_lines(policy, population, period)
        .group_by(list(by))
        .agg(
            (pl.col("fen") != 0).sum().cast(pl.Int64).alias("beneficiaries"),
            pl.col("fen").sum().cast(pl.Int64).alias("fen"),
        )
        .sort(list(by))
        .with_columns(
            (pl.col("fen").cast(pl.Decimal(18, 2)) / 100).cast(pl.Decimal(18, 2)).alias("amount")
        )
    )


def totals_partition(
    policy: Policy, dataset: Dataset, key: str, period: Period, by: Sequence[Grouping]
) -> pl.DataFrame:
    """One partition's :func:`entitlement_totals` (what each task does)."""
    population, _, _ = local_population(_read(dataset, key))
    return entitlement_totals(policy, population, period, by=by)


def reduce_comparisons(
    frames: Sequence[pl.DataFrame], by: Sequence[str], samples: int = 3
) -> pl.DataFrame:
    """Partitions' comparisons summed into one, exactly: every column not in ``by`` is
    an integer (fen, counts) or an exact decimal (yuan), summed by ``by``; a place's name
    (``township_name`` beside ``township``) goes with its code; sample household ids
    (list columns) are the smallest ``samples`` of the partitions' samples.

    Since a household lies in one partition, each beneficiary is counted in one
    partition only, and the sums equal the comparison of the whole.

    Raises:
        TypeError: a column is neither (it could not be summed exactly).

    Example:
        >>> import polars as pl
        >>> a = pl.DataFrame({"benefit": ["x", "y"], "base_fen": [100, 5]})
        >>> b = pl.DataFrame({"benefit": ["x"], "base_fen": [250]})
        >>> reduce_comparisons([a, b], ["benefit"]).rows()
        [('x', 350), ('y', 5)]
    """
    import polars as pl

    schema = frames[0].schema
    keys = [*by, *(f"{key}_name" for key in by if f"{key}_name" in schema)]
    sums = []
    for name, dtype in schema.items():
        if name in keys:
            continue
        if isinstance(dtype, pl.List):
            sums.append(pl.col(name).explode().drop_nulls().unique().sort().head(samples))
            continue
        if not (dtype.is_integer() or isinstance(dtype, pl.Decimal)):
            raise TypeError(f"column {name} is {dtype}: it cannot be summed exactly")
        sums.append(pl.col(name).sum())
    whole = _stack(frames)
    return (
        whole.group_by(keys).agg(sums).sort(list(by)).select(list(schema)).cast(dict(schema))  # type: ignore[arg-type]
    )


def _stack(frames: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """Frames one under the other; an empty one is left out (it adds no row)."""
    import polars as pl

    full = [frame for frame in frames if frame.height]
    return pl.concat(full) if full else frames[0]


def _check_by(by: Sequence[str]) -> None:
    allowed = {"benefit", "township", "village"}
    if not by or not set(by) <= allowed:
        raise InvalidInput(f"by={list(by)!r}: choose from {sorted(allowed)}", path="by")


def _concat(parts: Sequence[EntitlementTables]) -> EntitlementTables:
    from fpcore.rules import EntitlementTables

    return EntitlementTables(
        persons=_stack([p.persons for p in parts]),
        households=_stack([p.households for p in parts]),
        statuses=_stack([p.statuses for p in parts]),
    )


def _worker_report() -> dict[str, str]:
    import polars

    import fpcore

    return {"fpcore": fpcore.__version__, "polars": polars.__version__}


def check_workers(client: Any) -> dict[str, str]:
    """Check that every worker of a Dask client runs this fpcore version.

    Returns the fpcore version by worker address.

    Raises:
        WorkerMismatch: the cluster has no worker, or a worker lacks fpcore (or
            polars), or runs another version of it; the message names each worker.
    """
    replies = client.run(_worker_report, on_error="return")
    if not replies:
        raise WorkerMismatch(f"the Dask cluster at {client.scheduler.address} has no workers")
    problems = []
    versions = {}
    for worker, reply in sorted(replies.items()):
        if isinstance(reply, BaseException):
            problems.append(f"{worker}: fpcore cannot run there ({type(reply).__name__}: {reply})")
        elif reply["fpcore"] != __version__:
            problems.append(f"{worker}: fpcore {reply['fpcore']}")
        else:
            versions[worker] = reply["fpcore"]
    if problems:
        raise WorkerMismatch(
            f"the client runs fpcore {__version__}; every worker must run the same version "
            f'with the distributed extra (pip install "fpcore[distributed]=={__version__}"):\n  '
            + "\n  ".join(problems)
        )
    return versions


def _run(
    client: Any,
    dataset: Dataset,
    task: Callable[..., Any],
    shared: Sequence[object],
    rest: Sequence[object],
) -> list[Any]:
    """``task(*shared, dataset, key, *rest)`` for every partition, largest first, in
    this process (``client`` None) or as one Dask task each; results in key order."""
    order = sorted(dataset.partitions, key=lambda p: (-p.persons, p.key))
    if client is None:
        done = {p.key: task(*shared, dataset, p.key, *rest) for p in order}
        return [done[key] for key in dataset.keys]
    check_workers(client)
    scattered = [client.scatter(item, broadcast=True, hash=False) for item in shared]
    run = uuid.uuid4().hex[:8]
    futures = {
        p.key: client.submit(
            task,
            *scattered,
            dataset,
            p.key,
            *rest,
            key=f"fpcore-{task.__name__}-{p.key}-{run}",
            priority=p.persons,
            pure=False,
        )
        for p in order
    }
    try:
        results = client.gather([futures[key] for key in dataset.keys])
    finally:
        client.cancel([*futures.values(), *scattered])
    return list(results)


def evaluate_dataset(
    policy: Policy,
    dataset: Dataset | str | Path,
    period: Period,
    *,
    client: Any = None,
) -> EntitlementTables:
    """:meth:`Policy.evaluate_table <fpcore.rules.Policy.evaluate_table>` over a
    partitioned dataset, one partition at a time.

    Each partition is one task: it reads its own tables from the dataset's root,
    builds a population and evaluates it, on a Dask worker when ``client`` is given
    (a :class:`distributed.Client`), else in this process (the same function, one
    partition after another, so memory is bounded by the largest partition). The
    results are the partitions' tables concatenated, with the ids as written: equal,
    row for row and to the fen, to evaluating the whole population in one process.

    Args:
        policy: the policy.
        dataset: a :class:`Dataset` or the root it was written to.
        period: the period.
        client: a Dask client; its workers must run this fpcore version.

    Raises:
        WorkerMismatch: a worker lacks fpcore or runs another version.
        InvalidInput: a worker cannot read the dataset.
    """
    from fpcore.rules._population import warn_if_out_of_date

    data = _dataset(dataset)
    warn_if_out_of_date(data.as_of, period, stacklevel=2)
    parts = _run(client, data, evaluate_partition, [policy], [period])
    return _concat(parts)


def compare_dataset(
    base: Policy,
    reform: Policy,
    dataset: Dataset | str | Path,
    period: Period,
    *,
    by: Sequence[Grouping] = ("benefit",),
    client: Any = None,
) -> pl.DataFrame:
    """:func:`fpcore.scenario.compare` over a partitioned dataset.

    Each partition compares the two policies where it is read (both evaluations in
    one task); the partitions' tables are summed by ``by`` in whole fen and exact
    yuan (:func:`reduce_comparisons`): the same table as comparing the whole
    population in one process.

    Raises:
        InvalidInput: ``by`` is empty or names something else; a worker cannot read
            the dataset.
        WorkerMismatch: a worker lacks fpcore or runs another version.
    """
    from fpcore.rules._population import warn_if_out_of_date

    _check_by(by)

    data = _dataset(dataset)
    warn_if_out_of_date(data.as_of, period, stacklevel=2)
    frames = _run(client, data, compare_partition, [base, reform], [period, tuple(by)])
    return reduce_comparisons(frames, by)


def totals_dataset(
    policy: Policy,
    dataset: Dataset | str | Path,
    period: Period,
    *,
    by: Sequence[Grouping] = ("benefit",),
    client: Any = None,
) -> pl.DataFrame:
    """:func:`entitlement_totals` over a partitioned dataset: each task sums its own
    partition by ``by`` and only those small tables travel back, summed exactly
    (:func:`reduce_comparisons`); the same table as the whole population's totals.
    For a province, where the per-beneficiary rows of :func:`evaluate_dataset` would
    not fit the client.

    Raises:
        InvalidInput: ``by`` is empty or names something else; a worker cannot read
            the dataset.
        WorkerMismatch: a worker lacks fpcore or runs another version.
    """
    from fpcore.rules._population import warn_if_out_of_date

    _check_by(by)
    data = _dataset(dataset)
    warn_if_out_of_date(data.as_of, period, stacklevel=2)
    frames = _run(client, data, totals_partition, [policy], [period, tuple(by)])
    return reduce_comparisons(frames, by)
