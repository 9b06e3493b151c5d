"""AT-2: entries are appended in the caller's transaction with gapless sequence numbers."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from charter.ledger import append
from charter.ledger.canonical import canonical_json
from charter.ledger.entries import leaf_data, leaf_hash_of
from charter.ledger.tables import ledger_entries
from charter.runtime import Runtime


def _append(rt: Runtime, n: int, **event: object) -> list[int]:
    def fn(conn):  # type: ignore[no-untyped-def]
        return [
            append(
                conn,
                tenant_id="ten_a",
                actor="key_1",
                action="test.done",
                subject=f"s{i}",
                event={"i": i, **event},
            )
            for i in range(n)
        ]

    return rt.writer.write(fn)


def test_at2_append_returns_gapless_sequence_numbers(runtime: Runtime) -> None:
    assert _append(runtime, 3) == [0, 1, 2]
    assert _append(runtime, 2) == [3, 4]


def test_at2_entry_commits_to_canonical_event_and_rfc6962_leaf(runtime: Runtime) -> None:
    _append(runtime, 1, text="é\n", score=0.5)
    with runtime.engine.connect() as conn:
        row = conn.execute(select(ledger_entries)).one()._mapping
    assert json.loads(row["event"]) == {"i": 0, "text": "é\n", "score": 0.5}
    assert row["event"].encode() == canonical_json({"score": 0.5, "i": 0, "text": "é\n"})
    assert row["event_hash"] == hashlib.sha256(row["event"].encode()).hexdigest()
    data = json.dumps(
        [0, row["ts"], "ten_a", "key_1", "test.done", "s0", row["event_hash"]], separators=(",", ":")
    ).encode()
    assert leaf_data(0, row["ts"], "ten_a", "key_1", "test.done", "s0", row["event_hash"]) == data
    assert row["leaf_hash"] == hashlib.sha256(b"\x00" + data).digest() == leaf_hash_of(data)
    assert row["ts"].endswith("Z") and len(row["ts"]) == 27


def test_at2_append_rolls_back_with_the_change_it_records(runtime: Runtime) -> None:
    def failing(conn):  # type: ignore[no-untyped-def]
        append(conn, tenant_id="ten_a", actor="a", action="test.done", subject="x", event={})
        raise RuntimeError("the state change failed")

    with pytest.raises(Exception):
        runtime.writer.write(failing)
    assert _append(runtime, 1) == [0]
