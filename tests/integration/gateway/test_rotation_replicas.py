"""A running gateway follows a raw-tier key rotation made by another process (`charter keys
rotate-raw` or another replica): new records are sealed under the new key, never under a retired
one, so they stay readable after a restart. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from charter.interactions.crypto import KeyRing
from charter.interactions.rotation import rotate_raw_tier
from charter.interactions.service import read_raw
from charter.runtime import Runtime
from charter.store.schema import interaction_raw


def _ask(http, platform, text):
    r = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": text}]},
                  headers=platform.auth())
    assert r.status_code == 200, r.text
    return r.json()["charter"]["interaction_id"]


def test_sa3_running_gateway_seals_under_key_rotated_by_another_process(http, platform):
    before = _ask(http, platform, "asked before the rotation")  # the serving runtime has loaded key 1
    other = Runtime.open(platform.rt.settings)  # the CLI (or another replica) on the same data
    try:
        result = rotate_raw_tier(other)
    finally:
        other.close()
    assert result["active"] == 2 and result["retired"] == [1]
    assert sorted(KeyRing.load(platform.rt.settings.effective_raw_key_file).keys) == [2]

    after = _ask(http, platform, "asked after the rotation")  # served by the runtime started before it
    with platform.rt.engine.connect() as conn:
        versions = dict(conn.execute(select(interaction_raw.c.interaction_id, interaction_raw.c.kek_version)).all())
    assert versions == {before: 2, after: 2}

    fresh = Runtime.open(platform.rt.settings)  # a restart: only key version 2 exists
    try:
        for iid, text in ((before, "asked before the rotation"), (after, "asked after the rotation")):
            raw = read_raw(fresh, platform.tenant_id, iid, actor="test")
            assert raw["messages"][0]["content"] == text
    finally:
        fresh.close()
