"""Reading a decision request: the envelope around a household document, checked whole."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from fpcore.errors import InvalidInput, Problem
from fpcore.model import Household
from fpcore.periods import Period, parse_period
from fpcore.policies import reform_from_document
from fpcore.rules import Policy
from fpcore.serialization import from_document

KEYS = ("household", "policy", "reform", "period", "lang", "explain")
LANGS = ("en", "zh")
MIN_YEAR = 1900
MAX_YEAR = 2100
MAX_PERIOD_MONTHS = 120
"""A request covers at most ten years (a longer history is several requests)."""


@attrs.frozen(kw_only=True)
class DecisionRequest:
    """What ``POST /v1/decisions`` asks for, every part checked."""

    household: Household
    policy: Policy
    period: Period
    lang: Literal["en", "zh"] | None
    explain: bool


class Reforms:
    """Policies built from reform documents, the most recent few kept (policies are
    immutable values, so sharing one between requests is safe)."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._built: OrderedDict[str, Policy] = OrderedDict()

    def get(self, document: Mapping[str, Any]) -> Policy:
        """The policy of a reform document (built on first sight, then reused)."""
        text = json.dumps(document, sort_keys=True, default=_tagged)
        key = hashlib.sha256(text.encode()).hexdigest()
        policy = self._built.get(key)
        if policy is None:
            policy = reform_from_document(document)
            self._built[key] = policy
            if len(self._built) > self._size:
                self._built.popitem(last=False)
        else:
            self._built.move_to_end(key)
        return policy


def _tagged(value: object) -> object:
    """JSON numbers with a fraction arrive as Decimal; keep them apart from text."""
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise TypeError(type(value).__name__)


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a number"


def _period(raw: object, problems: list[Problem]) -> Period | None:
    if not isinstance(raw, str):
        problems.append(
            Problem("period", f"expected text such as 2017, 2017Q1, 2017-03, got {_describe(raw)}")
        )
        return None
    try:
        period = parse_period(raw)
    except InvalidInput as error:
        problems.extend(Problem("period", p.message) for p in error.problems)
        return None
    first, last = period.first_month, period.last_month
    if first.year < MIN_YEAR or last.year > MAX_YEAR:
        problems.append(Problem("period", f"{raw} is outside {MIN_YEAR}..{MAX_YEAR}"))
        return None
    if period.month_count > MAX_PERIOD_MONTHS:
        problems.append(
            Problem(
                "period",
                f"{raw} covers {period.month_count} months (at most {MAX_PERIOD_MONTHS} a request)",
            )
        )
        return None
    return period


def read_request(
    data: object,
    policies: Mapping[str, Policy],
    reforms: Reforms,
    *,
    complete: bool = True,
) -> DecisionRequest | None:
    """Check a request body; every problem is raised at once with its path.

    With ``complete=False`` (``/v1/validate``) only ``household`` is required and
    ``None`` is returned when the rest is missing but what is there is valid.

    Raises:
        InvalidInput: paths are ``household.children[0].birth_date``, ``period``,
            ``reform.parameters.<name>[0].value``...
    """
    if not isinstance(data, dict):
        raise InvalidInput(f"the request must be a JSON object, got {_describe(data)}")
    problems = [
        Problem(str(key)[:64], f"is not a known key (expected one of {', '.join(KEYS)})")
        for key in data
        if key not in KEYS
    ]
    household: Household | None = None
    if "household" not in data:
        problems.append(Problem("household", "is required (a household document)"))
    else:
        try:
            household = from_document(data["household"], Household)
        except InvalidInput as error:
            problems.extend(error.under("household").problems)
    policy: Policy | None = None
    if "policy" in data and "reform" in data:
        problems.append(Problem("reform", "give a policy id or a reform, not both"))
    elif "reform" in data:
        try:
            policy = reforms.get(data["reform"])
        except InvalidInput as error:
            problems.extend(error.under("reform").problems)
    elif "policy" in data:
        chosen = data["policy"]
        if not isinstance(chosen, str):
            problems.append(Problem("policy", f"expected a policy id, got {_describe(chosen)}"))
        elif chosen not in policies:
            known = ", ".join(sorted(policies))
            lowered = {name.lower(): name for name in policies}
            hint = lowered.get(chosen.strip().lower())
            suggestion = f" (did you mean {hint!r}?)" if hint else ""
            problems.append(
                Problem("policy", f"{chosen[:40]!r} is not a policy (known: {known}){suggestion}")
            )
        else:
            policy = policies[chosen]
    elif complete:
        problems.append(Problem("policy", "is required (a policy id), or give a reform"))
    period: Period | None = None
    if "period" in data:
        period = _period(data["period"], problems)
    elif complete:
        problems.append(Problem("period", "is required (e.g. 2017, 2017Q1, 2017-03)"))
    lang = data.get("lang")
    if lang is not None and lang not in LANGS:
        problems.append(Problem("lang", f"expected en or zh, got {_describe(lang)}"))
    explain = data.get("explain", False)
    if not isinstance(explain, bool):
        problems.append(Problem("explain", f"expected true or false, got {_describe(explain)}"))
    if problems:
        raise InvalidInput(problems)
    if household is None or policy is None or period is None:
        return None
    return DecisionRequest(
        household=household,
        policy=policy,
        period=period,
        lang=lang,
        explain=explain,
    )
