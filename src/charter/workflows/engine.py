"""The workflow engine: runs a workflow's steps one at a time, every step durable in the store.

**Durability.** A run's state (input, step outputs, loop visits, approvals) is in ``workflow_runs``,
sealed; the step it is on is a column. Each step that does work is written as an *intent*
(``workflow_steps`` row ``started``, its inputs sealed) before it runs, and completed with its result
in one transaction with the run's next step and the step's ledger entry. A process that dies
between the two leaves the intent; on resume (any process, after a restart) the engine finds it.

* an **idempotent** step (a read: knowledge search, read-only SQL, GET, a model call) writes no
  intent (its row is written once, with its start and end times, when it ends) and simply runs again;
  an intent left by an older definition that marked it otherwise is marked ``abandoned``;
* a **non-idempotent** step is never run twice by the engine: the run goes to ``needs_attention``
  and a person settles it (:func:`charter.workflows.decisions.resume`: ``retry`` after checking it
  did not happen, or ``skip`` with the output it had).

One process advances a run at a time (a lease on the run row, taken and given back in the store,
renewed at each write; after a crash it lapses in :data:`LEASE`). Every write the engine makes for a
run (an intent, a result, a wait, the finish) is conditional on the lease still being this worker's:
a worker whose lease lapsed while a step ran, and whose run another took over, writes nothing; it
fails with ``409 workflow_lease_lost``, and a ``workflow.lease_lost`` ledger entry records it.

**Approval.** A step marked consequential (or calling a consequential connector) runs only after a
person approved in this run since the last consequential step: an ``approval`` step of the workflow,
or, where the workflow has none there, the engine stops before the step and asks for one itself.

**Budgets.** ``budget.max_steps``, ``max_tokens`` and ``max_seconds`` per run, ``max_visits`` per
step (a loop's bound), ``timeout_s`` per step: past one, the run fails
(``workflow_budget_exceeded``) without starting another step.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import Any

import jsonschema
from sqlalchemy import Connection, select, update

from charter import ledger
from charter.connectors import CallContext, connectors_of
from charter.domain import Principal
from charter.errors import BudgetExceeded, CharterError, Conflict, InvalidRequest
from charter.oversight.sealing import seal_json
from charter.oversight.status import requester_view
from charter.runtime import Runtime
from charter.store.schema import new_id, utcnow
from charter.workflows.modelcall import ask_model, parse_output, run_principal
from charter.workflows.spec import END, Step, Workflow
from charter.workflows.store import (
    digest,
    get_run,
    load_workflow,
    new_batch,
    open_state,
    run_record,
    seal_state,
    step_binding,
    workflow_by_id,
)
from charter.workflows.tables import workflow_runs, workflow_steps, workflows
from charter.workflows.templates import evaluate, render

__all__ = ["FINISHED", "StepRecord", "advance", "is_consequential", "is_idempotent", "record_step", "run_batch",
           "start_run"]

log = logging.getLogger(__name__)

#: Statuses a run does not leave.
FINISHED = ("succeeded", "failed", "rejected")
#: How long a process holds a run it advances; renewed at each step. A run whose process died can be
#: resumed elsewhere once it lapses (a step cut off is then settled as the module says).
LEASE = dt.timedelta(minutes=2)
ENGINE = "workflow-engine"
LEASE_LOST = "workflow_lease_lost"


def is_consequential(rt: Runtime, step: Step, tenant: str) -> bool:
    if step.consequential:
        return True
    return step.connector is not None and connectors_of(rt).get(step.connector, tenant).consequential


def is_idempotent(rt: Runtime, step: Step, tenant: str) -> bool:
    if step.idempotent is not None:
        return step.idempotent
    if step.connector is not None:
        return connectors_of(rt).get(step.connector, tenant).idempotent and not step.consequential
    return not step.consequential  # a model call is a read; a step marked consequential is not


def check_connectors(rt: Runtime, wf: Workflow) -> None:
    """Apply time: every connector a step names is declared for the tenant; no consequential one is
    offered to a model as a tool (a person approves a consequential call as its own step)."""
    registry = connectors_of(rt)
    for step in wf.steps:
        names = [step.connector] if step.connector else []
        for name in names + (step.model.tools if step.model else []):
            registry.get(name, wf.tenant)
        for name in step.model.tools if step.model else []:
            if registry.get(name, wf.tenant).consequential:
                raise InvalidRequest(
                    f"step {step.id!r}: connector {name!r} is consequential and cannot be offered to a model as a "
                    "tool; call it in a step of its own after an approval (docs/workflows.md)",
                    code="workflow_invalid", param=f"steps.{step.id}.model.tools")


# -- starting ----------------------------------------------------------------------------------

def _check_input(wf: Workflow, value: Any) -> None:
    if wf.inputs is None:
        return
    error = jsonschema.exceptions.best_match(jsonschema.validators.validator_for(wf.inputs)(wf.inputs)
                                             .iter_errors(value))
    if error is not None:
        raise InvalidRequest(f"the run's input fails the workflow's `inputs` schema at {error.json_path}: "
                             f"{error.message}", code="invalid_value", param="input")


def _insert_run(rt: Runtime, conn: Connection, wf_row: Any, wf: Workflow, principal: Principal, value: Any,
                batch_id: str | None, now: dt.datetime) -> str:
    run_id = new_id("wfr")
    state = {"input": value, "outputs": {}, "visits": {}, "approved": False}
    conn.execute(workflow_runs.insert().values(
        id=run_id, tenant_id=wf_row.tenant_id, workflow_id=wf_row.id, batch_id=batch_id, status="running",
        step=wf.steps[0].id, state=seal_state(rt, run_id, state), steps_run=0, tokens=0,
        started_by=principal.key_id, created_at=now, updated_at=now,
    ))
    ledger.append(conn, tenant_id=wf_row.tenant_id, actor=principal.key_id, action="workflow.run_started",
                  subject=run_id, event={"workflow": wf.name, "version": wf_row.version, "batch_id": batch_id,
                                         "input_sha256": digest(value)})
    return run_id


async def start_run(rt: Runtime, principal: Principal, name: str, value: Any, *, version: int | None = None) -> str:
    """Create a run of the workflow's version (latest by default); returns its id (not yet advanced)."""
    with rt.engine.connect() as conn:
        wf_row, wf = load_workflow(conn, principal.tenant_id, name, version)
    check_connectors(rt, wf)
    _check_input(wf, value)
    return await rt.writer.awrite(lambda c: _insert_run(rt, c, wf_row, wf, principal, value, None, utcnow()))


