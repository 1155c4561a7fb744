"""The synthetic county: its tables are exactly the tables of its households as objects."""

from __future__ import annotations

import datetime as dt

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from fpcore.synth import county_geography, synthetic_county
from fpcore.tables import household_tables


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), size=st.integers(1, 400))
def test_tables_equal_the_tables_of_the_objects(seed: int, size: int) -> None:
    county = synthetic_county(households=size, seed=seed)
    built = county.tables()
    from_objects = household_tables(county.households())  # every object passes its checks
    for name, table in from_objects.items():
        assert_frame_equal(built[name], table)


def test_same_seed_same_county_and_nothing_after_on() -> None:
    on = pendulum.Date(2000, 6, 30)
    a = synthetic_county(households=500, seed=3, on=on).tables()
    b = synthetic_county(households=500, seed=3, on=on).tables()
    for name in a:
        assert_frame_equal(a[name], b[name])
    latest = a["children"]["birth_date"].max()
    assert isinstance(latest, dt.date)
    assert latest <= on


def test_default_county_has_the_report_shape() -> None:
    assert county_geography().village_count == 633
    assert len(county_geography().townships) == 12
    tables = synthetic_county(households=20_000, seed=1).tables()
    people = tables["persons"].height + tables["children"].height
    # 168,000 households make about 513,000 people; 20,000 make about 61,000
    assert 55_000 < people < 67_000
