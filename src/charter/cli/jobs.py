"""``charter jobs list|run`` (the scheduler's jobs) and ``charter doctor`` (the health checks)."""

from __future__ import annotations

import asyncio
from typing import Any

import typer

from charter.cli.common import emit, open_runtime, table
from charter.cli.options import JsonFlag
from charter.errors import CharterError
from charter.jobs.service import list_jobs, run_job
from charter.monitor.health import CheckResult, HealthReport, run_checks
from charter.runtime import Runtime
from charter.settings import load_settings

__all__ = ["app", "doctor", "register"]

app = typer.Typer(help="Scheduled jobs: what runs when, on which replica, and how it went.", no_args_is_help=True)


@app.command("list")
def list_(
    job: str | None = typer.Option(None, help="Only this job and its runs."),
    limit: int = typer.Option(20, min=1, max=1000, help="Runs to list, newest first."),
    json_output: JsonFlag = False,
) -> None:
    """Every job (interval, next due time, lease holder, last run) and the latest runs."""
    with open_runtime(json_output) as rt:
        report = list_jobs(rt, job=job, limit=limit)
    jobs = table(
        "jobs",
        ["job", "every (s)", "due", "running on", "last run", "failures in a row"],
        [
            [
                j["name"],
                f"{j['interval_s']:g}",
                j["due_at"],
                j["holder"] or "",
                "" if j["last_run"] is None else f"{j['last_run']['status']} {j['last_run']['started_at']}",
                j["consecutive_failures"],
            ]
            for j in report["jobs"]
        ],
    )
    emit(report, json_output, human=jobs)


@app.command("run")
def run(name: str = typer.Argument(..., help="The job, e.g. kb.retention."), json_output: JsonFlag = False) -> None:
    """Run one job now in this process, through its lease (exit 3 when another replica holds it,
    1 when it fails)."""
    with open_runtime(json_output) as rt:
        result = asyncio.run(run_job(rt, name))
    if result is None:
        emit({"job": name, "status": "busy"}, json_output, human=f"{name} is running on another replica")
        raise typer.Exit(3)
    data = {"job": name, "run_id": result.run_id, "status": result.status, "outcome": result.outcome,
            "error": result.error}
    emit(data, json_output, human=f"{name}: {result.status}" + (f" ({result.error})" if result.error else ""))
    if result.status != "ok":
        raise typer.Exit(1)


def _report(rt: Runtime) -> HealthReport:
    return asyncio.run(run_checks(rt))


def doctor(json_output: JsonFlag = False) -> None:
    """Run the health checks of `/readyz` against this configuration. Exit 0: all pass; 1: a required
    check failed (a replica would not be ready); 2: only an advisory one (scheduler, jobs, alert sinks)."""
    try:
        rt = Runtime.open(load_settings())
    except Exception as exc:  # the store cannot even be opened: that is the finding
        message = exc.message if isinstance(exc, CharterError) else f"{type(exc).__name__}: {exc}"
        report = HealthReport([CheckResult("store", False, f"cannot open the store: {message}"[:500])])
    else:
        try:
            report = _report(rt)
        finally:
            rt.close()
    emit(report.as_dict(), json_output, human=_human(report))
    if not report.ready:
        raise typer.Exit(1)
    if report.failed():
        raise typer.Exit(2)


def _human(report: HealthReport) -> Any:
    rows = [
        [r.name, "[green]ok[/green]" if r.ok else ("[red]FAIL[/red]" if r.required else "[yellow]WARN[/yellow]"),
         r.detail]
        for r in report.results
    ]
    return table(f"health: {report.status}", ["check", "", "detail"], rows)


def register(root: typer.Typer) -> None:
    root.command()(doctor)
