"""The synthetic county: its tables are exactly the tables of its households as objects."""

from __future__ import annotations

import datetime as dt

import pendulum
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from fpcore.model import ChildLink, MarriageEnd, household_events, household_from_events
from fpcore.periods import Year
from fpcore.policies import get
from fpcore.rules import Population
from fpcore.synth import county_geography, synthetic_county
from fpcore.tables import household_tables


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    size=st.integers(1, 400),
    on=st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_tables_equal_the_tables_of_the_objects(seed: int, size: int, on: dt.date) -> None:
    day = pendulum.Date(on.year, on.month, on.day)
    county = synthetic_county(households=size, seed=seed, on=day)
    built = county.tables()
    from_objects = household_tables(county.households())  # every object passes its checks
    assert built.keys() == from_objects.keys()
    for name, table in from_objects.items():
        assert_frame_equal(built[name], table)


def test_a_larger_county_with_every_history_equals_its_objects() -> None:
    # 4,000 households hold every kind of history the county draws
    county = synthetic_county(households=4_000, seed=2)
    households = county.households()
    built = county.tables()
    for name, table in household_tables(households).items():
        assert_frame_equal(built[name], table)
    assert any(len(h.marriages) == 2 for h in households)  # a remarriage
    assert any(c.parents is not None for h in households for c in h.children)
    assert any(
        m.end is MarriageEnd.DIVORCE and len(m.spouses) == 2
        for h in households
        for m in h.marriages
    )
    assert any(m.end is MarriageEnd.DEATH for h in households for m in h.marriages)
    assert any(p.hukou_changes for h in households for p in h.parents)
    assert any(len(c.disabilities) == 2 for h in households for c in h.children)
    assert any(h.honour_certificate and h.honour_certificate.returned for h in households)
    assert any(h.confirmations for h in households)
    assert any(
        h.delivery_order(1) == 1 for h in households if len(h.children) > 1
    )  # twins at a first delivery
    assert any(c.link is ChildLink.ADOPTION for h in households for c in h.children)
    assert built["households"]["marital_status"].null_count() > 0


def test_confirmations_follow_the_qualifying_event_after_49() -> None:
    county = synthetic_county(households=20_000, seed=5)
    tables = county.tables()
    confirmed = tables["confirmations"].join(tables["persons"], on="person_id")
    assert confirmed.height > 0
    assert (confirmed["benefit"] == "special_assistance").all()
    households = county.households(confirmed["household_id"].unique().sort().to_list())
    for household in households:
        woman = household.mother or household.father
        assert woman is not None
        (child,) = household.children
        disability = child.disabilities[0] if child.disabilities else None
        event = child.death_date or (disability.issued if disability else None)
        assert event is not None
        assert event > woman.birth_date.add(years=49).subtract(days=1)
        for confirmation in household.confirmations:
            assert confirmation.confirmed >= event


def test_histories_read_as_events_and_back() -> None:
    for household in synthetic_county(households=300, seed=9).households():
        events = household_events(household)
        days = [e.on for e in events if e.on is not None]
        assert days == sorted(days)
        back = household_from_events(household.household_id, household.village, events)
        assert back == household


def test_same_seed_same_county_and_nothing_after_on() -> None:
    on = pendulum.Date(2000, 6, 30)
    a = synthetic_county(households=500, seed=3, on=on).tables()
    b = synthetic_county(households=500, seed=3, on=on).tables()
    for name in a:
        assert_frame_equal(a[name], b[name])
    latest = a["children"]["birth_date"].max()
    assert isinstance(latest, dt.date)
    assert latest <= on
    index = on.year * 12 + on.month - 1
    assert (a["hukou_spells"]["start_index"] <= index).all()
    assert (a["parent_disabilities"]["issued_index"] <= index).all()
    assert a["confirmations"].filter(pl.col("confirmed_index") > index).height == 0


def test_default_county_has_the_report_shape() -> None:
    assert county_geography().village_count == 633
    assert len(county_geography().townships) == 12
    tables = synthetic_county(households=20_000, seed=1).tables()
    people = tables["persons"].height + tables["children"].height
    # 168,000 households make about 513,000 people; 20,000 make about 61,000
    assert 55_000 < people < 67_000


def test_single_and_batch_agree_over_the_synthetic_histories() -> None:
    county = synthetic_county(households=800, seed=4, on=pendulum.Date(2016, 12, 31))
    policy = get("county")
    period = Year(year=2016)
    result = policy.evaluate_table(Population(county.tables()), period)
    batch: dict[str, int] = {}
    for table in (result.persons, result.households):
        for benefit, fen in table.group_by("benefit").agg(pl.col("amount_fen").sum()).iter_rows():
            batch[benefit] = batch.get(benefit, 0) + fen
    single: dict[str, int] = {}
    for household in county.households():
        for entitlement in policy.evaluate(household, period).entitlements:
            single[entitlement.benefit] = single.get(entitlement.benefit, 0) + entitlement.total.fen
    assert batch == single
    assert set(batch) == {"only_child_reward", "reward_assistance", "special_assistance"}
