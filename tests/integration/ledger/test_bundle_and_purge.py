"""AT-2/AT-3 on both engines: an offline bundle detects each kind of edit; a purge keeps verify
green, respects legal hold, and tampering in what remains is still caught."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from charter.errors import Conflict, InvalidRequest
from charter.ledger import service
from charter.ledger.checkpoint import checkpoint_now
from charter.ledger.offline import BundleError, verify_bundle
from charter.ledger.purge import purge_payloads, set_legal_hold
from charter.runtime import Runtime
from tests.integration.ledger.ledgerkit import make_tenant, record_change, record_interaction, verify


@pytest.fixture
def bundle(lrt: Runtime, populated: dict[str, Any]) -> dict[str, Any]:
    checkpoint_now(lrt)
    return service.export_bundle(lrt, actor="test")


def _fails(bundle: dict[str, Any], fragment: str) -> None:
    with pytest.raises(BundleError) as caught:
        verify_bundle(bundle)
    assert fragment in str(caught.value)


def test_at2_bundle_verifies(bundle: dict[str, Any]) -> None:
    result = verify_bundle(bundle)
    assert result["ok"] and result["entries"] == 10 and result["tree_size"] == 10


def test_at2_bundle_detects_each_edit(bundle: dict[str, Any]) -> None:
    forged = copy.deepcopy(bundle)
    forged["heads"][0]["root_hash"] = "00" * 32
    _fails(forged, "signed head of tree size 4")
    missing = copy.deepcopy(bundle)
    del missing["entries"][3]
    _fails(missing, "entry 3 is missing")
    edited = copy.deepcopy(bundle)
    edited["entries"][5]["actor"] = "someone"
    _fails(edited, "entry 5: its fields do not match")
    rewritten = copy.deepcopy(bundle)
    rewritten["consistency"] = []
    _fails(rewritten, "not consistent")
    reordered = copy.deepcopy(bundle)
    reordered["entries"][1], reordered["entries"][2] = reordered["entries"][2], reordered["entries"][1]
    _fails(reordered, "entry 1 is missing")


def test_at3_purge_then_verify_and_legal_hold(lrt: Runtime) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    a, ua = make_tenant(lrt, "agency-a")
    b, _ = make_tenant(lrt, "agency-b")
    for i in range(6):
        record_interaction(lrt, a, ua, i, when=old)
        record_change(lrt, b, i, when=old)
    record_change(lrt, a, 99)  # recent: kept
    lrt.writer.write(lambda c: set_legal_hold(c, tenant_id=b, on=True, actor="judge", reason="case 12"))
    with pytest.raises(InvalidRequest):
        lrt.writer.write(lambda c: purge_payloads(c, older_than_days=90, actor="ops"))
    with pytest.raises(Conflict):
        lrt.writer.write(lambda c: purge_payloads(c, older_than_days=365, actor="ops", tenant_id=b))
    record = service.purge(lrt, older_than_days=365, actor="ops")
    assert record["purged"] == 6 and record["held_tenants"] == [b] and record["to"] >= 12
    report = verify(lrt)
    assert report.ok and report.purged == 6, report.to_json()
    with lrt.engine.connect() as conn:
        kept = conn.execute(
            text("SELECT count(*) FROM ledger_entries WHERE tenant_id = :b AND event IS NOT NULL"), {"b": b}
        ).scalar()
    assert kept == 7  # six changes and the hold itself
    with lrt.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entries SET actor = 'x' WHERE seq = 2"))
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (2, "entry_changed")


def test_at3_forged_purge_entry_is_detected(lrt: Runtime) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    for i in range(8):
        record_change(lrt, "ten_a", i, when=old)
    checkpoint_now(lrt)
    with lrt.engine.begin() as conn:  # an insider blanks payloads without a purge entry
        conn.execute(text("UPDATE ledger_entries SET event = NULL WHERE seq IN (1, 2)"))
    report = verify(lrt)
    assert [(p.seq, p.kind) for p in sorted(report.problems)] == [(1, "payload_deleted"), (2, "payload_deleted")]
