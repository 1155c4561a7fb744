"""Registers: the example register, reading and writing, checks, and properties."""

from __future__ import annotations

import datetime
import shutil
from fractions import Fraction
from pathlib import Path
from random import Random

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.indicators import (
    DEFINITIONS,
    REPORT_COLUMNS,
    DefectDenominator,
    Indicator,
    IndicatorSettings,
    PopulationBasis,
    PopulationMethod,
    Register,
    aggregate,
    compute_indicators,
    indicator_record,
    indicator_table,
    rate_total_fertility,
    read_register,
    register_counts,
    training_activity,
    write_register,
)
from fpcore.indicators._reduce import _age
from fpcore.periods import Year, age_on

from .indicator_strategies import TOWNSHIPS, YEAR, frame, only_township, registers

EXAMPLE = Path(__file__).parent / "data" / "register"
# Registers are slow to build: a quarter of the profile's examples (25 in "dev").
_PROFILE = settings.default
PROPERTY = settings(
    max_examples=max(10, (_PROFILE.max_examples if _PROFILE else 100) // 4),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _shown(result: tuple[Indicator, ...], area: str) -> dict[str, str]:
    return {i.name: i.shown() for i in result if i.area == area}


def test_example_register_by_township() -> None:
    result = compute_indicators(read_register(EXAMPLE), year=2008, by="township")
    areas = list(dict.fromkeys(i.area for i in result))
    assert areas == ["示例县", "示例县/东镇", "示例县/西镇"]
    county = _shown(result, "示例县")
    # 5 live births and 2 deaths over an average registered population of (15 + 15) / 2
    assert county["crude birth rate"] == "333.33‰"
    assert county["crude death rate"] == "133.33‰"
    assert county["natural growth rate"] == "200.00‰"
    assert county["sex ratio at birth"] == "150.00:100"
    assert county["planned-birth rate"] == "80.00%"
    assert county["out-of-policy multi-child rate"] == "20.00%"
    # perinatal: 2 defects (one stillborn) among 5 live births + 1 stillbirth
    assert county["birth-defect incidence"] == "333.33‰"
    # widowed, divorced, menopausal, infertile and the resident-only woman are excluded
    assert county["contraceptive prevalence"] == "75.00%"
    assert county["satisfaction rate"] == "83.3%"  # 5 of 6 valid answers; one blank
    assert county["archive (filing) coverage"] == "66.67%"
    assert county["staff with high-school education or more"] == "66.67%"
    assert county["training coverage"] == "66.67%"
    # tiny register: some age groups have no women, so the TFR is undefined, not 0
    assert county["total fertility rate"] == "undefined"
    assert _shown(result, "示例县/东镇")["sex ratio at birth"] == "200.00:100"
    assert _shown(result, "示例县/西镇")["sex ratio at birth"] == "100.00:100"
    assert all(i.period == Year(2008) for i in result)


def test_example_register_settings_and_bases() -> None:
    reg = read_register(EXAMPLE)
    live = IndicatorSettings(defect_denominator=DefectDenominator.LIVE_BIRTHS)
    result = compute_indicators(reg, year=2008, by="county", settings=live)
    defect = next(i for i in result if i.key == "birth_defect_incidence")
    assert (defect.numerator, defect.denominator) == (Fraction(1), Fraction(5))
    assert defect.note == "denominator: live births"
    mid = IndicatorSettings(population=PopulationMethod.MID_YEAR)
    birth = next(
        i for i in compute_indicators(reg, year=2008, settings=mid) if i.key == "crude_birth_rate"
    )
    assert birth.denominator == 15  # 5 + 4 + 6 present at the end of June
    resident = register_counts(reg, year=2008, basis=PopulationBasis.RESIDENT, by="village")
    registered = register_counts(reg, year=2008, by="village")
    assert (
        resident[("东镇", "南村")].population_end == registered[("东镇", "南村")].population_end + 1
    )
    assert resident[("东镇", "南村")].contraception_eligible == 2


def test_by_village_lists_villages_under_their_township() -> None:
    result = compute_indicators(read_register(EXAMPLE), year=2008, by="village")
    areas = list(dict.fromkeys(i.area for i in result))
    assert areas == [
        "示例县",
        "示例县/东镇",
        "示例县/东镇/东村",
        "示例县/东镇/南村",
        "示例县/西镇",
        "示例县/西镇/西村",
    ]


def test_report_table_has_text_columns_only() -> None:
    result = compute_indicators(read_register(EXAMPLE), year=2008)
    table = indicator_table(result)
    assert table.columns == list(REPORT_COLUMNS)
    assert set(table.dtypes) == {pl.String}
    assert table.height == len(result)
    row = table.filter(
        (pl.col("indicator") == "sex_ratio_at_birth") & (pl.col("level") == "township")
    ).rows(named=True)
    assert [(r["township"], r["value"]) for r in row] == [("东镇", "200.00"), ("西镇", "100.00")]
    assert indicator_record(result[0])["level"] == "county"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_and_read_back(tmp_path: Path, fmt: str) -> None:
    reg = read_register(EXAMPLE)
    write_register(reg, tmp_path, fmt=fmt)
    again = read_register(tmp_path)
    for name, table in reg.tables().items():
        assert again.tables()[name].equals(table), name
    assert again.county == reg.county


def test_every_problem_is_listed_with_its_row(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    births = (tmp_path / "births.csv").read_text(encoding="utf-8").splitlines()
    births[1] = births[1].replace("2008-04-10", "2008-02-30").replace(",live,", ",alive,")
    births[2] = births[2].replace(",true,true,1975", ",maybe,true,1975")
    (tmp_path / "births.csv").write_text("\n".join(births) + "\n", encoding="utf-8")
    (tmp_path / "deaths.csv").write_text("person_id,township,date\n", encoding="utf-8")
    (tmp_path / "death.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        read_register(tmp_path)
    paths = {p.path for p in info.value.problems}
    assert "death.csv" in paths
    with pytest.raises(InvalidInput) as info2:
        read_register(_without(tmp_path, "death.csv"))
    messages = {p.path: p.message for p in info2.value.problems}
    assert messages["births[0].date"] == "'2008-02-30' is not a date YYYY-MM-DD"
    assert messages["births[0].outcome"].startswith("'alive' is not one of live")
    assert messages["births[1].in_policy"] == "'maybe' is not true or false"
    assert messages["deaths.village"] == "missing column"
    assert "deaths.registered" in messages


def _without(directory: Path, name: str) -> Path:
    (directory / name).unlink()
    return directory


def test_manifest_is_checked(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "register.json").write_text('{"format": "x", "version": 2, "extra": 1}')
    with pytest.raises(InvalidInput) as info:
        read_register(tmp_path)
    assert {p.path for p in info.value.problems} >= {
        "register.json.format",
        "register.json.version",
        "register.json.extra",
    }
    with pytest.raises(InvalidInput, match="not found"):
        read_register(tmp_path / "nowhere")


def test_bad_year_and_level() -> None:
    reg = read_register(EXAMPLE)
    with pytest.raises(InvalidInput, match="year"):
        compute_indicators(reg, year="2008", by="township")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="county, township or village"):
        compute_indicators(reg, year=2008, by="province")  # type: ignore[arg-type]


def test_area_names_must_not_contain_a_slash() -> None:
    persons = read_register(EXAMPLE).persons.with_columns(pl.lit("a/b").alias("village"))
    with pytest.raises(InvalidInput, match="must not contain"):
        Register(county="示例县", persons=persons)


def test_empty_register_is_all_undefined() -> None:
    reg = Register(county="空县", persons=frame("persons", []))
    result = compute_indicators(reg, year=2008)
    assert result
    assert all(not i.defined for i in result)


@given(
    st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)),
)
def test_vectorised_age_equals_age_on(birth: datetime.date, on: datetime.date) -> None:
    import pendulum

    got = pl.DataFrame({"b": [birth], "o": [on]}).select(_age(pl.col("b"), pl.col("o"))).item()
    if on >= birth:
        assert got == age_on(
            pendulum.Date(birth.year, birth.month, birth.day),
            pendulum.Date(on.year, on.month, on.day),
        )


@PROPERTY
@given(registers(), st.randoms(use_true_random=False))
def test_permuting_rows_changes_nothing(register: Register, random: Random) -> None:
    shuffled: dict[str, pl.DataFrame] = {}
    for name, table in register.tables().items():
        order = list(range(table.height))
        random.shuffle(order)
        shuffled[name] = table[order] if order else table
    other = Register(county=register.county, **shuffled)
    a = compute_indicators(register, year=YEAR, by="village")
    b = compute_indicators(other, year=YEAR, by="village")
    assert a == b


@PROPERTY
@given(registers(), st.sampled_from(list(PopulationBasis)))
def test_county_equals_union_of_township_registers(
    register: Register, basis: PopulationBasis
) -> None:
    whole = compute_indicators(register, year=YEAR, by="county", basis=basis)
    parts = [
        compute_indicators(only_township(register, t), year=YEAR, by="county", basis=basis)
        for t in TOWNSHIPS
    ]
    asfr: list[Indicator] = []
    for n, indicator in enumerate(whole):
        if indicator.key == "total_fertility_rate":
            assert indicator == rate_total_fertility(asfr)
            continue
        combined = aggregate([p[n] for p in parts], area=indicator.area)
        assert (combined.numerator, combined.denominator) == (
            indicator.numerator,
            indicator.denominator,
        )
        assert combined == indicator
        if indicator.key == "age_specific_fertility_rate":
            asfr.append(combined)


@PROPERTY
@given(registers())
def test_rates_stay_within_bounds_and_growth_is_exact(register: Register) -> None:
    result = compute_indicators(register, year=YEAR, by="village")
    by_area: dict[str, dict[str, Indicator]] = {}
    for i in result:
        if i.rate is None:
            continue
        by_area.setdefault(i.area, {})[i.name] = i
        if i.definition.proportion:
            assert 0 <= i.rate <= i.unit.scale
        elif not i.definition.signed:
            assert i.rate >= 0
    for rates in by_area.values():
        if "natural growth rate" in rates:
            growth = rates["natural growth rate"].rate
            assert growth == rates["crude birth rate"].rate - rates["crude death rate"].rate  # type: ignore[operator]
    assert {i.key for i in result} == set(DEFINITIONS)


def test_training_activity_by_village() -> None:
    reg = read_register(EXAMPLE)
    table = training_activity(reg, year=2008, by="village")
    assert table.get_column("area").to_list() == [
        "示例县",
        "示例县/东镇",
        "示例县/东镇/东村",
        "示例县/西镇",
        "示例县/西镇/西村",
    ]
    assert table.get_column("person_times").to_list() == [3, 2, 2, 1, 1]
    assert training_activity(reg, year=2007).get_column("sessions").to_list() == [0]
    no_staff = Register(county="示例县", persons=reg.persons)
    assert training_activity(no_staff, year=2008, by="county").rows() == [
        ("示例县", "county", None, None, 0, 0)
    ]


def test_manifest_county_is_checked(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "register.json").write_text('{"format": "fpcore-register", "version": 1}')
    with pytest.raises(InvalidInput) as info:
        read_register(tmp_path)
    assert [p.path for p in info.value.problems] == ["register.json.county"]


def test_row_checks_dates_in_order_and_birth_order() -> None:
    reg = read_register(EXAMPLE)
    assert reg.births is not None
    persons = reg.persons.with_columns(
        pl.when(pl.col("person_id") == 4)
        .then(pl.lit(datetime.date(1939, 1, 1)))
        .otherwise(pl.col("exit_date"))
        .alias("exit_date")
    )
    births = reg.births.with_columns(pl.lit(0).alias("order"))
    with pytest.raises(InvalidInput) as info:
        Register(county="示例县", persons=persons, births=births)
    messages = {p.path: p.message for p in info.value.problems}
    assert messages["persons[3].exit_date"] == "is before birth_date"
    assert messages["births[0].order"] == "0 is below 1"
    assert messages["births.order"] == "... and 2 more rows"  # 7 rows: 5 shown


@pytest.mark.parametrize(
    ("manifest", "says"),
    [
        (None, "not a regular file"),  # a directory named register.json
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100 + b"]" * 100, "nests 100 levels"),
        (b'{"format": "fpcore-register", "version": true, "county": "x"}', "True, expected 1"),
        (b'{"format": "fpcore-register", "format": "x"}', "appears twice"),
    ],
)
def test_bad_manifests_are_refused_cleanly(
    tmp_path: Path, manifest: bytes | None, says: str
) -> None:
    """Issue 14, item 8: each of these was a traceback or (version true) accepted."""
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "register.json").unlink()
    if manifest is None:
        (tmp_path / "register.json").mkdir()
    else:
        (tmp_path / "register.json").write_bytes(manifest)
    with pytest.raises(InvalidInput, match=says):
        read_register(tmp_path)


def test_a_file_is_not_a_register(tmp_path: Path) -> None:
    file = tmp_path / "register.csv"
    file.write_text("a,b\n")
    with pytest.raises(InvalidInput, match="not a directory"):
        read_register(file)
