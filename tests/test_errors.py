"""Tests for fpcore.errors: one tree, builtin bases, errors that carry their data."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fpcore
from fpcore import errors
from fpcore.errors import (
    ConflictingOutcomes,
    EmptyOutcome,
    FpcoreError,
    InvalidInput,
    InvalidTransition,
    ParameterNotInForce,
    Problem,
    UnknownName,
)

paths = st.from_regex(r"[a-z_]{1,8}(\[[0-9]\])?(\.[a-z_]{1,8})?", fullmatch=True)
problems = st.builds(Problem, paths | st.just(""), st.text(min_size=1, max_size=30))


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (InvalidInput, ValueError),
        (UnknownName, KeyError),
        (ParameterNotInForce, LookupError),
        (ConflictingOutcomes, RuntimeError),
        (EmptyOutcome, RuntimeError),
        (InvalidTransition, ValueError),
    ],
)
def test_every_error_is_an_fpcore_error_and_a_builtin(
    error: type[Exception], builtin: type[Exception]
) -> None:
    assert issubclass(error, FpcoreError)
    assert issubclass(error, builtin)


def test_all_is_sorted_and_exported() -> None:
    assert errors.__all__ == sorted(errors.__all__)
    assert all(hasattr(errors, name) for name in errors.__all__)
    assert fpcore.__all__ == sorted(fpcore.__all__)
    assert all(hasattr(fpcore, name) for name in fpcore.__all__)


def test_problem_str() -> None:
    assert str(Problem("children[1].birth_date", "2019-02-30 is not a date")) == (
        "children[1].birth_date: 2019-02-30 is not a date"
    )
    assert str(Problem("", "schema_version is missing")) == "schema_version is missing"


@pytest.mark.parametrize(
    ("path", "prefix", "expected"),
    [
        ("birth_date", "children[1]", "children[1].birth_date"),
        ("[0]", "parents", "parents[0]"),
        ("[0].name", "parents", "parents[0].name"),
        ("", "children[1]", "children[1]"),
        ("birth_date", "", "birth_date"),
        ("", "", ""),
    ],
)
def test_problem_under(path: str, prefix: str, expected: str) -> None:
    problem = Problem(path, "bad").under(prefix)
    assert problem.path == expected
    assert problem.message == "bad"


@given(problems, paths, paths)
def test_problem_under_composes(problem: Problem, inner: str, outer: str) -> None:
    assert problem.under(inner).under(outer) == problem.under(Problem(inner, "").under(outer).path)


def test_invalid_input_lists_every_problem() -> None:
    error = InvalidInput(
        [Problem("children[0].birth_date", "not a date"), Problem("hukou", "unknown value")]
    )
    assert str(error) == (
        "2 problems in the input:\n  children[0].birth_date: not a date\n  hukou: unknown value"
    )
    assert len(error.problems) == 2
    assert isinstance(error.problems, tuple)


def test_invalid_input_from_a_message() -> None:
    error = InvalidInput("2019-02-30 is not a date", path="birth_date")
    assert error.problems == (Problem("birth_date", "2019-02-30 is not a date"),)
    assert str(error) == "1 problem in the input:\n  birth_date: 2019-02-30 is not a date"
    assert InvalidInput("empty document").problems == (Problem("", "empty document"),)


def test_invalid_input_under_prefixes_every_path() -> None:
    error = InvalidInput([Problem("birth_date", "bad"), Problem("", "missing")]).under(
        "children[2]"
    )
    assert [p.path for p in error.problems] == ["children[2].birth_date", "children[2]"]
    assert isinstance(error, InvalidInput)


@given(st.lists(problems, min_size=1, max_size=5))
def test_invalid_input_pickles(problem_list: list[Problem]) -> None:
    error = InvalidInput(problem_list)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is InvalidInput
    assert again.problems == error.problems
    assert str(again) == str(error)


def test_invalid_input_is_caught_as_value_error() -> None:
    with pytest.raises(ValueError, match="not a date"):
        raise InvalidInput("not a date", path="birth_date")


def test_unknown_name_suggests_the_known_names() -> None:
    error = UnknownName("policy", "wulain-2017", ["wulian-2017", "national-2012"])
    assert str(error) == "unknown policy 'wulain-2017'; known: national-2012, wulian-2017"
    assert (error.kind, error.name) == ("policy", "wulain-2017")
    assert error.known == ("national-2012", "wulian-2017")
    assert str(UnknownName("rule", "X")) == "unknown rule 'X'"
    with pytest.raises(KeyError):
        raise error


def test_parameter_not_in_force_carries_its_data() -> None:
    error = ParameterNotInForce("special_assistance.death", "2007-06-01", "first value 2008-01-01")
    assert error.parameter == "special_assistance.death"
    assert error.on == "2007-06-01"
    assert str(error) == (
        "parameter 'special_assistance.death' has no value in force on 2007-06-01"
        " (first value 2008-01-01)"
    )
    assert str(ParameterNotInForce("p", "2007")) == "parameter 'p' has no value in force on 2007"
    with pytest.raises(LookupError):
        raise error


# --- messages never echo megabytes nor a resident ID (issue 14, item 9) -----------------


def test_messages_cut_long_values_and_mask_resident_ids() -> None:
    from fpcore.errors import shown

    assert len(shown("x" * 4_000_000)) <= 80
    assert shown(371121197005011248) == "371121********1248"
    assert shown("37112119700501124X") == "'371121********124X'"
    problem = Problem("a" * 10_000, "371121197005011248 is " + "y" * 10_000)
    assert len(problem.path) <= 200
    assert len(problem.message) <= 400
    assert "197005011" not in problem.message


def test_the_household_reader_echoes_no_input() -> None:
    import json

    from fpcore.model import Household, sample_household
    from fpcore.serialization import dumps, loads

    document = json.loads(dumps(sample_household()))
    document["parents"][0]["resident_id"] = 371121197005011248  # a number, not text
    document["parents"][1]["name"] = 15
    document["children"][0]["birth_date"] = "1" * 4_000_000
    document["village"] = "v" * 1_000_000
    document["x" * 100_000] = 1
    with pytest.raises(InvalidInput) as caught:
        loads(json.dumps(document), Household)
    message = str(caught.value)
    assert "197005011" not in message
    assert len(message) < 2_000
    assert all(len(p.message) <= 400 for p in caught.value.problems)
