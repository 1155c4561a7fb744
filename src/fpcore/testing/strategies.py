"""Hypothesis strategies for fpcore's values and coherent households (extra ``testing``).

For test suites built on fpcore, e.g. the properties a policy change must keep. Every
strategy yields objects that pass their constructors' checks; :func:`households`
yields households whose life histories also make sense together (hukou changes,
divorces and remarriages, deaths of spouses, reissued disability certificates,
returned certificates, confirmations), or with ``snapshot=True`` only what a version 1
document could say; :func:`v1_household_documents` yields those as version 1
documents. Each strategy's
docstring says what its examples shrink towards, so a failing property reports a
small, readable household. All dates are ``pendulum.Date``; all amounts are ``Money``.

The simplest example of a strategy (the one hypothesis tries first and shrinks
towards) is what ``find(strategy, lambda x: True, settings=settings(database=None,
phases=[Phase.generate], max_examples=1))`` returns; the docstrings show it.

Once fpcore is installed with hypothesis, ``st.from_type(Household)`` (and the other
fpcore types) use these strategies, registered through hypothesis's entry point.

Example:
    >>> from hypothesis import given, settings
    >>> from fpcore.model import Household
    >>> @settings(max_examples=20)
    ... @given(households(min_children=1, max_children=2))
    ... def test_children_younger_than_parents(h: Household) -> None:
    ...     assert all(p.birth_date < c.birth_date for p in h.parents for c in h.children)
    >>> test_children_younger_than_parents()
"""

try:
    import hypothesis  # noqa: F401  (fail early, with the fix, when the extra is missing)
except ModuleNotFoundError as error:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError(
        'fpcore.testing.strategies needs hypothesis: pip install "fpcore[testing]"',
        name="hypothesis",
    ) from error

from fpcore.testing._basics import (
    MAX_DATE,
    MIN_DATE,
    dates,
    money,
    month_spans,
    months,
    periods,
    quarters,
    ratios,
    years,
)
from fpcore.testing._documents import v1_document, v1_household_documents
from fpcore.testing._households import (
    certificates,
    confirmations,
    counties,
    deposits,
    households,
    marriages,
    second_child_quotas,
)
from fpcore.testing._people import (
    DEFAULT_ON,
    children,
    disabilities,
    hukou_changes,
    names,
    persons,
    residences,
    resident_ids,
)

__all__ = [
    "DEFAULT_ON",
    "MAX_DATE",
    "MIN_DATE",
    "certificates",
    "children",
    "confirmations",
    "counties",
    "dates",
    "deposits",
    "disabilities",
    "households",
    "hukou_changes",
    "marriages",
    "money",
    "month_spans",
    "months",
    "names",
    "periods",
    "persons",
    "quarters",
    "ratios",
    "residences",
    "resident_ids",
    "second_child_quotas",
    "v1_document",
    "v1_household_documents",
    "years",
]

LOADED = True  # for the hypothesis entry point: the module is complete

from fpcore.testing._hypothesis_plugin import register_if_pending  # noqa: E402

register_if_pending()
