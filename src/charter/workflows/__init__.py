"""Governed workflows: declared steps (model calls through the gateway, connector calls, branches,
bounded loops, approvals, batch sign-off) run by a small engine whose state is durable in Charter's
store and whose every step is recorded and ledgered. See docs/workflows.md."""

from __future__ import annotations

from typing import Any

from charter.domain import Principal
from charter.runtime import Runtime
from charter.workflows.decisions import decide, resume, sign_off
from charter.workflows.engine import advance, check_connectors, run_batch, start_run
from charter.workflows.spec import Workflow, parse_workflow
from charter.workflows.store import apply_workflow, list_runs, list_workflows, load_workflow, show_run

__all__ = [
    "Workflow",
    "advance",
    "apply",
    "apply_workflow",
    "decide",
    "list_runs",
    "list_workflows",
    "load_workflow",
    "parse_workflow",
    "resume",
    "run_batch",
    "run_workflow",
    "show_run",
    "sign_off",
    "start_run",
]


async def run_workflow(rt: Runtime, principal: Principal, name: str, value: Any,
                       *, version: int | None = None) -> dict[str, Any]:
    """Start a run and advance it until it waits for a person, finishes or fails."""
    run_id = await start_run(rt, principal, name, value, version=version)
    return await advance(rt, principal.tenant_id, run_id)


def apply(rt: Runtime, source: str, *, actor: str, tenant: str | None = None) -> dict[str, Any]:
    """Check ``source`` (the YAML, and each connector it names against the connectors file) and store
    it as the workflow's next version."""
    wf, _ = parse_workflow(source)
    check_connectors(rt, wf)
    return rt.writer.write(lambda c: apply_workflow(c, source, actor=actor, tenant=tenant))
