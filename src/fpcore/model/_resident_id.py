"""Resident identity numbers (居民身份证号码, GB 11643-1999) and masking of personal data."""

from __future__ import annotations

import re

import pendulum

from fpcore.model._enums import Sex

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"[1-9]\d{16}[\dX]", re.ASCII)  # not full-width or other digits


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits.

    >>> check_digit("11010519491231002")
    'X'
    """
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"{first17!r} is not 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def resident_id_problems(resident_id: str) -> list[str]:
    """Why ``resident_id`` is not a well-formed 18-character ID (empty when it is).

    Checks the shape, the birth date it encodes and the check character; agreement
    with a person's own birth date and sex is checked by :class:`Person`.
    """
    if not isinstance(resident_id, str):
        return [f"{resident_id!r} is not text"]
    if len(resident_id) != 18:
        return [f"has {len(resident_id)} characters (expected 18)"]
    if not _SHAPE.fullmatch(resident_id):
        return ["expected 17 digits then a digit or X, not starting with 0"]
    if encoded_birth_date(resident_id) is None:
        return [f"characters 7-14 ({resident_id[6:14]}) are not a birth date"]
    expected = check_digit(resident_id[:17])
    if resident_id[17] != expected:
        return [f"check character is {resident_id[17]} but should be {expected} (typing error?)"]
    return []


def encoded_birth_date(resident_id: str) -> pendulum.Date | None:
    """The birth date written in characters 7-14, or None if it is not a date."""
    digits = resident_id[6:14]
    if not digits.isdigit():
        return None
    try:
        return pendulum.Date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def encoded_sex(resident_id: str) -> Sex:
    """The sex written in character 17: odd for male, even for female."""
    return Sex.MALE if int(resident_id[16]) % 2 == 1 else Sex.FEMALE


def make_resident_id(region: str, birth: pendulum.Date, sequence: int, sex: Sex) -> str:
    """Build a valid ID from a 6-digit region code, birth date, sequence (0-99) and sex.

    >>> make_resident_id("371121", pendulum.Date(1970, 5, 1), 12, Sex.FEMALE)
    '371121197005011248'
    """
    if not (len(region) == 6 and region.isdigit() and region[0] != "0"):
        raise ValueError(f"{region!r} is not a 6-digit region code")
    if not 0 <= sequence <= 99:
        raise ValueError(f"sequence {sequence} is outside 0..99")
    sex_digit = sequence % 5 * 2 + (1 if sex is Sex.MALE else 0)
    first17 = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:02d}{sex_digit}"
    return first17 + check_digit(first17)


def mask_resident_id(resident_id: str) -> str:
    """Hide the birth date and sequence: keep the region code and the last four.

    >>> mask_resident_id("371121197005011248")
    '371121********1248'
    """
    if len(resident_id) <= 10:
        return "*" * len(resident_id)
    return resident_id[:6] + "*" * (len(resident_id) - 10) + resident_id[-4:]


def mask_name(name: str) -> str:
    """Hide a name for public copies: keep the first and last characters.

    >>> mask_name("张秀娟"), mask_name("李娜"), mask_name("欧阳明月")
    ('张*娟', '李*', '欧**月')
    """
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
