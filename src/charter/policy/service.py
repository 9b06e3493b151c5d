"""Tenants, use cases and their charter versions. Every applied change is a new, immutable version.

The tenants (charter.policy.tenants) and the charter in force (charter.policy.current) sit below
this module so that the evaluation gate, which ``apply_charter`` consults, can read them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import yaml
from sqlalchemy import Connection, select, update

from charter.domain import Charter
from charter.errors import NotFound, PermissionDenied
from charter.evals.approvals import ModelSwitch, require_model_change_approval, require_prompt_vetted
from charter.policy.current import current_charters, get_charter, get_use_case
from charter.policy.loader import parse_charter
from charter.policy.tenants import PLATFORM_TENANT, ensure_tenant, list_tenants, tenant_id_for, tenant_name
from charter.secretstore import NO_EGRESS, Egress
from charter.store.changes import insert_recorded
from charter.store.schema import charter_versions, new_id, tenants, use_cases, utcnow

__all__ = [
    "PLATFORM_TENANT",
    "apply_charter",
    "charter_body",
    "charter_history",
    "ensure_tenant",
    "get_charter",
    "get_use_case",
    "list_tenants",
    "list_use_cases",
    "tenant_id_for",
    "tenant_name",
]


def apply_charter(
    conn: Connection,
    source: str | Charter,
    *,
    actor: str,
    tenant_id: str | None = None,
    filename: str = "charter.yaml",
    egress: Egress = NO_EGRESS,
    check: Callable[[Charter], None] | None = None,
) -> dict[str, Any]:
    """Validate and store a new version of a use case's charter (creating tenant/use case as needed).

    When ``tenant_id`` is given (an API caller), the charter must name that tenant. Re-applying an
    identical charter changes nothing and returns the current version. A ``review.webhook_url`` must
    be on the outbound allow-list of ``egress`` (the runtime's; the default allows nothing outbound).
    ``check`` (the runtime's :meth:`GuardSet.check_charter`) refuses options a capability rejects.
    """
    if isinstance(source, Charter):
        charter = source
        text = yaml.safe_dump(charter.model_dump(mode="json"), sort_keys=False)
    else:
        charter = parse_charter(source, filename=filename)
        text = source
    if check is not None:
        check(charter)
    if charter.review.webhook_url is not None:
        egress.outbound.check_url(charter.review.webhook_url, param="review.webhook_url")
    if tenant_id is not None:
        own = conn.execute(select(tenants.c.name).where(tenants.c.id == tenant_id)).scalar_one()
        if own != charter.tenant:
            raise PermissionDenied(
                f"this key belongs to tenant {own!r}; the charter names {charter.tenant!r}", code="cross_tenant"
            )
    tid = tenant_id or ensure_tenant(conn, charter.tenant, actor=actor)
    body = charter.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    now = utcnow()
    uc = conn.execute(
        select(use_cases.c.id, use_cases.c.current_version).where(
            use_cases.c.tenant_id == tid, use_cases.c.name == charter.name
        )
    ).first()
    if uc is None:
        use_case_id, version, before = new_id("uc"), 1, None
        conn.execute(
            use_cases.insert().values(
                id=use_case_id, tenant_id=tid, name=charter.name, current_version=1, created_at=now, updated_at=now
            )
        )
    else:
        use_case_id = uc.id
        current = conn.execute(
            select(charter_versions.c.sha256, charter_versions.c.body, charter_versions.c.created_at).where(
                charter_versions.c.use_case_id == use_case_id, charter_versions.c.version == uc.current_version
            )
        ).one()
        if current.sha256 == digest:
            return {
                "use_case": charter.name,
                "tenant": charter.tenant,
                "version": uc.current_version,
                "changed": False,
                "sha256": digest,
            }
        version, before = uc.current_version + 1, current.body
        old_models, new_models = list(before.get("models") or []), list(body.get("models") or [])
        if old_models[:1] != new_models[:1] and new_models:
            # MD-3: the default model of a use case changes only through the promotion gate.
            switch = ModelSwitch(
                use_case_id=use_case_id,
                use_case=charter.name,
                from_alias=old_models[0] if old_models else "",
                to_alias=new_models[0],
                since=current.created_at,
                high_impact=charter.is_high_impact,
            )
            require_model_change_approval(conn, tid, switch)
        conn.execute(
            update(use_cases).where(use_cases.c.id == use_case_id).values(current_version=version, updated_at=now)
        )
    served = (body.get("prompt"), body.get("prompt_label"))
    if charter.prompt and (before is None or (before.get("prompt"), before.get("prompt_label")) != served):
        # PC-2: a label a charter serves from is protected, so a charter may only start serving a
        # label whose current version passed this use case's gate.
        require_prompt_vetted(
            conn,
            tenant_id=tid,
            use_case_id=use_case_id,
            use_case=charter.name,
            prompt=charter.prompt,
            label=charter.prompt_label,
        )
    row = {
        "id": new_id("chv"), "tenant_id": tid, "use_case_id": use_case_id, "version": version, "body": body,
        "source": text, "sha256": digest, "created_by": actor, "created_at": now,
    }
    event = {"version": version, "sha256": digest, "before": before, "after": body}
    insert_recorded(conn, charter_versions, row, actor=actor, action="charter.applied", subject=charter.name,
                    event=event)
    return {"use_case": charter.name, "tenant": charter.tenant, "version": version, "changed": True, "sha256": digest}


def list_use_cases(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "version": c.version,
            "risk_tier": c.body["risk_tier"],
            "models": c.body["models"],
            "kill_switch": c.body["kill_switch"],
            "updated_at": c.updated_at.isoformat() if c.updated_at else None,
        }
        for c in current_charters(conn, tenant_id)
    ]


def charter_history(conn: Connection, tenant_id: str, name: str) -> list[dict[str, Any]]:
    uc_id = get_use_case(conn, tenant_id, name)["id"]
    rows = conn.execute(
        select(
            charter_versions.c.version,
            charter_versions.c.sha256,
            charter_versions.c.created_by,
            charter_versions.c.created_at,
        )
        .where(charter_versions.c.use_case_id == uc_id, charter_versions.c.tenant_id == tenant_id)
        .order_by(charter_versions.c.version)
    ).all()
    return [
        {"version": r.version, "sha256": r.sha256, "applied_by": r.created_by, "applied_at": r.created_at.isoformat()}
        for r in rows
    ]


def charter_body(conn: Connection, tenant_id: str, name: str, version: int) -> dict[str, Any]:
    """One version of a use case's charter, as stored (the normalised body), for history and diffs."""
    uc_id = get_use_case(conn, tenant_id, name)["id"]
    body = conn.execute(
        select(charter_versions.c.body).where(
            charter_versions.c.use_case_id == uc_id,
            charter_versions.c.tenant_id == tenant_id,
            charter_versions.c.version == version,
        )
    ).scalar_one_or_none()
    if body is None:
        raise NotFound(f"use case {name!r} has no charter version {version}", code="not_found")
    result: dict[str, Any] = body
    return result
