"""Workflow definitions and runs in the store: apply a version, read one, list and show runs.

Every write here runs in the caller's write transaction with its ledger entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import Connection, func, select

from charter import ledger
from charter.domain import Principal
from charter.errors import NotFound
from charter.oversight.sealing import open_json, seal_json
from charter.policy.service import get_use_case, tenant_id_for
from charter.store.records import found_in
from charter.store.schema import new_id, utcnow
from charter.store.types import iso
from charter.workflows.spec import Workflow, parse_workflow
from charter.workflows.tables import workflow_batches, workflow_runs, workflow_steps, workflows

__all__ = [
    "apply_workflow",
    "digest",
    "get_run",
    "list_runs",
    "list_workflows",
    "load_workflow",
    "open_state",
    "run_record",
    "seal_state",
    "show_run",
    "state_binding",
    "step_binding",
]


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def state_binding(run_id: str) -> str:
    return f"{run_id}:state"


def step_binding(run_id: str, seq: int) -> str:
    return f"{run_id}:step:{seq}"


def seal_state(rt: Any, run_id: str, state: dict[str, Any]) -> dict[str, Any]:
    return seal_json(rt, state, state_binding(run_id))


def open_state(rt: Any, row: Any) -> dict[str, Any]:
    state: dict[str, Any] = open_json(rt, row.state, state_binding(row.id))
    return state


def apply_workflow(conn: Connection, source: str, *, actor: str, tenant: str | None = None) -> dict[str, Any]:
    """Store ``source`` as the next version of its workflow (an unchanged source is a no-op)."""
    wf, sha = parse_workflow(source)
    if tenant is not None and wf.tenant != tenant:
        raise NotFound(f"tenant {wf.tenant!r} not found", code="not_found")
    tenant_id = tenant_id_for(conn, wf.tenant)
    get_use_case(conn, tenant_id, wf.use_case)  # 404 use_case_not_found before anything is stored
    for step in wf.steps:
        if step.model is not None and step.model.use_case is not None:
            get_use_case(conn, tenant_id, step.model.use_case)
    latest = conn.execute(
        select(workflows).where(workflows.c.tenant_id == tenant_id, workflows.c.name == wf.name)
        .order_by(workflows.c.version.desc()).limit(1)
    ).first()
    if latest is not None and latest.sha256 == sha:
        return {"name": wf.name, "version": latest.version, "sha256": sha, "changed": False}
    version = 1 if latest is None else latest.version + 1
    row_id = new_id("wfl")
    conn.execute(workflows.insert().values(
        id=row_id, tenant_id=tenant_id, name=wf.name, version=version, sha256=sha, source=source,
        body=wf.model_dump(mode="json", by_alias=True), created_by=actor, created_at=utcnow(),
    ))
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="workflow.applied", subject=row_id,
                  event={"name": wf.name, "version": version, "sha256": sha})
    return {"name": wf.name, "version": version, "sha256": sha, "changed": True, "id": row_id}


def load_workflow(conn: Connection, tenant_id: str, name: str, version: int | None = None) -> tuple[Any, Workflow]:
    """(row, parsed) of a workflow's version (the latest when ``version`` is None)."""
    query = select(workflows).where(workflows.c.tenant_id == tenant_id, workflows.c.name == name)
    if version is not None:
        query = query.where(workflows.c.version == version)
    row = conn.execute(query.order_by(workflows.c.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"workflow {name!r} not found; apply it with `charter workflows apply FILE`",
                       code="workflow_not_found")
    return row, Workflow.model_validate(row.body)


def workflow_by_id(conn: Connection, workflow_id: str) -> tuple[Any, Workflow]:
    row = conn.execute(select(workflows).where(workflows.c.id == workflow_id)).one()
    return row, Workflow.model_validate(row.body)


def list_workflows(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    latest = (select(workflows.c.name, func.max(workflows.c.version).label("version"))
              .where(workflows.c.tenant_id == tenant_id).group_by(workflows.c.name).subquery())
    rows = conn.execute(
        select(workflows).join(latest, (workflows.c.name == latest.c.name) & (workflows.c.version == latest.c.version))
        .where(workflows.c.tenant_id == tenant_id).order_by(workflows.c.name)
    ).all()
    return [{"name": r.name, "version": r.version, "sha256": r.sha256, "steps": len(r.body["steps"]),
             "created_by": r.created_by, "created_at": iso(r.created_at)} for r in rows]


def get_run(conn: Connection, tenant_id: str, run_id: str) -> Any:
    return found_in(conn, workflow_runs, tenant_id, f"workflow run {run_id!r} not found", id=run_id)


def run_record(conn: Connection, row: Any) -> dict[str, Any]:
    wf = conn.execute(select(workflows.c.name, workflows.c.version).where(workflows.c.id == row.workflow_id)).one()
    return {
        "id": row.id,
        "workflow": wf.name,
        "version": wf.version,
        "batch_id": row.batch_id,
        "status": row.status,
        "step": row.step,
        "waiting_for": row.waiting_for,
        "review_id": row.review_id,
        "steps_run": row.steps_run,
        "tokens": row.tokens,
        "error_code": row.error_code,
        "error": row.error,
        "started_by": row.started_by,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "finished_at": iso(row.finished_at),
    }


def list_runs(conn: Connection, tenant_id: str, *, workflow: str | None = None, status: str | None = None,
              batch_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    query = select(workflow_runs).where(workflow_runs.c.tenant_id == tenant_id)
    if workflow is not None:
        ids = select(workflows.c.id).where(workflows.c.tenant_id == tenant_id, workflows.c.name == workflow)
        query = query.where(workflow_runs.c.workflow_id.in_(ids))
    if status is not None:
        query = query.where(workflow_runs.c.status == status)
    if batch_id is not None:
        query = query.where(workflow_runs.c.batch_id == batch_id)
    rows = conn.execute(query.order_by(workflow_runs.c.created_at.desc(), workflow_runs.c.id.desc())
                        .limit(max(1, min(limit, 1000)))).all()
    return [run_record(conn, r) for r in rows]


def show_run(rt: Any, conn: Connection, principal: Principal, run_id: str) -> dict[str, Any]:
    """A run with every step's inputs, output, actor and timing (sealed content opened: run it in a
    write transaction, the read is ledgered like any read of sealed content)."""
    row = get_run(conn, principal.tenant_id, run_id)
    state = open_state(rt, row)
    steps = []
    for s in conn.execute(select(workflow_steps).where(workflow_steps.c.run_id == row.id)
                          .order_by(workflow_steps.c.seq)).all():
        content = open_json(rt, s.sealed, step_binding(row.id, s.seq)) if s.sealed else {}
        steps.append({
            "seq": s.seq, "step": s.step, "kind": s.kind, "status": s.status, "actor": s.actor,
            "inputs": content.get("inputs"), "output": content.get("output"),
            "inputs_sha256": s.inputs_sha256, "output_sha256": s.output_sha256,
            "interaction_id": s.interaction_id, "tokens": s.tokens, "error_code": s.error_code,
            "started_at": iso(s.started_at), "finished_at": iso(s.finished_at),
        })
    ledger.append(conn, tenant_id=principal.tenant_id, actor=principal.key_id, action="workflow.run_viewed",
                  subject=row.id, event={"steps": len(steps)})
    return {**run_record(conn, row), "input": state.get("input"), "output": state.get("result"), "steps": steps}


def new_batch(conn: Connection, tenant_id: str, workflow_id: str, items: int, actor: str, now: dt.datetime) -> str:
    batch_id = new_id("wfb")
    conn.execute(workflow_batches.insert().values(
        id=batch_id, tenant_id=tenant_id, workflow_id=workflow_id, status="open", items=items,
        created_by=actor, created_at=now,
    ))
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="workflow.batch_opened", subject=batch_id,
                  event={"workflow_id": workflow_id, "items": items})
    return batch_id
