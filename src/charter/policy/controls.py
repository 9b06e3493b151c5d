"""Kill switches at three levels: global (platform), use case and model (HO-4). Every toggle is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from charter import ledger
from charter.errors import InvalidRequest
from charter.store.schema import controls, new_id, utcnow

__all__ = ["SCOPES", "active_controls", "list_controls", "set_control"]

SCOPES = ("global", "use_case", "model")


def set_control(
    conn: Connection, tenant_id: str, scope: str, target: str, active: bool, *, actor: str, reason: str = ""
) -> dict[str, Any]:
    """Turn a kill switch on (``active``) or off. ``tenant_id`` is the platform tenant for global."""
    if scope not in SCOPES:
        raise InvalidRequest(f"scope must be one of {', '.join(SCOPES)}", code="invalid_value", param="scope")
    target = "*" if scope == "global" else target
    now = utcnow()
    row = conn.execute(
        select(controls.c.id, controls.c.active).where(
            controls.c.tenant_id == tenant_id, controls.c.scope == scope, controls.c.target == target
        )
    ).first()
    before = bool(row.active) if row is not None else False
    switch = {"scope": scope, "target": target}
    change = {"active": active, "reason": reason, "actor": actor, "changed_at": now}
    if row is None:
        conn.execute(controls.insert().values(id=new_id("ctl"), tenant_id=tenant_id, **switch, **change))
    else:
        conn.execute(update(controls).where(controls.c.id == row.id).values(**change))
    event = {**switch, "before": before, "after": active, "reason": reason}
    action = "kill_switch.on" if active else "kill_switch.off"
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action=action, subject=f"{scope}:{target}", event=event)
    return {**switch, **change, "changed_at": now.isoformat()}


def active_controls(conn: Connection, tenant_ids: list[str]) -> set[tuple[str, str, str]]:
    """(tenant_id, scope, target) of every switch that is on, for the given tenants."""
    rows = conn.execute(
        select(controls.c.tenant_id, controls.c.scope, controls.c.target).where(
            controls.c.tenant_id.in_(tenant_ids), controls.c.active.is_(True)
        )
    ).all()
    return {(r.tenant_id, r.scope, r.target) for r in rows}


def list_controls(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(controls).where(controls.c.tenant_id == tenant_id).order_by(controls.c.changed_at)).all()
    return [
        {
            "scope": r.scope,
            "target": r.target,
            "active": r.active,
            "reason": r.reason,
            "actor": r.actor,
            "changed_at": r.changed_at.isoformat(),
        }
        for r in rows
    ]
