"""``/api/v1/ledger``: signed heads, entries, inclusion and consistency proofs, bundles, legal hold.

Roles auditor and admin. A tenant's principals see their tenant's entries (a bundle shows other
tenants' entries in its range as leaf hashes only); platform principals see every tenant.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, FastAPI, Query
from pydantic import Field

from charter.api.deps import Admin, Auditor, RuntimeDep
from charter.api.params import JsonBody
from charter.domain import Principal
from charter.errors import PermissionDenied
from charter.ledger import service
from charter.ledger.checkpoint import checkpoint_now, start_checkpointer, stop_checkpointer
from charter.ledger.proofs import head_at
from charter.ledger.proofs import heads as list_heads
from charter.ledger.purge import set_legal_hold

__all__ = ["router", "setup"]

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])


def _scope(p: Principal) -> str | None:
    return None if p.platform else p.tenant_id


class HoldIn(JsonBody):
    on: bool
    reason: str = Field(default="", max_length=500)


@router.get("/head")
def head(p: Auditor, rt: RuntimeDep) -> dict[str, Any]:
    """The latest signed tree head (size, root, time, key id, Ed25519 signature)."""
    return rt.read(lambda conn: head_at(conn, None).to_json())


@router.get("/heads")
def heads(
    p: Auditor, rt: RuntimeDep, limit: int = Query(default=50, ge=1, le=1000), offset: int = Query(default=0, ge=0)
) -> list[dict[str, Any]]:
    """Signed tree heads, newest first."""
    return rt.read(lambda conn: [h.to_json() for h in list_heads(conn, limit=limit, offset=offset)])


@router.get("/keys")
def keys(p: Auditor, rt: RuntimeDep) -> dict[str, str]:
    """Public keys (PEM) by key id: the hex SHA-256 of the raw Ed25519 key."""
    return service.public_keys(rt)


@router.get("/entries")
def entries(
    p: Auditor,
    rt: RuntimeDep,
    after: int | None = Query(
        default=None, ge=-1, description="Entries after this sequence number, oldest first."
    ),
    action: str | None = Query(default=None, max_length=64),
    subject: str | None = Query(default=None, max_length=200),
    limit: int = Query(default=50, ge=1, le=1000),
) -> list[dict[str, Any]]:
    """Entries of the caller's tenant, newest first (or after a sequence number)."""
    return service.list_entries(
        rt, tenant_id=_scope(p), after_seq=after, limit=limit, action=action, subject=subject
    )


@router.get("/entries/{seq}")
def entry(seq: int, p: Auditor, rt: RuntimeDep) -> dict[str, Any]:
    return service.get_entry(rt, seq, tenant_id=_scope(p))


@router.get("/proofs/inclusion")
def inclusion(
    p: Auditor, rt: RuntimeDep, seq: int = Query(ge=0), tree_size: int | None = Query(default=None, ge=1)
) -> dict[str, Any]:
    """RFC 9162 inclusion proof of an entry in a signed head (the latest by default)."""
    service.get_entry(rt, seq, tenant_id=_scope(p))  # 404 for another tenant's entry
    return service.prove_inclusion(rt, seq, tree_size)


@router.get("/proofs/consistency")
def consistency(
    p: Auditor, rt: RuntimeDep, first: int = Query(ge=1), second: int | None = Query(default=None, ge=1)
) -> dict[str, Any]:
    """RFC 9162 consistency proof between two signed heads (to the latest by default)."""
    return service.prove_consistency(rt, first, second)


@router.get("/export")
def export(
    p: Auditor, rt: RuntimeDep, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict[str, Any]:
    """An offline-verifiable bundle (`charter-verify`); the export is itself recorded (AT-4)."""
    return service.export_bundle(rt, actor=p.key_id, since=since, until=until, tenant_id=_scope(p))


@router.post("/checkpoint")
def checkpoint(p: Admin, rt: RuntimeDep) -> list[dict[str, Any]]:
    """Sign a head over every entry not yet covered now (the server also does it on its own)."""
    return [h.to_json() for h in checkpoint_now(rt)]


@router.post("/verify")
def verify(p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    """Verify the whole ledger (platform admins: it spans every tenant)."""
    if not p.platform:
        raise PermissionDenied(
            "verifying the whole ledger needs a platform admin key", code="role_not_allowed"
        )
    return service.verify(rt).to_json()


@router.put("/legal-hold")
def legal_hold(body: HoldIn, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    """Place or lift the caller's tenant's legal hold (purges skip a tenant on hold)."""
    return rt.writer.write(
        lambda conn: set_legal_hold(
            conn, tenant_id=p.tenant_id, on=body.on, actor=p.key_id, reason=body.reason
        )
    )


def setup(app: FastAPI) -> None:
    """Sign ledger heads in the background for as long as the app runs."""
    app.state.on_start.append(start_checkpointer)
    app.state.on_stop.append(stop_checkpointer)