async def run_batch(rt: Runtime, principal: Principal, name: str, items: list[Any],
                    *, version: int | None = None) -> dict[str, Any]:
    """One run per item in a new batch, each advanced until it waits or ends. Runs whose approval step
    says ``mode: batch`` wait for the batch's sign-off (:func:`charter.workflows.decisions.sign_off`)."""
    with rt.engine.connect() as conn:
        wf_row, wf = load_workflow(conn, principal.tenant_id, name, version)
    check_connectors(rt, wf)
    for item in items:
        _check_input(wf, item)

    def create(conn: Connection) -> tuple[str, list[str]]:
        now = utcnow()
        batch_id = new_batch(conn, wf_row.tenant_id, wf_row.id, len(items), principal.key_id, now)
        return batch_id, [_insert_run(rt, conn, wf_row, wf, principal, item, batch_id, now) for item in items]

    batch_id, run_ids = await rt.writer.awrite(create)
    runs = [await _advance_in_batch(rt, principal.tenant_id, run_id) for run_id in run_ids]
    counts: dict[str, int] = {}
    for r in runs:
        key = r["waiting_for"] or r["status"]
        counts[key] = counts.get(key, 0) + 1
    return {"batch_id": batch_id, "runs": runs, "counts": counts}


async def _advance_in_batch(rt: Runtime, tenant_id: str, run_id: str) -> dict[str, Any]:
    """One run of a batch: a run another worker took over (its write failed, recorded) is that
    worker's now; the batch goes on with the others and reports the run as it stands."""
    try:
        return await advance(rt, tenant_id, run_id)
    except Conflict as exc:
        if exc.code != LEASE_LOST:
            raise
        with rt.engine.connect() as conn:
            return run_record(conn, get_run(conn, tenant_id, run_id))


