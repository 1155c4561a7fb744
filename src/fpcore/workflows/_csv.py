"""CSV that is safe to open in a spreadsheet: the one writer every CSV output uses."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def csv_cell(value: object) -> str:
    """A cell as text that no spreadsheet runs as a formula (CSV injection).

    Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break (or their
    full-width forms) gets a leading apostrophe, the form OWASP recommends; plain
    numbers such as ``-5.00`` are kept as they are. Masked names are cells like any
    other, so ``=*d`` is neutralised too.

    Example:
        >>> csv_cell("=HYPERLINK(\\"http://evil.example\\")"), csv_cell("@SUM(A1)")
        ('\\'=HYPERLINK("http://evil.example")', "'@SUM(A1)")
        >>> csv_cell("-5.00"), csv_cell("张*娟"), csv_cell(7)
        ('-5.00', '张*娟', '7')
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """CSV text (``\\n`` line ends) with every cell passed through :func:`csv_cell`.

    Example:
        >>> print(csv_text(["name", "amount"], [["=1+1", "10.00"]]), end="")
        name,amount
        '=1+1,10.00
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()
