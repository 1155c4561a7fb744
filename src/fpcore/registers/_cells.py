"""Cells: raw spreadsheet or CSV values to text, text to values, and lists in one cell.

A list cell holds entries separated by ``;`` (or the full-width ``；``), an entry's
fields separated by ``/``; a backslash keeps a ``;``, ``/`` or ``\\`` that is part of a
value (``鲁\\/2005``). Each reader raises :class:`CellError` with the reason only; the
register reader adds the row and the column.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import TypeVar

import pendulum

from fpcore.errors import shown
from fpcore.model._checks import date_problem

T = TypeVar("T")

_DATE = re.compile(r"(\d{4})([-/.]?)(\d{1,2})\2(\d{1,2})")
_FORMULA_START = ("=", "+", "-", "@", "'", "\t", "\r")
_EXCEL_DIGITS = 15


class CellError(ValueError):
    """Why one cell (or one entry of a list cell) cannot be read."""


def cell_text(value: object, *, resident_id: bool = False) -> str:
    """A raw cell value (text from a CSV; text, number, date or None from a workbook)
    as stripped text; a leading ``'`` (the spreadsheet's text marker, and what export
    puts before text that would read as a formula) is dropped.

    Example:
        >>> cell_text("  张三 "), cell_text(371121100201), cell_text(None), cell_text("'=1+1")
        ('张三', '371121100201', '', '=1+1')
        >>> cell_text(datetime.datetime(1970, 5, 1))
        '1970-05-01'
    """
    if type(value) is str:  # the common case first: a CSV holds nothing else
        text = value.strip()
        return text[1:] if text.startswith("'") else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and resident_id:
        raise CellError(
            f"{shown(value)} is stored as a number: a spreadsheet keeps {_EXCEL_DIGITS} "
            "digits of a number, so an 18-character ID loses its last digits and its "
            "check character; store the column as text"
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0, 0):
            raise CellError(f"{value} has a time of day (expected a date)")
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    return text[1:] if text.startswith("'") else text


def guarded(text: str) -> str:
    """Text as export writes it: a ``'`` before text a spreadsheet would run as a
    formula (``=``, ``+``, ``-``, ``@``) or that starts with ``'`` itself; reading
    drops it again (:func:`cell_text`).

    >>> guarded("=HYPERLINK(1)"), guarded("张三")
    ("'=HYPERLINK(1)", '张三')
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def parse_date(text: str) -> pendulum.Date:
    """A date cell: ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY.MM.DD`` or ``YYYYMMDD``.

    >>> parse_date("1970/5/1"), parse_date("19700501")
    (Date(1970, 5, 1), Date(1970, 5, 1))
    >>> parse_date("1970-02-30")
    Traceback (most recent call last):
    ...
    fpcore.registers._cells.CellError: '1970-02-30' is not a date (no such day)
    """
    match = _DATE.fullmatch(text)
    if match is None or (not match[2] and len(text) != 8):
        raise CellError(f"{shown(text)} is not a date (expected YYYY-MM-DD)")
    try:
        day = pendulum.Date(int(match[1]), int(match[3]), int(match[4]))
    except ValueError:
        raise CellError(f"{shown(text)} is not a date (no such day)") from None
    problem = date_problem(day)
    if problem is not None:
        raise CellError(problem)
    return day


def optional_date(text: str) -> pendulum.Date | None:
    """An optional date cell: empty is None."""
    return parse_date(text) if text else None


def word(text: str, table: Mapping[str, T], what: str) -> T:
    """A cell holding one word of a vocabulary (any case for the English words)."""
    found = table.get(text, table.get(text.casefold()))
    if found is None:
        words = ", ".join(w for w in table if not w.isascii())
        raise CellError(f"{shown(text)} is not a {what} (expected {words})")
    return found


def split_entries(text: str) -> list[list[str]]:
    """A list cell's entries, each a list of its fields (stripped, unescaped).

    >>> split_entries("2010-06-01/非农业/农转非； 2015-01-01/农业;")
    [['2010-06-01', '非农业', '农转非'], ['2015-01-01', '农业']]
    >>> split_entries(r"生育证/鲁\\/2005/2005-01-01")
    [['生育证', '鲁/2005', '2005-01-01']]
    """
    entries: list[list[str]] = []
    fields: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == "/":
            fields.append("".join(current).strip())
            current = []
        elif char in ";；":
            fields.append("".join(current).strip())
            if any(fields):
                entries.append(fields)
            fields, current = [], []
        else:
            current.append(char)
    fields.append("".join(current).strip())
    if any(fields):
        entries.append(fields)
    return entries


def escape(text: str) -> str:
    r"""A value as a field of a list cell: ``\``, ``/`` and ``;`` escaped.

    >>> escape("鲁/2005;1")
    '鲁\\/2005\\;1'
    """
    return re.sub(r"([\\/;；])", r"\\\1", text)


def join_entries(entries: list[list[str]]) -> str:
    """A list cell from its entries (fields already escaped); trailing empty fields
    are left out.

    >>> join_entries([["2", "2005-01-01", "", ""], ["1", "2010-01-01", "", "X"]])
    '2/2005-01-01; 1/2010-01-01//X'
    """
    parts = []
    for fields in entries:
        while fields and not fields[-1]:
            fields = fields[:-1]
        parts.append("/".join(fields))
    return "; ".join(parts)


def fields_of(entry: list[str], names: tuple[str, ...], required: int) -> list[str]:
    """An entry's fields padded to ``names``; too few or too many is a CellError."""
    if len(entry) > len(names):
        raise CellError(
            f"has {len(entry)} fields separated by / (expected at most {len(names)}: "
            f"{'/'.join(names)})"
        )
    padded = entry + [""] * (len(names) - len(entry))
    missing = [name for name, value in zip(names[:required], padded, strict=False) if not value]
    if missing:
        raise CellError(f"{', '.join(missing)} missing (expected {'/'.join(names)})")
    return padded
