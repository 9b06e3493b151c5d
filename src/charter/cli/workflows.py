"""``charter workflows apply|list|run|runs|show|approve|resume``: governed workflows (docs/workflows.md).

The CLI acts as the operator (``cli:$USER``, or ``--actor``): a person who approves names
themselves with ``--actor``; the one who started a run may not approve it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from charter import workflows
from charter.cli.common import cli_actor, emit, emit_rows, open_runtime, tenant_id_of
from charter.cli.options import JsonFlag, TenantOption
from charter.domain import Principal
from charter.errors import InvalidRequest
from charter.runtime import Runtime

__all__ = ["app"]

app = typer.Typer(help="Governed workflows: apply, run, approve, resume.", no_args_is_help=True)

#: Who a workflow command acts as (this group's own help text).
WorkflowActor = Annotated[str | None, typer.Option("--actor", help="Who acts, as recorded (default cli:$USER).")]
_RUN_COLUMNS: dict[str, Any] = {"run": "id", "workflow": "workflow", "v": "version", "status": "status",
                                "step": lambda r: r["step"] or "", "waiting for": lambda r: r["waiting_for"] or "",
                                "batch": lambda r: r["batch_id"] or "", "error": lambda r: r["error_code"] or ""}


@contextlib.contextmanager
def _as_operator(tenant: str, actor: str | None, json_output: bool) -> Iterator[tuple[Runtime, Principal]]:
    """A runtime, and the operator acting in ``tenant`` (an admin of the platform, named ``actor``)."""
    with open_runtime(json_output) as rt:
        yield rt, Principal(key_id=cli_actor(actor), tenant_id=tenant_id_of(rt, tenant), tenant=tenant, role="admin",
                            use_case=None, platform=True)


def _json_arg(text: str | None, param: str) -> Any:
    if text is None:
        return None
    raw = Path(text[1:]).read_text(encoding="utf-8") if text.startswith("@") else text
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"--{param} is not JSON: {exc}", code="invalid_json", param=param) from None


@app.command()
def apply(path: Path, actor: WorkflowActor = None, json_output: JsonFlag = False) -> None:
    """Store a workflow YAML as its next version (unchanged: no new version); ledgered."""
    with open_runtime(json_output) as rt:
        result = workflows.apply(rt, path.read_text(encoding="utf-8"), actor=cli_actor(actor))
    state = "new version" if result["changed"] else "unchanged"
    emit(result, json_output, human=f"{result['name']} v{result['version']} ({state}), sha256 {result['sha256']}")


@app.command("list")
def list_(tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """The tenant's workflows (latest versions)."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        rows = workflows.list_workflows(conn, tenant_id_of(rt, tenant))
    emit_rows(rows, json_output, "workflows", {"name": "name", "version": "version", "steps": "steps",
                                               "by": "created_by", "at": "created_at"})


@app.command()
def run(
    name: str,
    input_json: str | None = typer.Option(None, "--input", help="The run's input as JSON (or @file.json)."),
    batch: Path | None = typer.Option(None, "--batch", help="A JSON Lines file: one run per line, in one batch."),
    version: int | None = typer.Option(None, "--version", help="A version other than the latest."),
    tenant: TenantOption = "demo",
    actor: WorkflowActor = None,
    json_output: JsonFlag = False,
) -> None:
    """Run a workflow until it waits for a person, finishes or fails."""
    with _as_operator(tenant, actor, json_output) as (rt, who):
        if batch is not None:
            items = [json.loads(line) for line in batch.read_text(encoding="utf-8").splitlines() if line.strip()]
            result = asyncio.run(workflows.run_batch(rt, who, name, items, version=version))
            emit(result, json_output, human=f"batch {result['batch_id']}: {len(items)} runs, {result['counts']}")
            return
        value = _json_arg(input_json, "input") or {}
        record = asyncio.run(workflows.run_workflow(rt, who, name, value, version=version))
    emit(record, json_output, human=_describe(record))


def _describe(r: dict[str, Any]) -> str:
    where = f" at {r['step']}" if r["step"] else ""
    waiting = f" for {r['waiting_for']}" if r["waiting_for"] else ""
    error = f": {r['error']}" if r["error"] else ""
    return f"{r['id']} {r['status']}{where}{waiting}{error}"


@app.command()
def runs(
    workflow: str | None = typer.Option(None, "--workflow"),
    status: str | None = typer.Option(None, "--status"),
    batch: str | None = typer.Option(None, "--batch"),
    limit: int = typer.Option(100, "--limit"),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Runs, newest first."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        rows = workflows.list_runs(conn, tenant_id_of(rt, tenant), workflow=workflow, status=status, batch_id=batch,
                                   limit=limit)
    emit_rows(rows, json_output, "workflow runs", _RUN_COLUMNS)


@app.command()
def show(
    run_id: str, tenant: TenantOption = "demo", actor: WorkflowActor = None, json_output: JsonFlag = False
) -> None:
    """A run with every step's inputs, output, actor and timing (the read is ledgered)."""
    with _as_operator(tenant, actor, json_output) as (rt, who):
        found = rt.writer.write(lambda c: workflows.show_run(rt, c, who, run_id))
    if json_output:
        emit(found, json_output)
        return
    emit_rows(found["steps"], json_output, _describe(found), {
        "#": "seq", "step": "step", "kind": "kind", "status": "status", "actor": "actor",
        "error": lambda r: r["error_code"] or "", "finished": lambda r: r["finished_at"] or ""})


@app.command()
def approve(
    run_id: str | None = typer.Argument(None, help="The run waiting for approval."),
    batch: str | None = typer.Option(None, "--batch", help="Sign off a whole batch instead (HO-3)."),
    reject: bool = typer.Option(False, "--reject", help="Reject instead (needs --comment)."),
    comment: str = typer.Option("", "--comment"),
    tenant: TenantOption = "demo",
    actor: WorkflowActor = None,
    json_output: JsonFlag = False,
) -> None:
    """Approve (or reject) a run waiting for a person, or sign off a batch; then the runs go on."""
    if batch is not None and (run_id is not None or reject):
        raise typer.BadParameter("--batch signs off a batch: give no run and no --reject")
    if batch is None and run_id is None:
        raise typer.BadParameter("name a run, or --batch")
    with _as_operator(tenant, actor, json_output) as (rt, who):
        if batch is not None:
            result = asyncio.run(workflows.sign_off(rt, who, batch, comment=comment))
            emit(result, json_output, human=f"batch {batch}: {result['signed_off']} runs signed off")
            return
        assert run_id is not None
        record = asyncio.run(workflows.decide(rt, who, run_id, approve=not reject, comment=comment))
    emit(record, json_output, human=_describe(record))


@app.command()
def resume(
    run_id: str,
    retry: bool = typer.Option(False, "--retry", help="The cut step did not happen (checked): run it again."),
    skip: bool = typer.Option(False, "--skip", help="The cut step did happen: go on with --output."),
    output: str | None = typer.Option(None, "--output", help="With --skip: what the step returned (JSON)."),
    tenant: TenantOption = "demo",
    actor: WorkflowActor = None,
    json_output: JsonFlag = False,
) -> None:
    """Go on with a run after a restart (a run cut off in a non-idempotent step needs --retry or --skip)."""
    if retry and skip:
        raise typer.BadParameter("--retry or --skip, not both")
    settle: Literal["retry", "skip"] | None = "retry" if retry else "skip" if skip else None
    with _as_operator(tenant, actor, json_output) as (rt, who):
        record = asyncio.run(workflows.resume(rt, who, run_id, settle=settle, output=_json_arg(output, "output")))
    emit(record, json_output, human=_describe(record))
