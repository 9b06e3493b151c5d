"""One rule for "high-impact" (docs/charter.md): ``risk_tier: high-impact`` or
``inventory.is_high_impact: true``; oversight reads the same rule (HO-2)."""

from __future__ import annotations

import itertools

import pytest

from charter.domain import Charter, ChatMessage, Exchange, GenerationParams, Principal, RiskTier
from charter.oversight.rules import decide

FLAGS = (None, False, True)
COMBINATIONS = list(itertools.product(RiskTier, FLAGS))


def expected(tier: RiskTier, flag: bool | None) -> bool:
    return tier is RiskTier.high_impact or flag is True


def charter(tier: RiskTier, flag: bool | None) -> Charter:
    return Charter.model_validate(
        {
            "name": "permits",
            "tenant": "city",
            "models": ["m"],
            "regions": ["local"],
            "risk_tier": tier.value,
            "review": {"always": False, "on_guard_flag": False, "sample_rate": 0.0},
            "inventory": {"is_high_impact": flag},
        }
    )


def test_every_tier_and_flag_combination_is_covered() -> None:
    assert len(COMBINATIONS) == 12
    assert {t.value for t, _ in COMBINATIONS} == {"minimal", "limited", "elevated", "high-impact"}


@pytest.mark.parametrize(("tier", "flag"), COMBINATIONS, ids=lambda v: str(v))
def test_high_impact_is_the_tier_or_the_inventory_flag(tier: RiskTier, flag: bool | None) -> None:
    assert charter(tier, flag).is_high_impact is expected(tier, flag)


@pytest.mark.parametrize(("tier", "flag"), COMBINATIONS, ids=lambda v: str(v))
def test_ho2_oversight_holds_exactly_the_high_impact_answers(tier: RiskTier, flag: bool | None) -> None:
    ex = Exchange(
        request_id="r1",
        principal=Principal("key_1", "ten_1", "city", "app", "permits"),
        use_case_id="uc_1",
        charter=charter(tier, flag),
        charter_version=1,
        messages=[ChatMessage("user", "hi")],
        params=GenerationParams(model="m"),
    )
    decision = decide(ex)
    if expected(tier, flag):
        assert (decision.action, decision.reasons) == ("hold", ("high-impact",))
    else:
        assert (decision.action, decision.reasons) == ("release", ())


def test_ho2_an_elevated_use_case_flagged_high_impact_is_held() -> None:
    """The defect: reported high-impact by the inventory, yet released unreviewed."""
    assert charter(RiskTier.elevated, True).is_high_impact
    ex = Exchange("r1", Principal("k", "t", "city", "app", "permits"), "uc", charter(RiskTier.elevated, True), 1,
                  [ChatMessage("user", "hi")], GenerationParams())
    assert decide(ex).action == "hold"
