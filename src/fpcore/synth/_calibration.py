"""The report's targets for the calibrated county, and the county measured against them.

:data:`TARGETS` is the table of targets (value, tolerance, unit, source) as data;
:func:`describe` measures a synthetic county for a year and returns a
:class:`CountyCalibration`: target against realised, a polars table and printable text.
The realised figures come from the county's own outputs, never from its draws: the rates
from its indicator register through :func:`fpcore.indicators.compute_indicators`, the
benefit counts and spending from the county policy's batch evaluation.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from fpcore.synth._profile import CALIBRATED_HOUSEHOLDS, REPORT_YEAR

if TYPE_CHECKING:
    import polars as pl

    from fpcore.synth._county import SyntheticCounty

__all__ = [
    "TARGETS",
    "CalibrationRow",
    "CountyCalibration",
    "Target",
    "age_pyramid",
    "describe",
    "targets_table",
]

_REPORT = "county work report (domain.md 7, [REPORT])"
_ISSUE = "issue 12, quoting the report (not in domain.md)"


@attrs.frozen(kw_only=True)
class Target:
    """One figure the calibrated county is held to.

    Attributes:
        key: a short name, e.g. ``crude_birth_rate``.
        label: what is measured, in words.
        value: the target, in ``unit``.
        tolerance: the largest distance from ``value`` accepted (same unit).
        unit: ``people``, ``‰``, ``%``, ``yuan``, ...
        source: where the value comes from, with its confidence.
        scales: a count that scales with the county's households (``calibrated_county``'s
            ``scale``); rates and shares do not.
    """

    key: str
    label: str
    value: Decimal
    tolerance: Decimal
    unit: str
    source: str
    scales: bool = False

    def at_scale(self, scale: Decimal) -> tuple[Decimal, Decimal]:
        """The value and tolerance for a county of ``scale`` times the households."""
        if not self.scales or scale == 1:
            return self.value, self.tolerance
        return (self.value * scale).quantize(Decimal("0.01")), (self.tolerance * scale).quantize(
            Decimal("0.01")
        )


def _t(
    key: str,
    label: str,
    value: str,
    tolerance: str,
    unit: str,
    source: str,
    *,
    scales: bool = False,
) -> Target:
    return Target(
        key=key,
        label=label,
        value=Decimal(value),
        tolerance=Decimal(tolerance),
        unit=unit,
        source=source,
        scales=scales,
    )


TARGETS: tuple[Target, ...] = (
    _t(
        "people",
        "people at home at the end of the year",
        "513000",
        "5130",
        "people",
        _REPORT,
        scales=True,
    ),
    _t("townships", "townships", "12", "0", "townships", _REPORT),
    _t("villages", "administrative villages", "633", "0", "villages", _REPORT),
    _t(
        "married_women_15_49",
        "married women of childbearing age (15-49) at the end of the year",
        "110000",
        "2200",
        "women",
        _REPORT,
        scales=True,
    ),
    _t("crude_birth_rate", "birth rate", "9.08", "0.30", "‰", _REPORT),
    _t(
        "crude_death_rate",
        "death rate",
        "7.30",
        "0.30",
        "‰",
        "birth rate minus natural growth (domain.md 7: 9.08 - 1.78)",
    ),
    _t("natural_growth_rate", "natural growth rate", "1.78", "0.50", "‰", _REPORT),
    _t("planned_birth_rate", "planned-birth rate", "99.78", "0.05", "%", _REPORT),
    _t(
        "sex_ratio_at_birth",
        "sex ratio at birth (boys per 100 girls)",
        "106",
        "6",
        ":100",
        "[UNCERTAIN] the report gives none; domain.md 5 quotes 105.95 for a township elsewhere",
    ),
    _t(
        "double_fee_couples",
        "couples paid the double only-child fee (waived second-child quota)",
        "79",
        "0",
        "couples",
        _REPORT + ", domain.md 1.2",
        scales=True,
    ),
    _t(
        "disabled_child_families",
        "families allowed a second child for a disabled first child, archived",
        "90",
        "0",
        "families",
        _REPORT,
        scales=True,
    ),
    _t("archive_coverage", "of those families archived", "100", "0", "%", _REPORT),
    _t(
        "special_assistance_families",
        "families paid special assistance",
        "12",
        "0",
        "families",
        _ISSUE + " ('the report names 12 families granted it')",
        scales=True,
    ),
    _t(
        "only_child_reward_yuan",
        "only-child reward paid in the year",
        "2320000",
        "348000",
        "yuan",
        _ISSUE + ": about 11.6 M yuan over 5 years, a fifth a year; tolerance 15 %",
        scales=True,
    ),
    _t(
        "only_child_reward_couples",
        "couples paid the only-child reward",
        "19300",
        "2900",
        "couples",
        "the spending at 10 yuan a month a couple (domain.md 9: the base fee); 15 %",
        scales=True,
    ),
    _t(
        "reward_assistance_people",
        "people paid rural reward assistance",
        "5000",
        "2000",
        "people",
        "[UNCERTAIN] the report gives none: a plausibility band (about 1 % of the people)",
        scales=True,
    ),
    _t(
        "share_under_15",
        "people aged 0-14",
        "17",
        "3",
        "%",
        "[UNCERTAIN] a plausible mountainous rural county of 2008 (not from the report)",
    ),
    _t(
        "share_65_and_over",
        "people aged 65 and over",
        "10",
        "3",
        "%",
        "[UNCERTAIN] a plausible mountainous rural county of 2008 (not from the report)",
    ),
)
"""The calibrated county's targets for the report year (2008), with their sources."""


