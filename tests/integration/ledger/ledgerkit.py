"""Helpers for the ledger tests: tenants, recorded interactions, state changes, verify."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from charter.ledger import append, interaction_event
from charter.ledger.checkpoint import checkpoint_now
from charter.ledger.keys import load_keyring
from charter.ledger.verify import VerifyReport, verify_ledger
from charter.runtime import Runtime
from charter.store.schema import interactions, new_id, tenants, use_cases, utcnow

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def make_tenant(rt: Runtime, name: str) -> tuple[str, str]:
    tid, uid = new_id("ten"), new_id("uc")

    def fn(conn: Connection) -> None:
        now = utcnow()
        conn.execute(
            tenants.insert().values(
                id=tid, tenant_id=tid, name=name, display_name=name, legal_hold=False, created_at=now
            )
        )
        conn.execute(
            use_cases.insert().values(
                id=uid, tenant_id=tid, name="helpdesk", current_version=1, created_at=now, updated_at=now
            )
        )

    rt.writer.write(fn)
    return tid, uid


def record_interaction(rt: Runtime, tid: str, uid: str, i: int, when: dt.datetime | None = None) -> str:
    """What the record stage does: the interaction row and its ledger entry in one transaction."""
    iid = new_id("int")
    values: dict[str, Any] = dict(
        id=iid,
        tenant_id=tid,
        use_case_id=uid,
        charter_version=1,
        key_id="key_app",
        request_id=f"req-{i}",
        input_sha256="a" * 64,
        input_chars=10 + i,
        output_sha256="b" * 64,
        output_chars=5,
        prompt_tokens=3,
        completion_tokens=4,
        cost=0.0001 * i,
        latency_ms=12.5 + i,
        status="ok",
        verdicts=[{"guard": "pii", "action": "allow", "score": 0.25}],
        created_at=when or utcnow(),
    )

    def fn(conn: Connection) -> None:
        conn.execute(interactions.insert().values(**values))
        append(
            conn,
            tenant_id=tid,
            actor="key_app",
            action="interaction.recorded",
            subject=iid,
            event=interaction_event(values),
            when=when,
        )

    rt.writer.write(fn)
    return iid


def record_change(rt: Runtime, tid: str, i: int, when: dt.datetime | None = None) -> int:
    def fn(conn: Connection) -> int:
        return append(
            conn,
            tenant_id=tid,
            actor="admin",
            action="model.added",
            subject=f"mdl_{i}",
            event={"alias": f"m{i}", "before": None, "after": {"enabled": True, "weight": 0.5}},
            when=when,
        )

    return rt.writer.write(fn)


def populate(lrt: Runtime) -> dict[str, Any]:
    """10 entries over two tenants (interactions and changes), heads at 4 and 8, a 2-entry tail."""
    a, ua = make_tenant(lrt, "agency-a")
    b, ub = make_tenant(lrt, "agency-b")
    ids = {}
    for i in range(10):
        if i % 3 == 0:
            record_change(lrt, b, i)
        else:
            ids[i] = record_interaction(lrt, a, ua, i)
        if i == 7:
            checkpoint_now(lrt)
    return {"a": a, "b": b, "ua": ua, "ub": ub, "interactions": ids}


def verify(rt: Runtime) -> VerifyReport:
    return verify_ledger(rt.engine, load_keyring(rt.settings).public)
