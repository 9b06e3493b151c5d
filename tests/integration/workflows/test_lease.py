"""A worker whose lease on a run lapsed and was taken over writes nothing (both stores): two workers,
the lease stolen between a step's start and its result write. The first worker's write fails with
``409 workflow_lease_lost`` and a ``workflow.lease_lost`` ledger entry; the run is as the second
worker left it."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select, update

from charter.connectors import CallContext
from charter.errors import Conflict
from charter.ledger.tables import ledger_entries
from charter.store.schema import utcnow
from charter.workflows import advance, apply, decide, run_workflow, show_run
from charter.workflows.tables import workflow_runs
from tests.integration.workflows.conftest import WORKFLOW, Desk, install


def _expire_lease(desk: Desk, run_id: str) -> None:
    """What two minutes without a write look like: the lease's time is past."""
    desk.rt.writer.write(lambda c: c.execute(update(workflow_runs).where(workflow_runs.c.id == run_id).values(
        lease_until=utcnow() - dt.timedelta(seconds=1))))


def _lease_lost(desk: Desk, run_id: str) -> list[dict[str, Any]]:
    with desk.rt.engine.connect() as conn:
        return [json.loads(e) for e in conn.execute(select(ledger_entries.c.event).where(
            ledger_entries.c.subject == run_id, ledger_entries.c.action == "workflow.lease_lost")).scalars()]


def test_a_worker_whose_lease_was_taken_over_does_not_overwrite_the_new_holder(desk: Desk) -> None:
    apply(desk.rt, WORKFLOW, actor="test")
    admin = desk.principal("admin")
    lookup = desk.office.lookup
    second: dict[str, Any] = {}

    async def slow_lookup(arguments: dict[str, Any], context: CallContext) -> dict[str, Any]:
        """The first worker's lookup outlives its lease: meanwhile a second worker takes the run over
        and advances it to the sign-off. Then the first worker's lookup returns."""
        if not second:
            second["run_id"] = context.run_id
            _expire_lease(desk, context.run_id)
            second["record"] = await advance(desk.rt, admin.tenant_id, context.run_id)  # the second worker
        return await lookup(arguments, context)

    desk.office.lookup = slow_lookup  # type: ignore[method-assign]
    install(desk.rt, desk.office)
    with pytest.raises(Conflict) as lost:
        asyncio.run(run_workflow(desk.rt, admin, "refund-check", {"case": "ok-1"}))
    assert lost.value.code == "workflow_lease_lost"
    assert "another worker took the run over" in lost.value.message
    run_id = second["run_id"]
    assert second["record"]["status"] == "waiting" and second["record"]["step"] == "signoff"

    shown = desk.rt.writer.write(lambda c: show_run(desk.rt, c, admin, run_id))
    assert (shown["status"], shown["step"], shown["waiting_for"]) == ("waiting", "signoff", "approval")
    # the second worker's steps, once each: the first worker's lookup result was never written
    assert [s["step"] for s in shown["steps"]] == ["lookup", "decide", "route"]
    assert [e["step"] for e in _lease_lost(desk, run_id)] == ["lookup"]
    assert _lease_lost(desk, run_id)[0]["write"] == "result"
    with desk.rt.engine.connect() as conn:  # the second worker gave its lease back; nobody holds the run
        assert conn.execute(select(workflow_runs.c.lease_owner).where(workflow_runs.c.id == run_id)).scalar() is None


def test_a_cut_letter_taken_over_stays_with_a_person_not_the_late_worker(desk: Desk) -> None:
    """Not idempotent: the second worker finds the first one's intent and asks a person; the first
    worker's late "sent" does not mark the run succeeded over that."""
    apply(desk.rt, WORKFLOW, actor="test")
    admin, reviewer = desk.principal("admin"), desk.principal("reviewer")
    send = desk.office.send
    second: dict[str, Any] = {}

    async def slow_send(arguments: dict[str, Any], context: CallContext) -> dict[str, Any]:
        if not second:
            second["taken"] = True
            _expire_lease(desk, context.run_id)
            second["record"] = await advance(desk.rt, admin.tenant_id, context.run_id)
        return await send(arguments, context)

    desk.office.send = slow_send  # type: ignore[method-assign]
    install(desk.rt, desk.office)
    run_id = asyncio.run(run_workflow(desk.rt, admin, "refund-check", {"case": "high-1"}))["id"]  # a denial
    with pytest.raises(Conflict) as lost:
        asyncio.run(decide(desk.rt, reviewer, run_id, approve=True, comment="checked"))
    assert lost.value.code == "workflow_lease_lost"
    assert (second["record"]["status"], second["record"]["error_code"]) == ("needs_attention",
                                                                          "workflow_step_uncertain")
    with desk.rt.engine.connect() as conn:
        row = conn.execute(select(workflow_runs).where(workflow_runs.c.id == run_id)).one()
    assert (row.status, row.step, row.finished_at) == ("needs_attention", "send", None)
    assert [e["step"] for e in _lease_lost(desk, run_id)] == ["send"]
    assert len(desk.office.letters) == 1  # sent once, by the first worker; the second never sent it


def test_a_worker_that_keeps_its_lease_writes_as_before(desk: Desk) -> None:
    """The control: the same slow lookup without a take-over finishes the step (the check is on the
    owner, not on the clock alone: a lapsed lease nobody took is still this worker's)."""
    apply(desk.rt, WORKFLOW, actor="test")
    admin = desk.principal("admin")
    lookup = desk.office.lookup

    async def slow_lookup(arguments: dict[str, Any], context: CallContext) -> dict[str, Any]:
        _expire_lease(desk, context.run_id)
        return await lookup(arguments, context)

    desk.office.lookup = slow_lookup  # type: ignore[method-assign]
    install(desk.rt, desk.office)
    record = asyncio.run(run_workflow(desk.rt, admin, "refund-check", {"case": "ok-1"}))
    assert (record["status"], record["step"]) == ("waiting", "signoff")
    assert _lease_lost(desk, record["id"]) == []
