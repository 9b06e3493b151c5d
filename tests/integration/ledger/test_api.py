"""AT-2/AT-4 over HTTP: every answered request has its ledger entry; proofs, heads and bundles under
/api/v1/ledger for auditors and admins only; verify holds after real traffic (SQLite, PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

from charter.ledger import service
from charter.ledger.merkle import verify_consistency, verify_inclusion
from charter.ledger.offline import verify_bundle
from tests.conftest import Platform


def _ask(http, platform: Platform, text: str = "When is the filing deadline?"):
    body = {"model": "mock", "messages": [{"role": "user", "content": text}]}
    return http.post("/v1/chat/completions", json=body, headers=platform.auth())


def test_at2_every_answer_has_its_entry_and_an_inclusion_proof(http, platform: Platform) -> None:
    ids = []
    for i in range(6):
        r = _ask(http, platform, f"question {i}")
        assert r.status_code == 200, r.text
        ids.append(r.headers["x-charter-interaction-id"])
    auditor = platform.auth("auditor")
    signed = http.post("/api/v1/ledger/checkpoint", headers=platform.auth("admin"))
    assert signed.status_code == 200, signed.text
    head = http.get("/api/v1/ledger/head", headers=auditor).json()
    for iid in ids:
        found = http.get(
            "/api/v1/ledger/entries",
            params={"action": "interaction.recorded", "subject": iid},
            headers=auditor,
        ).json()
        assert len(found) == 1 and found[0]["tenant_id"] == platform.tenant_id
        proof = http.get("/api/v1/ledger/proofs/inclusion", params={"seq": found[0]["seq"]}, headers=auditor).json()
        assert proof["verified"] and proof["tree_size"] == head["tree_size"]
        assert verify_inclusion(
            bytes.fromhex(proof["leaf_hash"]),
            found[0]["seq"],
            head["tree_size"],
            [bytes.fromhex(h) for h in proof["proof"]],
            bytes.fromhex(head["root_hash"]),
        )
    report = service.verify(platform.rt)
    assert report.ok and report.interactions == 6, report.to_json()


def test_at2_consistency_between_heads_over_http(http, platform: Platform) -> None:
    admin, auditor = platform.auth("admin"), platform.auth("auditor")
    _ask(http, platform)
    first = http.post("/api/v1/ledger/checkpoint", headers=admin).json()[-1]
    for i in range(3):
        _ask(http, platform, f"more {i}")
    second = http.post("/api/v1/ledger/checkpoint", headers=admin).json()[-1]
    proof = http.get("/api/v1/ledger/proofs/consistency", params={"first": first["tree_size"]}, headers=auditor).json()
    assert proof["second"]["tree_size"] == second["tree_size"] and proof["verified"]
    assert verify_consistency(
        first["tree_size"],
        second["tree_size"],
        bytes.fromhex(first["root_hash"]),
        bytes.fromhex(second["root_hash"]),
        [bytes.fromhex(h) for h in proof["proof"]],
    )


def test_at4_tenant_bundle_over_http_verifies_offline_and_is_recorded(http, platform: Platform, tmp_path: Path) -> None:
    for i in range(3):
        _ask(http, platform, f"q{i}")
    http.post("/api/v1/ledger/checkpoint", headers=platform.auth("admin"))
    bundle = http.get("/api/v1/ledger/export", headers=platform.auth("auditor")).json()
    assert bundle["range"]["tenant_id"] == platform.tenant_id
    full = [e for e in bundle["entries"] if "event" in e]
    assert full and {e["tenant_id"] for e in full} == {platform.tenant_id}
    assert verify_bundle(json.loads(json.dumps(bundle)))["ok"]
    exported = http.get(
        "/api/v1/ledger/entries", params={"action": "ledger.exported"}, headers=platform.auth("auditor")
    ).json()
    assert exported[0]["seq"] == bundle["export_seq"]


def test_at2_ledger_api_refuses_other_roles_and_other_tenants(http, platform: Platform) -> None:
    _ask(http, platform)
    http.post("/api/v1/ledger/checkpoint", headers=platform.auth("admin"))
    for role in ("app", "developer", "reviewer"):
        r = http.get("/api/v1/ledger/head", headers=platform.auth(role))
        assert r.status_code == 403 and r.json()["error"]["code"] == "role_not_allowed"
    assert http.get("/api/v1/ledger/head").status_code == 401
    assert http.post("/api/v1/ledger/checkpoint", headers=platform.auth("auditor")).status_code == 403
    # entry 0 belongs to the platform tenant (init), not to this agency
    r = http.get("/api/v1/ledger/entries/0", headers=platform.auth("auditor"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = http.get("/api/v1/ledger/proofs/inclusion", params={"seq": 0}, headers=platform.auth("auditor"))
    assert r.status_code == 404
    r = http.post("/api/v1/ledger/verify", headers=platform.auth("admin"))
    assert r.status_code == 403
