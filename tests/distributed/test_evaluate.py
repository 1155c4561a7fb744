"""Evaluating a partitioned dataset equals evaluating the whole, to the fen: partitions run
in this process, and on a Dask LocalCluster of two worker processes."""

from __future__ import annotations

import io
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from fpcore import __version__
from fpcore.distributed import (
    Dataset,
    WorkerMismatch,
    check_workers,
    compare_dataset,
    entitlement_totals,
    evaluate_dataset,
    totals_dataset,
    write_partitioned,
)
from fpcore.errors import InvalidInput
from fpcore.periods import Month, MonthSpan, Period, Quarter, Year
from fpcore.policies import get
from fpcore.rules import EntitlementTables, Population, TablesOutOfDateWarning
from fpcore.scenario import Grouping, compare, entitlement_lines
from fpcore.synth import synthetic_county
from fpcore.testing.cases import load_reform
from tests.cli.test_contract import fpcore
from tests.rules.domain import POLICY as TOY
from tests.rules.domain import Household, to_population
from tests.rules.test_equivalence import _number, households, periods

# four villages: four townships with a village each, so four partitions
COUNTY = synthetic_county(households=2_000, seed=31, villages=4)
TABLES = COUNTY.tables()
POLICY = get("county")
REFORM = POLICY.with_setting("only_child_reward_last_month", "month_before")
MONTH = Month(year=2008, month=6)
QUARTER = Quarter(year=2008, quarter=2)
YEAR = Year(year=2008)


def ordered(result: EntitlementTables) -> tuple[pl.DataFrame, ...]:
    """The result's tables in one order (evaluate_table's rows are unordered)."""
    return (
        result.persons.sort("person_id", "benefit"),
        result.households.sort("household_id", "benefit"),
        result.statuses.sort("entity", "beneficiary_id", "benefit", "status"),
    )