def targets_table() -> pl.DataFrame:
    """:data:`TARGETS` as a polars table (decimals as text, exact).

    >>> targets_table().filter(key="crude_birth_rate").row(0)[:5]
    ('crude_birth_rate', 'birth rate', '9.08', '0.30', '‰')
    """
    import polars as pl

    return pl.DataFrame(
        [
            (t.key, t.label, str(t.value), str(t.tolerance), t.unit, t.source, t.scales)
            for t in TARGETS
        ],
        schema=["key", "label", "value", "tolerance", "unit", "source", "scales"],
        orient="row",
    )


@attrs.frozen(kw_only=True)
class CalibrationRow:
    """A target and what the county realised, at the county's scale."""

    target: Target
    value: Decimal
    tolerance: Decimal
    realised: Decimal

    @property
    def within(self) -> bool:
        """Whether the realised figure is within the tolerance of the target."""
        return abs(self.realised - self.value) <= self.tolerance


@attrs.frozen(kw_only=True)
class CountyCalibration:
    """A county measured against :data:`TARGETS` for one year.

    ``rows`` in the order of :data:`TARGETS`; ``table()`` as polars; ``str()`` as text.
    """

    year: int
    households: int
    rows: tuple[CalibrationRow, ...]

    def __iter__(self) -> Iterator[CalibrationRow]:
        return iter(self.rows)

    def __getitem__(self, key: str) -> CalibrationRow:
        for row in self.rows:
            if row.target.key == key:
                return row
        raise KeyError(key)

    @property
    def within(self) -> bool:
        """Whether every target is met."""
        return all(row.within for row in self.rows)

    def table(self) -> pl.DataFrame:
        """One row per target: key, label, target, tolerance, realised, unit, within."""
        import polars as pl

        return pl.DataFrame(
            [
                (
                    r.target.key,
                    r.target.label,
                    str(r.value),
                    str(r.tolerance),
                    str(r.realised),
                    r.target.unit,
                    r.within,
                )
                for r in self.rows
            ],
            schema=["key", "label", "target", "tolerance", "realised", "unit", "within"],
            orient="row",
        )

    def lines(self) -> list[str]:
        """The text, one line per target: label, realised, target and tolerance."""
        out = [f"synthetic county against the report, {self.year} ({self.households:,} households)"]
        for r in self.rows:
            mark = "ok" if r.within else "OFF"
            out.append(
                f"  {mark:3} {r.target.label}: {_shown(r.realised)} {r.target.unit} "
                f"(target {_shown(r.value)} ± {_shown(r.tolerance)})"
            )
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _at_home(persons: pl.DataFrame, year: int) -> pl.DataFrame:
    """The register's people present on 31 December of ``year``, with their age then."""
    import polars as pl

    end = pl.date(year, 12, 31)
    return persons.filter(
        (pl.col("birth_date") <= end)
        & (pl.col("entry_date").is_null() | (pl.col("entry_date") <= end))
        & (pl.col("exit_date").is_null() | (pl.col("exit_date") > end))
    ).with_columns(age=year - pl.col("birth_date").dt.year())  # completed years on 31 Dec


