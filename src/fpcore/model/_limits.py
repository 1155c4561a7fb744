"""What the model accepts at most: dates, text and the size of a household.

These bounds are what a real family and a real register can hold, with room to spare.
They keep every evaluation bounded (no household can make a fact loop for minutes)
and keep every date fpcore computes from an accepted one (a 60th birthday, the month
a child turns 18) inside the calendar. The JSON Schema states the same bounds.

Example:
    >>> EARLIEST_DATE, LATEST_DATE
    (Date(1850, 1, 1), Date(2199, 12, 31))
    >>> MAX_CHILDREN
    100
"""

from __future__ import annotations

import pendulum

EARLIEST_DATE = pendulum.Date(1850, 1, 1)
"""The earliest date the model accepts (a grandparent born in the 1850s is on record)."""

LATEST_DATE = pendulum.Date(2199, 12, 31)
"""The latest date the model accepts; ages and birthdays computed from it stay in range."""

MAX_PARENTS = 2
"""A household has one or two parents."""

MAX_CHILDREN = 100
"""Children of one household, by birth or adoption.

More than any recorded family (the record is 69 births to one mother), with room for
remarried couples and adoptions; a larger list is an input error.
"""

MAX_CERTIFICATES = 100
"""Certificates of one household (honour certificates, birth permits, handbooks)."""

MAX_DEPOSITS = 100
"""Planned-birth deposits of one household."""

MAX_MARRIAGES = 20
"""Marriages recorded for the parents of one household (theirs and earlier ones)."""

MAX_CONFIRMATIONS = 100
"""Eligibility confirmations recorded for one household."""

MAX_HUKOU_CHANGES = 50
"""Dated hukou changes of one person."""

MAX_DISABILITIES = 50
"""Disability certificates of one child (issued, cancelled, reissued)."""

MAX_TEXT_CHARS = 200
"""The longest name, code, number or receipt the model accepts, in characters."""
