"""Register files: CSV (standard library) and Excel workbooks (openpyxl, extra
``registers``), read all or nothing and written all or nothing."""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from fpcore.errors import InvalidInput, Problem, shown
from fpcore.model import Household
from fpcore.registers._columns import COLUMNS
from fpcore.registers._read import households_from_rows
from fpcore.registers._write import register_rows

MAX_REGISTER_BYTES = 512 * 1024 * 1024
"""Larger register files are refused before reading (a county of 500,000 people is
about 80 MB of CSV)."""

MAX_REGISTER_ROWS = 5_000_000
"""Registers with more rows are refused (a workbook's rows are counted as read)."""

Headers = Literal["both", "zh", "en"]
_XLSX = (".xlsx", ".xlsm")


def _header(column_headers: Headers) -> list[str]:
    if column_headers == "zh":
        return [c.zh for c in COLUMNS]
    if column_headers == "en":
        return [c.key for c in COLUMNS]
    return [c.header for c in COLUMNS]


def _table(households: Iterable[Household]) -> list[list[str]]:
    return [[row.get(c.key, "") for c in COLUMNS] for row in register_rows(households)]


def dumps_households(households: Iterable[Household], *, headers: Headers = "both") -> str:
    """A register of ``households`` as CSV text (one row per person; the template's
    columns, headers in Chinese and English by default).

    Raises:
        InvalidInput: a household holds what the template cannot (nothing is written).

    Example:
        >>> from fpcore.model import sample_household
        >>> text = dumps_households([sample_household()], headers="zh")
        >>> text.splitlines()[0].split(",")[:5]
        ['户编号', '与户主关系', '姓名', '性别', '出生日期']
        >>> loads_households(text) == [sample_household()]
        True
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_header(headers))
    writer.writerows(_table(households))
    return out.getvalue()


def loads_households(text: str, *, ignore_unknown_columns: bool = False) -> list[Household]:
    """Households from register CSV text, all or none.

    Raises:
        InvalidInput: every bad cell by row and column (see :func:`households_from_rows`).
    """
    records = _csv_records(text)
    header = next(records, None)
    if header is None:
        raise InvalidInput("the register is empty (expected a header row, then one row a person)")
    return households_from_rows(header, records, ignore_unknown_columns=ignore_unknown_columns)


def _csv_records(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        for count, record in enumerate(reader, start=1):
            if count > MAX_REGISTER_ROWS:
                raise InvalidInput(f"the register has more than {MAX_REGISTER_ROWS} rows")
            yield record
    except csv.Error as error:
        raise InvalidInput([Problem(f"row {reader.line_num}", f"not CSV: {error}")]) from None


def _read_bytes(path: Path) -> bytes:
    name = shown(str(path)).strip("'")
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InvalidInput(f"{name} is not a regular file")
            if info.st_size > MAX_REGISTER_BYTES:
                limit = MAX_REGISTER_BYTES
                raise InvalidInput(f"{name} has {info.st_size} bytes (at most {limit})")
            return handle.read(MAX_REGISTER_BYTES + 1)
    except OSError as error:
        raise InvalidInput(f"cannot read {name} ({error.strerror})") from None


def decode(data: bytes, encoding: str = "utf-8") -> str:
    """Register bytes as text: UTF-8 (with or without the BOM Excel writes), or the
    ``encoding`` given (``gb18030`` reads GBK and GB2312 files too).

    Raises:
        InvalidInput: the bytes are not text in that encoding; the message says which
            encoding to try.

    Example:
        >>> decode("户编号".encode("gbk"))
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          the register is not UTF-8 text (byte 0); a file saved by Excel as "CSV" in Chinese Windows is GBK: read it with encoding="gb18030"
        >>> decode("户编号".encode("gbk"), "gb18030")
        '户编号'
    """  # noqa: E501
    try:
        utf8 = encoding.replace("_", "-").lower() == "utf-8"
        text = data.decode("utf-8-sig" if utf8 else encoding)
    except UnicodeDecodeError as error:
        hint = (
            '; a file saved by Excel as "CSV" in Chinese Windows is GBK: '
            'read it with encoding="gb18030"'
            if encoding.lower().startswith("utf")
            else ""
        )
        raise InvalidInput(
            f"the register is not {encoding.upper()} text (byte {error.start}){hint}"
        ) from None
    except LookupError:
        raise InvalidInput(f"{shown(encoding)} is not a text encoding Python knows") from None
    return text


def read_households(
    path: str | os.PathLike[str],
    *,
    encoding: str = "utf-8",
    sheet: str | None = None,
    ignore_unknown_columns: bool = False,
) -> list[Household]:
    """Households from a register file, all or none: CSV, or an Excel workbook
    (``.xlsx``; needs the ``registers`` extra, openpyxl).

    Args:
        path: the file; ``.xlsx`` or ``.xlsm`` is read as a workbook, anything else as CSV.
        encoding: the CSV file's encoding (UTF-8 with or without BOM by default).
        sheet: the workbook's sheet to read (default: the first).
        ignore_unknown_columns: read past columns the template does not have.

    Raises:
        InvalidInput: every bad cell by row and column; the file cannot be read.
    """
    file = Path(path)
    if file.suffix.lower() in _XLSX:
        header, records = _workbook_records(file, sheet)
        return households_from_rows(header, records, ignore_unknown_columns=ignore_unknown_columns)
    if sheet is not None:
        raise InvalidInput("sheet= is for workbooks (.xlsx); this file is read as CSV")
    text = decode(_read_bytes(file), encoding)
    return loads_households(text, ignore_unknown_columns=ignore_unknown_columns)


def _workbook_records(
    path: Path, sheet: str | None
) -> tuple[Sequence[object], Iterator[Sequence[object]]]:
    import zipfile

    load_workbook = _openpyxl().load_workbook

    _read_bytes_size_only(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InvalidInput(f"{path.name} is not an Excel workbook (.xlsx): {error}") from None
    if sheet is not None and sheet not in book.sheetnames:
        names = ", ".join(book.sheetnames)
        raise InvalidInput(f"{path.name} has no sheet {sheet!r} (it has {names})")
    table = book[sheet] if sheet is not None else book.worksheets[0]
    rows = table.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        book.close()
        raise InvalidInput(f"{path.name}: the sheet is empty (expected a header row)")

    def records() -> Iterator[Sequence[object]]:
        try:
            for count, row in enumerate(rows, start=2):
                if count > MAX_REGISTER_ROWS:
                    raise InvalidInput(f"the register has more than {MAX_REGISTER_ROWS} rows")
                yield row
        finally:
            book.close()

    return header, records()


def _read_bytes_size_only(path: Path) -> None:
    name = shown(str(path)).strip("'")
    try:
        info = path.stat()
    except OSError as error:
        raise InvalidInput(f"cannot read {name} ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{name} is not a regular file")
    if info.st_size > MAX_REGISTER_BYTES:
        raise InvalidInput(f"{name} has {info.st_size} bytes (at most {MAX_REGISTER_BYTES})")


def write_households(
    households: Iterable[Household],
    path: str | os.PathLike[str],
    *,
    headers: Headers = "both",
) -> None:
    """Write a register of ``households``: CSV (UTF-8 with the BOM Excel needs to show
    Chinese), or a workbook for ``.xlsx`` (extra ``registers``). All or nothing: the
    file is written beside its place and moved there only when complete.

    Raises:
        InvalidInput: a household holds what the template cannot (nothing is written).
    """
    file = Path(path)
    table = _table(households)
    header = _header(headers)
    descriptor, name = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".part")
    os.close(descriptor)
    temporary = Path(name)
    try:
        if file.suffix.lower() in _XLSX:
            _write_workbook(temporary, header, table)
        else:
            with temporary.open("w", encoding="utf-8-sig", newline="") as text:
                writer = csv.writer(text, lineterminator="\r\n")
                writer.writerow(header)
                writer.writerows(table)
        publish(temporary, file)
    finally:
        temporary.unlink(missing_ok=True)


def publish(temporary: Path, target: Path) -> None:
    """Move a completely written file into place, with the permissions a new file gets
    (a temporary file is private to its owner)."""
    mask = os.umask(0)
    os.umask(mask)
    temporary.chmod(0o666 & ~mask)
    os.replace(temporary, target)


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ModuleNotFoundError as error:  # the registers extra
        raise ModuleNotFoundError(
            'Excel workbooks need the registers extra: pip install "fpcore[registers]"',
            name="openpyxl",
        ) from error
    return openpyxl


def _write_workbook(path: Path, header: list[str], table: list[list[str]]) -> None:
    book = _openpyxl().Workbook(write_only=True)
    sheet = book.create_sheet("register")
    sheet.append(header)
    for row in table:
        sheet.append(row)  # every cell is text: IDs keep all 18 characters
    book.save(path)
