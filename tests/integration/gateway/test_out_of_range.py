"""Integers beyond 64 bits are the caller's 400 ``invalid_value`` on both stores, never a 500."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/ledger/entries/{10**30}",
        f"/api/v1/ledger/entries?after={10**30}",
        f"/api/v1/ledger/entries/{-(10**30)}",
    ],
    ids=["path", "query", "negative-path"],
)
def test_sa1_integer_beyond_64_bits_is_400_invalid_value_not_500(http, platform, url):
    """Found by a deeper schemathesis run: PostgreSQL answered 'bigint out of range' and sqlite3
    raised OverflowError, both surfacing as 500 internal_error."""
    r = http.get(url, headers=platform.auth("auditor"))
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "invalid_value" and "out of range" in r.json()["error"]["message"]


def test_sa1_integer_beyond_64_bits_in_a_write_is_400_and_stores_nothing(http, platform):
    body = {"name": "huge-retention", "retention_days": 10**30}
    r = http.post("/api/v1/kb", json=body, headers=platform.auth("admin"))
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "invalid_value"
    listed = http.get("/api/v1/kb", headers=platform.auth("admin"))
    assert listed.status_code == 200 and all(kb["name"] != "huge-retention" for kb in listed.json())
