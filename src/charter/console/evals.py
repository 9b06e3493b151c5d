"""Evaluation pages: runs (newest first, with their aggregate scores drawn over time), one run with its
items, and the comparison of two runs: each metric's difference with its bootstrap confidence
interval, as a table and an inline SVG plot. The same :mod:`charter.evals` functions and roles as
``/api/v1/evals`` (readers admin, developer, reviewer, auditor)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy import Connection

from charter.api.deps import get_runtime
from charter.catalog import list_models
from charter.console.charts import Interval, Series, interval_chart, line_chart
from charter.console.web import PREFIX, ConsoleRoute, Posted, Viewer, posted, redirect, render, signed_in
from charter.errors import InvalidRequest, NotFound
from charter.evals import compare, datasets, experiments
from charter.evals.launch import RunRequest, launch_run
from charter.policy import service as policy
from charter.principals import roles
from charter.prompts import versions
from charter.runtime import Runtime

__all__ = ["EVAL_BUILDERS", "EVAL_READERS", "router"]

router = APIRouter(prefix=PREFIX + "/evals", route_class=ConsoleRoute, include_in_schema=False)

EVAL_READERS = roles.STAFF
EVAL_BUILDERS = roles.BUILDERS
#: Prompt versions offered in the start form (newest first, across prompts).
PROMPT_CHOICES = 200
#: Seconds between two looks at a running experiment.
POLL_S = 2
RUNS = 50
ITEMS = 200
PLOTTED = 4


@router.get("")
def runs_page(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*EVAL_READERS)
    rt = get_runtime(request)
    runs = rt.read(lambda conn: experiments.list_runs(conn, p.tenant_id, limit=RUNS))
    finished = [r for r in reversed(runs) if r["status"] == "finished"]
    metrics = sorted({m for r in finished for m in r["aggregates"]})[:PLOTTED]
    svg = None
    if finished and metrics:
        labels = [f"{r['started_at'][:10]} {r['model']}" for r in finished]
        series = [Series(m, [r["aggregates"].get(m) for r in finished]) for m in metrics]
        svg = line_chart("chart-runs", "Aggregate scores of the finished runs, oldest first", labels, series)
    choices = _choices(rt, p.tenant_id, viewer) if viewer.may(*EVAL_BUILDERS) else None
    return render(request, "evals.html", viewer=viewer, runs=runs, svg=svg, metrics=metrics, finished=finished,
                  choices=choices)


def _choices(rt: Runtime, tenant_id: str, viewer: Viewer) -> dict[str, Any]:
    """What the start form offers: use cases (their suites), datasets, evaluators, models, prompt versions."""
    return {**rt.read(lambda conn: _choices_stored(conn, tenant_id)), "evaluators": rt.extensions.names("evaluators")}


def _choices_stored(conn: Connection, tenant_id: str) -> dict[str, list[str]]:
    return {
        "use_cases": [u["name"] for u in policy.list_use_cases(conn, tenant_id)],
        "datasets": [d["name"] for d in datasets.list_datasets(conn, tenant_id)],
        "models": sorted({m["alias"] for m in list_models(conn, tenant_id)}),
        "prompts": [f"{p['name']}@{n}" for p in versions.list_prompts(conn, tenant_id)
                    for n in range(p["latest"], 0, -1)][:PROMPT_CHOICES],
    }


def _whole(post: Posted, name: str, default: int, low: int, high: int) -> int:
    raw = post.text(name, max_length=12) or str(default)
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        raise InvalidRequest(f"{name} must be a whole number from {low} to {high}", code="invalid_value", param=name)
    return int(raw)


@router.post("/runs")
async def start(request: Request, post: Posted = Depends(posted)) -> Response:
    """Start an experiment as ``POST /api/v1/evals/runs`` does (same body, same checks, same background
    task), then show its progress. With a use case its suite is the dataset and evaluators; without
    one, a dataset, evaluators (comma-separated) and a model are needed, as the API says."""
    p = post.viewer.require(*EVAL_BUILDERS)
    evaluators = [e.strip() for e in post.text("evaluators", max_length=2000).split(",") if e.strip()]
    fields: dict[str, Any] = {
        "use_case": post.text("use_case", max_length=64) or None,
        "dataset": post.text("dataset", max_length=80) or None,
        "evaluators": evaluators,
        "prompts": [v for v in [post.text("prompt", max_length=80)] if v],
        "models": [v for v in [post.text("model", max_length=64)] if v],
        "seed": _whole(post, "seed", 0, 0, 2**31 - 1),
        "concurrency": _whole(post, "concurrency", 4, 1, 64),
    }
    try:
        body = RunRequest(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidRequest(f"{where}: {first['msg']}", code="invalid_value", param=where) from exc
    started = await launch_run(get_runtime(request), p, body)
    return redirect(f"{PREFIX}/evals/experiments/{started['experiment_id']}")


@router.get("/experiments/{experiment_id}")
async def experiment_page(experiment_id: str, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    """An experiment's runs with their progress; while one runs, htmx asks again every :data:`POLL_S`
    seconds for the table alone (a page without JavaScript says to reload)."""
    p = viewer.require(*EVAL_READERS)
    rt = get_runtime(request)

    rows = await asyncio.to_thread(rt.read, lambda conn: experiments.list_runs(conn, p.tenant_id,
                                                                              experiment=experiment_id))
    if not rows:
        raise NotFound(f"experiment {experiment_id!r} not found")
    running = any(r["status"] == "running" for r in rows)
    template = "eval_progress.html" if request.headers.get("hx-request") == "true" else "eval_experiment.html"
    return render(request, template, viewer=viewer, experiment_id=experiment_id, runs=rows, running=running,
                  poll_s=POLL_S)


@router.get("/runs/{run_id}")
def run_page(run_id: str, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*EVAL_READERS)
    rt = get_runtime(request)
    run, scored = rt.read(lambda conn: (experiments.run_dict(experiments.load_run(conn, p.tenant_id, run_id)),
                                        experiments.run_scored(conn, p.tenant_id, run_id)))
    items = [{"item": c.idx, "input": c.input, "output": a.text, "refused": a.refused, "error": a.error, "scores": s}
             for c, a, s in scored[:ITEMS]]
    return render(request, "eval_run.html", viewer=viewer, run=run, items=items, total=len(scored), shown=ITEMS)


@router.get("/compare")
def compare_page(request: Request, a: str = Query(min_length=1, max_length=40),
                 b: str = Query(min_length=1, max_length=40), viewer: Viewer = Depends(signed_in)) -> Response:
    """Run B against run A (the baseline), as ``GET /api/v1/evals/compare``."""
    p = viewer.require(*EVAL_READERS)
    rt = get_runtime(request)
    result = rt.read(lambda conn: compare.compare_runs(conn, p.tenant_id, a, b))
    intervals = [Interval(name, m["ci_low"], m["mean_item_delta"], m["ci_high"], worse=m["regressed"])
                 for name, m in result["metrics"].items()]
    svg = interval_chart("chart-compare", f"B minus A per metric, {result['confidence']:.0%} confidence intervals",
                         intervals) if intervals else None
    return render(request, "eval_compare.html", viewer=viewer, result=result, svg=svg)
