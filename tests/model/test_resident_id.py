"""Tests for resident IDs (GB 11643-1999) and the masking of personal data."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.model import (
    Sex,
    check_digit,
    make_resident_id,
    mask_name,
    mask_resident_id,
    resident_id_problems,
)
from fpcore.model._resident_id import encoded_birth_date, encoded_sex
from fpcore.testing import strategies as fst

CHARACTERS = "0123456789X"
regions = st.integers(100000, 999999).map(str)
births = fst.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31))


def brute_force_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 from its definition: weights 2**(17-i) mod 11."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def test_check_digit_known_examples() -> None:
    assert check_digit("11010519491231002") == "X"  # the example of the standard
    assert make_resident_id("371121", pendulum.Date(1970, 5, 1), 12, Sex.FEMALE) == (
        "371121197005011248"
    )


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_matches_definition(first17: str) -> None:
    assert check_digit(first17) == brute_force_check(first17)


@given(regions, births, st.integers(0, 99), st.sampled_from(Sex))
def test_make_resident_id_always_valid(
    region: str, birth: pendulum.Date, sequence: int, sex: Sex
) -> None:
    resident_id = make_resident_id(region, birth, sequence, sex)
    assert resident_id_problems(resident_id) == []
    assert encoded_birth_date(resident_id) == birth
    assert encoded_sex(resident_id) is sex


@settings(max_examples=200)
@given(fst.resident_ids(), st.integers(0, 17), st.data())
def test_any_single_character_change_is_detected(
    resident_id: str, position: int, data: st.DataObject
) -> None:
    others = [c for c in CHARACTERS if c != resident_id[position]]
    changed = data.draw(st.sampled_from(others))
    corrupted = resident_id[:position] + changed + resident_id[position + 1 :]
    assert resident_id_problems(corrupted) != []


@given(fst.resident_ids(), st.integers(0, 15))
def test_any_swap_of_adjacent_digits_is_detected(resident_id: str, position: int) -> None:
    a, b = resident_id[position], resident_id[position + 1]
    swapped = resident_id[:position] + b + a + resident_id[position + 2 :]
    assert (a == b) == (resident_id_problems(swapped) == [])


@given(births, st.sampled_from(Sex), st.data())
def test_encoded_birth_date_and_sex_agree(
    birth: pendulum.Date, sex: Sex, data: st.DataObject
) -> None:
    resident_id = data.draw(fst.resident_ids(birth_date=birth, sex=sex))
    assert encoded_birth_date(resident_id) == birth
    assert encoded_sex(resident_id) is sex
    assert (int(resident_id[16]) % 2 == 1) == (sex is Sex.MALE)


@pytest.mark.parametrize(
    ("resident_id", "fragment"),
    [
        ("37112119700501124", "has 17 characters (expected 18)"),
        ("071121197005011248", "not starting with 0"),
        ("37112119700501124x", "expected 17 digits then a digit or X"),
        ("371121197002301241", "are not a birth date"),
        ("371121197005011249", "check character is 9 but should be 8"),
        # digits other than ASCII ones look like digits to str.isdigit and \\d
        ("3７１１２１１９７００５０１１２４8", "expected 17 digits"),
        ("371121197005011２48", "expected 17 digits"),
    ],
)
def test_problems_say_what_is_wrong(resident_id: str, fragment: str) -> None:
    problems = resident_id_problems(resident_id)
    assert len(problems) == 1
    assert fragment in problems[0]


def test_problems_of_non_text() -> None:
    assert resident_id_problems(371121197005011248) != []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("region", "sequence"), [("071121", 1), ("37112", 1), ("371121", 100), ("371121", -1)]
)
def test_make_resident_id_refuses_bad_parts(region: str, sequence: int) -> None:
    with pytest.raises(ValueError, match=r"region code|sequence"):
        make_resident_id(region, pendulum.Date(1970, 1, 1), sequence, Sex.MALE)


@given(fst.resident_ids())
def test_mask_keeps_region_and_last_four_only(resident_id: str) -> None:
    masked = mask_resident_id(resident_id)
    assert masked == resident_id[:6] + "*" * 8 + resident_id[-4:]
    assert resident_id[6:14] not in masked


@given(st.text(min_size=2, max_size=12))
def test_mask_name_never_shows_the_whole_name(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0]
    hidden = masked[1:] if len(name) == 2 else masked[1:-1]
    assert hidden == "*" * len(hidden)


def test_mask_short_values() -> None:
    assert mask_name("") == ""
    assert mask_name("李") == "*"
    assert mask_resident_id("123") == "***"
