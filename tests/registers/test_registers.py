"""County registers in and out: round trips, every bad cell by row and column, nothing
half-imported."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.cli._workflows import read_population
from fpcore.errors import InvalidInput
from fpcore.model import Household, Marriage, MarriageEnd, sample_history
from fpcore.registers import (
    COLUMNS,
    column_of,
    dumps_households,
    households_from_rows,
    inexpressible,
    loads_households,
    read_households,
    write_households,
)
from fpcore.testing.strategies import households

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "registers" / "sample.csv"


def in_template_order(household: Household) -> Household:
    """The household with its marriages and confirmations in the order a register
    gives them: each parent's marriages to outside spouses, then the couple's; each
    parent's confirmations in turn (the only freedom the template does not keep)."""
    parents = range(len(household.parents))
    outside = [m for i in parents for m in household.marriages if m.spouses == (i,)]
    couple = [m for m in household.marriages if len(m.spouses) == 2]
    confirmations = sorted(household.confirmations, key=lambda c: c.parent)
    return attrs.evolve(
        household, marriages=(*outside, *couple), confirmations=tuple(confirmations)
    )


def distinct_households(max_size: int = 3) -> st.SearchStrategy[list[Household]]:
    return st.lists(households(), min_size=1, max_size=max_size, unique_by=lambda h: h.household_id)


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def to_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


# -- round trips ------------------------------------------------------------------------


@given(distinct_households())
def test_households_round_trip_through_csv(found: list[Household]) -> None:
    assert all(inexpressible(h) == [] for h in found)
    assert loads_households(dumps_households(found)) == [in_template_order(h) for h in found]


@given(distinct_households(max_size=2), st.sampled_from(["zh", "en", "both"]))
def test_every_header_language_reads_back(found: list[Household], headers: str) -> None:
    text = dumps_households(found, headers=headers)  # type: ignore[arg-type]
    assert loads_households(text) == [in_template_order(h) for h in found]


