"""One way to say "policy changed": every writer of policy calls ``Runtime.policy_changed()``, and
every policy cache of the replica (charters, models, kill switches, keys, prompt labels) forgets what
it holds, so the change applies to this replica's next request (HO-4). Both stores."""

from __future__ import annotations

from typing import Any

import pytest

from charter.api.deps import key_cache
from charter.gateway.state import gateway_of
from charter.principals.keys import revoke_key
from charter.prompts.stages import prompt_cache
from charter.runtime import PolicyCache
from charter.settings import Settings

ASK = {"messages": [{"role": "user", "content": "When is the filing deadline?"}]}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # the longest TTL allowed: what must apply "at once" cannot be the cache running out
    return settings.model_copy(update={"policy_cache_ttl_s": 5.0})


def _ask(http: Any, key: str) -> Any:
    return http.post("/v1/chat/completions", json=ASK, headers={"authorization": f"Bearer {key}"})


def test_ho4_resume_through_the_api_applies_at_once_on_the_same_replica(http, platform) -> None:
    app, other = platform.keys["app"], platform.key("app", name="a second app of the use case")
    assert _ask(http, app).status_code == 200 and _ask(http, other).status_code == 200
    killed = http.post("/api/v1/kill", json={"scope": "use_case", "target": "tax-helpdesk", "reason": "drill"},
                       headers=platform.auth("admin"))
    assert killed.status_code == 200, killed.text
    assert [_ask(http, k).json()["error"]["code"] for k in (app, other)] == ["use_case_suspended"] * 2

    # meanwhile the second key is revoked elsewhere (the CLI, another replica): straight in the store
    other_id = key_cache(platform.rt).authenticate(other).key_id
    platform.rt.writer.write(lambda c: revoke_key(c, tenant_id=platform.tenant_id, key_id=other_id, actor="cli:ops"))

    resumed = http.post("/api/v1/usecases/tax-helpdesk/resume", json={"reason": "drill over"},
                        headers=platform.auth("admin"))
    assert resumed.status_code == 200, resumed.text
    answered = _ask(http, app)
    assert answered.status_code == 200, answered.text  # the resume, at once
    refused = _ask(http, other)
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "revoked_api_key")  # every cache re-read


def test_policy_changed_empties_every_policy_cache_of_the_runtime(platform) -> None:
    rt = platform.rt
    gateway, keys, prompts = gateway_of(rt), key_cache(rt), prompt_cache(rt)
    assert all(isinstance(part, PolicyCache) for part in (gateway, keys, prompts))
    gateway.policy(platform.tenant_id, "tax-helpdesk")
    gateway.switches(platform.tenant_id)
    gateway.model_entries(platform.tenant_id)
    keys.authenticate(platform.keys["app"])
    prompts.put(("tenant", "tax-answer", "production"), object())  # type: ignore[arg-type]
    assert keys.is_fresh(platform.keys["app"])
    assert gateway._policies.get((platform.tenant_id, "tax-helpdesk")) is not None

    rt.policy_changed()

    assert not keys.is_fresh(platform.keys["app"])
    assert gateway._policies.get((platform.tenant_id, "tax-helpdesk")) is None
    assert gateway._models.get(platform.tenant_id) is None and gateway._controls.get(platform.tenant_id) is None
    assert prompts.entries == {}
