"""Past one machine: population tables as a partitioned Parquet dataset, evaluated
partition by partition, in this process or on a Dask cluster (extra ``distributed``).

A province does not fit one process comfortably; its counties and townships do.
:func:`write_partitioned` writes population tables (:mod:`fpcore.tables`) as a dataset
partitioned by county or township (hive-style directories, households never split);
:func:`evaluate_dataset` and :func:`compare_dataset` evaluate it one partition per
task, where the task runs: the task reads its own partition's tables, builds a
:class:`~fpcore.rules.Population` and evaluates it. Results are put together exactly
(whole fen, exact decimal yuan; no float anywhere) and equal, to the fen, what one
process makes of the whole population.

With ``client=None`` the partitions run one after another in this process (the same
task function): memory is then bounded by the largest partition. With a
:class:`distributed.Client` they run on its workers, which must run the same fpcore
version (checked: :class:`WorkerMismatch`) and read the dataset at the same root.
See ``docs/distributed.md`` for a real cluster.

Example:
    >>> import tempfile
    >>> from fpcore.periods import Year
    >>> from fpcore.policies import get
    >>> from fpcore.rules import Population
    >>> from fpcore.synth import synthetic_county
    >>> tables = synthetic_county(households=1_000, seed=5).tables()
    >>> dataset = write_partitioned(tables, tempfile.mkdtemp(), by="township")
    >>> policy = get("county")
    >>> parts = evaluate_dataset(policy, dataset, Year(year=2008))
    >>> whole = policy.evaluate_table(Population(tables), Year(year=2008))
    >>> parts.persons["amount_fen"].sum() == whole.persons["amount_fen"].sum()
    True
    >>> reform = policy.with_setting("only_child_reward_last_month", "month_before")
    >>> table = compare_dataset(policy, reform, dataset, Year(year=2008), by=["benefit"])
    >>> table.select("benefit", "change_fen").rows()[0][0]
    'only_child_reward'
"""

from fpcore.distributed._dataset import (
    METADATA,
    Dataset,
    Partition,
    Partitioning,
    open_dataset,
    read_dataset,
    read_partition,
    write_partitioned,
)
from fpcore.distributed._run import (
    WorkerMismatch,
    check_workers,
    compare_dataset,
    compare_partition,
    entitlement_totals,
    evaluate_dataset,
    evaluate_partition,
    local_population,
    reduce_comparisons,
    totals_dataset,
    totals_partition,
)

__all__ = [
    "METADATA",
    "Dataset",
    "Partition",
    "Partitioning",
    "WorkerMismatch",
    "check_workers",
    "compare_dataset",
    "compare_partition",
    "entitlement_totals",
    "evaluate_dataset",
    "evaluate_partition",
    "local_population",
    "open_dataset",
    "read_dataset",
    "read_partition",
    "reduce_comparisons",
    "totals_dataset",
    "totals_partition",
    "write_partitioned",
]