@settings(max_examples=10)
@given(distinct_households(max_size=2))
def test_households_round_trip_through_a_workbook(found: list[Household]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "register.xlsx"
        write_households(found, path)
        assert read_households(path) == [in_template_order(h) for h in found]


@given(distinct_households())
def test_export_of_an_import_is_the_same_text(found: list[Household]) -> None:
    text = dumps_households(found)
    assert dumps_households(loads_households(text)) == text


def test_the_sample_register_round_trips_byte_for_byte(tmp_path: Path) -> None:
    read = read_households(SAMPLE)
    again = tmp_path / "again.csv"
    write_households(read, again)
    assert again.read_bytes() == SAMPLE.read_bytes()
    assert read_households(SAMPLE.with_suffix(".xlsx")) == read


def test_the_sample_register_holds_the_sample_histories() -> None:
    read = read_households(SAMPLE)
    population = read_population(ROOT / "examples" / "population.json")
    assert read[0] == sample_history()
    assert read[1] == population[1]
    assert [h.household_id for h in read] == ["HN-0001", "HN-0107", "HN-0388"]


def test_the_template_is_the_header_of_every_column() -> None:
    template = (ROOT / "examples" / "registers" / "template.csv").read_text(encoding="utf-8-sig")
    assert table(template) == [[c.header for c in COLUMNS]]
    assert loads_households(template) == []


def test_the_docs_describe_every_column() -> None:
    page = (ROOT / "docs" / "registers.md").read_text(encoding="utf-8")
    missing = [c.header for c in COLUMNS if c.zh not in page or f"`{c.key}`" not in page]
    assert missing == []


# -- bad cells --------------------------------------------------------------------------

_DATE_COLUMNS = [c.key for c in COLUMNS if c.key.endswith("date")]


@given(distinct_households(), st.data())
def test_every_bad_cell_is_named_by_row_and_column(
    found: list[Household], data: st.DataObject
) -> None:
    rows = table(dumps_households(found, headers="en"))
    header = rows[0]
    birth = header.index("birth_date")
    chosen = data.draw(
        st.lists(st.integers(1, len(rows) - 1), min_size=1, max_size=len(rows) - 1, unique=True)
    )
    for index in chosen:
        rows[index][birth] = "1990-02-30"
    with pytest.raises(InvalidInput) as raised:
        loads_households(to_text(rows))
    paths = {p.path for p in raised.value.problems}
    assert {f"row {index + 1}, column E (birth_date)" for index in chosen} <= paths
    assert all("1990-02-30" in p.message for p in raised.value.problems if "column E" in p.path)


@given(distinct_households(max_size=2), st.data())
def test_bad_cells_in_different_columns_are_all_reported(
    found: list[Household], data: st.DataObject
) -> None:
    rows = table(dumps_households(found, headers="zh"))
    header = rows[0]
    row = data.draw(st.integers(1, len(rows) - 1))
    rows[row][header.index("性别")] = "M"
    rows[row][header.index("出生日期")] = "yesterday"
    with pytest.raises(InvalidInput) as raised:
        loads_households(to_text(rows))
    paths = [p.path for p in raised.value.problems]
    assert f"row {row + 1}, column D (性别)" in paths
    assert f"row {row + 1}, column E (出生日期)" in paths


def test_a_model_check_is_reported_at_the_cell_that_breaks_it() -> None:
    rows = table(SAMPLE.read_text(encoding="utf-8-sig"))
    header = [column_of(h).key for h in rows[0]]  # type: ignore[union-attr]
    # the child of HN-0107 born before its mother: a check of the household, not a cell
    child = next(i for i, r in enumerate(rows) if r[0] == "HN-0107" and r[1] == "子女")
    rows[child][header.index("birth_date")] = "1950-01-01"
    # a resident ID whose check character is wrong
    rows[1][header.index("resident_id")] = "371121197005011240"
    with pytest.raises(InvalidInput) as raised:
        loads_households(to_text(rows))
    by_path = {p.path: p.message for p in raised.value.problems}
    cell = f"row {child + 1}, column E (出生日期 birth_date)"
    assert "is before the birth of parents[1]" in by_path[cell]
    assert "check" in by_path["row 2, column F (公民身份号码 resident_id)"]


def test_nothing_is_half_imported() -> None:
    good = SAMPLE.read_text(encoding="utf-8-sig")
    bad = good.replace("1980-09-05", "1980-09-31")
    assert len(loads_households(good)) == 3
    with pytest.raises(InvalidInput) as raised:
        loads_households(bad)
    assert [p.path for p in raised.value.problems] == ["row 7, column E (出生日期 birth_date)"]


def test_header_problems() -> None:
    with pytest.raises(InvalidInput) as raised:
        households_from_rows(["户编号", "relation", "姓名", "性别", "出生日期", "备注", "姓名"], [])
    messages = [str(p) for p in raised.value.problems]
    assert any(m.startswith("row 1, column F: '备注' names no column") for m in messages)
    again = "row 1, column G: '姓名' names the column 姓名 name again"
    assert any(m.startswith(again) for m in messages)
    assert any("村代码 village is missing" in m for m in messages)
    header = ["户编号", "与户主关系", "姓名", "性别", "出生日期", "户口性质", "村代码", "备注"]
    row = ["H1", "户主", "张三", "男", "1970-01-01", "农业", "371121100201", "anything"]
    with pytest.raises(InvalidInput, match="resident_id"):  # the ID is missing
        households_from_rows(header, [row], ignore_unknown_columns=True)


def test_an_id_stored_as_a_number_is_explained() -> None:
    header = ["户编号", "与户主关系", "姓名", "性别", "出生日期", "户口性质", "村代码"]
    header.append("公民身份号码")
    row: list[object] = ["H1", "户主", "张秀娟", "女", "1970-05-01", "农业", 371121100201]
    row.append(3.71121197005011e17)
    with pytest.raises(InvalidInput, match="stored as a number"):
        households_from_rows(header, [row])


def test_a_gbk_file_says_which_encoding_to_use(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8-sig").encode("gb18030"))
    with pytest.raises(InvalidInput, match='encoding="gb18030"'):
        read_households(path)
    assert read_households(path, encoding="gb18030") == read_households(SAMPLE)


def test_rows_of_a_household_need_not_be_adjacent() -> None:
    rows = table(SAMPLE.read_text(encoding="utf-8-sig"))
    shuffled = [rows[0], rows[1], rows[4], rows[2], rows[5], rows[3], *rows[6:]]
    assert loads_households(to_text(shuffled)) == loads_households(to_text(rows))


def test_household_cells_may_repeat_on_every_row_but_must_agree() -> None:
    rows = table(SAMPLE.read_text(encoding="utf-8-sig"))
    village = rows[0].index("村代码 village")
    rows[2][village] = rows[1][village]  # repeated on the 配偶 row: fine
    assert len(loads_households(to_text(rows))) == 3
    rows[3][village] = "371121100299"
    with pytest.raises(InvalidInput, match="differs from the 户主 row"):
        loads_households(to_text(rows))


def test_a_cell_for_children_on_a_parent_row_is_refused() -> None:
    rows = table(SAMPLE.read_text(encoding="utf-8-sig"))
    rows[1][rows[0].index("收养日期 adoption_date")] = "2000-01-01"
    with pytest.raises(InvalidInput, match="is for child rows"):
        loads_households(to_text(rows))


def test_export_refuses_what_the_template_cannot_hold() -> None:
    history = sample_history()
    earlier, couple = history.marriages
    divorced = attrs.evolve(couple, ended=pendulum.Date(2012, 1, 1), end=MarriageEnd.DIVORCE)
    again = Marriage(spouses=(0, 1), married=pendulum.Date(2015, 1, 1))
    twice = attrs.evolve(history, marriages=(earlier, divorced, again))
    assert [p.path for p in inexpressible(twice)] == ["household HN-0001.marriages"]
    with pytest.raises(InvalidInput, match="listed twice"):
        dumps_households([history, history])


def test_text_that_reads_as_a_formula_is_guarded_and_read_back() -> None:
    history = sample_history()
    child = attrs.evolve(history.children[0], name="=HYPERLINK(1)")
    household = attrs.evolve(history, children=(child,))
    text = dumps_households([household])
    assert ",'=HYPERLINK(1)," in text
    assert loads_households(text) == [household]