# -- the loop ----------------------------------------------------------------------------------

@dataclass(slots=True)
class _Ctx:
    rt: Runtime
    run: Any
    wf: Workflow
    state: dict[str, Any]
    principal: Principal
    owner: str  # this worker's lease on the run (see _hold)

    def names(self) -> dict[str, Any]:
        return {"input": self.state["input"], "item": self.state["input"], "run": {"id": self.run.id},
                "steps": {k: {"output": v} for k, v in self.state["outputs"].items()}}


async def _lease(rt: Runtime, tenant_id: str, run_id: str, owner: str, take: bool) -> None:
    """Take (or give back) the run. Taking it also starts the clock of ``budget.max_seconds``: the
    longest the engine works on the run at one go (time waiting for a person does not count)."""
    def write(conn: Connection) -> int:
        now = utcnow()
        if take:
            seconds = conn.execute(select(workflows.c.body).join(
                workflow_runs, workflow_runs.c.workflow_id == workflows.c.id).where(
                workflow_runs.c.id == run_id, workflow_runs.c.tenant_id == tenant_id)).scalar()
            limit = ((seconds or {}).get("budget") or {}).get("max_seconds")
            query = update(workflow_runs).where(
                workflow_runs.c.id == run_id, workflow_runs.c.tenant_id == tenant_id,
                (workflow_runs.c.lease_until.is_(None)) | (workflow_runs.c.lease_until < now),
            ).values(lease_owner=owner, lease_until=now + LEASE,
                     deadline_at=None if limit is None else now + dt.timedelta(seconds=float(limit)))
        else:
            query = update(workflow_runs).where(workflow_runs.c.id == run_id, workflow_runs.c.lease_owner == owner
                                                ).values(lease_owner=None, lease_until=None)
        return int(conn.execute(query).rowcount)

    if await rt.writer.awrite(write) != 1 and take:
        with rt.engine.connect() as conn:
            get_run(conn, tenant_id, run_id)  # 404 first
        raise Conflict(f"workflow run {run_id} is being advanced by another process; try again shortly",
                       code="conflict")


async def advance(rt: Runtime, tenant_id: str, run_id: str) -> dict[str, Any]:
    """Run the run's steps until it waits for a person, finishes or fails; returns its record."""
    owner = new_id("lease")
    await _lease(rt, tenant_id, run_id, owner, take=True)
    try:
        while await _one(rt, tenant_id, run_id, owner):
            pass
    except Conflict as exc:
        if exc.code == LEASE_LOST:
            log.warning("%s", exc.message)
            lost = exc
            await rt.writer.awrite(lambda c: _record_lease_lost(c, tenant_id, run_id, owner, lost))
        raise
    finally:
        await _lease(rt, tenant_id, run_id, owner, take=False)
    with rt.engine.connect() as conn:
        return run_record(conn, get_run(conn, tenant_id, run_id))


def _record_lease_lost(conn: Connection, tenant_id: str, run_id: str, owner: str, exc: CharterError) -> None:
    """The ledger's account of a write refused because the lease had gone to another worker (the
    run's row is the new holder's: nothing of it is touched)."""
    holder = conn.execute(select(workflow_runs.c.lease_owner).where(workflow_runs.c.id == run_id)).scalar()
    ledger.append(conn, tenant_id=tenant_id, actor=ENGINE, action="workflow.lease_lost", subject=run_id,
                  event={"lease": owner, "holder": holder, "step": exc.extra.get("step"),
                         "write": exc.extra.get("write")})


def _hold(conn: Connection, ctx: _Ctx, write: str) -> None:
    """The first statement of every write the engine makes for a run: the run's lease is still this
    worker's (renewed here). A lease lapses after :data:`LEASE` without a write; another worker may
    then take the run over. The worker that lost it must not overwrite the new holder's state: the
    write raises, so nothing of its transaction is committed (the step's row, the run's state)."""
    held = conn.execute(update(workflow_runs).where(
        workflow_runs.c.id == ctx.run.id, workflow_runs.c.lease_owner == ctx.owner,
    ).values(lease_until=utcnow() + LEASE)).rowcount
    if held != 1:
        raise Conflict(
            f"workflow run {ctx.run.id}: this worker's lease lapsed while step {ctx.run.step!r} ran and another "
            f"worker took the run over; the step's {write} was not written (the run is the other worker's now)",
            code=LEASE_LOST, extra={"step": ctx.run.step, "write": write})


