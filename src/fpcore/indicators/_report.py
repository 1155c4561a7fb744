"""Indicators as report rows: plain records (for JSON) and a polars table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from fpcore.indicators._result import Indicator, plain

if TYPE_CHECKING:
    import polars as pl

REPORT_COLUMNS = (
    "area",
    "level",
    "township",
    "village",
    "period",
    "indicator",
    "name",
    "chinese",
    "ages",
    "basis",
    "numerator",
    "denominator",
    "value",
    "shown",
    "unit",
    "note",
    "source",
)
"""The columns of :func:`indicator_table` and the keys of :func:`indicator_record`."""

_LEVELS = {1: "county", 2: "township", 3: "village"}


def indicator_record(indicator: Indicator) -> dict[str, str | None]:
    """One indicator as a flat record of text (exact counts, the rounded value).

    ``value`` is the rounded value without its unit (``None`` when undefined);
    numerator and denominator are exact (``513000.5``, ``1/3``). An area label
    ``county/township/village`` is split into ``level``, ``township`` and ``village``.

    Example:
        >>> from fpcore.indicators import PopulationBasis, rate_sex_ratio_at_birth
        >>> r = rate_sex_ratio_at_birth(male_births=196, female_births=185,
        ...                             basis=PopulationBasis.RESIDENT, area="某县/某镇")
        >>> rec = indicator_record(r)
        >>> rec["level"], rec["township"], rec["value"], rec["shown"], rec["basis"]
        ('township', '某镇', '105.95', '105.95:100', 'resident')
    """
    parts = indicator.area.split("/") if indicator.area else []
    rounded = indicator.rounded()
    d = indicator.definition
    return {
        "area": indicator.area,
        "level": _LEVELS.get(len(parts)),
        "township": parts[1] if len(parts) > 1 else None,
        "village": parts[2] if len(parts) > 2 else None,
        "period": None if indicator.period is None else str(indicator.period),
        "indicator": d.key,
        "name": indicator.name,
        "chinese": d.chinese,
        "ages": None if indicator.ages is None else str(indicator.ages),
        "basis": None if indicator.basis is None else indicator.basis.value,
        "numerator": plain(indicator.numerator),
        "denominator": plain(indicator.denominator),
        "value": None if rounded is None else str(rounded),
        "shown": indicator.shown(),
        "unit": d.unit.value,
        "note": indicator.note or None,
        "source": d.source,
    }


def indicator_table(indicators: Iterable[Indicator]) -> pl.DataFrame:
    """The indicators as a report table (polars), one row each, every column text.

    No float anywhere: ``value`` is the rounded decimal as text, ``numerator`` and
    ``denominator`` are exact. Columns: :data:`REPORT_COLUMNS`.

    Example:
        >>> from fpcore.indicators import rate_satisfaction
        >>> t = indicator_table([rate_satisfaction(satisfied=481, valid_responses=500)])
        >>> t.select("indicator", "value", "shown").rows()
        [('satisfaction_rate', '96.2', '96.2%')]
    """
    import polars as pl

    records = [indicator_record(i) for i in indicators]
    return pl.DataFrame(
        {c: [r[c] for r in records] for c in REPORT_COLUMNS},
        schema=dict.fromkeys(REPORT_COLUMNS, pl.String),
    )
