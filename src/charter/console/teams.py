"""Reviewer teams, queue assignments and progress per reviewer in the console.

Admins make teams (a named set of reviewers) and assign a use case's queue or one review item to a
reviewer or a team; reviewers see who has what and everyone's progress (decided today, open, SLA
breaches). Every action is :mod:`charter.oversight.assignment`, as ``/api/v1/review-teams``,
``/api/v1/review-assignments`` and ``/api/v1/review-progress``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import Connection, select

from charter.api.deps import get_runtime
from charter.console.web import PREFIX, ConsoleRoute, Posted, Viewer, posted, redirect, render, signed_in, write_then
from charter.errors import InvalidRequest
from charter.identity.tables import console_sessions
from charter.oversight import assignment
from charter.principals import roles
from charter.store.schema import api_keys, use_cases, utcnow

__all__ = ["router"]

router = APIRouter(prefix=PREFIX + "/review", route_class=ConsoleRoute, include_in_schema=False)

REVIEWERS = roles.REVIEWERS
ADMIN = roles.ADMINS


def reviewer_choices(conn: Connection, tenant_id: str) -> list[tuple[str, str]]:
    """(id, label) of the tenant's reviewers: reviewer and admin keys not revoked, and people who
    signed in to the console by single sign-on as one."""
    keys = conn.execute(
        select(api_keys.c.id, api_keys.c.name, api_keys.c.role)
        .where(api_keys.c.tenant_id == tenant_id, api_keys.c.role.in_(REVIEWERS), api_keys.c.revoked_at.is_(None))
        .order_by(api_keys.c.name, api_keys.c.id)
    ).all()
    people = conn.execute(
        select(console_sessions.c.key_id).distinct()
        .where(console_sessions.c.tenant_id == tenant_id, console_sessions.c.role.in_(REVIEWERS))
        .order_by(console_sessions.c.key_id)
    ).scalars().all()
    return ([(k.id, f"{k.name or 'key'} ({k.role}, {k.id})") for k in keys]
            + [(person, f"{person} (single sign-on)") for person in people])


@router.get("/teams")
def teams_page(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*REVIEWERS)
    admin = viewer.may("admin")
    names = select(use_cases.c.name).where(use_cases.c.tenant_id == p.tenant_id).order_by(use_cases.c.name)
    view: dict[str, Any] = get_runtime(request).read(lambda conn: {
        "teams": assignment.list_teams(conn, p.tenant_id),
        "assignments": assignment.list_assignments(conn, p.tenant_id),
        "reviewers": reviewer_choices(conn, p.tenant_id) if admin else [],
        "use_cases": list(conn.execute(names).scalars().all()),
    })
    return render(request, "review_teams.html", viewer=viewer, **view)


def _admin(post: Posted) -> str:
    return post.viewer.require(*ADMIN).tenant_id


@router.post("/teams")
def create_team(request: Request, post: Posted = Depends(posted)) -> Response:
    tenant_id = _admin(post)
    name = post.text("name", required=True, max_length=64)
    description = post.text("description", max_length=2000)
    actor, now = post.viewer.principal.key_id, utcnow()
    get_runtime(request).writer.write(
        lambda c: assignment.create_team(c, tenant_id, name, description=description, actor=actor, now=now))
    return redirect(f"{PREFIX}/review/teams#team-{name}")


@router.post("/teams/{team}/members")
def add_member(team: str, request: Request, post: Posted = Depends(posted)) -> Response:
    tenant_id = _admin(post)
    member = post.text("member", required=True, max_length=64)
    actor, now = post.viewer.principal.key_id, utcnow()
    get_runtime(request).writer.write(lambda c: assignment.add_member(c, tenant_id, team, member, actor=actor, now=now))
    return redirect(f"{PREFIX}/review/teams#team-{team}")


@router.post("/teams/{team}/members/remove")
def remove_member(team: str, request: Request, post: Posted = Depends(posted)) -> Response:
    tenant_id = _admin(post)
    member = post.text("member", required=True, max_length=64)
    actor = post.viewer.principal.key_id
    get_runtime(request).writer.write(lambda c: assignment.remove_member(c, tenant_id, team, member, actor=actor))
    return redirect(f"{PREFIX}/review/teams#team-{team}")


@router.post("/teams/{team}/delete")
def delete_team(team: str, request: Request, post: Posted = Depends(posted)) -> Response:
    return write_then(request, post, ADMIN, lambda c, p: assignment.delete_team(c, p.tenant_id, team, actor=p.key_id),
                      f"{PREFIX}/review/teams")


def _assignee(value: str) -> dict[str, str]:
    kind, _, who = value.partition(":")
    if kind not in ("team", "reviewer") or not who:
        raise InvalidRequest("choose a team or a reviewer", code="missing_field", param="assignee")
    return {kind: who}


@router.post("/assignments")
def assign(request: Request, post: Posted = Depends(posted)) -> Response:
    tenant_id = _admin(post)
    use_case = post.text("use_case", max_length=64) or None
    review_id = post.text("review_id", max_length=40) or None
    who = _assignee(post.text("assignee", required=True, max_length=80))
    actor, now = post.viewer.principal.key_id, utcnow()
    get_runtime(request).writer.write(lambda c: assignment.assign(
        c, tenant_id, use_case=use_case, review_id=review_id, actor=actor, now=now, **who))
    back = post.form.get("back", "")
    return redirect(f"{PREFIX}/review/{review_id}" if back == "item" and review_id else f"{PREFIX}/review/teams")


@router.post("/assignments/{assignment_id}/delete")
def unassign(assignment_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
    return write_then(request, post, ADMIN,
                      lambda c, p: assignment.unassign(c, p.tenant_id, assignment_id, actor=p.key_id),
                      f"{PREFIX}/review/teams")


@router.get("/progress")
def progress_page(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*REVIEWERS)
    now = utcnow()
    rows: list[dict[str, Any]] = get_runtime(request).read(lambda conn: assignment.progress(conn, p, now))
    return render(request, "review_progress.html", viewer=viewer, rows=rows, day=now.strftime("%Y-%m-%d"))
