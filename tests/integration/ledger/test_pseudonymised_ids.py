"""Issue 10 (Low) / AT-1: the ledger commits to an interaction's ``request_id`` and ``conversation_id``
without disclosing them (they may carry personal data): the event holds SHA-256 digests, ``audit
verify`` still re-derives and checks them, and entries written with the ids in clear still verify."""

from __future__ import annotations

import hashlib

import orjson
from sqlalchemy import select, update

from charter.ledger import append
from charter.ledger.coverage import legacy_interaction_event
from charter.ledger.keys import ensure_keys, load_keyring
from charter.ledger.tables import ledger_entries
from charter.ledger.verify import verify_ledger
from charter.store.schema import interactions, new_id, utcnow
from tests.integration.ledger.ledgerkit import make_tenant, record_interaction

REQUEST_ID = "req-for-alice.martin@example.org"
CONVERSATION_ID = "case-4471-alice.martin@example.org"


def _event(rt, subject: str) -> bytes:
    with rt.engine.connect() as conn:
        text = conn.execute(select(ledger_entries.c.event).where(ledger_entries.c.subject == subject)).scalar_one()
    return text.encode()


def _verify(rt):
    return verify_ledger(rt.engine, load_keyring(rt.settings).public)


def _sha(name: str, value: str) -> str:
    return hashlib.sha256(f"charter:{name}:{value}".encode()).hexdigest()


def test_at1_ledger_event_holds_digests_of_the_client_ids_not_the_ids(http, platform):
    ensure_keys(platform.rt.settings)
    r = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}]},
                  headers={**platform.auth(), "x-request-id": REQUEST_ID, "x-charter-conversation-id": CONVERSATION_ID})
    assert r.status_code == 200, r.text
    iid = r.headers["x-charter-interaction-id"]
    raw = _event(platform.rt, iid)
    assert b"alice.martin" not in raw and b"case-4471" not in raw  # not "4471" alone: a digest may hold it
    event = orjson.loads(raw)
    assert "request_id" not in event and "conversation_id" not in event
    assert event["request_id_sha256"] == _sha("request_id", REQUEST_ID)
    assert event["conversation_id_sha256"] == _sha("conversation_id", CONVERSATION_ID)
    # the row keeps the ids (an operator can still correlate), and the ledger still covers them
    with platform.rt.engine.connect() as conn:
        row = conn.execute(select(interactions.c.request_id, interactions.c.conversation_id)
                           .where(interactions.c.id == iid)).one()
    assert tuple(row) == (REQUEST_ID, CONVERSATION_ID)
    report = _verify(platform.rt)
    assert report.ok, report.to_json()
    # ... so changing a stored id is caught, by its digest
    platform.rt.writer.write(lambda c: c.execute(
        update(interactions).where(interactions.c.id == iid).values(conversation_id="someone-else")))
    report = _verify(platform.rt)
    assert [p.kind for p in report.problems] == ["interaction_changed"]
    assert "conversation_id_sha256" in report.problems[0].message


def test_at1_entries_written_with_ids_in_clear_still_verify_and_catch_edits(lrt):
    tid, uid = make_tenant(lrt, "agency-a")
    record_interaction(lrt, tid, uid, 1)  # the current form
    iid = new_id("int")
    values = dict(id=iid, tenant_id=tid, use_case_id=uid, charter_version=1, key_id="key_app",
                  request_id=REQUEST_ID, conversation_id=CONVERSATION_ID, input_sha256="a" * 64, input_chars=3,
                  output_chars=0, latency_ms=1.0, status="ok", verdicts=[], created_at=utcnow())

    def legacy(conn):  # what the record stage wrote before the ids were pseudonymised
        conn.execute(interactions.insert().values(**values))
        append(conn, tenant_id=tid, actor="key_app", action="interaction.recorded", subject=iid,
               event=legacy_interaction_event(values))

    lrt.writer.write(legacy)
    assert orjson.loads(_event(lrt, iid))["conversation_id"] == CONVERSATION_ID
    report = _verify(lrt)
    assert report.ok and report.interactions == 2, report.to_json()
    lrt.writer.write(lambda c: c.execute(
        update(interactions).where(interactions.c.id == iid).values(request_id="another")))
    report = _verify(lrt)
    assert [p.kind for p in report.problems] == ["interaction_changed"]
    assert "request_id" in report.problems[0].message
