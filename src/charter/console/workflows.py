"""Workflow pages: the tenant's workflows with their latest runs, runs filtered by workflow and
status, one run with each step (kind, status, actor, timing, open intents, inputs and outputs where
the role may read them) and its ledger entries, the approvals waiting for a person (one run, or a
batch's sign-off) and resuming a run that needs attention, after a confirmation.

The same :mod:`charter.workflows` calls and roles as ``/api/v1/workflows``: readers admin, developer,
reviewer, auditor; a run's content (opened from its seals, the read ledgered) only reviewers and
auditors; deciders admin, reviewer (never on a run their own key started: the library refuses with
``409 same_principal`` and the page shows it as the API gives it); resume admin, developer, reviewer.
Others see a run's record and its steps' hashes, actors and timing, not their content."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import Connection, select

from charter import workflows
from charter.api.deps import get_runtime
from charter.console.web import PREFIX, ConsoleRoute, Filter, Name, Posted, Viewer, posted, redirect, render, signed_in
from charter.domain import Principal
from charter.errors import CharterError, InvalidRequest
from charter.ledger import service as ledger
from charter.principals import roles
from charter.store.types import iso
from charter.workflows.spec import Workflow
from charter.workflows.store import get_run, run_record, workflow_by_id
from charter.workflows.tables import workflow_steps

__all__ = ["CONTENT_READERS", "DECIDERS", "READERS", "RESUMERS", "router"]

router = APIRouter(prefix=PREFIX + "/workflows", route_class=ConsoleRoute, include_in_schema=False)

READERS = roles.STAFF
CONTENT_READERS = roles.CONTENT_READERS
DECIDERS = roles.REVIEWERS
RESUMERS = roles.RESUMERS
#: The ledger's own readers (charter.api.ledger AUDIT): the run's entries are shown to them.
LEDGER_READERS = roles.AUDITORS
STATUSES = ("running", "waiting", "needs_attention", "succeeded", "failed", "rejected")
LAST_RUNS = 5


def _took(started: str | None, finished: str | None) -> str:
    if not started or not finished:
        return "—"
    seconds = (dt.datetime.fromisoformat(finished) - dt.datetime.fromisoformat(started)).total_seconds()
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


@router.get("")
def list_page(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*READERS)
    rt = get_runtime(request)
    view = rt.read(lambda conn: _workflows_view(conn, p.tenant_id))
    return render(request, "workflows.html", viewer=viewer, **view, may_decide=viewer.may(*DECIDERS))


def _workflows_view(conn: Connection, tenant_id: str) -> dict[str, Any]:
    """The workflows, each with its last runs, and how many runs wait for a person."""
    rows = workflows.list_workflows(conn, tenant_id)
    last = {r["name"]: workflows.list_runs(conn, tenant_id, workflow=r["name"], limit=LAST_RUNS) for r in rows}
    waiting = len(workflows.list_runs(conn, tenant_id, status="waiting", limit=1000))
    return {"rows": rows, "last": last, "waiting": waiting}


@router.get("/runs")
def runs_page(request: Request, workflow: Name = "", status: Filter = "",
              viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*READERS)
    rt = get_runtime(request)
    names, rows = rt.read(lambda conn: (
        [r["name"] for r in workflows.list_workflows(conn, p.tenant_id)],
        workflows.list_runs(conn, p.tenant_id, workflow=workflow or None, status=status or None, limit=200)))
    return render(request, "workflow_runs.html", viewer=viewer, rows=rows, names=names, workflow=workflow,
                  chosen=status, statuses=STATUSES)


def _run_without_content(conn: Connection, tenant_id: str, run_id: str) -> tuple[dict[str, Any], Workflow]:
    """The run as the record shows it without content (404 for an unknown run), and its workflow."""
    row = get_run(conn, tenant_id, run_id)
    _, wf = workflow_by_id(conn, row.workflow_id)
    return {**run_record(conn, row), "steps": _step_records(conn, row.id)}, wf


def _step_records(conn: Connection, run_id: str) -> list[dict[str, Any]]:
    """The steps as the record shows them without their content: hashes, actor, timing."""
    return [{"seq": s.seq, "step": s.step, "kind": s.kind, "status": s.status, "actor": s.actor,
             "inputs_sha256": s.inputs_sha256, "output_sha256": s.output_sha256, "interaction_id": s.interaction_id,
             "tokens": s.tokens, "error_code": s.error_code, "started_at": iso(s.started_at),
             "finished_at": iso(s.finished_at)}
            for s in conn.execute(select(workflow_steps).where(workflow_steps.c.run_id == run_id)
                                  .order_by(workflow_steps.c.seq)).all()]


def _run_page(request: Request, viewer: Viewer, run_id: str, *, status: int = 200,
              refusal: CharterError | None = None, done: str = "") -> Response:
    p = viewer.require(*READERS)
    rt = get_runtime(request)
    content = viewer.may(*CONTENT_READERS)
    if content:  # workflows.show_run, as GET /api/v1/workflows/runs/{id}: the read is ledgered
        run: dict[str, Any] = rt.writer.write(lambda c: workflows.show_run(rt, c, p, run_id))
        _, wf = rt.read(lambda conn: workflow_by_id(conn, get_run(conn, p.tenant_id, run_id).workflow_id))
    else:
        run, wf = rt.read(lambda conn: _run_without_content(conn, p.tenant_id, run_id))
    for s in run["steps"]:
        s["took"] = _took(s["started_at"], s["finished_at"])
    entries: list[dict[str, Any]] = []
    if viewer.may(*LEDGER_READERS):
        entries = ledger.list_entries(rt, tenant_id=p.tenant_id, subject=run_id, limit=200)
        if run["batch_id"]:
            entries += ledger.list_entries(rt, tenant_id=p.tenant_id, subject=run["batch_id"], limit=50)
        entries.sort(key=lambda e: e["seq"])
    intents = [s for s in run["steps"] if s["status"] == "started"]
    return render(request, "workflow_run.html", viewer=viewer, status=status, run=run, budget=wf.budget,
                  content=content, entries=entries, intents=intents, refusal=refusal, done=done,
                  ledger_shown=viewer.may(*LEDGER_READERS), may_decide=viewer.may(*DECIDERS),
                  may_resume=viewer.may(*RESUMERS))


@router.get("/runs/{run_id}")
def run_page(run_id: str, request: Request, done: str = Query(default="", max_length=32),
             viewer: Viewer = Depends(signed_in)) -> Response:
    return _run_page(request, viewer, run_id, done=done)


@router.get("/approvals")
def approvals_page(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*DECIDERS)
    single, batches = _waiting(request, p)
    return render(request, "workflow_approvals.html", viewer=viewer, single=single, batches=batches, refusal=None,
                  signed=None)


def _comment(post: Posted) -> str:
    return post.text("comment", max_length=4000)


@router.post("/runs/{run_id}/approve")
async def approve(run_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """``workflows.decide``, as ``POST /api/v1/workflows/runs/{id}/approve``; a refusal stays on the run page."""
    return await _decide(request, post, run_id, approve=True)


@router.post("/runs/{run_id}/reject")
async def reject(run_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
    return await _decide(request, post, run_id, approve=False)


async def _decide(request: Request, post: Posted, run_id: str, *, approve: bool) -> Response:
    p = post.viewer.require(*DECIDERS)
    try:
        await workflows.decide(get_runtime(request), p, run_id, approve=approve, comment=_comment(post))
    except CharterError as exc:
        if exc.status == 404:
            raise
        return _run_page(request, post.viewer, run_id, status=exc.status, refusal=exc)
    return redirect(f"{PREFIX}/workflows/runs/{run_id}?done={'approved' if approve else 'rejected'}")


@router.post("/batches/{batch_id}/sign-off")
async def sign_off(batch_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """``workflows.sign_off``, as ``POST /api/v1/workflows/batches/{id}/sign-off`` (HO-3): every run of
    the batch waiting for its sign-off is approved in one ledgered decision."""
    p = post.viewer.require(*DECIDERS)
    try:
        result = await workflows.sign_off(get_runtime(request), p, batch_id, comment=_comment(post))
    except CharterError as exc:
        single, batches = _waiting(request, p)
        return render(request, "workflow_approvals.html", viewer=post.viewer, status=exc.status, refusal=exc,
                      single=single, batches=batches, signed=None)
    single, batches = _waiting(request, p)
    return render(request, "workflow_approvals.html", viewer=post.viewer, signed=result, single=single,
                  batches=batches, refusal=None)


def _waiting(request: Request, p: Principal) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Runs waiting for one person's approval, and runs waiting for their batch's sign-off by batch."""
    waiting = get_runtime(request).read(lambda conn: workflows.list_runs(conn, p.tenant_id, status="waiting",
                                                                         limit=1000))
    batches: dict[str, list[dict[str, Any]]] = {}
    for r in waiting:
        if r["waiting_for"] == "batch" and r["batch_id"]:
            batches.setdefault(r["batch_id"], []).append(r)
    return [r for r in waiting if r["waiting_for"] == "approval"], batches