def _context(rt: Runtime, tenant_id: str, run_id: str, owner: str) -> _Ctx:
    with rt.engine.connect() as conn:
        run = get_run(conn, tenant_id, run_id)
        _, wf = workflow_by_id(conn, run.workflow_id)
    state = open_state(rt, run)
    principal = run_principal(run.id, tenant_id, wf.tenant, wf.use_case)
    return _Ctx(rt, run, wf, state, principal, owner)


async def _one(rt: Runtime, tenant_id: str, run_id: str, owner: str) -> bool:
    """Take the run one step further; False when it stops (waiting, finished, failed)."""
    ctx = _context(rt, tenant_id, run_id, owner)
    run, wf = ctx.run, ctx.wf
    if run.status == "waiting" and run.waiting_for == "review":
        return await _review_released(ctx)
    if run.status != "running":
        return False
    problem = _over_budget(ctx)
    if problem is not None:
        await _finish(ctx, "failed", "workflow_budget_exceeded", problem)
        return False
    if run.step is None or run.step == END:
        await _finish(ctx, "succeeded")
        return False
    step = wf.step(run.step)
    if not await _settle_cut_intent(ctx, step):
        return False
    if ctx.state["visits"].get(step.id, 0) >= step.max_visits:
        await _finish(ctx, "failed", "workflow_budget_exceeded",
                      f"step {step.id!r} was reached more than its max_visits ({step.max_visits}): a loop's bound")
        return False
    if step.branch is not None:
        await _branch(ctx, step)
        return True
    if step.approval is not None:
        waiting = "batch" if step.approval.mode == "batch" and run.batch_id else "approval"
        await _wait(ctx, waiting)
        return False
    if is_consequential(rt, step, wf.tenant) and not ctx.state.get("approved"):
        await _wait(ctx, "approval")  # no person approved since the last consequential step: ask one
        return False
    return await _work(ctx, step)


def _over_budget(ctx: _Ctx) -> str | None:
    run, budget = ctx.run, ctx.wf.budget
    if run.steps_run >= budget.max_steps:
        return f"the run executed budget.max_steps ({budget.max_steps}) steps"
    if budget.max_tokens is not None and run.tokens > budget.max_tokens:
        return f"the run used {run.tokens} tokens, more than budget.max_tokens ({budget.max_tokens})"
    if run.deadline_at is not None and utcnow() > run.deadline_at:
        return f"the engine worked on the run longer than budget.max_seconds ({budget.max_seconds:g} s) at one go"
    return None


async def _settle_cut_intent(ctx: _Ctx, step: Step) -> bool:
    """A ``started`` intent for this step means a process died while running it (see the module)."""
    with ctx.rt.engine.connect() as conn:
        cut = conn.execute(select(workflow_steps.c.id, workflow_steps.c.seq).where(
            workflow_steps.c.run_id == ctx.run.id, workflow_steps.c.status == "started",
            workflow_steps.c.step == step.id)).first()
    if cut is None:
        return True
    if is_idempotent(ctx.rt, step, ctx.wf.tenant):
        def abandon(conn: Connection) -> None:
            _hold(conn, ctx, "abandoned intent")
            conn.execute(update(workflow_steps).where(workflow_steps.c.id == cut.id)
                         .values(status="abandoned", finished_at=utcnow()))
            ledger.append(conn, tenant_id=ctx.run.tenant_id, actor=ENGINE, action="workflow.step_abandoned",
                          subject=ctx.run.id, event={"seq": cut.seq, "step": step.id, "rerun": True})
        await ctx.rt.writer.awrite(abandon)
        return True
    await _wait(ctx, "person", status="needs_attention", code="workflow_step_uncertain",
                error=f"step {step.id!r} was cut off while running and is not idempotent: it may or may not have "
                      "happened. A person checks, then `charter workflows resume RUN --retry` or --skip")
    return False


