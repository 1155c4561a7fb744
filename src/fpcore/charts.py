"""Charts of what-ifs (extra ``analysis``: matplotlib): figures from comparison tables.

Each function takes a table of :func:`fpcore.scenario.compare` (or of
:func:`fpcore.projection.compare_years`) and returns a :class:`matplotlib.figure.Figure`:
shown inline in a notebook, saved with ``figure.savefig("chart.png")``. No global
pyplot state is touched, so charts can be drawn from threads and scripts alike.

Why matplotlib: it is the most widely kept plotting library in Python (NumFOCUS, a
release every few months), draws PNG, SVG and PDF with no browser or JavaScript, renders
inline in Jupyter and in the docs build, and was already what the notebooks use.

Money is exact in the tables; it becomes float only to draw. Labels are ASCII: a
machine without a CJK font (most servers and CI) would draw Chinese names as empty
boxes, so townships are labelled by the last three digits of their code, and a chart
adds the names only when a CJK font is installed (:func:`cjk_font`).

Example:
    >>> from fpcore.periods import parse_period
    >>> from fpcore.policies import get
    >>> from fpcore.rules import Population
    >>> from fpcore.scenario import compare
    >>> from fpcore.synth import synthetic_county
    >>> population = Population(synthetic_county(households=500, seed=1).tables())
    >>> base = get("county")
    >>> reform = base.with_amount("reward_assistance.annual", "1200", from_="2007-01-01")
    >>> table = compare(population, base, reform, parse_period("2007-01..2008-12"),
    ...                 by=("year", "benefit"))
    >>> figure = budget_by_year(table)
    >>> [axes.get_title() for axes in figure.axes]
    ['Budget by year']
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl
    from matplotlib.figure import Figure

__all__ = ["budget_by_year", "by_payer", "by_township", "cjk_font", "gainers_and_losers"]

_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "AR PL UMing CN",
)


@functools.cache
def _figure_class() -> type[Figure]:
    try:
        from matplotlib.figure import Figure
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            f'charts need matplotlib ({error.name} is missing): pip install "fpcore[analysis]"',
            name=error.name,
        ) from None

    class Chart(Figure):
        """A figure that Jupyter shows as a PNG whatever the notebook's backend."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=100)
            return buffer.getvalue()

    return Chart


def _figure(width: float = 8.0, height: float = 3.6) -> Figure:
    return _figure_class()(figsize=(width, height), layout="constrained")


