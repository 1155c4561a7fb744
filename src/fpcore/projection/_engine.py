"""The projection itself: the county's histories drawn forward year by year, with numpy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pendulum

from fpcore.policies.birth_policy import LAW_VERSIONS
from fpcore.projection._assumptions import AGE_GROUPS, Assumptions, yearly_death_probability

if TYPE_CHECKING:
    import polars as pl

EPOCH = pendulum.Date(1970, 1, 1)
NO = -(2**62)  # no event (day numbers count from 1970-01-01)
YEAR = 365.25
MAX_AGE = 130
BENEFIT = "special_assistance"
CERTIFICATE_CUTOFF = pendulum.Date(2016, 1, 1)  # national.toml only_child_reward.certificate_cutoff
EVENT_COLUMNS = (
    "births",
    "births_within_policy",
    "parent_deaths",
    "child_deaths",
    "hukou_changes",
    "certificates",
)


def day_number(day: pendulum.Date) -> int:
    return (day - EPOCH).days


def month_of(days: Any) -> Any:
    """Month indexes (year * 12 + month - 1) of day numbers."""
    import numpy as np

    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) + 1970 * 12


def reaching_age(days: Any, age: int) -> Any:
    """Month index of the birthday reaching ``age`` (29 February: 1 March in common years),
    as :func:`fpcore.periods.month_reaching_age`."""
    import numpy as np

    as_days = days.astype("datetime64[D]")
    months = as_days.astype("datetime64[M]")
    year = as_days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (as_days - months.astype("datetime64[D]")).astype(np.int64) + 1
    target = year + age
    leap = (target % 4 == 0) & ((target % 100 != 0) | (target % 400 == 0))
    march = (month == 2) & (day == 29) & ~leap
    return target * 12 + np.where(march, 2, month - 1)


class _State:
    """The arrays the projection updates (one row per person, household or child)."""

    def __init__(self, tables: dict[str, pl.DataFrame], start: int) -> None:
        import numpy as np
        import polars as pl

        persons, households, children = (
            tables["persons"],
            tables["households"],
            tables["children"],
        )
        self.household_ids = households["household_id"].to_numpy().astype(np.int64)
        n_h = self.household_ids.size
        self.p_household = np.searchsorted(
            self.household_ids, persons["household_id"].to_numpy().astype(np.int64)
        )
        self.p_role = persons["role_index"].to_numpy().astype(np.int64)
        self.p_female = persons["is_female"].to_numpy().astype(bool)
        self.p_birth = persons["birth_date"].cast(pl.Int64).to_numpy().astype(np.int64)
        self.p_dead_before = persons["death_index"].is_not_null().to_numpy()
        self.p_death = np.full(persons.height, NO, dtype=np.int64)
        self.p_change = np.full(persons.height, NO, dtype=np.int64)
        spells = tables["hukou_spells"]
        last = (
            spells.sort("person_id", "start_index")
            .group_by("person_id", maintain_order=True)
            .agg(pl.col("start_index").last(), pl.col("rural").last())
        )
        position = np.searchsorted(
            persons["person_id"].to_numpy(), last["person_id"].to_numpy().astype(np.int64)
        )
        self.p_rural = persons["rural"].to_numpy().astype(bool).copy()
        self.p_rural[position] = last["rural"].to_numpy().astype(bool)
        self.p_last_start = persons["birth_index"].to_numpy().astype(np.int64).copy()
        self.p_last_start[position] = last["start_index"].to_numpy().astype(np.int64)
        self.p_person_id = persons["person_id"].to_numpy().astype(np.int64)

        self.mother = np.full(n_h, -1, dtype=np.int64)
        self.father = np.full(n_h, -1, dtype=np.int64)
        rows = np.arange(persons.height)
        self.mother[self.p_household[self.p_female]] = rows[self.p_female]
        self.father[self.p_household[~self.p_female]] = rows[~self.p_female]
        self.parent_count = households["parent_count"].to_numpy().astype(np.int64)
        self.married = (households["marital_status"] == "married").fill_null(False).to_numpy()
        self.certificate = (
            households["certificate_date"].cast(pl.Int64).fill_null(NO).to_numpy().astype(np.int64)
        )
        self.has_permit = households["birth_permit_index"].is_not_null().to_numpy().copy()
        self.new_permit = np.full(n_h, NO, dtype=np.int64)
        self.new_certificate = np.full(n_h, NO, dtype=np.int64)

        c_household = np.searchsorted(
            self.household_ids, children["household_id"].to_numpy().astype(np.int64)
        )
        c_birth = children["birth_date"].cast(pl.Int64).to_numpy().astype(np.int64)
        order = children["delivery_order"].to_numpy().astype(np.int64)
        self.deliveries = np.zeros(n_h, dtype=np.int64)
        np.maximum.at(self.deliveries, c_household, order)
        self.children = np.zeros(n_h, dtype=np.int64)
        np.maximum.at(
            self.children, c_household, children["child_index"].to_numpy().astype(np.int64) + 1
        )
        self.last_birth = np.full(n_h, NO, dtype=np.int64)
        born = order > 0
        np.maximum.at(self.last_birth, c_household[born], c_birth[born])
        self.first_daughter = np.zeros(n_h, dtype=bool)
        firsts = order == 1
        self.first_daughter[c_household[firsts]] = (
            children["is_female"].to_numpy().astype(bool)[firsts]
        )
        # children: existing rows first, projected births appended in order
        self.c_household = c_household
        self.c_female = children["is_female"].to_numpy().astype(bool)
        self.c_birth = c_birth
        self.c_dead_before = children["death_index"].is_not_null().to_numpy()
        self.c_death = np.full(children.height, NO, dtype=np.int64)
        self.c_mask = children["parent_mask"].to_numpy().astype(np.int64)
        self.c_index = children["child_index"].to_numpy().astype(np.int64)
        self.c_within = children["within_policy"].to_numpy().astype(bool)
        self.c_order = order
        self.c_siblings = children["siblings_alive_at_join"].to_numpy().astype(np.int64)
        self.c_mother_siblings = self.c_siblings.copy()
        self.c_father_siblings = self.c_siblings.copy()
        self.existing_children = children.height
        self.start = start


def _death_table(assumptions: Assumptions) -> Any:
    """Yearly death probabilities by sex (row 0 men, row 1 women) and completed age."""
    import numpy as np

    return np.array(
        [
            [yearly_death_probability(assumptions, a, female=f) for a in range(MAX_AGE + 1)]
            for f in (False, True)
        ]
    )


def _schedule_table(assumptions: Assumptions) -> Any:
    """Fertility by schedule (rows) and completed age 0..MAX_AGE (zero outside 15-49)."""
    import numpy as np

    schedules = (
        assumptions.first_birth,
        assumptions.second_birth_within,
        assumptions.second_birth_outside,
        assumptions.third_birth_within,
        assumptions.later_birth_outside,
    )
    table = np.zeros((len(schedules), MAX_AGE + 1))
    for row, schedule in enumerate(schedules):
        for (low, high), rate in zip(AGE_GROUPS, schedule, strict=True):
            table[row, low:high] = rate
    return table


def _ages(day: Any, birth: Any) -> Any:
    import numpy as np

    return np.clip(((day - birth) / YEAR).astype(np.int64), 0, MAX_AGE)


def run(
    tables: dict[str, pl.DataFrame], start_day: pendulum.Date, until: int, seed: int, a: Assumptions
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """Project the tables from the day after ``start_day`` through 31 December ``until``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    start = day_number(start_day)
    s = _State(tables, start)
    deaths = _death_table(a)
    fertility = _schedule_table(a)
    laws = [(day_number(law.in_force_from), law.children_allowed) for law in LAW_VERSIONS]
    cutoff = day_number(CERTIFICATE_CUTOFF)
    horizon = day_number(pendulum.Date(until, 12, 31))
    counts: list[dict[str, int]] = []
    for year in range(start_day.year, until + 1):
        low = max(start + 1, day_number(pendulum.Date(year, 1, 1)))
        high = day_number(pendulum.Date(year, 12, 31))
        tally = dict.fromkeys(EVENT_COLUMNS, 0)
        tally["year"] = year
        if low <= high:
            span = high - low + 1
            share = span / (366 if pendulum.Date(year, 1, 1).is_leap_year() else 365)
            _year(
                s, rng, low, high, span, share, deaths, fertility, laws, cutoff, horizon, a, tally
            )
        counts.append(tally)
    confirmations = _confirmations(s, rng, a, horizon)
    import polars as pl

    from fpcore.projection._write import write_tables

    confirmed = confirmations.group_by(
        (pl.col("confirmed_index") // 12).cast(pl.Int64).alias("year")
    ).agg(pl.len().cast(pl.Int64).alias("confirmations"))
    events = (
        pl.DataFrame(counts)
        .select(pl.col("year").cast(pl.Int64), *(pl.col(c).cast(pl.Int64) for c in EVENT_COLUMNS))
        .join(confirmed, on="year", how="left")
        .with_columns(pl.col("confirmations").fill_null(0))
        .sort("year")
    )
    return write_tables(tables, s, confirmations), events


def _year(
    s: _State,
    rng: Any,
    low: int,
    high: int,
    span: int,
    share: float,
    deaths: Any,
    fertility: Any,
    laws: list[tuple[int, int]],
    cutoff: int,
    horizon: int,
    a: Assumptions,
    tally: dict[str, int],
) -> None:
    import numpy as np

    middle = (low + high) // 2

    def within_span(size: int) -> Any:
        return low + (rng.random(size) * span).astype(np.int64)

    # 1. parents' deaths, by sex and age in the middle of the span
    n_p = s.p_birth.size
    alive = ~s.p_dead_before & (s.p_death == NO)
    q = deaths[s.p_female.astype(np.int64), _ages(middle, s.p_birth)]
    dies = alive & (rng.random(n_p) < 1 - (1 - q) ** share)
    day = within_span(n_p)
    s.p_death[dies] = np.maximum(day[dies], s.p_birth[dies])
    tally["parent_deaths"] = int(dies.sum())

    # 2. children's deaths (those born before the span)
    n_c = s.c_birth.size
    alive_c = ~s.c_dead_before & (s.c_death == NO) & (s.c_birth < low)
    q = deaths[s.c_female.astype(np.int64), _ages(middle, s.c_birth)]
    dies = alive_c & (rng.random(n_c) < 1 - (1 - q) ** share)
    day = within_span(n_c)
    s.c_death[dies] = day[dies]
    tally["child_deaths"] = int(dies.sum())

    # 3. hukou: rural couples converted together on one day (农转非)
    n_h = s.household_ids.size
    converts = rng.random(n_h) < 1 - (1 - a.hukou_rate) ** share
    on_day = within_span(n_h)
    (who,) = np.nonzero(converts[s.p_household] & ~s.p_dead_before & s.p_rural)
    day = on_day[s.p_household[who]]
    month = month_of(day)
    ok = ((s.p_death[who] == NO) | (day < s.p_death[who])) & (month > s.p_last_start[who])
    who, day, month = who[ok], day[ok], month[ok]
    s.p_change[who] = day
    s.p_rural[who] = False
    s.p_last_start[who] = month
    tally["hukou_changes"] = int(who.size)

    # 4. births to married couples living together, by the mother's age and the law
    mother, father = s.mother, s.father
    couple = (mother >= 0) & (father >= 0) & s.married & (s.parent_count == 2)
    day = within_span(n_h)
    m, f = np.maximum(mother, 0), np.maximum(father, 0)

    def alive_on(person: Any) -> Any:
        return ~s.p_dead_before[person] & ((s.p_death[person] == NO) | (s.p_death[person] > day))

    gap = int(a.minimum_birth_interval_years * YEAR)
    ready = (s.last_birth == NO) | (s.last_birth <= day - gap)
    can = couple & alive_on(m) & alive_on(f) & ready
    allowed = np.ones(n_h, dtype=np.int64)
    for since, children in laws:
        allowed = np.where(day >= since, children, allowed)
    order = s.deliveries + 1
    permitted = s.has_permit | (
        (a.second_birth_permit == "rural_first_daughter") & s.p_rural[m] & s.first_daughter
    )
    within = (order <= allowed) | ((order == 2) & permitted)
    schedule = np.select(
        [order == 1, (order == 2) & within, order == 2, (order == 3) & within],
        [0, 1, 2, 3],
        default=4,
    )
    rate = fertility[schedule, _ages(day, s.p_birth[m])]
    born = can & (rng.random(n_h) < 1 - (1 - rate) ** share)
    # draws for every household, used where there is a birth (one stream, reproducible)
    male = rng.random(n_h) < a.male_share_at_birth
    permit_lead = (rng.random(n_h) * (YEAR - 90) + 90).astype(np.int64)
    certified = rng.random(n_h) < a.certificate_share
    certificate_lag = (rng.random(n_h) * YEAR).astype(np.int64)
    infant = rng.random(n_h) < a.infant_mortality * (high - day + 1) / span * share
    infant_day = day + (rng.random(n_h) * (high - day + 1)).astype(np.int64)
    (households,) = np.nonzero(born)
    b_day = day[households]
    # a second-birth permit issued before the birth, under the 2001 law
    needs = (order[households] == 2) & within[households] & (allowed[households] < 2)
    needs &= ~s.has_permit[households]
    issue = np.maximum(b_day - permit_lead[households], s.start + 1)
    s.new_permit[households[needs]] = issue[needs]
    s.has_permit[households[needs]] = True
    # siblings alive on the birth day: the household's, and each parent's own
    birth_of = np.full(n_h, -1, dtype=np.int64)
    birth_of[households] = np.arange(households.size)
    which = birth_of[s.c_household]
    near = which >= 0
    on_day = day[s.c_household]
    alive_then = (
        near & ~s.c_dead_before & (s.c_birth <= on_day) & ((s.c_death == NO) | (s.c_death > on_day))
    )
    size = households.size
    together = np.bincount(which[alive_then], minlength=size)
    own = []
    for parent in (mother, father):
        bit = 1 << s.p_role[np.maximum(parent, 0)]  # the parent's bit, by household
        linked = alive_then & ((s.c_mask & bit[s.c_household]) != 0)
        own.append(np.bincount(which[linked], minlength=size))
    child_death = np.where(infant[households], infant_day[households], NO)
    s.c_household = np.concatenate([s.c_household, households])
    s.c_female = np.concatenate([s.c_female, ~male[households]])
    s.c_birth = np.concatenate([s.c_birth, b_day])
    s.c_dead_before = np.concatenate([s.c_dead_before, np.zeros(size, dtype=bool)])
    s.c_death = np.concatenate([s.c_death, child_death])
    s.c_mask = np.concatenate([s.c_mask, np.full(size, 3, dtype=np.int64)])
    s.c_index = np.concatenate([s.c_index, s.children[households]])
    s.c_within = np.concatenate([s.c_within, within[households]])
    s.c_order = np.concatenate([s.c_order, order[households]])
    s.c_siblings = np.concatenate([s.c_siblings, together])
    s.c_mother_siblings = np.concatenate([s.c_mother_siblings, own[0]])
    s.c_father_siblings = np.concatenate([s.c_father_siblings, own[1]])
    first = order[households] == 1
    s.first_daughter[households[first]] = ~male[households[first]]
    s.deliveries[households] += 1
    s.children[households] += 1
    s.last_birth[households] = b_day
    # an honour certificate for a first child born before the 2016 cut-off
    certificate_day = b_day + certificate_lag[households]
    gets = (
        first
        & (s.certificate[households] == NO)
        & (b_day < cutoff)
        & certified[households]
        & (certificate_day <= horizon)
    )
    s.certificate[households[gets]] = certificate_day[gets]
    s.new_certificate[households[gets]] = certificate_day[gets]
    tally["births"] = size
    tally["births_within_policy"] = int(within[households].sum())
    tally["certificates"] = int(gets.sum())
    tally["child_deaths"] += int(infant[households].sum())


def _confirmations(s: _State, rng: Any, a: Assumptions, horizon: int) -> pl.DataFrame:
    """Special-assistance confirmations for one-child families whose child died in the
    projection after the mother's (or single father's) 49th birthday."""
    import numpy as np
    import polars as pl

    n_c = s.c_birth.size
    draws = rng.random(n_c)
    lag = ((rng.random(n_c) * 0.95 + 0.05) * YEAR).astype(np.int64)
    (rows,) = np.nonzero(s.c_death != NO)
    household = s.c_household[rows]
    only = s.children[household] == 1
    elder = np.where(s.mother[household] >= 0, s.mother[household], s.father[household])
    turns_49 = s.p_birth[elder] + int(49 * YEAR)
    death = s.c_death[rows]
    confirmed = death + lag[rows]
    keep = only & (death > turns_49) & (draws[rows] < a.confirmation_share)
    keep &= confirmed <= horizon
    rows, household, confirmed = rows[keep], household[keep], confirmed[keep]
    person_ids, household_ids, days = [], [], []
    for parent in (s.mother, s.father):
        who = parent[household]
        present = who >= 0
        person = np.maximum(who, 0)
        bit = 1 << s.p_role[person]
        ok = present & ((s.c_mask[rows] & bit) != 0) & ~s.p_dead_before[person]
        ok &= (s.p_death[person] == NO) | (confirmed <= s.p_death[person])
        person_ids.append(s.p_person_id[person[ok]])
        household_ids.append(s.household_ids[household[ok]])
        days.append(confirmed[ok])
    day = np.concatenate(days)
    return pl.DataFrame(
        {
            "person_id": np.concatenate(person_ids),
            "household_id": np.concatenate(household_ids),
            "benefit": np.full(day.size, BENEFIT),
            "confirmed_index": month_of(day),
        }
    )