def assert_same(a: EntitlementTables, b: EntitlementTables) -> None:
    for left, right in zip(ordered(a), ordered(b), strict=True):
        assert_frame_equal(left, right)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return write_partitioned(TABLES, tmp_path_factory.mktemp("county"), by="township")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A Dask LocalCluster of two worker processes, one thread each, for this module."""
    distributed = pytest.importorskip("distributed", reason="needs the distributed extra")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # None still serves HTTP on 8787, maybe taken
            memory_limit="2GiB",
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def test_in_process_partitions_equal_the_whole(dataset: Dataset) -> None:
    assert len(dataset.keys) == 4
    whole = POLICY.evaluate_table(Population(TABLES), YEAR)
    assert whole.persons.height > 100
    assert whole.households.height > 100
    assert_same(evaluate_dataset(POLICY, dataset, YEAR), whole)
    assert_same(
        evaluate_dataset(POLICY, dataset.root, MONTH),
        POLICY.evaluate_table(Population(TABLES), MONTH),
    )


@pytest.mark.parametrize("by", [("benefit",), ("township", "benefit"), ("village",)])
def test_in_process_comparison_equals_the_whole(dataset: Dataset, by: tuple[Grouping]) -> None:
    expected = compare(Population(TABLES), POLICY, REFORM, QUARTER, by=by)
    assert expected["change_fen"].sum() != 0
    assert_frame_equal(compare_dataset(POLICY, REFORM, dataset, QUARTER, by=by), expected)


@pytest.mark.parametrize("by", [("benefit",), ("township", "benefit"), ("village",)])
def test_totals_summed_in_each_partition_equal_the_wholes(
    dataset: Dataset, by: tuple[Grouping]
) -> None:
    expected = entitlement_totals(POLICY, Population(TABLES), QUARTER, by=by)
    assert expected["fen"].sum() > 0
    assert_frame_equal(totals_dataset(POLICY, dataset, QUARTER, by=by), expected)


def test_a_comparison_by_nothing_known_is_refused(dataset: Dataset) -> None:
    with pytest.raises(InvalidInput, match="by=\\['payer'\\]"):
        compare_dataset(POLICY, REFORM, dataset, QUARTER, by=["payer"])


def test_a_period_past_the_tables_day_warns_once_on_the_client(tmp_path: Path) -> None:
    dated = write_partitioned(Population(TABLES, as_of=COUNTY.on), tmp_path)
    with pytest.warns(TablesOutOfDateWarning, match="drawn up to 2008-12-31"):
        evaluate_dataset(POLICY, dated, Month(year=2009, month=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluate_dataset(POLICY, dated, MONTH)


PERIODS = st.one_of(
    st.builds(Month, year=st.integers(1995, 2012), month=st.integers(1, 12)),
    st.builds(Quarter, year=st.integers(1995, 2012), quarter=st.integers(1, 4)),
)


@settings(max_examples=10, deadline=None)
@given(
    households=st.integers(1, 300),
    seed=st.integers(0, 2**16),
    labels=st.lists(st.integers(0, 3), min_size=1, max_size=300),
    period=PERIODS,
)
def test_any_partitioning_of_any_county_sums_to_the_whole(
    households: int, seed: int, labels: list[int], period: Period
) -> None:
    """Households put in up to four partitions at random (their township relabelled):
    the partitions' results, and their comparison by township, are the whole's."""
    tables = dict(synthetic_county(households=households, seed=seed, villages=20).tables())
    township = [f"37112110{labels[i % len(labels)]}" for i in range(households)]
    tables["households"] = tables["households"].with_columns(pl.Series("township", township))
    with tempfile.TemporaryDirectory() as folder:
        dataset = write_partitioned(tables, folder)
        assert len(dataset.keys) == len(set(township))
        assert_same(
            evaluate_dataset(POLICY, dataset, period),
            POLICY.evaluate_table(Population(tables), period),
        )
        by: tuple[Grouping, ...] = ("township", "benefit")
        assert_frame_equal(
            compare_dataset(POLICY, REFORM, dataset, period, by=by),
            compare(Population(tables), POLICY, REFORM, period, by=by),
        )


@settings(max_examples=15, deadline=None)
@given(
    homes=st.lists(households(), min_size=1, max_size=12),
    sparse=st.booleans(),
    labels=st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=12),
    period=periods(),
)
def test_partitions_of_households_in_any_order_keep_their_ids_and_statuses(
    homes: list[Household], sparse: bool, labels: list[str], period: Period
) -> None:
    """The engine's toy domain (a status rule; ids sparse and out of order, or dense):
    partitions are evaluated with local keys and give back the ids as written."""
    tables = dict(to_population(_number(homes, sparse)).tables)
    tables["households"] = tables["households"].with_columns(
        pl.Series("township", [labels[i % len(labels)] for i in range(len(homes))])
    )
    with tempfile.TemporaryDirectory() as folder:
        dataset = write_partitioned(tables, folder)
        parts = evaluate_dataset(TOY, dataset, period)
    assert_same(parts, TOY.evaluate_table(Population(tables), period))


def test_on_a_local_cluster_the_partitions_equal_the_whole(client: Any, dataset: Dataset) -> None:
    assert set(check_workers(client).values()) == {__version__}
    assert len(client.scheduler_info()["workers"]) == 2
    assert_same(
        evaluate_dataset(POLICY, dataset, YEAR, client=client),
        POLICY.evaluate_table(Population(TABLES), YEAR),
    )
    by: tuple[Grouping, ...] = ("township", "benefit")
    assert_frame_equal(
        compare_dataset(POLICY, REFORM, dataset, YEAR, by=by, client=client),
        compare(Population(TABLES), POLICY, REFORM, YEAR, by=by),
    )
    assert_frame_equal(
        totals_dataset(POLICY, dataset, YEAR, by=["village"], client=client),
        entitlement_totals(POLICY, Population(TABLES), YEAR, by=["village"]),
    )


def test_a_worker_on_another_fpcore_version_is_refused(client: Any, dataset: Dataset) -> None:
    (worker, *_) = sorted(client.scheduler_info()["workers"])

    def set_version(version: str) -> None:
        import fpcore

        fpcore.__version__ = version

    client.run(set_version, "0.0.1", workers=[worker])
    try:
        with pytest.raises(WorkerMismatch, match=f"{worker}: fpcore 0.0.1") as raised:
            evaluate_dataset(POLICY, dataset, MONTH, client=client)
        assert 'pip install "fpcore[distributed]==' in str(raised.value)
    finally:
        client.run(set_version, __version__)
    assert len(check_workers(client)) == 2


def test_a_dataset_the_workers_cannot_read_is_named(client: Any, dataset: Dataset) -> None:
    moved = attrs.evolve(dataset, root=str(Path(dataset.root) / "not-there"))
    with pytest.raises(InvalidInput, match=r"cannot read partition .* shared file system"):
        evaluate_dataset(POLICY, moved, MONTH, client=client)


def test_a_long_period_on_the_cluster_equals_the_whole(client: Any, dataset: Dataset) -> None:
    span = MonthSpan(first=Month(year=2006, month=11), last=Month(year=2008, month=2))
    assert_same(
        evaluate_dataset(POLICY, dataset, span, client=client),
        POLICY.evaluate_table(Population(TABLES), span),
    )


def test_evaluate_table_and_compare_take_a_dataset_and_a_client(
    client: Any, dataset: Dataset
) -> None:
    population = Population(TABLES)
    assert_same(
        POLICY.evaluate_table(dataset, MONTH, client=client),
        POLICY.evaluate_table(population, MONTH),
    )
    assert_same(POLICY.evaluate_table(dataset, MONTH), POLICY.evaluate_table(population, MONTH))
    assert_frame_equal(
        compare(dataset, POLICY, REFORM, QUARTER, by=["township"], client=client),
        compare(population, POLICY, REFORM, QUARTER, by=["township"]),
    )
    with pytest.raises(InvalidInput, match="client= runs the partitions of a dataset"):
        POLICY.evaluate_table(population, MONTH, client=client)
    with pytest.raises(InvalidInput, match="client= runs the partitions of a dataset"):
        compare(population, POLICY, REFORM, MONTH, client=client)


def test_the_command_line_evaluates_a_dataset_here_or_on_a_scheduler(
    client: Any, dataset: Dataset
) -> None:
    period = Month(year=2018, month=6)
    lines = entitlement_lines(POLICY, Population(TABLES), period)
    expected = {
        benefit: (int((group["fen"] != 0).sum()), int(group["fen"].sum()))
        for (benefit,), group in lines.group_by("benefit")
    }
    done = fpcore(
        "evaluate-dataset",
        dataset.root,
        "--period",
        "2018-06",
        "--scheduler",
        client.scheduler.address,
    )
    assert done.returncode == 0, done.stderr
    table = pl.read_csv(io.StringIO(done.stdout))
    assert table.columns == ["benefit", "beneficiaries", "fen", "amount"]
    assert {b: (n, f) for b, n, f, _ in table.iter_rows()} == expected
    assert f"on {client.scheduler.address}" in done.stderr
    reform = Path(__file__).parents[2] / "examples" / "reforms" / "county-ocr-20.yaml"
    done = fpcore(
        "evaluate-dataset",
        dataset.root,
        "--period",
        "2018-06",
        "--reform",
        str(reform),
        "--by",
        "township,benefit",
    )
    assert done.returncode == 0, done.stderr
    whole = compare(
        Population(TABLES), POLICY, load_reform(reform), period, by=["township", "benefit"]
    )
    assert (
        pl.read_csv(io.StringIO(done.stdout))["change_fen"].to_list()
        == whole["change_fen"].to_list()
    )
    assert whole["change_fen"].sum() > 0
