"""Population tables as a partitioned Parquet dataset (hive-style directories).

Layout under the dataset's root (a local or shared directory, or an object-store URL)::

    _fpcore_dataset.json                       what the dataset holds (see Dataset)
    households/township=371121100/part-0.parquet
    households/township=371121101/part-0.parquet
    persons/township=371121100/part-0.parquet
    ...

Every table has one file per partition (an empty one where the partition has no
rows), so a partition is read by naming its key. A household's rows in every table lie
in its own partition: households are never split. The partition column is in the
directory name, not in the files (the hive convention), so each table is also a
dataset other tools read whole (``pl.scan_parquet(root + "/persons",
hive_partitioning=True)``, ``pyarrow.dataset``, DuckDB, Spark).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

import attrs
import pendulum

from fpcore._version import __version__
from fpcore.errors import InvalidInput, Problem

if TYPE_CHECKING:
    import polars as pl

    from fpcore.rules import Population

__all__ = [
    "METADATA",
    "Dataset",
    "Partitioning",
    "open_dataset",
    "read_dataset",
    "read_partition",
    "write_partitioned",
]

Partitioning = Literal["county", "township"]
"""What a dataset can be partitioned by: the county (the first 6 digits of the
households' ``village`` code) or the township (their ``township`` column)."""

METADATA = "_fpcore_dataset.json"
"""The file at a dataset's root that says what it holds."""

FORMAT = "fpcore.partitioned-population"
FORMAT_VERSION = 1
PART = "part-0.parquet"
_PARTITION = "__fpcore_partition"
_ENTITY_KEYS = ("person_id", "household_id")


def _is_url(root: str) -> bool:
    return "://" in root


def _join(root: str, *parts: str) -> str:
    if _is_url(root):
        return "/".join([root.rstrip("/"), *parts])
    return str(Path(root).joinpath(*parts))


def _read_text(location: str, storage_options: Mapping[str, Any] | None) -> str:
    if not _is_url(location):
        return Path(location).read_text(encoding="utf-8")
    import fsspec  # comes with dask, in the distributed extra

    with fsspec.open(location, "r", encoding="utf-8", **dict(storage_options or {})) as file:
        return str(file.read())


def _write_text(location: str, text: str, storage_options: Mapping[str, Any] | None) -> None:
    if not _is_url(location):
        Path(location).write_text(text, encoding="utf-8")
        return
    import fsspec

    with fsspec.open(location, "w", encoding="utf-8", **dict(storage_options or {})) as file:
        file.write(text)


def _freeze(value: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    return None if value is None else dict(value)


@attrs.frozen(kw_only=True)
class Partition:
    """One partition of a dataset: its key and how many households and persons it holds."""

    key: str
    households: int
    persons: int


@attrs.frozen(kw_only=True)
class Dataset:
    """A partitioned population dataset, as its metadata file describes it.

    ``root`` is where it lies (a directory every worker can read, or an object-store
    URL that polars reads, with ``storage_options`` such as credentials); ``by`` what it
    is partitioned by; ``partitions`` every partition's key and size, by key;
    ``tables`` every table's columns in order; ``as_of`` the day the tables were
    drawn up to, when known; ``fpcore_version`` the version that wrote it.

    Open one with :func:`open_dataset`; :func:`write_partitioned` returns one. A
    dataset can stand wherever :class:`~fpcore.rules.Population` tables are evaluated
    by :mod:`fpcore.distributed` (:func:`~fpcore.distributed.evaluate_dataset`,
    :func:`~fpcore.distributed.compare_dataset`).
    """

    root: str
    by: Partitioning
    partitions: tuple[Partition, ...]
    tables: Mapping[str, tuple[str, ...]]
    as_of: pendulum.Date | None = None
    fpcore_version: str = __version__
    storage_options: Mapping[str, Any] | None = attrs.field(
        default=None, converter=_freeze, repr=False
    )

    @property
    def keys(self) -> tuple[str, ...]:
        """The partitions' keys, in order."""
        return tuple(p.key for p in self.partitions)

    @property
    def households(self) -> int:
        """How many households the dataset holds."""
        return sum(p.households for p in self.partitions)

    @property
    def persons(self) -> int:
        """How many persons (rows of ``persons``) the dataset holds."""
        return sum(p.persons for p in self.partitions)

    def file(self, table: str, key: str) -> str:
        """Where one table's rows of one partition lie."""
        return _join(self.root, table, f"{self.by}={quote(key, safe='')}", PART)

    def partition(self, key: str) -> Partition:
        """The partition with a key.

        Raises:
            InvalidInput: no partition has that key.
        """
        for partition in self.partitions:
            if partition.key == key:
                return partition
        raise InvalidInput(
            f"{key!r} is not a partition of the dataset at {self.root} "
            f"(it has {len(self.partitions)}: {', '.join(self.keys[:5])}...)",
            path="key",
        )

    def metadata(self) -> dict[str, Any]:
        """The metadata file's content."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "fpcore_version": self.fpcore_version,
            "by": self.by,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "tables": {name: list(columns) for name, columns in self.tables.items()},
            "partitions": [
                {"key": p.key, "households": p.households, "persons": p.persons}
                for p in self.partitions
            ],
        }


def open_dataset(root: str | Path, *, storage_options: Mapping[str, Any] | None = None) -> Dataset:
    """The dataset written at ``root`` by :func:`write_partitioned` (reads its metadata).

    Raises:
        InvalidInput: there is no dataset at ``root``, or its metadata is not one
            this version reads.
    """
    location = str(root)
    try:
        text = _read_text(_join(location, METADATA), storage_options)
    except FileNotFoundError:
        raise InvalidInput(
            f"no fpcore dataset at {location} ({METADATA} is missing): write one with "
            "fpcore.distributed.write_partitioned",
            path="root",
        ) from None
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"format is {data.get('format')!r}, not {FORMAT!r}")
        if data.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"format_version is {data.get('format_version')!r}; this fpcore reads "
                f"{FORMAT_VERSION}"
            )
        as_of = data.get("as_of")
        return Dataset(
            root=location,
            by=data["by"],
            partitions=tuple(
                Partition(key=str(p["key"]), households=p["households"], persons=p["persons"])
                for p in data["partitions"]
            ),
            tables={name: tuple(columns) for name, columns in data["tables"].items()},
            as_of=None if as_of is None else pendulum.Date.fromisoformat(as_of),
            fpcore_version=str(data["fpcore_version"]),
            storage_options=storage_options,
        )
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidInput(f"{location}/{METADATA} is not readable: {error}", path="root") from None


def _keys_of(households: pl.DataFrame, by: str) -> pl.Series:
    import polars as pl

    if by == "township":
        source = "township"
        key = pl.col("township").cast(pl.String)
    elif by == "county":
        source = "village"
        key = pl.col("village").cast(pl.String).str.slice(0, 6)
    else:
        raise InvalidInput(f"by={by!r}: choose from ['county', 'township']", path="by")
    if source not in households.columns:
        raise InvalidInput(
            f"households have no {source!r} column to partition by {by}",
            path=f"households.{source}",
        )
    keys = households.select(key.alias(_PARTITION)).to_series()
    bad = keys.is_null() | (keys == "")
    if bad.any():
        raise InvalidInput(
            f"{int(bad.sum())} households have no {by} (an empty or missing {source}): every "
            "household must lie in one partition",
            path=f"households.{source}",
        )
    return keys


def _tag(
    name: str, frame: pl.DataFrame, households: pl.DataFrame, persons: pl.DataFrame
) -> pl.DataFrame:
    """The table with each row's partition key, from its household (or its person's)."""
    if name == "households":
        return frame
    if "household_id" in frame.columns:
        tagged = frame.join(households, on="household_id", how="left", maintain_order="left")
    elif "person_id" in frame.columns:
        owners = persons.join(households, on="household_id", how="left").select(
            "person_id", _PARTITION
        )
        tagged = frame.join(owners, on="person_id", how="left", maintain_order="left")
    else:
        raise InvalidInput(
            f"table {name!r} has neither household_id nor person_id: it cannot be partitioned",
            path=name,
        )
    orphans = tagged[_PARTITION].null_count()
    if orphans:
        raise InvalidInput(
            f"{orphans} rows name a household that is not in the households table",
            path=name,
        )
    return tagged


def write_partitioned(
    tables: Mapping[str, pl.DataFrame] | Population,
    root: str | Path,
    *,
    by: Partitioning = "township",
    as_of: pendulum.Date | None = None,
    overwrite: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> Dataset:
    """Write population tables as a dataset partitioned by county or township.

    Every row goes to its household's partition (a row keyed by ``person_id`` only, to
    its person's household's), so households are never split; rows keep their order
    within a partition, and a table sorted by its key stays sorted. Every table gets a
    file in every partition, empty where it has no rows.

    Args:
        tables: population tables (:mod:`fpcore.tables`) or a
            :class:`~fpcore.rules.Population`, whose ``as_of`` is kept.
        root: a directory (made if missing) or an object-store URL polars writes to.
        by: ``"township"`` (the households' ``township``) or ``"county"`` (the
            first 6 digits of their ``village`` code).
        as_of: the day the tables were drawn up to (a synthetic county's ``on``).
        overwrite: replace a dataset already at ``root`` (local directories only).
        storage_options: passed to polars and fsspec for an object-store URL.

    Raises:
        InvalidInput: ``root`` already holds files (and not ``overwrite``); a table is
            missing its key, or names a household or person that is not there; a
            household has no county or township.

    Example:
        >>> import tempfile
        >>> from fpcore.synth import synthetic_county
        >>> county = synthetic_county(households=500, seed=3)
        >>> folder = tempfile.mkdtemp()
        >>> dataset = write_partitioned(county.tables(), folder, by="township")
        >>> len(dataset.keys), dataset.households, dataset.keys[0]
        (12, 500, '371121100')
        >>> part = read_partition(dataset, "371121100")
        >>> part["households"]["township"].unique().to_list()
        ['371121100']
    """

    from fpcore.rules import Population

    if isinstance(tables, Population):
        as_of = as_of or tables.as_of
        population = tables
    else:
        population = Population(tables)
    frames = dict(population.tables)
    location = str(root)
    _prepare(location, overwrite)
    households = frames["households"]
    if households.height == 0:
        raise InvalidInput("the population has no households: nothing to write", path="households")
    keyed = households.select("household_id", _keys_of(households, by))
    keys = sorted(keyed[_PARTITION].unique().to_list())
    persons = frames["persons"]
    counts = {
        "households": dict(keyed.group_by(_PARTITION).len().iter_rows()),
        "persons": {},
    }
    dropped = {name: by in frame.columns and name == "households" for name, frame in frames.items()}
    for name, frame in frames.items():
        tagged = (
            frame.with_columns(keyed[_PARTITION])
            if name == "households"
            else _tag(name, frame, keyed, persons)
        )
        if name == "persons":
            counts["persons"] = dict(tagged.group_by(_PARTITION).len().iter_rows())
        parts = tagged.partition_by(_PARTITION, as_dict=True, maintain_order=True)
        columns = [c for c in frame.columns if not (dropped[name] and c == by)]
        empty = frame.select(columns).clear()
        for key in keys:
            part = parts.get((key,))
            data = empty if part is None else part.select(columns)
            target = _join(location, name, f"{by}={quote(key, safe='')}", PART)
            if not _is_url(location):
                Path(target).parent.mkdir(parents=True, exist_ok=True)
            data.write_parquet(target, storage_options=_options(storage_options))
        del tagged, parts
    dataset = Dataset(
        root=location,
        by=by,
        partitions=tuple(
            Partition(
                key=key,
                households=int(counts["households"].get(key, 0)),
                persons=int(counts["persons"].get(key, 0)),
            )
            for key in keys
        ),
        tables={name: tuple(frame.columns) for name, frame in frames.items()},
        as_of=as_of,
        storage_options=storage_options,
    )
    _write_text(
        _join(location, METADATA),
        json.dumps(dataset.metadata(), ensure_ascii=False, indent=1) + "\n",
        storage_options,
    )
    return dataset


def _options(storage_options: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if storage_options is None else dict(storage_options)


def _prepare(location: str, overwrite: bool) -> None:
    if _is_url(location):
        return
    folder = Path(location)
    if folder.exists() and any(folder.iterdir()):
        if not overwrite:
            raise InvalidInput(
                f"{location} is not empty: choose another folder, or overwrite=True to replace "
                "the dataset there",
                path="root",
            )
        if not (folder / METADATA).exists():
            raise InvalidInput(
                f"{location} holds files but no fpcore dataset: not overwritten", path="root"
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)


def _dataset(dataset: Dataset | str | Path) -> Dataset:
    return dataset if isinstance(dataset, Dataset) else open_dataset(dataset)


def read_partition(dataset: Dataset | str | Path, key: str) -> dict[str, pl.DataFrame]:
    """One partition's tables, with their ids as written (not renumbered).

    The partition column of the households is put back in its place; rows are in the
    order they had in the written tables.

    Raises:
        InvalidInput: no partition has that key.
    """
    import polars as pl

    data = _dataset(dataset)
    data.partition(key)
    tables = {}
    for name, columns in data.tables.items():
        frame = pl.read_parquet(
            data.file(name, key), storage_options=_options(data.storage_options)
        )
        if data.by in columns and data.by not in frame.columns:
            frame = frame.with_columns(pl.lit(key, dtype=pl.String).alias(data.by))
        tables[name] = frame.select(columns)
    return tables


def read_dataset(
    dataset: Dataset | str | Path, keys: Sequence[str] | None = None
) -> dict[str, pl.DataFrame]:
    """The whole dataset (or the partitions named) as one set of tables, in one process.

    The tables are put back in key order: households by ``household_id``, every table
    with a ``person_id`` by it, every other by ``household_id`` (stable, so rows of
    one entity keep their order). Tables written from :mod:`fpcore.tables` come back
    equal to them.
    """
    import polars as pl

    data = _dataset(dataset)
    chosen = data.keys if keys is None else tuple(keys)
    parts = [read_partition(data, key) for key in chosen]
    out = {}
    for name in data.tables:
        frame = pl.concat([part[name] for part in parts]) if parts else None
        if frame is None:
            raise InvalidInput("no partition chosen", path="keys")
        key = next((k for k in _ENTITY_KEYS if k in frame.columns), None)
        out[name] = frame if key is None else frame.sort(key, maintain_order=True)
    return out


def check_partition(dataset: Dataset, key: str, tables: Mapping[str, pl.DataFrame]) -> None:
    """Check one partition read back against the metadata (its households and persons).

    Raises:
        InvalidInput: the files do not hold what the metadata says.
    """
    partition = dataset.partition(key)
    problems = [
        Problem(f"{dataset.file(name, key)}", f"{height} rows, the metadata says {expected}")
        for name, expected in (("households", partition.households), ("persons", partition.persons))
        if (height := tables[name].height) != expected
    ]
    if problems:
        raise InvalidInput(problems)
