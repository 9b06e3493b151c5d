"""Prompt pages: the registry's prompts, one prompt's versions, labels and label history, a version's
content, the diff between two versions, and promotion through the gate, whose refusal is shown as
the API gives it (code, message and every failure), and rolling a label back after a confirmation
(``POST /api/v1/prompts/{name}/rollback``: the reason is recorded with the move, a served label is
still refused a version that never passed its gate). The same :mod:`charter.prompts` functions and
roles as ``/api/v1/prompts``: readers admin, developer, reviewer, auditor; promotion and rollback admin, developer."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import Connection

from charter.api.deps import get_runtime
from charter.console.web import PREFIX, ConsoleRoute, Posted, Viewer, posted, redirect, render, signed_in, tenant_read
from charter.errors import CharterError, InvalidRequest
from charter.policy import service as policy
from charter.principals import roles
from charter.prompts import promotion, versions

__all__ = ["PROMPT_BUILDERS", "PROMPT_READERS", "router"]

router = APIRouter(prefix=PREFIX + "/prompts", route_class=ConsoleRoute, include_in_schema=False)

PROMPT_READERS = roles.STAFF
PROMPT_BUILDERS = roles.BUILDERS


@router.get("")
def list_page(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    rows = tenant_read(request, viewer, PROMPT_READERS, versions.list_prompts)
    return render(request, "prompts.html", viewer=viewer, rows=rows)


def _prompt_page(request: Request, viewer: Viewer, name: str, *, status: int = 200,
                 refusal: CharterError | None = None, moved: dict[str, Any] | None = None) -> Response:
    p = viewer.require(*PROMPT_READERS)
    prompt, history, names = get_runtime(request).read(lambda conn: (
        *_prompt_and_moves(conn, p.tenant_id, name), [u["name"] for u in policy.list_use_cases(conn, p.tenant_id)]))
    number = {v["id"]: v["version"] for v in prompt["versions"]}
    return render(request, "prompt.html", viewer=viewer, status=status, prompt=prompt, history=list(reversed(history)),
                  number=number, use_cases=names, refusal=refusal, moved=moved,
                  may_promote=viewer.may(*PROMPT_BUILDERS))


def _prompt_and_moves(conn: Connection, tenant_id: str, name: str,
                      label: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The prompt (404 for an unknown one) and its label moves (of ``label`` only, where given)."""
    return versions.show_prompt(conn, tenant_id, name), versions.label_history(conn, tenant_id, name, label)


@router.get("/{name}")
def detail(name: str, request: Request, moved: int | None = Query(default=None, ge=1),
           label: str = Query(default="", max_length=64), viewer: Viewer = Depends(signed_in)) -> Response:
    done = {"version": moved, "label": label} if moved else None
    return _prompt_page(request, viewer, name, moved=done)


@router.get("/{name}/versions/{version}")
def version_page(name: str, version: int, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*PROMPT_READERS)
    rt = get_runtime(request)
    v = rt.read(lambda conn: versions.get_version(conn, p.tenant_id, name, version=version).as_dict())
    return render(request, "prompt_version.html", viewer=viewer, name=name, v=v)


@router.get("/{name}/diff")
def diff(name: str, request: Request, a: int = Query(ge=1), b: int = Query(ge=1),
         viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*PROMPT_READERS)
    rt = get_runtime(request)
    result = rt.read(lambda conn: versions.diff_versions(conn, p.tenant_id, name, a, b))
    lines = result["diff"].split("\n")[2:] if result["diff"] else []
    return render(request, "prompt_diff.html", viewer=viewer, name=name, result=result, lines=lines)


@router.post("/{name}/promote")
def promote(name: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """``promotion.promote_or_raise``, as ``POST /api/v1/prompts/{name}/promote``: a protected label
    moves only through a passing gate; a refusal (recorded like the API's) stays on the page."""
    p = post.viewer.require(*PROMPT_BUILDERS)
    raw = post.text("version", required=True, max_length=12)
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidRequest("version must be a whole number from 1", code="invalid_value", param="version")
    label = post.text("label", max_length=64) or "production"
    request_ = promotion.Promotion(
        name=name, version=int(raw), label=label, actor=p.key_id,
        use_case=post.text("use_case", max_length=64) or None, run_id=post.text("run_id", max_length=40) or None,
        reason=post.text("reason", max_length=2000),
    )
    rt = get_runtime(request)
    try:
        promotion.promote_or_raise(rt, p.tenant_id, request_)
    except CharterError as exc:
        return _prompt_page(request, post.viewer, name, status=exc.status, refusal=exc)
    return redirect(f"{PREFIX}/prompts/{name}?moved={request_.version}&label={label}")


def _version_field(post: Posted, name: str) -> int | None:
    raw = post.text(name, max_length=12)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidRequest(f"{name} must be a whole number from 1", code="invalid_value", param=name)
    return int(raw)


@router.post("/{name}/rollback")
def rollback(name: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """``promotion.rollback``, as ``POST /api/v1/prompts/{name}/rollback``, once the person confirmed
    on a page that names the label's current and target versions; a refusal stays on the prompt page."""
    p = post.viewer.require(*PROMPT_BUILDERS)
    label = post.text("label", max_length=64) or "production"
    request_ = versions.Rollback(name=name, actor=p.key_id, label=label, to_version=_version_field(post, "to_version"),
                                 reason=post.text("reason", max_length=2000))
    rt = get_runtime(request)
    if post.form.get("confirm") != "yes":
        prompt, history = rt.read(lambda conn: _prompt_and_moves(conn, p.tenant_id, name, label))
        number = {v["id"]: v["version"] for v in prompt["versions"]}
        target = request_.to_version or (number.get(history[-1]["from_version_id"]) if history else None)
        return render(request, "prompt_rollback.html", viewer=post.viewer, name=name, rollback=request_,
                      current=prompt["labels"].get(label), target=target)
    try:
        moved = rt.writer.write(lambda c: promotion.rollback(c, p.tenant_id, request_))
    except CharterError as exc:
        return _prompt_page(request, post.viewer, name, status=exc.status, refusal=exc)
    rt.policy_changed()
    return redirect(f"{PREFIX}/prompts/{name}?moved={moved['version']}&label={quote(label, safe='')}")
