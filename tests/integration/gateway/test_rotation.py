"""The raw tier's key-encryption key rotates: data keys re-wrapped, old key retired, records still readable."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from charter.interactions.rotation import rotate_raw_tier
from charter.oversight.tables import expert_samples


@pytest.fixture
def database_url():
    return None


def test_sa3_rotate_raw_key_rewraps_and_retires(http, platform):
    ids = []
    for text in ("first question", "second question"):
        r = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": text}]},
                      headers=platform.auth())
        ids.append(r.json()["charter"]["interaction_id"])
    result = rotate_raw_tier(platform.rt)
    samples = result.pop("oversight_rewrapped")  # expert samples drawn at the default rate (random ids)
    assert result == {"active": 2, "retired": [1], "rewrapped": 2}
    with platform.rt.engine.connect() as conn:
        assert samples == conn.execute(select(func.count()).select_from(expert_samples)).scalar_one()
    ring = json.loads(platform.rt.settings.effective_raw_key_file.read_text())
    assert ring["active"] == 2 and list(ring["keys"]) == ["2"]
    for iid, text in zip(ids, ("first question", "second question"), strict=True):
        raw = http.get(f"/api/v1/interactions/{iid}/raw", headers=platform.auth("auditor")).json()
        assert raw["messages"][0]["content"] == text
