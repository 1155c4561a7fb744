"""Hypothesis strategies for small random registers (tests only)."""

from __future__ import annotations

import datetime
from typing import Any

import polars as pl
from hypothesis import strategies as st

from fpcore.indicators import EDUCATION_LEVELS, SCHEMAS, Register

TOWNSHIPS = ("东镇", "西镇", "南镇")
VILLAGES = ("一村", "二村")
YEAR = 2008

_DTYPES = {"int": pl.Int64, "str": pl.String, "date": pl.Date, "bool": pl.Boolean}


def frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A table with the register's declared column types (empty tables too)."""
    schema = {c: _DTYPES[spec.kind] for c, spec in SCHEMAS[table].items()}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _day(lo: int, hi: int) -> st.SearchStrategy[datetime.date]:
    return st.dates(datetime.date(lo, 1, 1), datetime.date(hi, 12, 31))


_area = st.fixed_dictionaries(
    {"township": st.sampled_from(TOWNSHIPS), "village": st.sampled_from(VILLAGES)}
)
_basis = st.fixed_dictionaries({"registered": st.booleans(), "resident": st.booleans()})


@st.composite
def _person(draw: st.DrawFn) -> dict[str, Any]:
    birth = draw(_day(1930, YEAR + 1))
    entry = draw(st.none() | st.integers(0, 20_000).map(lambda d: birth + datetime.timedelta(d)))
    base = entry or birth
    exit_ = draw(st.none() | st.integers(0, 20_000).map(lambda d: base + datetime.timedelta(d)))
    return {
        **draw(_area),
        "sex": draw(st.sampled_from(["male", "female"])),
        "birth_date": birth,
        "entry_date": entry,
        "exit_date": exit_,
        **draw(_basis),
        "marital_status": draw(st.sampled_from(["single", "married", "widowed", "divorced"])),
        "menopausal": draw(st.booleans()),
        "infertile": draw(st.booleans()),
        "contraception": draw(st.booleans()),
    }


_birth = st.fixed_dictionaries(
    {
        "date": _day(YEAR - 1, YEAR + 1),
        "outcome": st.sampled_from(["live", "live", "live", "stillbirth"]),
        "sex": st.sampled_from(["male", "female"]),
        "order": st.integers(1, 4),
        "in_policy": st.booleans(),
        "defect": st.booleans(),
        "mother_birth_date": _day(1955, 1995),
    }
)
_death = st.fixed_dictionaries({"date": _day(YEAR - 1, YEAR + 1)})
_answer = st.fixed_dictionaries(
    {"date": _day(YEAR - 1, YEAR), "satisfied": st.none() | st.booleans()}
)
_family = st.fixed_dictionaries(
    {"year": st.sampled_from([YEAR - 1, YEAR]), "archived": st.booleans()}
)
_staff = st.fixed_dictionaries(
    {
        "year": st.sampled_from([YEAR, YEAR, YEAR - 1]),
        "education": st.sampled_from(EDUCATION_LEVELS),
    }
)


@st.composite
def registers(draw: st.DrawFn, max_rows: int = 25) -> Register:
    """A small random register of a county with up to three townships."""
    lists = st.lists
    persons = [
        {"person_id": i, **p} for i, p in enumerate(draw(lists(_person(), max_size=max_rows)))
    ]
    births = [
        {"birth_id": i, **draw(_area), **b, **draw(_basis)}
        for i, b in enumerate(draw(lists(_birth, max_size=max_rows)))
    ]
    deaths = [
        {"person_id": i, **draw(_area), **d, **draw(_basis)}
        for i, d in enumerate(draw(lists(_death, max_size=max_rows // 2)))
    ]
    survey = [
        {"respondent_id": i, **draw(_area), **a}
        for i, a in enumerate(draw(lists(_answer, max_size=max_rows)))
    ]
    archives = [
        {"family_id": i, **draw(_area), **f}
        for i, f in enumerate(draw(lists(_family, max_size=10)))
    ]
    staff = [
        {"staff_id": i, **draw(_area), **s} for i, s in enumerate(draw(lists(_staff, max_size=10)))
    ]
    training: list[dict[str, Any]] = []
    if staff:
        training = [
            {"session_id": draw(st.integers(1, 3)), "staff_id": s, "date": d}
            for s, d in draw(
                lists(st.tuples(st.integers(0, len(staff) - 1), _day(YEAR, YEAR)), max_size=10)
            )
        ]
    return Register(
        county="测试县",
        persons=frame("persons", persons),
        births=frame("births", births),
        deaths=frame("deaths", deaths),
        survey=frame("survey", survey),
        archives=frame("archives", archives),
        staff=frame("staff", staff),
        training=frame("training", training),
    )


def only_township(register: Register, township: str) -> Register:
    """The part of a register that belongs to one township."""
    tables: dict[str, pl.DataFrame] = {}
    for name, table in register.tables().items():
        if "township" in table.columns:
            tables[name] = table.filter(pl.col("township") == township)
    assert register.training is not None
    assert "staff" in tables
    ids = tables["staff"].get_column("staff_id").to_list()
    tables["training"] = register.training.filter(pl.col("staff_id").is_in(ids))
    return Register(county=register.county, **tables)
