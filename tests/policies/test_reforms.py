"""Reforms as data: checked whole, paths and suggestions, never code."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import fpcore.policies as policies
from fpcore.errors import InvalidInput
from fpcore.model import sample_household
from fpcore.money import Money
from fpcore.periods import parse_period
from fpcore.policies import reform_from_document, reform_schema

CITE = {"document": "县政府令 2016 第 3 号", "article": "二"}


def _reform(**changes: Any) -> dict[str, Any]:
    return {"schema_version": 1, "base": "county", **changes}


def _paths(document: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        reform_from_document(document)
    return [p.path for p in caught.value.problems]


def test_an_empty_reform_is_the_base_under_another_name() -> None:
    policy = reform_from_document(_reform())
    base = policies.get("county")
    assert policy.id == "county+reform"
    assert policy.content_hash == base.content_hash


def test_a_parameter_value_is_put_in_force_from_its_start() -> None:
    policy = reform_from_document(
        _reform(
            id="county-ocr-20",
            version="2026.2",
            parameters={
                "only_child_reward.monthly": [
                    {"start": "2008-01-01", "until": "2008-06-30", "value": "20", "citation": CITE}
                ]
            },
        )
    )
    assert (policy.id, policy.version) == ("county-ocr-20", "2026.2")
    decision = policy.evaluate(sample_household(), parse_period("2008"))
    base = policies.get("county").evaluate(sample_household(), parse_period("2008"))
    # six months at double the fee, then the base's value again
    assert decision.total() - base.total() == Money("120.00")
    used = policy.parameters["only_child_reward.monthly"].entry_at(parse_period("2008-03").start)
    assert used.citation.document == CITE["document"]


def test_settings_and_dates_from_yaml() -> None:
    policy = reform_from_document(
        _reform(
            settings={"special_assistance_start": "next_month"},
            parameters={
                "only_child_reward.certificate_cutoff": [
                    {"start": datetime.date(2002, 9, 1), "value": "2016-06-01", "citation": CITE}
                ]
            },
        )
    )
    assert policy.settings_in_force()["special_assistance_start"] == "next_month"


def test_every_problem_with_its_path() -> None:
    paths = _paths(
        {
            "schema_version": 2,
            "base": "county",
            "code": "import os",
            "settings": {"only_child_reward_last_month": "never", "speed": "fast"},
            "parameters": {
                "only_child_reward.monthly": [
                    {"start": "2008-02-30", "value": 20, "citation": {"article": "1"}},
                    "x",
                ],
                "only_child_reward.waiver_multiplier": [
                    {"start": "2008-01-01", "value": True, "citation": CITE, "extra": 1}
                ],
                "special_assistance.max_disability_grade": [],
                "nope": [],
            },
        }
    )
    assert paths == [
        "code",
        "schema_version",
        "settings.only_child_reward_last_month",
        "settings.speed",
        "parameters.only_child_reward.monthly[0].start",
        "parameters.only_child_reward.monthly[0].value",
        "parameters.only_child_reward.monthly[0].citation.document",
        "parameters.only_child_reward.monthly[1]",
        "parameters.only_child_reward.waiver_multiplier[0].extra",
        "parameters.only_child_reward.waiver_multiplier[0].value",
        "parameters.special_assistance.max_disability_grade",
        "parameters.nope",
    ]


def test_unknown_names_get_a_suggestion() -> None:
    with pytest.raises(InvalidInput) as caught:
        reform_from_document(_reform(base="countty", parameters={}))
    assert "did you mean 'county'" in str(caught.value)
    with pytest.raises(InvalidInput) as caught:
        reform_from_document(_reform(parameters={"only_child_reward.montly": []}))
    assert "did you mean 'only_child_reward.monthly'" in str(caught.value)


@pytest.mark.parametrize(
    ("kind_parameter", "value"),
    [
        ("only_child_reward.monthly", "-5x"),
        ("only_child_reward.monthly", 10.5),
        ("only_child_reward.waiver_multiplier", "2"),
        ("only_child_reward.waiver_multiplier", 10**12),
        ("only_child_reward.certificate_cutoff", "2016-1-1"),
        ("funding.contraception.city", None),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused(kind_parameter: str, value: object) -> None:
    paths = _paths(
        _reform(
            parameters={kind_parameter: [{"start": "2010-01-01", "value": value, "citation": CITE}]}
        )
    )
    assert paths == [f"parameters.{kind_parameter}[0].value"]


def test_not_an_object() -> None:
    with pytest.raises(InvalidInput, match="must be a JSON object"):
        reform_from_document([])  # type: ignore[arg-type]


def test_schema_accepts_what_the_reader_accepts() -> None:
    schema = reform_schema()
    Draft202012Validator.check_schema(schema)
    document = _reform(
        id="x",
        settings={"special_assistance_start": "next_month"},
        parameters={
            "only_child_reward.monthly": [{"start": "2008-01-01", "value": "20", "citation": CITE}]
        },
    )
    reform_from_document(document)
    assert list(Draft202012Validator(schema).iter_errors(document)) == []
    assert list(Draft202012Validator(schema).iter_errors({**document, "code": "x"}))


def test_with_amount_puts_a_value_in_force_and_cites_the_what_if() -> None:
    import pendulum

    base = policies.get("county")
    reform = base.with_amount(
        "reward_assistance.annual", "1200.00", from_="2018-01-01", note="RA at 1,200"
    )
    parameter = reform.parameters["reward_assistance.annual"]
    assert parameter.at(pendulum.Date(2017, 12, 31)) == Money("960")
    entry = parameter.entry_at(pendulum.Date(2030, 1, 1))
    assert entry.value == Money("1200")
    assert entry.citation.is_assumption
    assert "RA at 1,200" in entry.citation.document
    # through a day: the base's value resumes after it
    limited = base.with_amount(
        "reward_assistance.annual", 1500, from_=pendulum.Date(2018, 1, 1), until="2019-12-31"
    )
    timeline = limited.parameters["reward_assistance.annual"]
    assert timeline.at(pendulum.Date(2019, 6, 1)) == Money("1500")
    assert timeline.at(pendulum.Date(2020, 1, 1)) == Money("960")


@pytest.mark.parametrize(
    ("name", "amount", "from_", "until", "path", "message"),
    [
        ("reward_assistance.anual", "1", "2018-01-01", None, "name", "did you mean"),
        ("special_assistance.max_disability_grade", "1", "2018-01-01", None, "name", "not money"),
        ("reward_assistance.annual", "12.345", "2018-01-01", None, "amount", "decimal places"),
        ("reward_assistance.annual", "1200", "2018-13-01", None, "from_", "not a date"),
        ("reward_assistance.annual", "1200", "2018-02-01", "2018-01-01", "until", "before"),
    ],
)
def test_with_amount_errors_name_the_argument(
    name: str, amount: str, from_: str, until: str | None, path: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        policies.get("county").with_amount(name, amount, from_=from_, until=until)
    assert [p.path for p in caught.value.problems] == [path]


def test_the_example_reform_files_read() -> None:
    from fpcore.policies import reform_from_file

    toml = reform_from_file("examples/reforms/county-ra-1200.toml")
    entry = toml.parameters["reward_assistance.annual"].values[-1]
    assert (entry.value, entry.citation.confidence) == (Money("1200"), "placeholder")
    assert reform_from_file("examples/reforms/county-ocr-20.yaml").id == "county-ocr-20"


def test_reform_files_in_toml_and_json_name_every_problem_by_path(tmp_path: Any) -> None:
    from fpcore.policies import reform_from_file

    bad = tmp_path / "bad.toml"
    bad.write_text(
        'schema_version = 1\nbase = "county"\nrun = "import os"\n'
        '[settings]\nonly_child_reward_last_month = "month_after"\n'
        '[[parameters."reward_assistance.anual"]]\n'
        'start = 2018-01-01\nvalue = "1200.00"\ncitation = { document = "x" }\n'
        '[[parameters."reward_assistance.annual"]]\n'
        'start = "2018-02-30"\nvalue = 1200\n'
        'citation = { document = "x", confidence = "guess" }\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as caught:
        reform_from_file(bad)
    paths = sorted(p.path.removeprefix(str(bad)) for p in caught.value.problems)
    assert paths == [
        ".parameters.reward_assistance.annual[0].citation.confidence",
        ".parameters.reward_assistance.annual[0].start",
        ".parameters.reward_assistance.annual[0].value",
        ".parameters.reward_assistance.anual",
        ".run",
        ".settings.only_child_reward_last_month",
    ]
    assert "did you mean 'reward_assistance.annual'" in str(caught.value)
    broken = tmp_path / "broken.toml"
    broken.write_text('base = "county"\nx = [', encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        reform_from_file(broken)
    as_json = tmp_path / "reform.json"
    as_json.write_text('{"schema_version": 1, "base": "county", "id": "j"}', encoding="utf-8")
    assert reform_from_file(as_json).id == "j"
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InvalidInput, match="a reform must be"):
        reform_from_file(listed)
