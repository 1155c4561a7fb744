"""Replaying a decision: same input and policy give the same decision, byte for byte; a
changed parameter or input names the entitlement that changed (issue 11)."""

from __future__ import annotations

import attrs
import pendulum
import pytest

import fpcore.policies as policies
from fpcore.errors import UnknownName
from fpcore.model import sample_household
from fpcore.money import Money
from fpcore.periods import Year
from fpcore.rules import Citation, Decision


@pytest.mark.parametrize("explain", [False, True])
def test_same_input_and_policy_replay_identically(explain: bool) -> None:
    county = policies.get("county")
    decision = county.evaluate(sample_household(), Year(2008), explain=explain)
    again = county.evaluate(sample_household(), Year(2008), explain=explain)
    assert again.to_json() == decision.to_json()  # byte-identical
    stored = Decision.from_json(decision.to_json())
    assert stored.to_json() == decision.to_json()
    replay = stored.verify(sample_household())
    assert replay.identical
    assert str(replay) == "identical"


def test_a_changed_parameter_names_the_changed_entitlement() -> None:
    county = policies.get("county")
    decision = county.evaluate(sample_household(), Year(2008))
    fee = county.parameters["only_child_reward.monthly"]
    raised = county.with_parameter(
        fee.with_value(pendulum.Date(2008, 7, 1), Money(30), Citation(document="test"))
    )
    replay = decision.verify(sample_household(), raised)
    assert not replay.identical
    assert replay.policy_changed
    (difference,) = replay.differences
    assert difference.startswith("only_child_reward for HN-0001: recorded 240.00")
    assert "now 480.00 (2008-01..2008-06 20.00, 2008-07..2008-12 60.00)" in difference  # doubled
    assert "the policy changed" in str(replay)


def test_a_changed_input_is_named_as_such() -> None:
    county = policies.get("county")
    decision = county.evaluate(sample_household(), Year(2008))
    household = sample_household()
    without_certificate = attrs.evolve(household, certificates=())
    replay = decision.verify(without_certificate)
    assert not replay.identical
    assert not replay.policy_changed
    assert "same policy: the input changed" in str(replay)
    assert any(d.startswith("only_child_reward for HN-0001") for d in replay.differences)


def test_an_unknown_policy_is_refused() -> None:
    decision = policies.get("county").evaluate(sample_household(), Year(2008))
    forged = attrs.evolve(
        decision, stamp=attrs.evolve(decision.stamp, policy_hash="sha256:" + "0" * 64)
    )
    with pytest.raises(UnknownName, match="policy with content hash"):
        forged.verify(sample_household())