def cjk_font() -> str | None:
    """The family of an installed font that draws Chinese, or None (most servers)."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in _CJK_FAMILIES if family in installed), None)


def _money_axis(axes: Any) -> None:
    """Yuan on the y axis with thousands separators (``1,200,000``)."""
    from matplotlib.ticker import FuncFormatter

    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))


def _yuan(table: pl.DataFrame, column: str) -> list[float]:
    return [fen / 100 for fen in table[column].to_list()]  # floats only to draw


def _need(table: pl.DataFrame, columns: Sequence[str], chart: str) -> None:
    from fpcore.errors import InvalidInput

    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InvalidInput(
            f"{chart} needs a comparison table with the columns {', '.join(missing)} "
            f"(compare(..., by=...) with {', '.join(c for c in missing if '_' not in c)})",
            path="table",
        )


def budget_by_year(
    table: pl.DataFrame, *, base_label: str = "base", reform_label: str = "reform"
) -> Figure:
    """The budget by year under each policy (lines, yuan), with the reform's extra cost
    as bars: from a comparison by ``year`` (and anything else, summed)."""
    import polars as pl

    _need(table, ["year", "base_fen", "reform_fen"], "budget_by_year")
    yearly = table.group_by("year").agg(pl.col("base_fen", "reform_fen").sum()).sort("year")
    years = yearly["year"].to_list()
    figure = _figure()
    axes = figure.add_subplot()
    base, reform = _yuan(yearly, "base_fen"), _yuan(yearly, "reform_fen")
    axes.bar(years, [r - b for b, r in zip(base, reform, strict=True)], color="0.8", label="change")
    axes.plot(years, base, marker="o", label=base_label)
    axes.plot(years, reform, marker="o", label=reform_label)
    axes.set_xlabel("year")
    axes.set_ylabel("yuan (all benefits)")
    axes.set_title("Budget by year")
    axes.legend()
    _money_axis(axes)
    return figure


def by_township(table: pl.DataFrame, *, names: bool | None = None) -> Figure:
    """The change by township (bars, yuan), summed over the rest of the table.

    Townships are labelled by the last three digits of their code; with ``names=True``
    (default: when a CJK font is installed) by code and name. The chart's legend lists
    code and name pairs only where the names can be drawn.
    """
    import polars as pl

    _need(table, ["township", "base_fen", "reform_fen"], "by_township")
    keys = ["township", *(["township_name"] if "township_name" in table.columns else [])]
    summed = table.group_by(keys).agg(pl.col("base_fen", "reform_fen").sum()).sort("township")
    font = cjk_font()
    show_names = (font is not None) if names is None else names
    codes = [str(code)[-3:] for code in summed["township"]]
    labels = codes
    if show_names and "township_name" in summed.columns:
        labels = [f"{c} {n or ''}" for c, n in zip(codes, summed["township_name"], strict=True)]
    figure = _figure(width=max(8.0, 0.6 * len(labels) + 2))
    axes = figure.add_subplot()
    change = [
        r - b for b, r in zip(_yuan(summed, "base_fen"), _yuan(summed, "reform_fen"), strict=True)
    ]
    axes.bar(labels, change, color=["tab:green" if c >= 0 else "tab:red" for c in change])
    if show_names and font is not None:
        for label in axes.get_xticklabels():
            label.set_fontfamily(font)
    axes.tick_params(axis="x", labelrotation=45 if show_names else 0)
    axes.set_xlabel("township (last digits of the code)")
    axes.set_ylabel("change, yuan")
    _money_axis(axes)
    axes.set_title("Change by township")
    axes.axhline(0, color="0.3", linewidth=0.8)
    return figure


def by_payer(table: pl.DataFrame) -> Figure:
    """Each payer's budget under each policy (bars side by side, yuan): from a
    comparison by ``payer``; by ``year`` too, the payers' reform budgets by year."""
    import polars as pl

    _need(table, ["payer", "base_fen", "reform_fen"], "by_payer")
    figure = _figure()
    axes = figure.add_subplot()
    if "year" in table.columns and table["year"].n_unique() > 1:
        yearly = (
            table.group_by("year", "payer").agg(pl.col("reform_fen").sum()).sort("year", "payer")
        )
        years = sorted(set(yearly["year"].to_list()))
        bottom = [0.0] * len(years)
        for payer in sorted(set(yearly["payer"].to_list())):
            rows = dict(yearly.filter(pl.col("payer") == payer).select("year", "reform_fen").rows())
            part = [rows.get(year, 0) / 100 for year in years]
            axes.bar(years, part, bottom=bottom, label=payer)
            bottom = [b + p for b, p in zip(bottom, part, strict=True)]
        axes.set_xlabel("year")
        axes.set_title("Reform budget by payer and year")
    else:
        summed = table.group_by("payer").agg(pl.col("base_fen", "reform_fen").sum()).sort("payer")
        payers = summed["payer"].to_list()
        where = list(range(len(payers)))
        axes.bar([w - 0.2 for w in where], _yuan(summed, "base_fen"), width=0.4, label="base")
        axes.bar([w + 0.2 for w in where], _yuan(summed, "reform_fen"), width=0.4, label="reform")
        axes.set_xticks(where, payers)
        axes.set_xlabel("payer")
        axes.set_title("Budget by payer")
    axes.set_ylabel("yuan")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    _money_axis(axes)
    return figure


def gainers_and_losers(table: pl.DataFrame) -> Figure:
    """How many beneficiaries gain (up) and lose (down), by benefit; by ``year`` too,
    the counts by year: from a comparison by ``benefit`` (and ``year``)."""
    import polars as pl

    _need(table, ["gainers", "losers"], "gainers_and_losers")
    figure = _figure()
    axes = figure.add_subplot()
    key = "year" if "year" in table.columns and table["year"].n_unique() > 1 else "benefit"
    if key not in table.columns:
        summed = table.select(pl.lit("all").alias(key), pl.col("gainers", "losers").sum())
    else:
        summed = table.group_by(key).agg(pl.col("gainers", "losers").sum()).sort(key)
    labels = [str(v) for v in summed[key].to_list()]
    axes.bar(labels, summed["gainers"].to_list(), color="tab:green", label="gain")
    axes.bar(labels, [-v for v in summed["losers"].to_list()], color="tab:red", label="lose")
    axes.axhline(0, color="0.3", linewidth=0.8)
    axes.set_xlabel(key)
    axes.set_ylabel("beneficiaries")
    axes.set_title("Gainers and losers")
    if key == "year":
        axes.tick_params(axis="x", labelrotation=45)
    axes.legend()
    return figure
