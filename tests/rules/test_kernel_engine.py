"""The compiled kernel's semantics on the engine's own terms: missing values (three-valued
logic, aggregations that skip them, fills), exceptions and their conflicts, parameters
that change within a period; always equal to the polars backend."""

from __future__ import annotations

import pendulum
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore.errors import ConflictingOutcomes, EmptyOutcome
from fpcore.money import Money
from fpcore.periods import Month, MonthSpan
from fpcore.rules import (
    Condition,
    EntityAdapter,
    Policy,
    Population,
    Rule,
    RuleException,
    _kernel,
    const,
    fact,
    month_index,
    param,
    parameters_from_toml,
    where,
)
from fpcore.rules.rows import MONTH, col, when

pytestmark = pytest.mark.skipif(not _kernel.available(), reason="numba is not installed")

ADAPTER: EntityAdapter[dict[str, object], dict[str, object]] = EntityAdapter(
    household_id=lambda h: 0, persons=lambda h: [], person_id=lambda p: 0
)


def _python(entity: object, month: Month) -> object:
    raise NotImplementedError  # the batch backends only


joined = fact(
    "household", "int", row=col("join") <= MONTH, over="children", agg="sum", fill=0, name="joined"
)(_python)
worst = fact(
    "household",
    "int",
    row=when(col("join") <= MONTH, col("grade")),
    over="children",
    agg="min",
    name="worst",
)(_python)
latest = fact(
    "household", "int", row=col("join"), over="children", agg="max", fill=-1, name="latest"
)(_python)
some_boy = fact(
    "household",
    "bool",
    row=col("boy") & (col("join") <= MONTH),
    over="children",
    agg="any",
    name="some_boy",
)(_python)
all_boys = fact(
    "household", "bool", row=col("boy"), over="children", agg="all", fill=False, name="all_boys"
)(_python)
flag = fact("household", "bool", row=col("flag"), name="flag")(_python)
since = fact("household", "int", row=col("since"), name="since")(_python)
person_age = fact("person", "int", row=col("age60"), name="age60")(_python)

PARAMETERS = parameters_from_toml(
    """
[citations.t]
document = "test"

[amount]
kind = "money"

[[amount.values]]
start = 2000-01-01
value = "10.00"
citation = "t"

[[amount.values]]
start = 2010-07-01
value = "12.50"
citation = "t"

[bonus]
kind = "money"

[[bonus.values]]
start = 2000-01-01
value = "3.00"
citation = "t"
"""
)


def _rule(id: str, benefit: str, entity: str, conditions: list[object], **kw: object) -> Rule:
    return Rule(
        id=id,
        title_zh="",
        title_en="",
        benefit=benefit,
        entity=entity,  # type: ignore[arg-type]
        citations=(),
        effective_from=pendulum.Date(2000, 1, 1),
        conditions=tuple(Condition(code=f"{id}{i}", test=t) for i, t in enumerate(conditions)),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


POLICY = Policy(
    id="k",
    version="1",
    parameters=PARAMETERS,
    adapter=ADAPTER,
    rules=(
        _rule(
            "A",
            "a",
            "household",
            [(joined >= 1) | flag, ~worst.is_missing() | (latest > 24100)],
            outcome=param("amount"),
            exceptions=(
                RuleException(
                    label="boys",
                    when=some_boy & (month_index >= since),
                    outcome=param("amount") * 2,
                    priority=1,
                ),
            ),
        ),
        _rule(
            "B",
            "b",
            "household",
            [where(flag, all_boys, worst <= 2)],
            outcome=where(month_index <= latest + 30, param("bonus"), Money(1)),
        ),
        _rule("C", "c", "person", [month_index >= person_age, joined == 0], outcome=param("bonus")),
    ),
)


def _population(
    rows: list[tuple[int, int | None, int | None, bool | None]],
    homes: int,
    flags: list[bool | None],
    since: list[int | None],
) -> Population:
    rows = sorted((r for r in rows if r[0] < homes), key=lambda r: r[0])
    return Population(
        {
            "households": pl.DataFrame(
                {"household_id": list(range(homes)), "flag": flags[:homes], "since": since[:homes]},
                schema={"household_id": pl.Int64, "flag": pl.Boolean, "since": pl.Int32},
            ),
            "persons": pl.DataFrame(
                {
                    "person_id": list(range(homes)),
                    "household_id": list(range(homes)),
                    "age60": [24100 + 7 * i for i in range(homes)],
                },
                schema={"person_id": pl.Int64, "household_id": pl.Int64, "age60": pl.Int32},
            ),
            "children": pl.DataFrame(
                {
                    "household_id": [r[0] for r in rows],
                    "join": [r[1] for r in rows],
                    "grade": [r[2] for r in rows],
                    "boy": [r[3] for r in rows],
                },
                schema={
                    "household_id": pl.Int64,
                    "join": pl.Int32,
                    "grade": pl.Int32,
                    "boy": pl.Boolean,
                },
            ),
        }
    )


_months = st.integers(min_value=24090, max_value=24130)
_maybe_month = st.none() | _months


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 5),
            _maybe_month,
            st.none() | st.integers(1, 4),
            st.none() | st.booleans(),
        ),
        max_size=14,
    ),
    flags=st.lists(st.none() | st.booleans(), min_size=6, max_size=6),
    since=st.lists(_maybe_month, min_size=6, max_size=6),
    homes=st.integers(1, 6),
    first=_months,
    length=st.integers(0, 30),
)
def test_kernel_equals_polars_with_missing_values(rows, flags, since, homes, first, length) -> None:  # type: ignore[no-untyped-def]
    pop = _population(rows, homes, flags, since)
    period = MonthSpan(first=Month.from_index(first), last=Month.from_index(first + length))
    for name in ("households", "persons"):
        expected = getattr(POLICY.evaluate_table(pop, period, backend="polars"), name)
        found = getattr(POLICY.evaluate_table(pop, period, backend="kernel"), name)
        keys = [c for c in ("person_id", "household_id", "benefit") if c in expected.columns]
        assert found.sort(keys).equals(expected.sort(keys)), name