# -- writes ------------------------------------------------------------------------------------

def _run_values(ctx: _Ctx, **values: Any) -> dict[str, Any]:
    return {"state": seal_state(ctx.rt, ctx.run.id, ctx.state), "updated_at": utcnow(), **values}


async def _wait(ctx: _Ctx, waiting_for: str, *, status: str = "waiting", code: str | None = None,
                error: str | None = None, review_id: str | None = None) -> None:
    def write(conn: Connection) -> None:
        _hold(conn, ctx, "wait")
        conn.execute(update(workflow_runs).where(workflow_runs.c.id == ctx.run.id).values(
            **_run_values(ctx, status=status, waiting_for=waiting_for, error_code=code, error=error,
                          review_id=review_id)))
        ledger.append(conn, tenant_id=ctx.run.tenant_id, actor=ENGINE, action="workflow.run_waiting",
                      subject=ctx.run.id, event={"step": ctx.run.step, "waiting_for": waiting_for, "status": status,
                                                 "error_code": code, "review_id": review_id})
    await ctx.rt.writer.awrite(write)


async def _finish(ctx: _Ctx, status: str, code: str | None = None, error: str | None = None) -> None:
    result = None
    if status == "succeeded" and ctx.wf.output:
        try:
            result = render(ctx.wf.output, ctx.names())
        except CharterError as exc:
            status, code, error = "failed", exc.code, exc.message
    ctx.state["result"] = result

    def write(conn: Connection) -> None:
        _hold(conn, ctx, "finish")
        now = utcnow()
        conn.execute(update(workflow_runs).where(workflow_runs.c.id == ctx.run.id).values(
            **_run_values(ctx, status=status, step=None, waiting_for=None, error_code=code, error=error,
                          finished_at=now)))
        ledger.append(conn, tenant_id=ctx.run.tenant_id, actor=ENGINE, action="workflow.run_finished",
                      subject=ctx.run.id, event={"status": status, "error_code": code, "steps_run": ctx.run.steps_run,
                                                 "tokens": ctx.run.tokens, "result_sha256": digest(result)})
    await ctx.rt.writer.awrite(write)


def _next_seq(conn: Connection, run_id: str) -> int:
    last = conn.execute(select(workflow_steps.c.seq).where(workflow_steps.c.run_id == run_id)
                        .order_by(workflow_steps.c.seq.desc()).limit(1)).scalar()
    return 1 if last is None else int(last) + 1


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step's row as :func:`record_step` writes it (or completes it, given ``seq``)."""

    step: str
    kind: str  # model | connector | branch | approval | settle
    status: str  # started | done | failed | held | approved | rejected | resolved
    actor: str
    inputs: Any
    output: Any
    started: dt.datetime
    seq: int | None = None  # the intent's seq to complete; None writes a new row
    interaction_id: str | None = None
    tokens: int = 0
    error_code: str | None = None


def record_step(conn: Connection, rt: Runtime, run: Any, record: StepRecord) -> int:
    """Write (or complete, given ``record.seq``) a step's row and its ledger entry, in the caller's
    transaction; returns its seq."""
    now = utcnow()
    output = record.output
    values: dict[str, Any] = {
        "status": record.status, "actor": record.actor, "output_sha256": None if output is None else digest(output),
        "interaction_id": record.interaction_id, "tokens": record.tokens, "error_code": record.error_code,
        "finished_at": None if record.status == "started" else now, "inputs_sha256": digest(record.inputs)}
    seq = _next_seq(conn, run.id) if record.seq is None else record.seq
    values["sealed"] = seal_json(rt, {"inputs": record.inputs, "output": output}, step_binding(run.id, seq))
    if record.seq is None:
        conn.execute(workflow_steps.insert().values(id=new_id("wfs"), tenant_id=run.tenant_id, run_id=run.id,
                                                    seq=seq, step=record.step, kind=record.kind,
                                                    started_at=record.started, **values))
    else:
        conn.execute(update(workflow_steps).where(workflow_steps.c.run_id == run.id, workflow_steps.c.seq == seq)
                     .values(**values))
    ledger.append(conn, tenant_id=run.tenant_id, actor=record.actor, action="workflow.step", subject=run.id, event={
        "seq": seq, "step": record.step, "kind": record.kind, "status": record.status,
        "inputs_sha256": values["inputs_sha256"], "output_sha256": values["output_sha256"],
        "interaction_id": record.interaction_id, "tokens": record.tokens, "error_code": record.error_code})
    return seq


