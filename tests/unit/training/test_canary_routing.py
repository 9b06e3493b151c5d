"""Canary routing (charter.providers.router.split_canary): a request whose bucket falls under the
share tries the candidate first and falls back to the serving entries; every other request never
reaches it; the same request id always gets the same arm; about ``share`` of the ids go to it."""

from __future__ import annotations

import dataclasses

from charter.domain import Charter, ModelEntry
from charter.providers.router import canary_bucket, plan_route, split_canary

CHARTER = Charter(name="uc", tenant="t", models=["a", "b"], regions=["ca"], classification_ceiling="internal")


def _entry(alias: str, mid: str, **extra: object) -> ModelEntry:
    return ModelEntry(id=mid, tenant_id="t", alias=alias, provider="openai", endpoint="http://x",
                      platform_model_id=mid, version="v1", region="ca", classification_ceiling="secret",
                      context_window=1000, price_prompt_per_1k=0, price_completion_per_1k=0, weight=100,
                      enabled=True, **extra)  # type: ignore[arg-type]


def test_a_request_goes_to_the_canary_by_its_bucket_and_falls_back_to_the_serving_entry() -> None:
    serving = _entry("a", "a1", registry_version=1, registry_state="serving")
    canary = _entry("a", "a2", registry_version=2, registry_state="canary", canary_id="cnry_1", canary_share=0.25)
    planned = plan_route(CHARTER, None, [serving, canary, _entry("b", "b1")], set())
    arms = {}
    for i in range(2000):
        route, mark = split_canary(planned, f"req-{i}")
        assert mark is not None and mark["id"] == "cnry_1" and mark["version"] == "a@2"
        chain = [[e.id for e in group] for group in route.chain]
        if canary_bucket("cnry_1", f"req-{i}") < 0.25:
            assert (mark["arm"], chain) == ("candidate", [["a2"], ["a1"], ["b1"]])
        else:
            assert (mark["arm"], chain) == ("incumbent", [["a1"], ["b1"]])
        arms[i] = mark["arm"]
    assert split_canary(planned, "req-7")[1] == {"id": "cnry_1", "arm": arms[7], "version": "a@2"}
    assert 0.22 < sum(arm == "candidate" for arm in arms.values()) / 2000 < 0.28


def test_without_a_canary_the_route_is_unchanged() -> None:
    planned = plan_route(CHARTER, None, [_entry("a", "a1"), _entry("b", "b1")], set())
    assert split_canary(planned, "req-1") == (planned, None)
    assert dataclasses.asdict(planned) == dataclasses.asdict(split_canary(planned, "x")[0])
