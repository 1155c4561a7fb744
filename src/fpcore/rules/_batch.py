"""The batch evaluator: the same rules compiled to polars over population tables.

This module is the only one of :mod:`fpcore.rules` that imports polars (the optional
``batch`` extra); it is imported on the first call of ``Policy.evaluate_table``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from typing import TYPE_CHECKING, Any

import polars as pl

from fpcore.errors import ConflictingOutcomes, EmptyOutcome, InvalidInput
from fpcore.money import Money
from fpcore.periods import Month, Period
from fpcore.rules._columnar import _DTYPES, _Env, _hoistable, _lit, to_polars
from fpcore.rules._facts import Fact
from fpcore.rules._population import (
    ENTITY_KEYS,
    ENTITY_TABLES,
    HOUSEHOLD_KEY,
    MAX_POSITIONAL,
    PERSON_KEY,
    EntitlementTables,
    Population,
    Segments,
)
from fpcore.rules._rule import Rule

if TYPE_CHECKING:
    from fpcore.rules._policy import Policy

_CHUNK_ROWS = 1 << 17  # rows of an entity table evaluated at once


def _facts_of(rules: Sequence[Rule]) -> dict[str, Fact[Any]]:
    found: dict[str, Fact[Any]] = {}
    for rule in rules:
        for expr in rule.expressions():
            for node in expr.walk():
                if isinstance(node, Fact):
                    found.setdefault(node.key(), node)
    return found


def _columnar(f: Fact[Any], month: Month) -> pl.Expr:
    if f.columnar is None:
        raise InvalidInput(f"fact {f.key()} has no columnar implementation for batch evaluation")
    if f.kind == "ratio":
        raise InvalidInput(
            f"fact {f.key()} is a ratio: the batch evaluator takes ratios only from "
            "parameters and constants"
        )
    return f.columnar(month)


def _fill(f: Fact[Any]) -> pl.Expr:
    value = f.fill.fen if isinstance(f.fill, Money) else f.fill
    return _lit(value, f.kind)


def _combine(agg: str, a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Two rows' values combined by an aggregation, ignoring missing values."""
    if agg == "sum":
        return a.fill_null(0) + b.fill_null(0)
    if agg == "all":  # on 0/1 bytes
        return a.fill_null(1) & b.fill_null(1)
    if agg == "any":
        return a.fill_null(0) | b.fill_null(0)
    keep_a = (a >= b) if agg == "max" else (a <= b)
    return pl.when(b.is_null() | keep_a).then(a).otherwise(b)


def _aggregate(
    pop: Population, table: str, key: str, entity_table: str, group: list[Fact[Any]], month: Month
) -> pl.DataFrame:
    """The facts ``over`` one table, one row per entity row, in the entity table's order."""
    entities = pop.table(entity_table)
    n = entities.height
    segments = (
        pop.segments(table, key, n)
        if pop.is_dense(entity_table, key) and all(f.agg for f in group)
        else None
    )
    if segments is not None and segments.longest <= MAX_POSITIONAL:
        return _aggregate_positional(pop.table(table), segments, group, month)
    marker = f"__rows_{table}"
    aggs = [
        (getattr(_columnar(f, month), f.agg)() if f.agg else _columnar(f, month)).alias(f.key())
        for f in group
    ]
    grouped = pop.table(table).lazy().group_by(key).agg([pl.len().alias(marker), *aggs])
    joined = entities.lazy().select(key).join(grouped, on=key, how="left", maintain_order="left")
    return joined.select(
        [
            pl.when(pl.col(marker).is_null())
            .then(_fill(f))
            .otherwise(pl.col(f.key()))
            .cast(_DTYPES[f.kind])
            .alias(f.key())
            for f in group
        ]
    ).collect()


def _row_value(f: Fact[Any], month: Month) -> pl.Expr:
    """A fact's value on each row of the table it aggregates."""
    return _columnar(f, month).alias(f.key())


def _small_booleans(frame: pl.DataFrame) -> pl.DataFrame:
    """Booleans as UInt8 0/1 (nulls kept): gathering bytes is much faster than bits."""
    bools = [k for k, t in frame.schema.items() if t == pl.Boolean]
    return frame.with_columns(pl.col(bools).cast(pl.UInt8)) if bools else frame