async def _advance_to(ctx: _Ctx, target: str, record: StepRecord) -> None:
    """Record the step done (``record``, its status set here) and move the run to ``target``, in one
    transaction, while this worker still holds the run."""
    ctx.state["outputs"][record.step] = record.output
    ctx.state["visits"][record.step] = ctx.state["visits"].get(record.step, 0) + 1

    def write(conn: Connection) -> None:
        _hold(conn, ctx, "result")
        record_step(conn, ctx.rt, ctx.run, replace(record, status="done"))
        conn.execute(update(workflow_runs).where(workflow_runs.c.id == ctx.run.id).values(**_run_values(
            ctx, step=target, status="running", waiting_for=None, review_id=None,
            steps_run=ctx.run.steps_run + 1, tokens=ctx.run.tokens + record.tokens)))
    await ctx.rt.writer.awrite(write)


# -- steps -------------------------------------------------------------------------------------

async def _branch(ctx: _Ctx, step: Step) -> None:
    started = utcnow()
    names = ctx.names()
    target = END
    taken = None
    try:
        for i, entry in enumerate(step.branch or ()):
            if entry.when is None or evaluate(entry.when, names):
                target, taken = entry.goto, i
                break
    except CharterError as exc:
        await _fail_step(ctx, step, "branch", None, exc, started)
        return
    await _advance_to(ctx, target, StepRecord(step.id, "branch", "done", ENGINE, {"entries": len(step.branch or ())},
                                              {"taken": taken, "goto": target}, started))


async def _fail_step(ctx: _Ctx, step: Step, kind: str, seq: int | None, exc: CharterError,
                     started: dt.datetime, inputs: Any = None) -> None:
    def write(conn: Connection) -> None:
        _hold(conn, ctx, "failure")
        record_step(conn, ctx.rt, ctx.run, StepRecord(step.id, kind, "failed", ENGINE, inputs, {"error": exc.message},
                                                      started, seq=seq, error_code=exc.code))
    await ctx.rt.writer.awrite(write)
    await _finish(ctx, "failed", exc.code, f"step {step.id!r}: {exc.message}")


async def _work(ctx: _Ctx, step: Step) -> bool:
    """A connector or model step: intent, the call (bounded by the step's and the run's time), result."""
    started = utcnow()
    names = ctx.names()
    kind = step.kind
    try:
        if step.connector is not None:
            inputs: Any = {"connector": step.connector, "arguments": render(step.arguments, names)}
        else:
            assert step.model is not None
            inputs = {"use_case": step.model.use_case or ctx.wf.use_case,
                      "message": render(step.model.message, names), "variables": render(step.model.variables, names)}
    except CharterError as exc:
        await _fail_step(ctx, step, kind, None, exc, started)
        return False
    seq: int | None = None
    if not is_idempotent(ctx.rt, step, ctx.wf.tenant):  # a read needs no intent: cut off, it simply runs again
        def intent(conn: Connection) -> int:
            _hold(conn, ctx, "intent")
            return record_step(conn, ctx.rt, ctx.run, StepRecord(step.id, kind, "started", ENGINE, inputs, None,
                                                                 started))
        seq = await ctx.rt.writer.awrite(intent)
    timeout = step.timeout_s
    if ctx.run.deadline_at is not None:
        left = (ctx.run.deadline_at - utcnow()).total_seconds()
        timeout = left if timeout is None else min(timeout, left)
    try:
        output, tokens, interaction_id, held = await asyncio.wait_for(_call(ctx, step, inputs), timeout)
    except TimeoutError:
        late = BudgetExceeded(f"the step ran past its time ({timeout:g} s)", code="workflow_budget_exceeded")
        await _fail_step(ctx, step, kind, seq, late, started, inputs)
        return False
    except CharterError as failed:
        await _fail_step(ctx, step, kind, seq, failed, started, inputs)
        return False
    if held is not None:  # the use case's review rule held the answer: wait for the person's decision
        def hold(conn: Connection) -> None:
            _hold(conn, ctx, "held answer")
            record_step(conn, ctx.rt, ctx.run, StepRecord(step.id, kind, "held", ENGINE, inputs, {"review_id": held},
                                                          started, seq=seq, interaction_id=interaction_id,
                                                          tokens=tokens))
            conn.execute(update(workflow_runs).where(workflow_runs.c.id == ctx.run.id).values(
                tokens=ctx.run.tokens + tokens))
        await ctx.rt.writer.awrite(hold)
        await _wait(ctx, "review", review_id=held)
        return False
    if is_consequential(ctx.rt, step, ctx.wf.tenant):
        ctx.state["approved"] = False  # the next consequential step needs a fresh approval
    await _advance_to(ctx, ctx.wf.after(step), StepRecord(step.id, kind, "done", ENGINE, inputs, output, started,
                                                          seq=seq, interaction_id=interaction_id, tokens=tokens))
    return True


