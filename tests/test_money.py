"""Tests for fpcore.money: exact amounts, the one rounding rule, exact allocation."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fpcore.errors import InvalidInput
from fpcore.money import FEN, MAX_FEN, ZERO, Money, allocate, round_to_fen, split, total

# strategies ------------------------------------------------------------------------------

fens = st.integers(min_value=-(10**14), max_value=10**14)
moneys = fens.map(Money.from_fen)
_BOUND = Decimal(MAX_FEN) / 100  # MAX_FEN in yuan, the largest amount Money holds
two_places = st.decimals(
    places=2, allow_nan=False, allow_infinity=False, min_value=-_BOUND, max_value=_BOUND
)
ratios = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    st.fractions(min_value=0, max_value=10**6, max_denominator=1000),
)
ratio_maps = st.dictionaries(st.text(max_size=3), ratios, min_size=1, max_size=12).filter(
    lambda m: any(v != 0 for v in m.values())
)


def _exact_share(amount: Money, ratios: dict[str, int | Decimal | Fraction], key: str) -> Fraction:
    weights = {k: Fraction(v) for k, v in ratios.items()}
    return Fraction(amount.fen) * weights[key] / sum(weights.values())


# construction ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("10.50", 1050),
        ("10.5", 1050),
        ("3", 300),
        ("-0.01", -1),
        ("0", 0),
        (7, 700),
        (Decimal("0.07"), 7),
        (Decimal("-12.3"), -1230),
    ],
)
def test_constructor_accepts_exact_amounts(value: str | int | Decimal, fen: int) -> None:
    assert Money(value).fen == fen


@pytest.mark.parametrize("value", [0.1, 1.0, float("nan"), True, None, [1], Fraction(1, 2)])
def test_constructor_refuses_non_amount_types(value: object) -> None:
    with pytest.raises(TypeError):
        Money(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        *("", "abc", "1,5", "10.505", "0.001", "NaN", "-Infinity", "sNaN", "1e999999"),
        "-9E+999998",
        # exactly the JSON Schema's syntax (issue 14, item 10): these all used to pass
        *("1_000.00", "+500", "5e2", " 500 ", "500.", "١٠٠", "1.500", "１０", ".5", "-", "5\n"),
    ],
)
def test_constructor_refuses_bad_text(value: str) -> None:
    with pytest.raises(InvalidInput) as info:
        Money(value)
    assert repr(value) in str(info.value)


def test_float_error_teaches_the_caller() -> None:
    with pytest.raises(TypeError, match=r"pass a str such as '10\.50'"):
        Money(0.1)  # type: ignore[arg-type]


@given(st.floats())
def test_any_float_is_a_type_error(value: float) -> None:
    with pytest.raises(TypeError):
        Money(value)  # type: ignore[arg-type]


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3))
def test_more_than_two_decimals_is_invalid_input(value: Decimal) -> None:
    # a value whose third decimal place is not zero is refused, whatever its size
    _, digits, exponent = value.as_tuple()
    assume(exponent == -3 and digits[-1] != 0)
    with pytest.raises(InvalidInput, match="more than two decimal places"):
        Money(value)
    with pytest.raises(InvalidInput):
        Money(str(value))


@pytest.mark.parametrize(
    "value",
    [
        "1234567890123456789012345678.001",  # 31 significant digits
        "12345678901234567890123456789.015",
    ],
)
def test_more_than_two_decimals_is_refused_beyond_decimal_precision(value: str) -> None:
    with pytest.raises(InvalidInput):
        Money(value)


@pytest.mark.parametrize("digits", [14, 15, 16])
def test_large_amounts_are_exact(digits: int) -> None:
    text = "9" * digits + ".99"
    assert str(Money(text)) == text
    assert Money(text).fen == int("9" * digits + "99")


@given(two_places)
def test_str_round_trip(value: Decimal) -> None:
    money = Money(value)
    assert money.amount == value
    assert Money(str(money)) == money
    assert str(Money(str(money))) == str(money)
    assert eval(repr(money), {"Money": Money}) == money


@given(fens)
def test_fen_round_trip(fen: int) -> None:
    money = Money.from_fen(fen)
    assert money.fen == fen
    assert Money(money.amount) == money
    assert pickle.loads(pickle.dumps(money)) == money


def test_str_and_repr() -> None:
    assert str(Money("0.5")) == "0.50"
    assert str(Money("-0.5")) == "-0.50"
    assert str(Money("-12")) == "-12.00"
    assert repr(Money("180000")) == "Money('180000.00')"


def test_from_fen_refuses_non_int() -> None:
    with pytest.raises(TypeError):
        Money.from_fen(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.from_fen(True)


def test_immutable() -> None:
    money = Money("1")
    with pytest.raises(AttributeError):
        money._fen = 5
    with pytest.raises(AttributeError):
        money.fen = 5  # type: ignore[misc]


# arithmetic and comparison ---------------------------------------------------------------


@given(moneys, moneys, st.integers(min_value=-1000, max_value=1000))
def test_arithmetic_is_exact(a: Money, b: Money, k: int) -> None:
    assert (a + b).fen == a.fen + b.fen
    assert (a - b).fen == a.fen - b.fen
    assert (a * k).fen == a.fen * k
    assert (k * a) == a * k
    assert (-a).fen == -a.fen
    assert abs(a).fen == abs(a.fen)
    assert (a < b) == (a.fen < b.fen)
    assert (a <= b) == (a.fen <= b.fen)
    assert (a > b) == (a.fen > b.fen)
    assert (a >= b) == (a.fen >= b.fen)
    if a.fen == b.fen:
        assert a == b
        assert hash(a) == hash(b)
    assert bool(a) == (a.fen != 0)


def test_arithmetic_refuses_mixing_with_numbers() -> None:
    with pytest.raises(TypeError):
        Money("1") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money("1") * Decimal("1.5")  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money("1") * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money("1") < 2  # type: ignore[operator]  # noqa: B015
    assert Money("1") != 1


def test_sum_and_total() -> None:
    amounts = [Money("1.10"), Money("2.20"), Money("3.30")]
    assert sum(amounts) == Money("6.60")
    assert total(amounts) == Money("6.60")
    assert total([]) is ZERO
    assert Money("0.01") == FEN


def test_multiply_divide_ratio() -> None:
    assert Money("960").multiply(Decimal("0.3")) == Money("288")
    assert Money("0.05").multiply(Fraction(1, 2)) == Money("0.03")  # 0.025 half up
    assert Money("500").divide(3) == Money("166.67")
    assert Money("-500").divide(3) == Money("-166.67")
    assert Money("720").ratio(Money("960")) == Fraction(3, 4)
    with pytest.raises(ZeroDivisionError):
        Money("1").divide(0)
    with pytest.raises(ZeroDivisionError):
        Money("1").ratio(ZERO)
    with pytest.raises(TypeError):
        Money("1").multiply(0.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        Money("1").multiply(Decimal("NaN"))


# rounding --------------------------------------------------------------------------------


def _half_up(value: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + 10)
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),  # half-even would give 0.02 too
        ("0.025", "0.03"),  # half-even would give 0.02
        ("2.675", "2.68"),
        ("-0.005", "-0.01"),
        ("-0.025", "-0.03"),
        ("0.0049999", "0.00"),
        ("166.665", "166.67"),
        ("0.0049999999999999999999999999999", "0.00"),  # 29 significant digits
        ("9999999999999999.985", "9999999999999999.99"),  # the largest amount, 18 digits
    ],
)
def test_round_to_fen_is_half_up(value: str, expected: str) -> None:
    assert round_to_fen(Decimal(value)) == Money(expected)
    assert round_to_fen(Fraction(Decimal(value))) == Money(expected)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=-_BOUND, max_value=_BOUND
    )
)
def test_round_to_fen_agrees_with_decimal_round_half_up(value: Decimal) -> None:
    expected = _half_up(value)
    assert round_to_fen(value).amount == expected
    assert round_to_fen(Fraction(value)).amount == expected


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_round_to_fen_agrees_with_decimal_round_half_up_any_exponent(value: Decimal) -> None:
    if abs(value) > _BOUND:  # beyond MAX_FEN: refused, tested below
        return
    assert round_to_fen(value).amount == _half_up(value)


@given(
    st.fractions(max_denominator=10**6, min_value=-(10**12), max_value=10**12),
    st.integers(min_value=-(10**9), max_value=10**9),
)
def test_round_to_fen_is_the_nearest_fen(value: Fraction, fen_shift: int) -> None:
    rounded = round_to_fen(value + fen_shift).fen
    exact = (value + fen_shift) * 100
    assert abs(rounded - exact) <= Fraction(1, 2)
    if abs(rounded - exact) == Fraction(1, 2):  # a tie goes away from zero
        assert abs(rounded) > abs(exact)


@given(fens)
def test_round_to_fen_keeps_whole_fen(fen: int) -> None:
    money = Money.from_fen(fen)
    assert round_to_fen(money.amount) == money
    assert round_to_fen(Fraction(fen, 100)) == money


def test_round_to_fen_of_int_and_bad_types() -> None:
    assert round_to_fen(3) == Money("3")
    with pytest.raises(TypeError):
        round_to_fen(0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        round_to_fen(True)
    with pytest.raises(InvalidInput):
        round_to_fen(Decimal("Infinity"))


# allocation ------------------------------------------------------------------------------


def test_allocate_examples() -> None:
    assert allocate(Money("900000.00"), {"city": 2, "county": 8}) == {
        "city": Money("180000.00"),
        "county": Money("720000.00"),
    }
    assert allocate(Money("100"), {"a": 1, "b": 1, "c": 1}) == {
        "a": Money("33.34"),
        "b": Money("33.33"),
        "c": Money("33.33"),
    }
    assert allocate(Money("0.01"), {"a": 1, "b": 1}) == {"a": FEN, "b": ZERO}
    assert allocate(Money("-100"), {"a": 1, "b": 1, "c": 1}) == {
        "a": Money("-33.34"),
        "b": Money("-33.33"),
        "c": Money("-33.33"),
    }
    assert allocate(Money("10"), {"a": 0, "b": Decimal("0.5")}) == {"a": ZERO, "b": Money("10")}


def test_allocate_keeps_key_order() -> None:
    assert list(allocate(Money("1"), {"z": 1, "a": 1, "m": 1})) == ["z", "a", "m"]


@pytest.mark.parametrize(
    "ratios",
    [{}, {"a": 0}, {"a": 0, "b": 0}, {"a": -1, "b": 2}, {"a": Decimal("NaN")}],
)
def test_allocate_refuses_bad_ratios(ratios: dict[str, int | Decimal]) -> None:
    with pytest.raises(InvalidInput):
        allocate(Money("1"), ratios)


def test_allocate_refuses_float_ratios() -> None:
    with pytest.raises(TypeError):
        allocate(Money("1"), {"a": 0.5})  # type: ignore[dict-item]


@given(moneys, ratio_maps)
def test_allocate_sums_to_the_total_and_each_part_is_within_a_fen(
    amount: Money, ratios: dict[str, int | Decimal | Fraction]
) -> None:
    parts = allocate(amount, ratios)
    assert list(parts) == list(ratios)
    assert total(parts.values()) == amount
    for key, part in parts.items():
        assert abs(part.fen - _exact_share(amount, ratios, key)) < 1


@given(moneys, ratio_maps)
def test_allocate_is_symmetric_in_sign(
    amount: Money, ratios: dict[str, int | Decimal | Fraction]
) -> None:
    assert allocate(-amount, ratios) == {k: -v for k, v in allocate(amount, ratios).items()}


@given(moneys, st.integers(min_value=1, max_value=200))
def test_split_sums_and_parts_differ_by_at_most_a_fen(amount: Money, parts: int) -> None:
    shares = split(amount, parts)
    assert len(shares) == parts
    assert total(shares) == amount
    fens = [abs(s.fen) for s in shares]
    assert max(fens) - min(fens) <= 1
    assert fens == sorted(fens, reverse=True)  # earlier instalments are the larger ones
    assert all((s.fen >= 0) == (amount.fen >= 0) or s.fen == 0 for s in shares)


@pytest.mark.parametrize("parts", [0, -1, True, 1.0])
def test_split_refuses_bad_part_counts(parts: object) -> None:
    with pytest.raises(InvalidInput):
        split(Money("1"), parts)  # type: ignore[arg-type]


@settings(max_examples=50)
@given(moneys, st.integers(min_value=1, max_value=50))
def test_split_is_allocate_with_equal_ratios(amount: Money, parts: int) -> None:
    assert split(amount, parts) == list(allocate(amount, dict.fromkeys(range(parts), 1)).values())


@pytest.mark.parametrize(
    "make",
    [
        lambda: Money(Decimal("10000000000000000.00")),
        lambda: Money(10**16),
        lambda: Money.from_fen(MAX_FEN + 1),
        lambda: Money.from_fen(MAX_FEN) + FEN,
        lambda: round_to_fen(Decimal("1e30")),
    ],
)
def test_amounts_beyond_max_fen_are_refused(make: Callable[[], Money]) -> None:
    with pytest.raises(InvalidInput, match="beyond the largest amount"):
        make()