@router.post("/runs/{run_id}/resume")
async def resume(run_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """``workflows.resume``, as ``POST /api/v1/workflows/runs/{id}/resume``, once the person confirmed
    on a page that says what retry and skip mean; a refusal stays on the run page."""
    p = post.viewer.require(*RESUMERS)
    settle: Literal["retry", "skip"] | None
    match post.text("settle", max_length=8):
        case "":
            settle = None
        case "retry":
            settle = "retry"
        case "skip":
            settle = "skip"
        case _:
            raise InvalidRequest("settle is retry or skip", code="invalid_value", param="settle")
    raw = post.text("output", max_length=100_000)
    try:
        output = json.loads(raw) if raw else None
    except ValueError as exc:
        raise InvalidRequest(f"output is not JSON: {exc}", code="invalid_json", param="output") from exc
    rt = get_runtime(request)
    if post.form.get("confirm") != "yes":
        run = rt.read(lambda conn: run_record(conn, get_run(conn, p.tenant_id, run_id)))  # 404 for an unknown run
        return render(request, "workflow_resume.html", viewer=post.viewer, run=run, settle=settle, output=raw)
    try:
        await workflows.resume(rt, p, run_id, settle=settle, output=output)
    except CharterError as exc:
        if exc.status == 404:
            raise
        return _run_page(request, post.viewer, run_id, status=exc.status, refusal=exc)
    return redirect(f"{PREFIX}/workflows/runs/{run_id}?done=resumed")