async def _call(ctx: _Ctx, step: Step, inputs: dict[str, Any]) -> tuple[Any, int, str | None, str | None]:
    """(output, tokens, interaction id, review id of a held answer)."""
    if step.connector is not None:
        connector = connectors_of(ctx.rt).get(step.connector, ctx.wf.tenant)
        arguments = inputs["arguments"]
        error = jsonschema.exceptions.best_match(
            jsonschema.validators.validator_for(connector.parameters)(connector.parameters).iter_errors(arguments))
        if error is not None:
            raise InvalidRequest(f"arguments for connector {connector.name!r} fail its schema at {error.json_path} "
                                 f"(`{error.validator}`)", code="invalid_value")
        output = await connector.call(arguments, CallContext(ctx.principal, ctx.run.id, step.id))
        return output, 0, None, None
    assert step.model is not None
    principal = run_principal(ctx.run.id, ctx.run.tenant_id, ctx.wf.tenant, inputs["use_case"])
    answer = await ask_model(ctx.rt, principal, ctx.run.id, step.id, step.model, inputs["message"],
                             inputs["variables"])
    interaction_id = answer.interaction_ids[-1] if answer.interaction_ids else None
    if answer.held_review_id is not None:
        return None, answer.tokens, interaction_id, answer.held_review_id
    output = parse_output(step.model, step.id, answer.content)
    return output, answer.tokens, interaction_id, None


async def _review_released(ctx: _Ctx) -> bool:
    """A model step whose answer a person reviews: go on once released, stop while pending."""
    run = ctx.run
    with ctx.rt.engine.connect() as conn:
        held = conn.execute(select(workflow_steps).where(workflow_steps.c.run_id == run.id,
                                                         workflow_steps.c.status == "held")
                            .order_by(workflow_steps.c.seq.desc()).limit(1)).one()
    step = ctx.wf.step(run.step)
    use_case = step.model.use_case if step.model and step.model.use_case else ctx.wf.use_case
    principal = run_principal(run.id, run.tenant_id, ctx.wf.tenant, use_case)
    with ctx.rt.engine.connect() as conn:
        status, body = requester_view(ctx.rt, conn, principal, run.review_id)
    if status == 202:
        return False
    review = body.get("review", {})
    started = held.started_at
    if review.get("status") == "rejected":
        rejected = Conflict(f"a reviewer did not release the model's answer: {review.get('reason')}",
                            code="review_rejected")
        await _fail_step(ctx, step, "model", held.seq, rejected, started)
        return False
    assert step.model is not None
    content = body["choices"][0]["message"].get("content") or ""
    try:
        output = parse_output(step.model, step.id, content)
    except CharterError as exc:
        await _fail_step(ctx, step, "model", held.seq, exc, started)
        return False
    await _advance_to(ctx, ctx.wf.after(step), StepRecord(
        step.id, "model", "done", str(review.get("id")), {"review_id": run.review_id}, output, started,
        seq=held.seq, interaction_id=held.interaction_id))
    return True
