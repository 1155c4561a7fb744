"""Registers: the county's tables as polars frames, checked; reading and writing them.

Polars is imported inside the functions (and for type checking only at the top), so
importing :mod:`fpcore.indicators` does not import polars.

The on-disk format (a directory) is documented in ``docs/indicators.md``: a manifest
``register.json`` and one ``<table>.csv`` or ``<table>.parquet`` per table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from fpcore._json import parse_json, read_limited
from fpcore.errors import InvalidInput, Problem, shown

if TYPE_CHECKING:
    import polars as pl

REGISTER_FORMAT = "fpcore-register"
REGISTER_VERSION = 1

Level = Literal["county", "township", "village"]
AreaKey = tuple[str, ...]
"""An area as a path: ``()`` the county, ``(township,)``, ``(township, village)``."""

SEXES = ("male", "female")
MARITAL_STATUSES = ("single", "married", "widowed", "divorced")
OUTCOMES = ("live", "stillbirth")
EDUCATION_LEVELS = (
    "none",
    "primary",
    "junior_high",
    "senior_high",
    "technical_secondary",
    "college",
    "university",
)
HIGH_SCHOOL_OR_MORE = ("senior_high", "technical_secondary", "college", "university")
"""Education levels counted as 高中及以上 (senior high school or more)."""


@attrs.frozen
class ColumnSpec:
    """One column of a register table: its kind, whether it may be empty, its values.

    ``kind`` is ``"int"``, ``"str"``, ``"date"`` or ``"bool"``; ``allowed`` lists the
    only values a text column may take (empty: any); ``minimum`` bounds an integer.
    """

    kind: Literal["int", "str", "date", "bool"]
    nullable: bool = False
    allowed: tuple[str, ...] = ()
    minimum: int | None = None


_AREA = {"township": ColumnSpec("str"), "village": ColumnSpec("str")}
_BASIS = {"registered": ColumnSpec("bool"), "resident": ColumnSpec("bool")}

SCHEMAS: Mapping[str, Mapping[str, ColumnSpec]] = {
    "persons": {
        "person_id": ColumnSpec("int"),
        **_AREA,
        "sex": ColumnSpec("str", allowed=SEXES),
        "birth_date": ColumnSpec("date"),
        "entry_date": ColumnSpec("date", nullable=True),
        "exit_date": ColumnSpec("date", nullable=True),
        **_BASIS,
        "marital_status": ColumnSpec("str", allowed=MARITAL_STATUSES),
        "menopausal": ColumnSpec("bool"),
        "infertile": ColumnSpec("bool"),
        "contraception": ColumnSpec("bool", nullable=True),
    },
    "births": {
        "birth_id": ColumnSpec("int"),
        **_AREA,
        "date": ColumnSpec("date"),
        "outcome": ColumnSpec("str", allowed=OUTCOMES),
        "sex": ColumnSpec("str", allowed=SEXES),
        "order": ColumnSpec("int", minimum=1),
        "in_policy": ColumnSpec("bool"),
        "defect": ColumnSpec("bool"),
        "mother_birth_date": ColumnSpec("date", nullable=True),
        **_BASIS,
    },
    "deaths": {
        "person_id": ColumnSpec("int"),
        **_AREA,
        "date": ColumnSpec("date"),
        **_BASIS,
    },
    "survey": {
        "respondent_id": ColumnSpec("int"),
        **_AREA,
        "date": ColumnSpec("date"),
        "satisfied": ColumnSpec("bool", nullable=True),
    },
    "archives": {
        "family_id": ColumnSpec("int"),
        **_AREA,
        "year": ColumnSpec("int"),
        "archived": ColumnSpec("bool"),
    },
    "staff": {
        "staff_id": ColumnSpec("int"),
        **_AREA,
        "year": ColumnSpec("int"),
        "education": ColumnSpec("str", allowed=EDUCATION_LEVELS),
    },
    "training": {
        "session_id": ColumnSpec("int"),
        "staff_id": ColumnSpec("int"),
        "date": ColumnSpec("date"),
    },
}
"""Every table of a register with its columns (see ``docs/indicators.md``)."""

TABLES = tuple(SCHEMAS)

_ORDERED_DATES = {
    "persons": (
        ("birth_date", "entry_date"),
        ("birth_date", "exit_date"),
        ("entry_date", "exit_date"),
    ),
    "births": (("mother_birth_date", "date"),),
}
"""Pairs of date columns of a row where the first must not be after the second."""
_MAX_ROWS_SHOWN = 5


def _dtype(kind: str) -> Any:
    import polars as pl

    return {"int": pl.Int64, "str": pl.String, "date": pl.Date, "bool": pl.Boolean}[kind]


def _convert(name: str, column: ColumnSpec, source: Any) -> pl.Expr:
    """An expression turning the column as read (often text) into its declared type."""
    import polars as pl

    col = pl.col(name)
    target = _dtype(column.kind)
    if source == target:
        return col
    if source == pl.String:
        text = col.str.strip_chars()
        if column.kind == "date":
            return text.str.to_date("%Y-%m-%d", strict=False)
        if column.kind == "bool":
            low = text.str.to_lowercase()
            return (
                pl.when(low.is_in(["true", "1", "yes"]))
                .then(pl.lit(True))
                .when(low.is_in(["false", "0", "no"]))
                .then(pl.lit(False))
                .otherwise(pl.lit(None, dtype=pl.Boolean))
            )
        if column.kind == "int":
            return text.str.to_integer(strict=False)
        return text
    return col.cast(target, strict=False)


_EXPECTED = {
    "int": "a whole number",
    "str": "text",
    "date": "a date YYYY-MM-DD",
    "bool": "true or false",
}


def _rows(mask: pl.Series) -> list[int]:
    return mask.arg_true().to_list()


def _report(
    problems: list[Problem],
    path: str,
    rows: list[int],
    message: str,
    values: pl.Series | None = None,
) -> None:
    """One problem per bad row (the first few); ``{value}`` in ``message`` is the cell."""
    for row in rows[:_MAX_ROWS_SHOWN]:
        value = "" if values is None else repr(values[row])
        problems.append(Problem(f"{path}[{row}]", message.format(value=value)))
    if len(rows) > _MAX_ROWS_SHOWN:
        problems.append(Problem(path, f"... and {len(rows) - _MAX_ROWS_SHOWN} more rows"))


def conform_table(name: str, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """Check one table against its schema and convert its columns to the declared types.

    Returns the converted table (only the schema's columns, in schema order) and every
    problem found; paths look like ``births[3].date`` (row numbers from 0).
    """
    import polars as pl

    schema = SCHEMAS[name]
    problems: list[Problem] = []
    missing = [c for c in schema if c not in frame.columns]
    for c in missing:
        problems.append(Problem(f"{name}.{c}", "missing column"))
    if missing:
        return frame, problems
    converted = frame.select(
        _convert(c, spec, frame.schema[c]).alias(c) for c, spec in schema.items()
    )
    for c, spec in schema.items():
        before, after = frame.get_column(c), converted.get_column(c)
        was_given = before.is_not_null()
        if before.dtype == pl.String:
            was_given = was_given & (before.str.strip_chars() != "")
        bad = _rows(was_given & after.is_null())
        if bad:
            values = before.cast(pl.String, strict=False)
            message = f"{{value}} is not {_EXPECTED[spec.kind]}"
            _report(problems, f"{name}.{c}", bad, message, values)
        if not spec.nullable:
            empty = _rows(~was_given)
            _report(problems, f"{name}.{c}", empty, "is empty (required)")
        if spec.allowed:
            outside = _rows(after.is_not_null() & ~after.is_in(list(spec.allowed)))
            message = f"{{value}} is not one of {', '.join(spec.allowed)}"
            _report(problems, f"{name}.{c}", outside, message, after)
        if spec.minimum is not None:
            low = _rows((after < spec.minimum).fill_null(False))
            message = f"{{value}} is below {spec.minimum}"
            _report(problems, f"{name}.{c}", low, message, after)
    for earlier, later in _ORDERED_DATES.get(name, ()):
        wrong = _rows(
            (converted.get_column(later) < converted.get_column(earlier)).fill_null(False)
        )
        _report(problems, f"{name}.{later}", wrong, f"is before {earlier}")
    for c in ("township", "village"):
        if c in schema:
            slashes = _rows(
                converted.get_column(c).str.contains("/", literal=True).fill_null(False)
            )
            _report(problems, f"{name}.{c}", slashes, "must not contain '/'")
    return converted, [_fix_path(p) for p in problems]


def _fix_path(p: Problem) -> Problem:
    # "births.date[3]" reads better as "births[3].date"
    head, _, rest = p.path.partition(".")
    if "[" in rest:
        column, _, row = rest.partition("[")
        return Problem(f"{head}[{row}.{column}", p.message)
    return p


@attrs.frozen(kw_only=True, eq=False)
class Register:
    """A county's registers for indicators: polars frames, checked when built.

    Only ``persons`` is required; a missing table leaves its indicators undefined.
    Columns are converted to their declared types (text from CSV is parsed); extra
    columns are dropped. See ``docs/indicators.md`` for every column.

    Args:
        county: the county's name (the top area of every report).
        persons: the population roster (stock at any date, year-end status).
        births: births, live and stillborn (28 weeks or more).
        deaths: deaths.
        survey: satisfaction survey answers.
        archives: families that must be archived, with whether they are.
        staff: family-planning staff on the roll, by year.
        training: attendance at training sessions.

    Raises:
        InvalidInput: every problem of every table (missing columns, bad values).
    """

    county: str
    persons: pl.DataFrame
    births: pl.DataFrame | None = None
    deaths: pl.DataFrame | None = None
    survey: pl.DataFrame | None = None
    archives: pl.DataFrame | None = None
    staff: pl.DataFrame | None = None
    training: pl.DataFrame | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.county, str) or not self.county or "/" in self.county:
            problems.append(Problem("county", f"{self.county!r} is not a county name"))
        for name in TABLES:
            frame = getattr(self, name)
            if frame is None:
                continue
            converted, found = conform_table(name, frame)
            problems.extend(found)
            object.__setattr__(self, name, converted)
        if problems:
            raise InvalidInput(problems)

    def tables(self) -> dict[str, pl.DataFrame]:
        """The tables the register has, by name."""
        return {n: f for n in TABLES if (f := getattr(self, n)) is not None}


def read_register(directory: str | Path) -> Register:
    """Read a register directory: ``register.json`` plus ``<table>.csv`` / ``.parquet``.

    Raises:
        InvalidInput: a missing or bad manifest, an unknown or doubled table file, or
            any problem in the tables (paths name the file's table, row and column).
    """
    import polars as pl

    root = Path(directory)
    problems: list[Problem] = []
    manifest_path = root / "register.json"
    if root.exists() and not root.is_dir():
        raise InvalidInput(f"{shown(str(root))} is not a directory (a register is a directory)")
    if not manifest_path.exists():
        raise InvalidInput(f"{manifest_path} not found (not a register directory)")
    try:
        manifest = parse_json(read_limited(manifest_path))
    except InvalidInput as error:
        raise error.under("register.json") from None
    if not isinstance(manifest, dict):
        raise InvalidInput("must be a JSON object", path="register.json")
    expected = {"format", "version", "county"}
    for key in sorted(set(manifest) - expected):
        problems.append(Problem(f"register.json.{key}", "unknown key"))
    if manifest.get("format") != REGISTER_FORMAT:
        problems.append(
            Problem(
                "register.json.format", f"{manifest.get('format')!r}, expected {REGISTER_FORMAT!r}"
            )
        )
    if type(manifest.get("version")) is not int or manifest.get("version") != REGISTER_VERSION:
        problems.append(
            Problem(
                "register.json.version", f"{manifest.get('version')!r}, expected {REGISTER_VERSION}"
            )
        )
    county = manifest.get("county", "")
    if not isinstance(county, str) or not county or "/" in county:
        problems.append(
            Problem("register.json.county", f"{county!r} is not a county name (text without '/')")
        )
    frames: dict[str, pl.DataFrame] = {}
    for path in sorted(root.iterdir()):
        if path.name == "register.json" or path.name.startswith(".") or path.is_dir():
            continue
        table, suffix = path.stem, path.suffix
        if suffix not in (".csv", ".parquet"):
            continue
        if table not in SCHEMAS:
            problems.append(Problem(path.name, f"unknown table; known: {', '.join(TABLES)}"))
            continue
        if table in frames:
            problems.append(Problem(path.name, f"table {table!r} is given twice"))
            continue
        try:
            if suffix == ".csv":
                frames[table] = pl.read_csv(path, infer_schema=False)
            else:
                frames[table] = pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError) as err:
            problems.append(Problem(path.name, f"cannot be read: {err}"))
    if "persons" not in frames and not any(p.path.startswith("persons.") for p in problems):
        problems.append(Problem("persons", "the persons table is required"))
    if problems:
        raise InvalidInput(problems)
    return Register(county=county, **frames)


def write_register(register: Register, directory: str | Path, *, fmt: str = "parquet") -> None:
    """Write a register as a directory that :func:`read_register` reads back.

    Args:
        register: the register.
        directory: created if missing.
        fmt: ``"parquet"`` or ``"csv"``.
    """
    if fmt not in ("parquet", "csv"):
        raise InvalidInput(f"{fmt!r} is not a format (expected parquet or csv)", path="fmt")
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    manifest = {"format": REGISTER_FORMAT, "version": REGISTER_VERSION, "county": register.county}
    (root / "register.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for name, frame in register.tables().items():
        if fmt == "csv":
            frame.write_csv(root / f"{name}.csv")
        else:
            frame.write_parquet(root / f"{name}.parquet")
