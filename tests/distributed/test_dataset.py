"""Population tables as a partitioned Parquet dataset: written, read back, never split."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pendulum
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from fpcore.distributed import (
    METADATA,
    Dataset,
    open_dataset,
    read_dataset,
    read_partition,
    write_partitioned,
)
from fpcore.errors import InvalidInput
from fpcore.rules import Population
from fpcore.synth import synthetic_county

COUNTY = synthetic_county(households=1_500, seed=21)
TABLES = COUNTY.tables()


@pytest.fixture(scope="module")
def townships(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    root = tmp_path_factory.mktemp("townships")
    return write_partitioned(Population(TABLES, as_of=COUNTY.on), root, by="township")


def test_the_metadata_lists_every_partition_with_its_size(townships: Dataset) -> None:
    households = TABLES["households"]
    assert townships.keys == tuple(sorted(households["township"].unique().to_list()))
    assert townships.households == households.height
    assert townships.persons == TABLES["persons"].height
    assert townships.as_of == COUNTY.on  # taken from the population
    assert open_dataset(townships.root) == townships
    data = json.loads((Path(townships.root) / METADATA).read_text(encoding="utf-8"))
    assert data["by"] == "township"
    assert data["tables"]["households"] == TABLES["households"].columns


@pytest.mark.parametrize("by", ["township", "county"])
def test_reading_the_whole_dataset_gives_the_tables_back(
    by: str, tmp_path: Path, townships: Dataset
) -> None:
    dataset = townships if by == "township" else write_partitioned(TABLES, tmp_path, by="county")
    back = read_dataset(dataset.root)
    assert list(back) == list(TABLES)
    for name, frame in TABLES.items():
        assert_frame_equal(back[name], frame)


def test_a_household_lies_in_one_partition_with_all_its_rows(townships: Dataset) -> None:
    seen: dict[str, set[int]] = {}
    for key in townships.keys:
        part = read_partition(townships, key)
        assert part["households"]["township"].unique().to_list() == [key]
        assert part["households"].height == townships.partition(key).households
        homes = set(part["households"]["household_id"].to_list())
        for name, frame in part.items():
            assert set(frame["household_id"].to_list()) <= homes, name
            seen.setdefault(name, set()).update(frame["household_id"].to_list())
        # a table keyed by person is sorted by it within the partition, as it was written
        assert part["parenthood"]["person_id"].is_sorted()
    for name, frame in TABLES.items():
        assert seen[name] == set(frame["household_id"].to_list()), name


def test_each_table_is_a_hive_dataset_other_tools_read_whole(townships: Dataset) -> None:
    households = pl.scan_parquet(
        Path(townships.root) / "households",
        hive_partitioning=True,
        hive_schema={"township": pl.String},
    ).collect()
    assert_frame_equal(
        households.select(TABLES["households"].columns).sort("household_id"),
        TABLES["households"],
    )


def test_partitions_by_county_take_the_villages_first_six_digits(tmp_path: Path) -> None:
    tables = dict(TABLES)
    tables["households"] = TABLES["households"].with_columns(
        pl.when(pl.col("household_id") % 3 == 0)
        .then(pl.lit("371122") + pl.col("village").str.slice(6))
        .otherwise(pl.col("village"))
        .alias("village")
    )
    dataset = write_partitioned(tables, tmp_path, by="county")
    assert dataset.keys == ("371121", "371122")
    assert [p.households for p in dataset.partitions] == [1_000, 500]
    assert read_partition(dataset, "371122")["households"]["household_id"].to_list() == list(
        range(0, 1_500, 3)
    )


def test_writing_refuses_a_folder_with_files_unless_told_to_overwrite(
    tmp_path: Path, townships: Dataset
) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not empty"):
        write_partitioned(TABLES, tmp_path)
    with pytest.raises(InvalidInput, match="no fpcore dataset: not overwritten"):
        write_partitioned(TABLES, tmp_path, overwrite=True)
    assert (tmp_path / "notes.txt").exists()
    target = tmp_path / "dataset"
    write_partitioned(TABLES, target, by="county")
    again = write_partitioned(TABLES, target, by="township", overwrite=True)
    assert open_dataset(target).by == "township"
    assert again.keys == townships.keys
    assert not (target / "persons" / "county=371121").exists()


def test_rows_of_no_household_and_tables_without_keys_are_refused(tmp_path: Path) -> None:
    orphans = dict(TABLES)
    orphans["children"] = TABLES["children"].with_columns(pl.lit(10**9).alias("household_id"))
    with pytest.raises(InvalidInput, match=r"children: .* rows name a household"):
        write_partitioned(orphans, tmp_path / "a")
    keyless = {**TABLES, "notes": pl.DataFrame({"text": ["x"]})}
    with pytest.raises(InvalidInput, match="neither household_id nor person_id"):
        write_partitioned(keyless, tmp_path / "b")
    nowhere = dict(TABLES)
    nowhere["households"] = TABLES["households"].with_columns(
        pl.when(pl.col("household_id") == 7).then(None).otherwise("township").alias("township")
    )
    with pytest.raises(InvalidInput, match="1 households have no township"):
        write_partitioned(nowhere, tmp_path / "c")
    with pytest.raises(InvalidInput, match="by='village'"):
        write_partitioned(TABLES, tmp_path / "d", by="village")  # type: ignore[arg-type]
    empty = {name: frame.clear() for name, frame in TABLES.items()}
    with pytest.raises(InvalidInput, match="no households"):
        write_partitioned(empty, tmp_path / "e")


def test_a_table_keyed_by_person_only_follows_its_persons_household(tmp_path: Path) -> None:
    notes = TABLES["persons"].select("person_id", pl.col("birth_index").alias("note"))
    dataset = write_partitioned({**TABLES, "notes": notes}, tmp_path)
    for key in dataset.keys[:3]:
        part = read_partition(dataset, key)
        assert part["notes"]["person_id"].to_list() == part["persons"]["person_id"].to_list()


def test_opening_what_is_not_a_dataset_says_so(tmp_path: Path, townships: Dataset) -> None:
    with pytest.raises(InvalidInput, match="no fpcore dataset at"):
        open_dataset(tmp_path)
    (tmp_path / METADATA).write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(InvalidInput, match="is not readable: format is 'other'"):
        open_dataset(tmp_path)
    with pytest.raises(InvalidInput, match="'999' is not a partition"):
        read_partition(townships, "999")
    moved = attrs.evolve(townships, root=str(tmp_path / "elsewhere"))
    with pytest.raises(FileNotFoundError):
        read_partition(moved, townships.keys[0])


def test_as_of_given_overrides_nothing_when_absent(tmp_path: Path) -> None:
    plain = write_partitioned(TABLES, tmp_path / "plain")
    assert plain.as_of is None
    dated = write_partitioned(TABLES, tmp_path / "dated", as_of=pendulum.Date(2008, 12, 31))
    assert open_dataset(dated.root).as_of == pendulum.Date(2008, 12, 31)
