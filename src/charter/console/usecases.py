"""Use-case pages: the list (with each kill switch's state), one use case with its charter's versions
(each with its diff from the one before), and the kill switch: a reason is required and the switch is
flipped only after a confirmation page. The same :mod:`charter.policy` functions as
``/api/v1/usecases`` and ``/api/v1/kill``."""

from __future__ import annotations

import difflib
from typing import Any

import yaml
from fastapi import APIRouter, Depends, Query, Request, Response

from charter import oversight
from charter.api.deps import get_runtime
from charter.console.incidents import INCIDENT_READERS
from charter.console.web import PREFIX, ConsoleRoute, Posted, Viewer, posted, redirect, render, signed_in, tenant_read
from charter.policy import controls as kill
from charter.policy import service as policy
from charter.principals import roles
from charter.runtime import Runtime

__all__ = ["READERS", "router"]

router = APIRouter(prefix=PREFIX + "/usecases", route_class=ConsoleRoute, include_in_schema=False)

READERS = roles.STAFF
ADMIN = roles.ADMINS


def _switched_off(rt: Runtime, tenant_id: str) -> dict[str, dict[str, Any]]:
    rows = rt.read(lambda conn: kill.list_controls(conn, tenant_id))
    return {r["target"]: r for r in rows if r["scope"] == "use_case" and r["active"]}


@router.get("")
def list_page(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    rows = tenant_read(request, viewer, READERS, policy.list_use_cases)
    off = _switched_off(get_runtime(request), viewer.principal.tenant_id)
    return render(request, "usecases.html", viewer=viewer, rows=rows, off=off)


@router.get("/{name}")
def detail(
    name: str,
    request: Request,
    applied: int | None = Query(default=None, ge=1),
    changed: str = Query(default="", max_length=3),
    viewer: Viewer = Depends(signed_in),
) -> Response:
    p = viewer.require(*READERS)
    rt = get_runtime(request)
    use_case, versions = rt.read(lambda conn: (policy.get_use_case(conn, p.tenant_id, name),
                                               policy.charter_history(conn, p.tenant_id, name)))
    incidents = (rt.read(lambda conn: oversight.list_incidents(conn, p.tenant_id, use_case=name))
                 if viewer.may(*INCIDENT_READERS) else None)
    off = _switched_off(rt, p.tenant_id).get(name)
    open_incidents = None if incidents is None else sum(1 for i in incidents if i["status"] != "closed")
    return render(request, "usecase.html", viewer=viewer, use_case=use_case, versions=versions, off=off,
                  applied=applied, changed=changed == "yes", open_incidents=open_incidents)


@router.get("/{name}/versions/{version}")
def version_diff(name: str, version: int, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    """One charter version, and what changed from the version before it (a unified diff of the YAML)."""
    p = viewer.require(*READERS)
    rt = get_runtime(request)
    after = rt.read(lambda conn: policy.charter_body(conn, p.tenant_id, name, version))
    before = rt.read(lambda conn: policy.charter_body(conn, p.tenant_id, name, version - 1)) if version > 1 else None
    after_text = _yaml(after)
    lines = []
    if before is not None:
        lines = list(difflib.unified_diff(_yaml(before).splitlines(), after_text.splitlines(), lineterm="",
                                          fromfile=f"version {version - 1}", tofile=f"version {version}"))
    return render(request, "charter_version.html", viewer=viewer, name=name, version=version, text=after_text,
                  lines=lines[2:], first=before is None)


def _yaml(body: dict[str, Any]) -> str:
    return str(yaml.safe_dump(body, sort_keys=False, allow_unicode=True, default_flow_style=False))


@router.post("/{name}/kill")
def kill_switch(name: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """Step one shows what will happen and asks again; step two (``confirm=yes``) flips the switch."""
    return _flip(name, request, post, active=True)


@router.post("/{name}/revive")
def revive(name: str, request: Request, post: Posted = Depends(posted)) -> Response:
    return _flip(name, request, post, active=False)


def _flip(name: str, request: Request, post: Posted, *, active: bool) -> Response:
    p = post.viewer.require(*ADMIN)
    reason = post.text("reason", required=True, max_length=2000)
    rt = get_runtime(request)
    rt.read(lambda conn: policy.get_use_case(conn, p.tenant_id, name))  # 404 before anything is asked
    if post.form.get("confirm") != "yes":
        return render(request, "kill_confirm.html", viewer=post.viewer, name=name, reason=reason, active=active)
    rt.writer.write(
        lambda c: kill.set_control(c, p.tenant_id, "use_case", name, active, actor=p.key_id, reason=reason)
    )
    rt.policy_changed()
    return redirect(f"{PREFIX}/usecases/{name}")
