"""The incident register in the console (AT-6): incidents, filtered by use case and status; opening
one (linked to a use case and, optionally, interactions); an incident's page; editing it while it is
open (``PATCH /api/v1/incidents/{id}``: the fields that changed, recorded before and after, and more
linked interactions); closing it with the after-action review. The same :mod:`charter.oversight`
functions and roles as ``/api/v1/incidents``: readers admin, auditor, reviewer; opening admin,
reviewer; editing and closing admin."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import Connection

from charter import oversight
from charter.api.deps import get_runtime
from charter.console.web import PREFIX, ConsoleRoute, Filter, Name, Posted, Viewer, posted, redirect, render, signed_in
from charter.errors import InvalidRequest
from charter.oversight.incidents import KINDS, NEAR_MISS_TYPES, SEVERITIES, STATUSES, link_interactions
from charter.policy import service as policy
from charter.principals import roles
from charter.store.schema import utcnow

__all__ = ["INCIDENT_CLOSERS", "INCIDENT_READERS", "INCIDENT_WRITERS", "router"]

router = APIRouter(prefix=PREFIX + "/incidents", route_class=ConsoleRoute, include_in_schema=False)

INCIDENT_READERS = roles.OVERSEERS
INCIDENT_WRITERS = roles.REVIEWERS
INCIDENT_CLOSERS = roles.ADMINS
_IDS = re.compile(r"[\s,]+")
#: The fields of the API's IncidentPatch other than interaction_ids, with their longest values; the
#: short ones are trimmed, the texts kept as typed.
SHORT = (("title", 200), ("severity", 16), ("status", 16), ("near_miss_type", 32))
TEXTS = (("description", 20_000), ("impact", 20_000), ("affected", 20_000), ("actions_taken", 20_000),
         ("root_cause", 20_000), ("disclosed_to", 20_000))

def _interaction_ids(post: Posted) -> list[str]:
    ids = [i for i in _IDS.split(post.text("interaction_ids", max_length=50_000)) if i]
    if len(ids) > 1000:
        raise InvalidRequest("at most 1000 interaction ids", code="invalid_value", param="interaction_ids")
    return ids


@router.get("")
def list_page(request: Request, use_case: Name = "", status: Filter = "",
              viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*INCIDENT_READERS)
    if status and status not in STATUSES:
        raise InvalidRequest(f"status must be one of {', '.join(STATUSES)}", code="invalid_value",
                             param="status")
    rt = get_runtime(request)
    if use_case:
        rt.read(lambda conn: policy.get_use_case(conn, p.tenant_id, use_case))  # 404 use_case_not_found
    rows, names = rt.read(lambda conn: (
        oversight.list_incidents(conn, p.tenant_id, status=status or None, use_case=use_case or None),
        [u["name"] for u in policy.list_use_cases(conn, p.tenant_id)]))
    return render(request, "incidents.html", viewer=viewer, rows=rows, use_case=use_case, chosen=status,
                  use_cases=names, statuses=STATUSES, severities=SEVERITIES,
                  kinds=KINDS, may_open=viewer.may(*INCIDENT_WRITERS))


@router.post("")
def open_(request: Request, post: Posted = Depends(posted)) -> Response:
    p = post.viewer.require(*INCIDENT_WRITERS)
    ids = _interaction_ids(post)
    report = oversight.IncidentReport(
        title=post.text("title", required=True, max_length=200),
        severity=post.text("severity", max_length=16) or "medium",
        kind=post.text("kind", max_length=16) or "incident",
        use_case=post.text("use_case", max_length=64) or None,
        description=post.text("description", max_length=20_000),
        impact=post.text("impact", max_length=20_000),
        affected=post.text("affected", max_length=20_000),
        interaction_ids=ids,
    )
    rt = get_runtime(request)
    now = utcnow()
    created = rt.writer.write(lambda c: oversight.open_incident(c, p.tenant_id, report, actor=p.key_id, now=now))
    return redirect(f"{PREFIX}/incidents/{created['id']}")


@router.get("/{incident_id}")
def detail(incident_id: str, request: Request, saved: str = Query(default="", max_length=3),
           viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*INCIDENT_READERS)
    rt = get_runtime(request)
    incident = rt.read(lambda conn: oversight.get_incident(conn, p.tenant_id, incident_id))
    may_change = viewer.may(*INCIDENT_CLOSERS) and incident["status"] != "closed"
    return render(request, "incident.html", viewer=viewer, incident=incident, may_close=may_change,
                  may_edit=may_change, severities=SEVERITIES, statuses=STATUSES[:-1],
                  near_miss_types=NEAR_MISS_TYPES, saved=saved == "yes",
                  may_follow=viewer.may("admin", "auditor", "developer"))


@router.post("/{incident_id}")
def edit(incident_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """``PATCH /api/v1/incidents/{id}`` from the edit form: the form holds every field, so only those
    that differ from the stored incident are sent to :func:`charter.oversight.update_incident` (which
    records them before and after in the ledger); listed interactions are linked first, as the API does."""
    p = post.viewer.require(*INCIDENT_CLOSERS)
    sent = {name: post.text(name, max_length=limit) for name, limit in SHORT if name in post.form}
    sent.update({name: post.text(name, max_length=limit, exact=True) for name, limit in TEXTS if name in post.form})
    if sent.get("title") == "":
        raise InvalidRequest("fill in 'title'", code="missing_field", param="title")
    if sent.get("near_miss_type") == "":
        del sent["near_miss_type"]  # as the API's null: left as it is
    ids = _interaction_ids(post)
    rt = get_runtime(request)
    now = utcnow()

    def change(conn: Connection) -> dict[str, Any]:
        link_interactions(conn, p.tenant_id, incident_id, ids, actor=p.key_id)
        current = oversight.get_incident(conn, p.tenant_id, incident_id)
        changes = {k: v for k, v in sent.items() if v != current[k]}
        if not changes:
            return current
        return oversight.update_incident(conn, p.tenant_id, incident_id, changes, actor=p.key_id, now=now)

    rt.writer.write(change)
    return redirect(f"{PREFIX}/incidents/{incident_id}?saved=yes")


@router.post("/{incident_id}/close")
def close(incident_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """Close with the after-action review (required), as ``POST /api/v1/incidents/{id}/close``."""
    p = post.viewer.require(*INCIDENT_CLOSERS)
    after_action = post.text("after_action", required=True, max_length=50_000)
    root_cause = post.text("root_cause", max_length=20_000) or None
    rt = get_runtime(request)
    now = utcnow()
    rt.writer.write(lambda c: oversight.close_incident(c, p.tenant_id, incident_id, after_action=after_action,
                                                      root_cause=root_cause, actor=p.key_id, now=now))
    return redirect(f"{PREFIX}/incidents/{incident_id}")