def _aggregate_positional(
    table: pl.DataFrame, segments: Segments, group: list[Fact[Any]], month: Month
) -> pl.DataFrame:
    """Aggregate runs of rows by position: the j-th row of every entity at once.

    Positions past an entity's last row repeat that row: harmless for min, max, all
    and any, and masked for sum. Entities without rows get the fact's fill. The
    positions are computed once per population (:class:`Segments`); booleans travel
    as bytes.
    """
    picks = pl.DataFrame({"length": segments.length})
    longest = segments.longest if table.height else 0
    row_exprs = [_row_value(f, month) for f in group]
    schema = table.lazy().select(row_exprs).collect_schema()
    row_exprs = [  # booleans as 0/1 bytes, in the same pass
        e.cast(pl.UInt8) if schema[f.key()] == pl.Boolean else e
        for f, e in zip(group, row_exprs, strict=True)
    ]
    length = pl.col("length")
    columns = []
    for f in group:
        value: pl.Expr = _fill(f)
        if longest:
            value = pl.col(f"{f.key()}#0")
            for j in range(1, longest):
                nxt = pl.col(f"{f.key()}#{j}")
                if f.agg == "sum":
                    nxt = pl.when(length > j).then(nxt).otherwise(0)
                value = _combine(f.agg or "", value, nxt)
        columns.append(
            pl.when(length == 0)
            .then(_fill(f))
            .otherwise(value)
            .cast(_DTYPES[f.kind])
            .alias(f.key())
        )
    if not longest or segments.length.sum() == 0:
        return picks.select(
            [
                pl.when(length >= 0).then(_fill(f)).cast(_DTYPES[f.kind]).alias(f.key())
                for f in group
            ]
        )
    rows = table.select(row_exprs)
    gathered = [picks.select("length")]
    for j, index in enumerate(segments.positions):
        gathered.append(rows[index].rename({f.key(): f"{f.key()}#{j}" for f in group}))
    return pl.concat(gathered, how="horizontal").select(columns)


def _facts_frame(
    pop: Population, entity: str, facts: Sequence[Fact[Any]], month: Month
) -> pl.DataFrame:
    """Every fact of an entity, one row per row of its table, in table order."""
    table, key = ENTITY_TABLES[entity], ENTITY_KEYS[entity]
    base = pop.table(table)
    plain = [f for f in facts if f.over is None]
    frame = base.select(
        [pl.col(key), *(_columnar(f, month).cast(_DTYPES[f.kind]).alias(f.key()) for f in plain)]
    )
    by_table: dict[str, list[Fact[Any]]] = {}
    for f in facts:
        if f.over is not None:
            by_table.setdefault(f.over, []).append(f)
    for over, group in by_table.items():
        frame = frame.hstack(_aggregate(pop, over, key, table, group, month).get_columns())
    return frame.drop(key)


def _rule_columns(rule: Rule, env: _Env, i: int) -> tuple[pl.Expr, list[pl.Expr]]:
    """The outcome column of a rule and its check columns (conflict, empty)."""
    applied = reduce(
        lambda x, y: x & y,
        [to_polars(c.test, env).fill_null(False) for c in rule.conditions],
        pl.lit(True),
    )
    prios = sorted({e.priority for e in rule.exceptions}, reverse=True)
    value: Any = None
    checks: list[pl.Expr] = []
    prior_fired: pl.Expr = pl.lit(False)
    for g, p in enumerate(prios):
        group = [e for e in rule.exceptions if e.priority == p]
        fired = [to_polars(e.when, env).fill_null(False) for e in group]
        outs = [to_polars(e.outcome, env) for e in group]
        for a in range(len(group)):
            for b in range(a + 1, len(group)):
                clash = applied & ~prior_fired & fired[a] & fired[b] & outs[a].ne_missing(outs[b])
                checks.append(clash.alias(f"__conflict_{i}_{g}_{a}_{b}"))
        for f, o in zip(fired, outs, strict=True):
            value = pl.when(f).then(o) if value is None else value.when(f).then(o)
        prior_fired = prior_fired | reduce(lambda x, y: x | y, fired)
    if rule.outcome is not None:
        default = to_polars(rule.outcome, env)
        value = default if value is None else value.otherwise(default)
    else:
        checks.append((applied & ~prior_fired).alias(f"__empty_{i}"))
        value = value.otherwise(None)
    return pl.when(applied).then(value).alias(f"__rule_{i}"), checks


