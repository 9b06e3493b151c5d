"""The incident register (AT-6; NIST GV-4.3-002, MG-4.3): what happened, how bad, which
interactions, what was done, the after-action review and who was told. Every change is recorded in
the ledger with its before and after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from charter import ledger
from charter.errors import Conflict, InvalidRequest
from charter.oversight.tables import incident_links, incidents
from charter.policy.current import use_case_id
from charter.store.records import found_in, with_use_case
from charter.store.schema import interactions, new_id, use_cases
from charter.store.types import iso

__all__ = [
    "EDITABLE",
    "KINDS",
    "NEAR_MISS_TYPES",
    "SEVERITIES",
    "STATUSES",
    "IncidentReport",
    "close_incident",
    "get_incident",
    "link_interactions",
    "list_incidents",
    "open_incident",
    "update_incident",
]

SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("open", "investigating", "mitigated", "closed")
KINDS = ("incident", "near-miss")
NEAR_MISS_TYPES = ("caught-by-guard", "caught-by-reviewer", "caught-by-user", "caught-by-monitor", "other")
#: Fields an update may change (status changes to ``closed`` go through :func:`close_incident`).
EDITABLE = (
    "title",
    "description",
    "severity",
    "status",
    "impact",
    "affected",
    "actions_taken",
    "root_cause",
    "after_action",
    "disclosed_to",
    "near_miss_type",
)


def _check(field: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidRequest(
            f"{field} must be one of {', '.join(allowed)}", code="invalid_value", param=field
        )


def _use_case_id(conn: Connection, tenant_id: str, name: str | None) -> str | None:
    return None if name is None else use_case_id(conn, tenant_id, name, param="use_case")


@dataclass(frozen=True, slots=True)
class IncidentReport:
    """What an incident report says when it is opened: the API body, the CLI options and the
    auto-suspension each fill one in. ``use_case`` is a name (looked up in the tenant),
    ``use_case_id`` an id already known."""

    title: str
    severity: str = "medium"
    kind: str = "incident"
    near_miss_type: str | None = None
    use_case: str | None = None
    use_case_id: str | None = None
    description: str = ""
    source: str = "manual"
    impact: str = ""
    affected: str = ""
    interaction_ids: Sequence[str] = ()


def open_incident(
    conn: Connection, tenant_id: str, report: IncidentReport, *, actor: str, now: dt.datetime
) -> dict[str, Any]:
    _check("severity", report.severity, SEVERITIES)
    _check("kind", report.kind, KINDS)
    if report.near_miss_type is not None:
        _check("near_miss_type", report.near_miss_type, NEAR_MISS_TYPES)
    if not report.title.strip():
        raise InvalidRequest("an incident needs a title", code="missing_field", param="title")
    uc_id = report.use_case_id or _use_case_id(conn, tenant_id, report.use_case)
    incident_id = new_id("inc")
    conn.execute(incidents.insert().values(
        id=incident_id, tenant_id=tenant_id, use_case_id=uc_id, title=report.title[:200],
        description=report.description, kind=report.kind, near_miss_type=report.near_miss_type,
        severity=report.severity, status="open", source=report.source, reported_by=actor, impact=report.impact,
        affected=report.affected, actions_taken="", root_cause="", after_action="", disclosed_to="",
        detected_at=now, created_at=now, updated_at=now))
    link_interactions(conn, tenant_id, incident_id, list(report.interaction_ids), actor=actor, record=False)
    event = {"title": report.title, "severity": report.severity, "kind": report.kind, "source": report.source,
             "use_case_id": uc_id, "interactions": sorted(set(report.interaction_ids))}
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="incident.opened", subject=incident_id,
                  event=event)
    return get_incident(conn, tenant_id, incident_id)


def link_interactions(
    conn: Connection,
    tenant_id: str,
    incident_id: str,
    interaction_ids: list[str],
    *,
    actor: str,
    record: bool = True,
) -> list[str]:
    """Link interactions of this tenant to the incident; an unknown incident is a 404, a closed one a
    409 (``conflict``, like any other edit of it) and an id that names no interaction of the tenant
    is a 400 (``invalid_value``), before anything is written."""
    row = _row(conn, tenant_id, incident_id)
    wanted = sorted(set(interaction_ids))
    if not wanted:
        return []
    if row.status == "closed":
        raise Conflict(f"incident {incident_id} is closed; interactions cannot be linked to it", code="conflict")
    known: set[str] = set()
    # longer ids or ids with NUL name nothing (and PostgreSQL refuses NUL in a parameter): unknown
    candidates = [i for i in wanted if len(i) <= 40 and "\x00" not in i]
    for start in range(0, len(candidates), 500):
        known.update(
            conn.execute(
                select(interactions.c.id).where(
                    interactions.c.tenant_id == tenant_id, interactions.c.id.in_(candidates[start : start + 500])
                )
            ).scalars()
        )
    unknown = [i for i in wanted if i not in known]
    if unknown:
        shown = ", ".join(repr(i[:40]) for i in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise InvalidRequest(
            f"{len(unknown)} interaction id(s) name no interaction of this tenant: {shown}; use the "
            "x-charter-interaction-id header of the answer",
            code="invalid_value",
            param="interaction_ids",
        )
    existing = set(
        conn.execute(
            select(incident_links.c.interaction_id).where(
                incident_links.c.incident_id == incident_id, incident_links.c.tenant_id == tenant_id
            )
        ).scalars()
    )
    new = sorted(set(wanted) - existing)
    for interaction_id in new:
        conn.execute(
            incident_links.insert().values(
                incident_id=incident_id, interaction_id=interaction_id, tenant_id=tenant_id
            )
        )
    if record and new:
        ledger.append(
            conn,
            tenant_id=tenant_id,
            actor=actor,
            action="incident.linked",
            subject=incident_id,
            event={"interactions": new},
        )
    return new


def _row(conn: Connection, tenant_id: str, incident_id: str) -> Any:
    return found_in(conn, incidents, tenant_id,
                    f"incident {incident_id!r} not found; list them with `charter incidents list`",
                    query=with_use_case(incidents), id=incident_id)


def _as_dict(row: Any, links: list[str] | None = None) -> dict[str, Any]:
    out = {
        name: getattr(row, name)
        for name in ("id", "kind", "source", "reported_by", "use_case", *EDITABLE)
    }
    out.update(detected_at=iso(row.detected_at), updated_at=iso(row.updated_at), closed_at=iso(row.closed_at))
    if links is not None:
        out["interactions"] = links
    return out


def get_incident(conn: Connection, tenant_id: str, incident_id: str) -> dict[str, Any]:
    row = _row(conn, tenant_id, incident_id)
    links = sorted(
        conn.execute(
            select(incident_links.c.interaction_id).where(
                incident_links.c.incident_id == incident_id, incident_links.c.tenant_id == tenant_id
            )
        ).scalars()
    )
    return _as_dict(row, links)


def list_incidents(
    conn: Connection, tenant_id: str, *, status: str | None = None, use_case: str | None = None
) -> list[dict[str, Any]]:
    query = with_use_case(incidents).where(incidents.c.tenant_id == tenant_id).order_by(incidents.c.created_at.desc())
    if status:
        query = query.where(incidents.c.status == status)
    if use_case:
        query = query.where(use_cases.c.name == use_case)
    return [_as_dict(r) for r in conn.execute(query).all()]


def update_incident(
    conn: Connection,
    tenant_id: str,
    incident_id: str,
    changes: dict[str, Any],
    *,
    actor: str,
    now: dt.datetime,
) -> dict[str, Any]:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidRequest(
            f"cannot change {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE)}",
            code="unknown_field",
        )
    if "severity" in changes:
        _check("severity", changes["severity"], SEVERITIES)
    if "status" in changes:
        _check("status", changes["status"], STATUSES[:-1])
    row = _row(conn, tenant_id, incident_id)
    if row.status == "closed":
        raise Conflict(f"incident {incident_id} is closed", code="conflict")
    before = {k: getattr(row, k) for k in changes}
    conn.execute(update(incidents).where(incidents.c.id == incident_id).values(**changes, updated_at=now))
    ledger.append(
        conn,
        tenant_id=tenant_id,
        actor=actor,
        action="incident.updated",
        subject=incident_id,
        event={"before": before, "after": changes},
    )
    return get_incident(conn, tenant_id, incident_id)


def close_incident(
    conn: Connection,
    tenant_id: str,
    incident_id: str,
    *,
    after_action: str,
    actor: str,
    now: dt.datetime,
    root_cause: str | None = None,
) -> dict[str, Any]:
    """Close with the after-action review (required: what happened, why, what changes)."""
    if not after_action.strip():
        raise InvalidRequest(
            "closing an incident needs the after-action review", code="missing_field", param="after_action"
        )
    row = _row(conn, tenant_id, incident_id)
    if row.status == "closed":
        raise Conflict(f"incident {incident_id} is already closed", code="conflict")
    values: dict[str, Any] = {
        "status": "closed",
        "after_action": after_action,
        "closed_at": now,
        "updated_at": now,
    }
    if root_cause is not None:
        values["root_cause"] = root_cause
    conn.execute(update(incidents).where(incidents.c.id == incident_id).values(**values))
    ledger.append(
        conn,
        tenant_id=tenant_id,
        actor=actor,
        action="incident.closed",
        subject=incident_id,
        event={"before": row.status, "after_action": after_action, "root_cause": root_cause},
    )
    return get_incident(conn, tenant_id, incident_id)
