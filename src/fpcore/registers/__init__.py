"""County registers in and out: households from the tabular export a county keeps
(CSV or an Excel workbook, one row per person), and back.

The template (:data:`COLUMNS`, documented in ``docs/registers.md`` with a sample in
``examples/register-template.csv``) has one row per person: the 户主 (the household's
first parent), the 配偶 (the second) and the 子女 (children), each naming its
household (户编号). Household facts (village, the couple's marriage, the honour
certificate, quota, deposits) are given once, on the 户主 row; lists in one cell (hukou
changes, disability certificates, other marriages, certificates, deposits,
confirmations) are entries separated by ``;``, fields by ``/``.

Reading is all or nothing: every bad cell is reported by row and column in one
:class:`~fpcore.errors.InvalidInput`, and no household is returned. Writing refuses a
household the template cannot hold, and writes nothing then.

Example:
    >>> from fpcore.model import sample_household
    >>> text = dumps_households([sample_household()])
    >>> loads_households(text) == [sample_household()]
    True
    >>> loads_households(text.replace("1970-05-01", "1970-13-01"))
    Traceback (most recent call last):
    ...
    fpcore.errors.InvalidInput: 1 problem in the input:
      row 2, column E (出生日期 birth_date): '1970-13-01' is not a date (no such day)
"""

from fpcore.registers._columns import COLUMNS, Column, Scope, column_of
from fpcore.registers._files import (
    MAX_REGISTER_BYTES,
    MAX_REGISTER_ROWS,
    decode,
    dumps_households,
    loads_households,
    read_households,
    write_households,
)
from fpcore.registers._read import households_from_rows
from fpcore.registers._write import household_rows, inexpressible, register_rows

__all__ = [
    "COLUMNS",
    "MAX_REGISTER_BYTES",
    "MAX_REGISTER_ROWS",
    "Column",
    "Scope",
    "column_of",
    "decode",
    "dumps_households",
    "household_rows",
    "households_from_rows",
    "inexpressible",
    "loads_households",
    "read_households",
    "register_rows",
    "write_households",
]
