"""What people decide in a workflow: approve or reject a run waiting for approval, sign off a batch
(HO-3), settle a step cut off by a crash. Each decision is a step record with the person as its
actor and a ledger entry, written in one transaction with the run's new position; the caller then
advances the run (:func:`charter.workflows.engine.advance`).

Who may decide: a reviewer or an admin of the run's tenant, and never the key that started the run
(``409 same_principal``: the person approving is not the one asking)."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Connection, select, update

from charter import ledger
from charter.domain import Principal
from charter.errors import Conflict, InvalidRequest, PermissionDenied
from charter.runtime import Runtime
from charter.store.conditional import compare_and_set
from charter.store.schema import utcnow
from charter.workflows.engine import FINISHED, StepRecord, advance, record_step
from charter.workflows.spec import Workflow
from charter.workflows.store import get_run, open_state, seal_state, workflow_by_id
from charter.workflows.tables import workflow_batches, workflow_runs, workflow_steps

__all__ = ["DECIDERS", "decide", "resume", "sign_off"]

#: Roles that may approve, reject, sign off and settle.
DECIDERS = ("reviewer", "admin")


def _check_decider(principal: Principal, run: Any) -> None:
    if principal.role not in DECIDERS:
        raise PermissionDenied(f"role {principal.role!r} may not decide workflow steps; a reviewer or admin does",
                               code="role_not_allowed")
    if principal.key_id == run.started_by:
        raise Conflict("the key that started this run may not also approve it: another person decides",
                       code="same_principal")


def _approve_write(rt: Runtime, conn: Connection, principal: Principal, run: Any, wf: Workflow, approved: bool,
                   comment: str, batch_id: str | None = None) -> None:
    state = open_state(rt, run)
    step = wf.step(run.step)
    output = {"approved": approved, "by": principal.key_id, "comment": comment}
    if batch_id is not None:
        output["batch_id"] = batch_id
    now = utcnow()
    record_step(conn, rt, run, StepRecord(step.id, "approval", "approved" if approved else "rejected",
                                          principal.key_id, {"waiting_for": run.waiting_for, "step": step.id}, output,
                                          run.updated_at))
    values: dict[str, Any] = {"waiting_for": None, "updated_at": now}
    if approved:
        state["approved"] = True
        if step.approval is not None:  # an approval step: on to the next; else the consequential step runs now
            state["outputs"][step.id] = output
            values["step"] = wf.after(step)
        values["status"] = "running"
    elif step.approval is not None and step.approval.on_reject:
        state["outputs"][step.id] = output
        values.update(step=step.approval.on_reject, status="running")
    else:
        values.update(status="rejected", step=None, finished_at=now, error_code="rejected",
                      error=f"{principal.key_id} rejected step {step.id!r}: {comment}")
    values["state"] = seal_state(rt, run.id, state)
    if not compare_and_set(conn, workflow_runs, run.id, {"status": "waiting", "step": run.step}, values):
        raise Conflict(f"workflow run {run.id} changed while you were deciding; reload it", code="conflict")
    ledger.append(conn, tenant_id=run.tenant_id, actor=principal.key_id,
                  action="workflow.approved" if approved else "workflow.rejected", subject=run.id,
                  event={"step": step.id, "comment": comment, "batch_id": batch_id})


async def decide(rt: Runtime, principal: Principal, run_id: str, *, approve: bool, comment: str = "") -> dict[str, Any]:
    """Approve or reject the run's waiting step (its own approval, not a batch's), then advance it."""
    if not approve and not comment.strip():
        raise InvalidRequest("a rejection needs a reason", code="missing_field", param="comment")

    def write(conn: Connection) -> None:
        run = get_run(conn, principal.tenant_id, run_id)
        _check_decider(principal, run)
        if run.status != "waiting" or run.waiting_for not in ("approval", "batch"):
            raise Conflict(f"workflow run {run_id} is {run.status}"
                           f"{' for ' + run.waiting_for if run.waiting_for else ''}, not waiting for an approval",
                           code="conflict")
        if run.waiting_for == "batch" and approve:
            raise Conflict(f"workflow run {run_id} waits for its batch's sign-off "
                           f"(`charter workflows approve --batch {run.batch_id}`); a single run may only be rejected",
                           code="conflict")
        _, wf = workflow_by_id(conn, run.workflow_id)
        _approve_write(rt, conn, principal, run, wf, approve, comment)

    await rt.writer.awrite(write)
    return await advance(rt, principal.tenant_id, run_id)


async def sign_off(rt: Runtime, principal: Principal, batch_id: str, *, comment: str = "") -> dict[str, Any]:
    """Sign off a batch (HO-3): every run of it waiting at a ``mode: batch`` approval is approved in
    one transaction with one ``workflow.batch_signed_off`` entry listing them; then each advances.
    Runs sent to a person (``mode: each``) are not touched."""

    def write(conn: Connection) -> list[str]:
        batch = conn.execute(select(workflow_batches).where(
            workflow_batches.c.id == batch_id, workflow_batches.c.tenant_id == principal.tenant_id)).first()
        if batch is None:
            raise InvalidRequest(f"batch {batch_id!r} not found", code="not_found", param="batch")
        if batch.status == "signed_off":
            raise Conflict(f"batch {batch_id} was signed off by {batch.signed_off_by}", code="conflict")
        runs = conn.execute(select(workflow_runs).where(
            workflow_runs.c.batch_id == batch_id, workflow_runs.c.status == "waiting",
            workflow_runs.c.waiting_for == "batch")).all()
        for run in runs:
            _check_decider(principal, run)
        for run in runs:
            _, wf = workflow_by_id(conn, run.workflow_id)
            _approve_write(rt, conn, principal, run, wf, True, comment, batch_id=batch_id)
        conn.execute(update(workflow_batches).where(workflow_batches.c.id == batch_id).values(
            status="signed_off", signed_off_by=principal.key_id, signed_off_at=utcnow()))
        ids = [r.id for r in runs]
        ledger.append(conn, tenant_id=principal.tenant_id, actor=principal.key_id, action="workflow.batch_signed_off",
                      subject=batch_id, event={"runs": ids, "count": len(ids), "comment": comment})
        return ids

    ids = await rt.writer.awrite(write)
    runs = [await advance(rt, principal.tenant_id, run_id) for run_id in ids]
    return {"batch_id": batch_id, "signed_off": len(ids), "runs": runs}


async def resume(rt: Runtime, principal: Principal, run_id: str, *,
                 settle: Literal["retry", "skip"] | None = None, output: Any = None) -> dict[str, Any]:
    """Advance a run after a restart. A run in ``needs_attention`` (a non-idempotent step cut off)
    needs ``settle``: ``retry`` (a person checked the step did not happen: run it again) or ``skip``
    (it did happen: ``output`` is what it returned; the run goes on from the next step)."""
    with rt.engine.connect() as conn:
        run = get_run(conn, principal.tenant_id, run_id)
    if run.status in FINISHED:
        raise Conflict(f"workflow run {run_id} is {run.status}", code="conflict")
    if run.status == "needs_attention":
        if settle is None:
            raise Conflict(f"workflow run {run_id} needs a person: {run.error} ", code="workflow_step_uncertain")

        def write(conn: Connection) -> None:
            current = get_run(conn, principal.tenant_id, run_id)
            _check_decider(principal, current)
            _, wf = workflow_by_id(conn, current.workflow_id)
            state = open_state(rt, current)
            step = wf.step(current.step)
            cut = conn.execute(select(workflow_steps).where(
                workflow_steps.c.run_id == run_id, workflow_steps.c.status == "started",
                workflow_steps.c.step == step.id)).one()
            values: dict[str, Any] = {"status": "running", "waiting_for": None, "error": None, "error_code": None,
                                      "updated_at": utcnow()}
            if settle == "skip":
                state["outputs"][step.id] = output
                state["visits"][step.id] = state["visits"].get(step.id, 0) + 1
                state["approved"] = False
                values.update(step=wf.after(step), steps_run=current.steps_run + 1)
            values["state"] = seal_state(rt, run_id, state)
            conn.execute(update(workflow_steps).where(workflow_steps.c.id == cut.id).values(
                status="resolved", finished_at=utcnow()))
            record_step(conn, rt, current, StepRecord(step.id, "settle", "resolved", principal.key_id,
                                                      {"settle": settle, "cut_seq": cut.seq}, output, utcnow()))
            conn.execute(update(workflow_runs).where(workflow_runs.c.id == run_id).values(**values))
            ledger.append(conn, tenant_id=current.tenant_id, actor=principal.key_id, action="workflow.settled",
                          subject=run_id, event={"step": step.id, "settle": settle, "cut_seq": cut.seq})

        await rt.writer.awrite(write)
    elif settle is not None:
        raise Conflict(f"workflow run {run_id} has no step to settle", code="conflict")
    return await advance(rt, principal.tenant_id, run_id)

