"""Route planning, weights and the circuit breaker, without any network."""

from __future__ import annotations

import pytest

from charter.domain import Charter, ModelEntry
from charter.errors import InvalidRequest, NotFound, Suspended
from charter.providers.router import CircuitBreaker, pick_weighted, plan_route


def entry(alias: str, region: str = "ca", ceiling: str = "secret", weight: int = 100, enabled: bool = True,
          mid: str | None = None) -> ModelEntry:
    return ModelEntry(id=mid or alias, tenant_id="t", alias=alias, provider="openai", endpoint="http://x",
                      platform_model_id=mid or alias, version="1", region=region, classification_ceiling=ceiling,
                      context_window=1000, price_prompt_per_1k=0, price_completion_per_1k=0, weight=weight,
                      enabled=enabled)


CHARTER = Charter(name="uc", tenant="t", models=["a", "b"], regions=["ca"], classification_ceiling="confidential")


def test_requested_alias_first_then_charter_order():
    route = plan_route(CHARTER, "b", [entry("a"), entry("b")], set())
    assert [[e.alias for e in group] for group in route.chain] == [["b"], ["a"]]


def test_dp8_region_filter_and_dp6_classification_filter():
    entries = [entry("a", region="us"), entry("b", ceiling="internal"), entry("b", mid="b2")]
    route = plan_route(CHARTER, None, entries, set())
    assert [[e.platform_model_id for e in g] for g in route.chain] == [["b2"]]
    assert route.filtered == {"a/a@1": "region us not in charter regions",
                              "b/b@1": "classification ceiling internal below confidential"}


def test_nothing_eligible_is_a_clear_error():
    with pytest.raises(InvalidRequest) as err:
        plan_route(CHARTER, None, [entry("a", enabled=False)], set())
    assert err.value.code == "no_eligible_model" and "disabled" in err.value.message


def test_all_killed_is_suspended():
    with pytest.raises(Suspended):
        plan_route(CHARTER, None, [entry("a"), entry("b")], {"a", "b"})


def test_unknown_and_disallowed_models():
    with pytest.raises(NotFound):
        plan_route(CHARTER, "zzz", [entry("a")], set())
    with pytest.raises(InvalidRequest) as err:
        plan_route(CHARTER, "c", [entry("a"), entry("c")], set())
    assert err.value.code == "model_not_allowed"


def test_pick_weighted_follows_weights():
    entries = [entry("a", mid="stable", weight=90), entry("a", mid="canary", weight=10)]
    draws = [pick_weighted(entries, rng=lambda v=v: v)[0].platform_model_id for v in (0.0, 0.5, 0.89, 0.9, 0.99)]
    assert draws == ["stable", "stable", "stable", "canary", "canary"]


def test_breaker_opens_half_opens_and_closes():
    breaker = CircuitBreaker(failures=2, reset_s=10)
    breaker.failure(now=0)
    assert breaker.allow(now=0)
    breaker.failure(now=1)
    assert breaker.state == "open" and not breaker.allow(now=5)
    assert breaker.allow(now=11)  # one probe
    assert not breaker.allow(now=11)
    breaker.success()
    assert breaker.state == "closed" and breaker.allow(now=12)