def _raise_checks(frame: pl.DataFrame, rules: Sequence[Rule], key: str, month: Month) -> None:
    for name in frame.columns:
        if not name.startswith(("__conflict_", "__empty_")) or not frame[name].any():
            continue
        who = f"{key.removesuffix('_id')} {frame.filter(pl.col(name))[key][0]}"
        if name.startswith("__empty_"):
            rule = rules[int(name.removeprefix("__empty_"))]
            raise EmptyOutcome(
                f"rule {rule.id}: no outcome for {who} in {month} "
                "(no default, and no exception applied)"
            )
        index, g, a, b = (int(x) for x in name.removeprefix("__conflict_").split("_"))
        rule = rules[index]
        prio = sorted({e.priority for e in rule.exceptions}, reverse=True)[g]
        group = [e for e in rule.exceptions if e.priority == prio]
        labels = (group[a].label, group[b].label)
        raise ConflictingOutcomes(
            f"rule {rule.id}: exceptions {labels[0]!r} and {labels[1]!r} give different "
            f"outcomes for {who} in {month}"
        )


def _entity_month(
    policy: Policy,
    pop: Population,
    month: Month,
    entity: str,
    rules: Sequence[Rule],
    params: Mapping[str, object],
    household_facts: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Money rows (ids, benefit, fen) and status rows for one entity and month."""
    env = _Env(month, params, policy.settings_in_force())
    key = ENTITY_KEYS[entity]
    ids = [PERSON_KEY, HOUSEHOLD_KEY] if entity == "person" else [HOUSEHOLD_KEY]
    base = pop.table(ENTITY_TABLES[entity])
    facts = _facts_of(rules)
    hh_needed = [k for k, f in facts.items() if f.entity == "household"]
    lookup = None
    if entity == "person":
        own = _facts_frame(pop, entity, [f for f in facts.values() if f.entity == entity], month)
        frame = base.select(ids).hstack(own.get_columns())
        del own
        hoisted = _hoistable(rules)
        if hoisted:
            env.hoisted = {k: f"__household_{n}" for n, k in enumerate(hoisted)}
            plain_env = _Env(month, params, env.settings)
            lookup = household_facts.select(
                [to_polars(node, plain_env).alias(env.hoisted[k]) for k, node in hoisted.items()]
            )
            # booleans are looked up as 0/1 bytes and read back as booleans
            env.byte_booleans = {k for k, t in lookup.schema.items() if t == pl.Boolean}
            lookup = _small_booleans(lookup).rechunk()
    else:
        frame = base.select(ids).hstack(household_facts.select(hh_needed).get_columns())
    outs, checks = [], []
    money_benefits: dict[str, list[int]] = {}
    status_rules = []
    for i, rule in enumerate(rules):
        col, chk = _rule_columns(rule, env, i)
        outs.append(col)
        checks.extend(chk)
        if rule.kind == "money":
            money_benefits.setdefault(rule.benefit, []).append(i)
        else:
            status_rules.append(i)
    query = [
        *ids,
        *(
            pl.sum_horizontal([pl.col(f"__rule_{i}") for i in idx]).alias(f"__benefit_{b}")
            if len(idx) > 1
            else pl.col(f"__rule_{idx[0]}").alias(f"__benefit_{b}")
            for b, idx in money_benefits.items()
        ),
        *(pl.col(f"__rule_{i}") for i in status_rules),
        *(pl.col(c.meta.output_name()) for c in checks),
    ]
    money: list[pl.DataFrame] = []
    status: list[pl.DataFrame] = []
    for offset in range(0, frame.height, _CHUNK_ROWS):
        # slices bound the memory of intermediate columns; the query is the same
        chunk = frame.slice(offset, _CHUNK_ROWS)
        if lookup is not None:
            where = pop.persons[HOUSEHOLD_KEY].slice(offset, _CHUNK_ROWS)
            chunk = chunk.hstack(_lookup_households(pop, lookup, where).get_columns())
        result = chunk.lazy().select([*ids, *outs, *checks]).select(query).collect()
        del chunk
        _raise_checks(result, rules, key, month)
        money.extend(
            result.filter(pl.col(f"__benefit_{b}") != 0).select(
                [
                    *ids,
                    pl.lit(b, dtype=pl.String).alias("benefit"),
                    pl.col(f"__benefit_{b}").alias("fen"),
                ]
            )
            for b in money_benefits
        )
        status.extend(
            result.filter(pl.col(f"__rule_{i}").is_not_null()).select(
                [
                    *ids,
                    pl.lit(rules[i].benefit, dtype=pl.String).alias("benefit"),
                    pl.col(f"__rule_{i}").alias("status"),
                ]
            )
            for i in status_rules
        )
    schema = {**dict.fromkeys(ids, pl.Int64), "benefit": pl.String}
    return (
        pl.concat(money) if money else pl.DataFrame(schema={**schema, "fen": pl.Int64}),
        pl.concat(status) if status else pl.DataFrame(schema={**schema, "status": pl.String}),
    )


def _lookup_households(
    pop: Population, household_facts: pl.DataFrame, households: pl.Series
) -> pl.DataFrame:
    """Household facts for each of ``households`` (positional when households are dense)."""
    if pop.is_dense("households", HOUSEHOLD_KEY):
        return household_facts[households.cast(pl.UInt32)]
    keyed = household_facts.with_columns(pop.households[HOUSEHOLD_KEY].alias("__key"))
    return (
        households.alias("__key")
        .to_frame()
        .lazy()
        .join(keyed.lazy(), on="__key", how="left", maintain_order="left")
        .drop("__key")
        .collect()
    )


def _finish(parts: list[pl.DataFrame], ids: list[str], single_month: bool) -> pl.DataFrame:
    frame = pl.concat(parts) if len(parts) > 1 else parts[0]
    if single_month:
        frame = frame.with_columns(pl.lit(1, dtype=pl.Int64).alias("months"))
    else:
        frame = frame.group_by([*ids, "benefit"]).agg(
            pl.len().cast(pl.Int64).alias("months"), pl.col("fen").sum()
        )
    return frame.select(
        [
            *(pl.col(k).cast(pl.Int64) for k in ids),
            "benefit",
            "months",
            pl.col("fen").alias("amount_fen"),
            (pl.col("fen").cast(pl.Decimal(18, 2)) / 100).cast(pl.Decimal(18, 2)).alias("amount"),
        ]
    )


def evaluate_table(policy: Policy, pop: Population, period: Period) -> EntitlementTables:
    """Evaluate a policy over population tables for a period (see ``Policy.evaluate_table``)."""
    person_money: list[pl.DataFrame] = []
    household_money: list[pl.DataFrame] = []
    statuses: list[pl.DataFrame] = []
    months = list(period.months())
    for month in months:
        live = [r for r in policy.rules if r.in_force(month)]
        names = sorted({n for r in live for n in policy.parameters_of(r)})
        params = {n: policy.parameters[n].at(month.start) for n in names}
        hh_rules = [r for r in live if r.entity == "household"]
        p_rules = [r for r in live if r.entity == "person"]
        needed = [f for f in _facts_of(live).values() if f.entity == "household"]
        hh_facts = _facts_frame(pop, "household", needed, month)
        if hh_rules:
            money, status = _entity_month(
                policy, pop, month, "household", hh_rules, params, hh_facts
            )
            household_money.append(money)
            statuses.append(_status_frame(status, "household"))
        if p_rules:
            money, status = _entity_month(policy, pop, month, "person", p_rules, params, hh_facts)
            person_money.append(money)
            statuses.append(_status_frame(status, "person"))
    empty_p = pl.DataFrame(
        schema={
            PERSON_KEY: pl.Int64,
            HOUSEHOLD_KEY: pl.Int64,
            "benefit": pl.String,
            "fen": pl.Int64,
        }
    )
    empty_h = pl.DataFrame(schema={HOUSEHOLD_KEY: pl.Int64, "benefit": pl.String, "fen": pl.Int64})
    single = len(months) == 1
    status_frame = (
        _count_statuses(pl.concat(statuses), single)
        if statuses
        else pl.DataFrame(
            schema={
                "entity": pl.String,
                "beneficiary_id": pl.Int64,
                HOUSEHOLD_KEY: pl.Int64,
                "benefit": pl.String,
                "status": pl.String,
                "months": pl.Int64,
            }
        )
    )
    return EntitlementTables(
        persons=_finish(person_money or [empty_p], [PERSON_KEY, HOUSEHOLD_KEY], single),
        households=_finish(household_money or [empty_h], [HOUSEHOLD_KEY], single),
        statuses=status_frame,
    )


def _count_statuses(frame: pl.DataFrame, single_month: bool) -> pl.DataFrame:
    if single_month:
        return frame.with_columns(pl.lit(1, dtype=pl.Int64).alias("months"))
    return frame.group_by(["entity", "beneficiary_id", HOUSEHOLD_KEY, "benefit", "status"]).agg(
        pl.len().cast(pl.Int64).alias("months")
    )


def _status_frame(frame: pl.DataFrame, entity: str) -> pl.DataFrame:
    key = ENTITY_KEYS[entity]
    return frame.select(
        pl.lit(entity, dtype=pl.String).alias("entity"),
        pl.col(key).cast(pl.Int64).alias("beneficiary_id"),
        pl.col(HOUSEHOLD_KEY).cast(pl.Int64),
        "benefit",
        "status",
    )
