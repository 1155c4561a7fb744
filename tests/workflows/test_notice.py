"""Public notices: content, formats, escaping, and masking that never leaks."""

from __future__ import annotations

import csv
import io

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.model import Hukou, Person, Sex, mask_name, mask_resident_id, sample_county
from fpcore.testing.strategies import persons
from fpcore.workflows import Application, public_notice, sample_applicant
from tests.workflows.helpers import D, approved_by_city, on_notice, submitted

CONTACT = "县人口和计划生育局 0633-5211234"


def test_text_notice_masks_names_and_ids() -> None:
    app = on_notice()
    notice = public_notice([app], contact=CONTACT, county=sample_county())
    text = notice.to_text()
    assert notice.first_day == D(2008, 3, 21)
    assert notice.last_day == D(2008, 3, 27)
    assert notice.days == 7
    assert "李*英" in text
    assert "371121********3488" in text
    assert "李桂英" not in text
    resident_id = app.person.resident_id
    assert resident_id is not None
    assert resident_id not in text
    assert "洪凝镇" in text
    assert "洪凝2村" in text
    assert "计划生育家庭特别扶助" in text
    assert "100.00" in text
    assert CONTACT in text
    assert "2008-03-21 至 2008-03-27（7天）" in text


def test_posted_on_can_be_given_for_applications_not_yet_posted() -> None:
    notice = public_notice([approved_by_city()], posted_on=D(2008, 4, 1))
    assert (notice.first_day, notice.last_day) == (D(2008, 4, 1), D(2008, 4, 7))
    # without a county the codes are shown
    assert notice.entries[0].village == "371121100202"
    assert notice.entries[0].township == "371121100"


def test_html_is_escaped() -> None:
    app = on_notice()
    notice = public_notice([app], contact="<script>alert(1)</script> & 局")
    html = notice.to_html()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 局" in html
    assert "<td>李*英</td>" in html
    assert "李桂英" not in html


def test_csv_has_one_row_per_entry_with_the_period_and_contact() -> None:
    first = on_notice()
    other_household = attrs.evolve(
        sample_applicant(), household_id="HN-0108", parents=sample_applicant().parents[::-1]
    )
    second = on_notice(submitted(application_id="TF-2", household=other_household))
    rows = list(csv.DictReader(io.StringIO(public_notice([first, second]).to_csv())))
    assert len(rows) == 2
    assert [r["number"] for r in rows] == ["1", "2"]
    assert rows[0]["name"] == "李*英"
    assert rows[0]["monthly_amount"] == "100.00"
    assert rows[0]["notice_from"] == "2008-03-21"
    assert rows[0]["notice_to"] == "2008-03-27"
    assert rows[0]["contact"] == "县人口和计划生育局"


def test_only_city_approved_applications_go_on_a_notice() -> None:
    with pytest.raises(InvalidInput) as caught:
        public_notice([on_notice(), submitted(), on_notice().grant(D(2008, 3, 28))])
    assert [p.path for p in caught.value.problems] == ["[1]", "[2]"]


def test_posting_days_and_lengths_must_agree() -> None:
    with pytest.raises(InvalidInput, match="give posted_on"):
        public_notice([approved_by_city()])
    late = approved_by_city().post_notice(D(2008, 3, 22))
    with pytest.raises(InvalidInput, match="give posted_on"):
        public_notice([on_notice(), late])
    longer = on_notice(submitted(notice_days=10))
    with pytest.raises(InvalidInput, match="notice lengths differ"):
        public_notice([on_notice(), longer])


# --- masking never leaks ------------------------------------------------------------
@given(persons())
def test_masking_never_leaks_a_full_name_or_id(person: Person) -> None:
    masked = mask_name(person.name)
    assert person.name not in masked
    assert len(masked) == len(person.name)
    assert masked[0] == person.name[0]
    if person.resident_id is not None:
        shown = mask_resident_id(person.resident_id)
        assert person.resident_id not in shown
        assert person.resident_id[6:14] not in shown, "the birth date is hidden"
        assert shown.startswith(person.resident_id[:6])
        assert shown.endswith(person.resident_id[-4:])
    assert person.name not in repr(person)


EARLIEST, LATEST = pendulum.Date(1935, 1, 1), pendulum.Date(1958, 12, 31)


@settings(max_examples=40)
@given(
    mother=persons(
        sex=Sex.FEMALE,
        hukou=Hukou.RURAL,
        allow_death=False,
        min_birth_date=EARLIEST,
        max_birth_date=LATEST,
    ),
    father=persons(
        sex=Sex.MALE,
        hukou=Hukou.RURAL,
        allow_death=False,
        min_birth_date=EARLIEST,
        max_birth_date=LATEST,
    ),
    benefit_for=st.sampled_from(["mother", "father"]),
)
def test_no_rendering_of_a_notice_shows_a_full_name_or_id(
    mother: Person, father: Person, benefit_for: str
) -> None:
    household = attrs.evolve(sample_applicant(), parents=(mother, father))
    app = Application.submit(
        application_id="TF-P",
        household=household,
        benefit="special_assistance",
        beneficiary=benefit_for,
        on=D(2008, 3, 3),
    )
    notice = public_notice([on_notice(app)], county=sample_county())
    for rendering in (notice.to_text(), notice.to_html(), notice.to_csv()):
        for person in (mother, father):
            assert person.name not in rendering
            if person.resident_id is not None:
                assert person.resident_id not in rendering
    shown = mother if benefit_for == "mother" else father
    assert mask_name(shown.name) in notice.to_text()
