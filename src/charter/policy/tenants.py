"""Tenants: the organisations whose use cases, keys and records Charter keeps apart."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from charter.errors import NotFound
from charter.store.changes import insert_recorded
from charter.store.schema import new_id, tenants, utcnow

__all__ = ["PLATFORM_TENANT", "ensure_tenant", "list_tenants", "tenant_id_for", "tenant_name"]

#: The tenant that owns platform-wide rows (the global kill switch, platform admin keys).
PLATFORM_TENANT = "platform"


def ensure_tenant(conn: Connection, name: str, *, display_name: str = "", actor: str = "system") -> str:
    existing = conn.execute(select(tenants.c.id).where(tenants.c.name == name)).scalar_one_or_none()
    if existing is not None:
        return str(existing)
    tenant_id = new_id("ten")
    named = {"name": name, "display_name": display_name or name}
    row = {"id": tenant_id, "tenant_id": tenant_id, **named, "legal_hold": False, "created_at": utcnow()}
    insert_recorded(conn, tenants, row, actor=actor, action="tenant.created", subject=name, event=named)
    return tenant_id


def tenant_id_for(conn: Connection, name: str) -> str:
    tenant_id = conn.execute(select(tenants.c.id).where(tenants.c.name == name)).scalar_one_or_none()
    if tenant_id is None:
        raise NotFound(f"tenant {name!r} does not exist; create it with `charter usecases apply` or `charter init`")
    return str(tenant_id)


def tenant_name(conn: Connection, tenant_id: str) -> str:
    """The name of a tenant (what the operator's secrets file grants secrets to)."""
    name = conn.execute(select(tenants.c.name).where(tenants.c.id == tenant_id)).scalar_one_or_none()
    if name is None:
        raise NotFound(f"tenant {tenant_id!r} does not exist")
    return str(name)


def list_tenants(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(tenants).order_by(tenants.c.created_at)).all()
    return [
        {
            "id": r.id,
            "name": r.name,
            "display_name": r.display_name,
            "legal_hold": r.legal_hold,
            "created_at": r.created_at.isoformat(),
        }
        for r in rows
    ]