def _one_rule_policy(**kw: object) -> Policy:
    return Policy(
        id="e",
        version="1",
        parameters=PARAMETERS,
        adapter=ADAPTER,
        rules=(_rule("R", "r", "household", [joined >= 0], **kw),),
    )


@pytest.mark.parametrize("backend", ["polars", "kernel"])
def test_conflicting_exceptions_fail_alike(backend: str) -> None:
    policy = _one_rule_policy(
        outcome=param("amount"),
        exceptions=(
            RuleException(label="x", when=joined >= 0, outcome=const(Money(1)), priority=1),
            RuleException(label="y", when=joined >= 0, outcome=const(Money(2)), priority=1),
        ),
    )
    pop = _population([(0, 24100, 1, True)], 1, [True], [None])
    with pytest.raises(ConflictingOutcomes, match="'x' and 'y'"):
        policy.evaluate_table(pop, Month.from_index(24100), backend=backend)  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", ["polars", "kernel"])
def test_no_outcome_fails_alike(backend: str) -> None:
    policy = _one_rule_policy(
        exceptions=(RuleException(label="x", when=joined >= 5, outcome=const(Money(1))),),
    )
    pop = _population([(0, 24100, 1, True)], 1, [True], [None])
    with pytest.raises(EmptyOutcome, match="rule R"):
        policy.evaluate_table(pop, Month.from_index(24100), backend=backend)  # type: ignore[arg-type]


def test_a_fact_without_a_row_expression_is_named() -> None:
    polars_only = fact("household", "int", columnar=lambda m: pl.lit(1), name="polars_only")(
        _python
    )
    policy = Policy(
        id="p",
        version="1",
        parameters=PARAMETERS,
        adapter=ADAPTER,
        rules=(_rule("R", "r", "household", [polars_only >= 1], outcome=param("amount")),),
    )
    pop = _population([], 2, [True, False], [None, None])
    with pytest.raises(_kernel.KernelUnavailable, match="polars_only"):
        policy.evaluate_table(pop, Month(2010, 1), backend="kernel")
    # auto falls back to polars, whatever the size
    assert policy.evaluate_table(pop, Month(2010, 1)).households.height == 2


months_since = fact(
    "household", "int", row=MONTH - col("join"), over="children", agg="max", name="months_since"
)(_python)


def _month_policy(rule: Rule) -> Policy:
    return Policy(id="m", version="1", parameters=PARAMETERS, adapter=ADAPTER, rules=(rule,))


MONTH_READ_OTHERWISE = (
    # a fact whose value moves every month (the month in arithmetic, not a comparison)
    _month_policy(_rule("F", "f", "household", [months_since >= 5], outcome=param("amount"))),
    # a rule that reads the month inside arithmetic
    _month_policy(
        _rule("G", "g", "person", [(month_index - person_age) >= 7], outcome=param("bonus"))
    ),
)


@pytest.mark.parametrize("policy", MONTH_READ_OTHERWISE, ids=["fact", "rule"])
@settings(max_examples=30, deadline=None)
@given(
    joins=st.lists(_maybe_month, min_size=1, max_size=6),
    first=_months,
    length=st.integers(0, 30),
)
def test_the_month_read_outside_a_comparison_is_evaluated_every_month(
    policy: Policy, joins: list[int | None], first: int, length: int
) -> None:
    """Where the month is read other than as a side of a comparison, no breakpoint can
    be known: the kernel evaluates every month, and agrees with the polars backend."""
    rows: list[tuple[int, int | None, int | None, bool | None]] = [
        (i % 3, join, 1, True) for i, join in enumerate(joins)
    ]
    pop = _population(rows, 3, [True, False, None], [None, None, None])
    period = MonthSpan(first=Month.from_index(first), last=Month.from_index(first + length))
    for name in ("households", "persons"):
        expected = getattr(policy.evaluate_table(pop, period, backend="polars"), name)
        found = getattr(policy.evaluate_table(pop, period, backend="kernel"), name)
        keys = [c for c in ("person_id", "household_id", "benefit") if c in expected.columns]
        assert found.sort(keys).equals(expected.sort(keys)), name
