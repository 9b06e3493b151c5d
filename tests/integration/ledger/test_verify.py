"""AT-2: `audit verify` holds on an honest ledger and names the first bad entry after an insider
edits the database with SQL, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from charter.ledger.checkpoint import checkpoint_now
from charter.runtime import Runtime
from tests.integration.ledger.ledgerkit import verify

INSERT_ENTRY = "INSERT INTO ledger_entries (seq, tenant_id, ts, actor, action, subject, event, event_hash, leaf_hash)"


def sql(rt: Runtime, statement: str, **params: Any) -> None:
    with rt.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_at2_honest_ledger_verifies(lrt: Runtime, populated: dict[str, Any]) -> None:
    report = verify(lrt)
    assert report.to_json()["problems"] == []
    assert (report.entries, report.checkpoints, report.signed_size, report.interactions) == (10, 2, 8, 6)
    checkpoint_now(lrt)
    report = verify(lrt)
    assert report.ok and report.signed_size == 10 and report.checkpoints == 3


def test_at2_verify_detects_changed_entry_field(lrt: Runtime, populated: dict[str, Any]) -> None:
    sql(lrt, "UPDATE ledger_entries SET actor = 'someone-else' WHERE seq = 5")
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (5, "entry_changed")


def test_at2_verify_detects_entry_rewritten_with_recomputed_hashes(lrt: Runtime, populated: dict[str, Any]) -> None:
    from charter.ledger.canonical import canonical_json
    from charter.ledger.entries import event_hash, leaf_data, leaf_hash_of

    with lrt.engine.connect() as conn:
        row = conn.execute(text("SELECT ts, tenant_id, subject FROM ledger_entries WHERE seq = 3")).one()
    event = canonical_json({"alias": "forged", "before": None, "after": {"enabled": False}})
    ev_hash = event_hash(event)
    leaf = leaf_hash_of(leaf_data(3, row.ts, row.tenant_id, "admin", "model.added", row.subject, ev_hash))
    sql(
        lrt,
        "UPDATE ledger_entries SET event = :e, event_hash = :h, leaf_hash = :l WHERE seq = 3",
        e=event.decode(),
        h=ev_hash,
        l=leaf,
    )
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (3, "entry_rewritten")


def test_at2_verify_detects_edited_event_payload(lrt: Runtime, populated: dict[str, Any]) -> None:
    sql(lrt, "UPDATE ledger_entries SET event = replace(event, 'm9', 'm8') WHERE seq = 9")
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (9, "event_changed")


def test_at2_verify_detects_changed_covered_interaction(lrt: Runtime, populated: dict[str, Any]) -> None:
    iid = populated["interactions"][4]
    sql(lrt, "UPDATE interactions SET status = 'blocked', cost = 9.5 WHERE id = :i", i=iid)
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (4, "interaction_changed")
    assert "cost, status" in first.message and iid in first.message


def test_at2_verify_detects_deleted_covered_interaction(lrt: Runtime, populated: dict[str, Any]) -> None:
    iid = populated["interactions"][8]
    sql(lrt, "DELETE FROM interactions WHERE id = :i", i=iid)
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (8, "interaction_missing")


def test_at2_verify_detects_deleted_entry(lrt: Runtime, populated: dict[str, Any]) -> None:
    sql(lrt, "DELETE FROM ledger_entries WHERE seq = 2")
    report = verify(lrt)
    assert report.first_problem is not None
    assert (report.first_problem.seq, report.first_problem.kind) == (2, "missing_entry")
    assert not report.ok


def test_at2_verify_detects_swapped_entries(lrt: Runtime, populated: dict[str, Any]) -> None:
    sql(lrt, "UPDATE ledger_entries SET seq = 100 WHERE seq = 1")
    sql(lrt, "UPDATE ledger_entries SET seq = 1 WHERE seq = 2")
    sql(lrt, "UPDATE ledger_entries SET seq = 2 WHERE seq = 100")
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (1, "entry_changed")


def test_at2_verify_detects_forged_entry_inserted_in_the_middle(lrt: Runtime, populated: dict[str, Any]) -> None:
    from charter.ledger.canonical import canonical_json
    from charter.ledger.entries import event_hash, leaf_data, leaf_hash_of

    # Shift entries 6.. up by one (highest first) and put a self-consistent forgery at 6.
    for seq in range(9, 5, -1):
        sql(lrt, "UPDATE ledger_entries SET seq = :n WHERE seq = :o", n=seq + 1, o=seq)
    event = canonical_json({"alias": "forged"})
    ts, ev_hash = "2026-11-28T00:00:00.000000Z", event_hash(event)
    leaf = leaf_hash_of(leaf_data(6, ts, populated["b"], "admin", "model.added", "mdl_x", ev_hash))
    sql(
        lrt,
        INSERT_ENTRY + " VALUES (6, :t, :ts, 'admin', 'model.added', 'mdl_x', :e, :h, :l)",
        t=populated["b"],
        ts=ts,
        e=event.decode(),
        h=ev_hash,
        l=leaf,
    )
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (6, "entry_rewritten")


def test_at2_verify_detects_forged_entry_appended_behind_the_counter(lrt: Runtime, populated: dict[str, Any]) -> None:
    from charter.ledger.canonical import canonical_json
    from charter.ledger.entries import event_hash, leaf_data, leaf_hash_of

    event = canonical_json({"alias": "forged"})
    ts, ev_hash = "2026-11-28T00:00:00.000000Z", event_hash(event)
    leaf = leaf_hash_of(leaf_data(10, ts, populated["b"], "admin", "model.added", "mdl_x", ev_hash))
    sql(
        lrt,
        INSERT_ENTRY + " VALUES (10, :t, :ts, 'admin', 'model.added', 'mdl_x', :e, :h, :l)",
        t=populated["b"],
        ts=ts,
        e=event.decode(),
        h=ev_hash,
        l=leaf,
    )
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (10, "forged_entry")


def test_at2_verify_detects_forged_checkpoint(lrt: Runtime, populated: dict[str, Any]) -> None:
    sql(lrt, "UPDATE ledger_checkpoints SET ts = '2030-01-01T00:00:00.000000Z' WHERE tree_size = 4")
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (4, "forged_checkpoint")


def test_at2_verify_detects_truncated_signed_tail(lrt: Runtime, populated: dict[str, Any]) -> None:
    sql(lrt, "DELETE FROM ledger_entries WHERE seq >= 6")
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (6, "truncated")


def test_at2_verify_detects_truncated_unsigned_tail(lrt: Runtime, populated: dict[str, Any]) -> None:
    sql(lrt, "DELETE FROM ledger_entries WHERE seq >= 8")
    first = verify(lrt).first_problem
    assert first is not None and (first.seq, first.kind) == (8, "truncated")