def age_pyramid(county: SyntheticCounty, year: int | None = None) -> pl.DataFrame:
    """People at home on 31 December of ``year`` (default: the year of ``on``) by 5-year
    age group and sex, from the county's indicator register.

    Columns: ``ages`` (``0-4`` ... ``85+``), ``male``, ``female``, ``total`` and
    ``percent`` (of all people, two decimals as text).

    Example:
        >>> from fpcore.synth import calibrated_county
        >>> pyramid = age_pyramid(calibrated_county(scale=0.01))
        >>> pyramid["ages"].to_list()[:3], pyramid.height
        (['0-4', '5-9', '10-14'], 18)
    """
    import polars as pl

    year = county.on.year if year is None else year
    people = _at_home(county.indicator_register(year).persons, year)
    groups = [f"{a}-{a + 4}" for a in range(0, 85, 5)] + ["85+"]
    counted = (
        people.with_columns(group=pl.min_horizontal(pl.col("age") // 5, 17).cast(pl.Int32))
        .group_by("group")
        .agg(
            male=(pl.col("sex") == "male").sum().cast(pl.Int64),
            female=(pl.col("sex") == "female").sum().cast(pl.Int64),
        )
    )
    frame = (
        pl.DataFrame({"group": list(range(18))}, schema={"group": pl.Int32})
        .join(counted, on="group", how="left")
        .fill_null(0)
        .sort("group")
    )
    total = max(people.height, 1)
    return frame.select(
        pl.Series("ages", groups),
        "male",
        "female",
        total=pl.col("male") + pl.col("female"),
        percent=pl.Series(
            [
                str((Decimal(100 * (m + f)) / Decimal(total)).quantize(Decimal("0.01")))
                for m, f in zip(frame["male"], frame["female"], strict=True)
            ]
        ),
    )


def _shown(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,}"


def _rate(value: Decimal | None) -> Decimal:
    return Decimal("NaN") if value is None else value


def describe(
    county: SyntheticCounty, year: int = REPORT_YEAR, *, policy: str = "county"
) -> CountyCalibration:
    """Measure ``county`` for ``year`` against :data:`TARGETS` (see
    :meth:`SyntheticCounty.describe`)."""
    import polars as pl

    from fpcore.indicators import compute_indicators
    from fpcore.periods import Year
    from fpcore.policies import get
    from fpcore.rules import Population

    scale = Decimal(county.size) / Decimal(CALIBRATED_HOUSEHOLDS)
    register = county.indicator_register(year)
    indicators = {
        i.key: i for i in compute_indicators(register, year=year, by="county") if i.ages is None
    }
    at_home = _at_home(register.persons, year)
    age = pl.col("age")
    people = at_home.height
    women = at_home.filter(
        (pl.col("sex") == "female")
        & (pl.col("marital_status") == "married")
        & age.is_between(15, 49)
    ).height
    under_15 = at_home.filter(age < 15).height
    over_65 = at_home.filter(age >= 65).height

    tables = county.tables()
    result = get(policy).evaluate_table(Population(tables), Year(year))
    persons_paid = result.persons
    households_paid = result.households
    ocr = households_paid.filter(pl.col("benefit") == "only_child_reward")
    waived = tables["households"].filter(pl.col("waiver_index") <= year * 12 + 11)
    sa = persons_paid.filter(pl.col("benefit") == "special_assistance")
    ra = persons_paid.filter(pl.col("benefit") == "reward_assistance")

    def share(count: int) -> Decimal:
        return (Decimal(100 * count) / Decimal(max(people, 1))).quantize(Decimal("0.01"))

    realised: dict[str, Decimal] = {
        "people": Decimal(people),
        "townships": Decimal(len(county.geography.townships)),
        "villages": Decimal(county.geography.village_count),
        "married_women_15_49": Decimal(women),
        "double_fee_couples": Decimal(ocr.join(waived, on="household_id").height),
        "disabled_child_families": Decimal(
            0 if register.archives is None else register.archives.filter(year=year).height
        ),
        "special_assistance_families": Decimal(sa["household_id"].n_unique()),
        "only_child_reward_yuan": Decimal(int(ocr["amount_fen"].sum())) / 100,
        "only_child_reward_couples": Decimal(ocr.height),
        "reward_assistance_people": Decimal(ra.height),
        "share_under_15": share(under_15),
        "share_65_and_over": share(over_65),
    }
    for key in (
        "crude_birth_rate",
        "crude_death_rate",
        "natural_growth_rate",
        "planned_birth_rate",
        "sex_ratio_at_birth",
        "archive_coverage",
    ):
        realised[key] = _rate(indicators[key].rounded())
    rows = []
    for target in TARGETS:
        value, tolerance = target.at_scale(scale)
        rows.append(
            CalibrationRow(
                target=target, value=value, tolerance=tolerance, realised=realised[target.key]
            )
        )
    return CountyCalibration(year=year, households=county.size, rows=tuple(rows))
