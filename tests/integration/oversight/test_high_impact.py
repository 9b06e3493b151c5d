"""The inventory export (MD-4) and the model-change gate (MD-3) read the one high-impact rule
(``Charter.is_high_impact``) for every combination of risk tier and inventory flag; a held answer of
an ``elevated`` use case flagged high-impact reaches a person, not the client (HO-2). Both stores."""

from __future__ import annotations

import itertools

import pytest

from charter.domain import Charter, RiskTier
from charter.errors import Conflict
from charter.policy.inventory import inventory_rows
from charter.policy.service import apply_charter, ensure_tenant
from charter.runtime import Runtime
from tests.integration.oversight.conftest import Desk

COMBINATIONS = list(itertools.product(RiskTier, (None, False, True)))


def _charter(name: str, tier: RiskTier, flag: bool | None, model: str) -> Charter:
    return Charter.model_validate(
        {
            "name": name,
            "tenant": "city",
            "models": [model],
            "regions": ["local"],
            "risk_tier": tier.value,
            "inventory": {"is_high_impact": flag},
        }
    )


def _name(tier: RiskTier, flag: bool | None) -> str:
    return f"uc-{tier.value}-{str(flag).lower()}"


def test_md3_md4_inventory_and_model_change_gate_follow_the_one_rule(runtime: Runtime) -> None:
    tenant_id = runtime.writer.write(lambda c: ensure_tenant(c, "city", actor="test"))
    for tier, flag in COMBINATIONS:
        name = _name(tier, flag)
        runtime.writer.write(lambda c, n=name, t=tier, f=flag: apply_charter(c, _charter(n, t, f, "a"), actor="t"))

    with runtime.engine.connect() as conn:
        reported = {row["use_case_name"]: row["is_high_impact"] for row in inventory_rows(conn, tenant_id)}
    assert reported == {_name(t, f): t is RiskTier.high_impact or f is True for t, f in COMBINATIONS}

    gated: dict[str, bool] = {}
    for tier, flag in COMBINATIONS:
        name = _name(tier, flag)
        try:
            runtime.writer.write(lambda c, n=name, t=tier, f=flag: apply_charter(c, _charter(n, t, f, "b"), actor="t"))
            gated[name] = False
        except Conflict as exc:
            assert exc.code == "gate_failed" and "is high-impact and has no evaluation suite" in exc.message
            gated[name] = True
    assert gated == reported


def test_ho2_an_elevated_use_case_flagged_high_impact_is_held_for_a_person(desk: Desk) -> None:
    desk.charter("risk_tier: elevated\nreview: {always: false, sample_rate: 0.0}\ninventory: {is_high_impact: true}\n")
    held = desk.ask()
    assert held.status_code == 202, held.text
    assert desk.platform.upstream.reply not in held.text
    item = desk.next()
    assert item is not None and item["reasons"] == ["high-impact"]


@pytest.mark.parametrize("flag", [None, False])
def test_ho2_an_elevated_use_case_not_flagged_is_released(desk: Desk, flag: bool | None) -> None:
    flag_yaml = "null" if flag is None else "false"
    desk.charter(
        "risk_tier: elevated\nreview: {always: false, sample_rate: 0.0}\n"
        f"inventory: {{is_high_impact: {flag_yaml}}}\n"
    )
    released = desk.ask()
    assert released.status_code == 200, released.text
    assert released.json()["choices"][0]["message"]["content"] == desk.platform.upstream.reply
