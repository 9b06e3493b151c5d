"""``charter eval run|runs|compare|gate|report`` and ``charter eval dataset|suite|model-change ...``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Connection

from charter.cli.common import (
    cli_actor,
    console,
    emit,
    emit_listing,
    open_runtime,
    read_once,
    table,
    tenant_write,
    write_once,
)
from charter.cli.options import ActorOption, JsonFlag, RayWorkersOption, RetiredApiKeyEnv, TenantOption
from charter.errors import InvalidRequest
from charter.evals import approvals, datasets, experiments, gate, harvest, report, suites
from charter.evals.breakdown import breakdown
from charter.evals.compare import compare_runs
from charter.evals.drift import check_drift
from charter.evals.fanout import RayFanout
from charter.evals.gate import GateDecision
from charter.evals.targets import Target, TargetSpec, build_target
from charter.files import write_private
from charter.policy import service as policy
from charter.runtime import Runtime
from charter.secretstore import secret_name_refusal

app = typer.Typer(
    help="Evaluations: datasets, suites, experiments, comparisons, the promotion gate.", no_args_is_help=True
)
dataset_app = typer.Typer(help="Versioned evaluation datasets.", no_args_is_help=True)
suite_app = typer.Typer(help="A use case's evaluation suite (gates its promotions).", no_args_is_help=True)
model_app = typer.Typer(
    help="Model changes (MD-3): one person requests, another approves; then `usecases apply`.", no_args_is_help=True
)
app.add_typer(dataset_app, name="dataset")
app.add_typer(suite_app, name="suite")
app.add_typer(model_app, name="model-change")

#: ``--use-case NAME`` of the commands that judge the use case's suite runs against its thresholds
#: (``gate``, ``drift``).
JudgedUseCase = Annotated[str, typer.Option("--use-case", help="Use case whose suite and thresholds apply.")]


def _tenant(rt: Runtime, tenant: str) -> str:
    with rt.engine.connect() as conn:
        return policy.tenant_id_for(conn, tenant)


def _mapping(value: str | None, what: str) -> dict[str, Any]:
    """A mapping from a file path or inline YAML/JSON."""
    if not value:
        return {}
    text = Path(value).read_text(encoding="utf-8") if Path(value).is_file() else value
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{what} must be a mapping (a file or inline YAML/JSON)")
    return data


def _approve(tenant: str, json_output: bool, approve: Callable[[Connection, str], GateDecision]) -> GateDecision:
    """Record an approval, ``approve(conn, tenant_id)``; a refusal is recorded too, then exits 1."""
    with open_runtime(json_output) as rt:
        decision = tenant_write(rt, tenant, approve)
        if not decision.passed:  # recorded; refused in the runtime's error handling (exit 1)
            raise decision.error()
    return decision


# -- datasets -------------------------------------------------------------------------------
@dataset_app.command("import")
def dataset_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    name: str = typer.Option(..., help="Dataset name; each changed import is a new version."),
    fmt: str | None = typer.Option(None, "--format", help="jsonl | csv (default: from the suffix)."),
    description: str = typer.Option(""),
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Import a JSONL or CSV file (input, reference, context, tags, variables, metadata)."""
    kind = fmt or ("csv" if file.suffix.lower() == ".csv" else "jsonl")
    text = file.read_text(encoding="utf-8")
    result = write_once(
        tenant,
        json_output,
        lambda c, t: datasets.import_dataset(
            c, t, name, text, fmt=kind, actor=cli_actor(actor), source=file.name, description=description
        ),
    )
    emit(
        result,
        json_output,
        human=f"{name}@{result['version']}: {result['items']} items" + ("" if result["created"] else " (unchanged)"),
    )


@dataset_app.command("harvest")
def dataset_harvest(
    use_case: str = typer.Option(..., help="Use case whose production records to use."),
    name: str = typer.Option(..., help="Dataset name (a new version each time)."),
    source: str = typer.Option("interactions", "--from", help="interactions | corrections"),
    limit: int = typer.Option(200, help="Most recent interactions to take."),
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Build a dataset from answered interactions or consented corrections (redacted; needs may_train)."""
    request = harvest.HarvestRequest(use_case, name, actor=cli_actor(actor), limit=limit)
    with open_runtime(json_output) as rt:

        def build(conn: Connection, tenant_id: str) -> dict[str, Any]:
            if source == "corrections":
                return harvest.from_corrections(rt, conn, tenant_id, request)
            if source != "interactions":
                raise InvalidRequest("--from is interactions or corrections", code="invalid_value")
            return harvest.from_interactions(rt, conn, tenant_id, request)

        result = tenant_write(rt, tenant, build)
    emit(result, json_output, human=f"{name}@{result['version']}: {result['items']} items from {source}")


@dataset_app.command("list")
def dataset_list(tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """List datasets (latest versions)."""
    emit_listing(
        tenant, json_output, datasets.list_datasets, "datasets",
        {"name": "name", "version": "version", "items": "items", "source": "source", "created": "created_at"},
    )


# -- suites ---------------------------------------------------------------------------------
@suite_app.command("set")
def suite_set(
    use_case: str = typer.Option(..., help="Use case name."),
    dataset: str = typer.Option(..., help="Dataset name (pins its latest version) or name@N."),
    evaluator: list[str] = typer.Option(..., "--evaluator", "-e", help="Evaluator name (repeat)."),
    options: str | None = typer.Option(None, help="Evaluator options: {name: {option: value}}."),
    thresholds: str | None = typer.Option(
        None, help="{metric: {min|max|max_drop|max_rise: n}} (file or inline YAML/JSON)."
    ),
    params: str | None = typer.Option(None, help="Generation parameters, e.g. {max_tokens: 256}."),
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Create or replace a use case's evaluation suite."""
    opts = _mapping(options, "--options")
    spec = suites.SuiteSpec(
        use_case,
        dataset,
        evaluators=[{"name": name, "options": opts.get(name, {})} for name in evaluator],
        thresholds=_mapping(thresholds, "--thresholds"),
        params=_mapping(params, "--params"),
    )
    with open_runtime(json_output) as rt:
        known = rt.extensions.names("evaluators")
        result = tenant_write(
            rt, tenant, lambda c, t: suites.set_suite(c, t, spec, actor=cli_actor(actor), known=known)
        )
    emit(
        result,
        json_output,
        human=f"suite of {use_case}: {result['dataset']}, {', '.join(e['name'] for e in result['evaluators'])}",
    )


@suite_app.command("approve")
def suite_approve(
    use_case: str = typer.Option(..., help="Use case whose suite you reviewed."),
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Approve a suite's current state (not your own): it may then gate its writer's changes."""
    decision = _approve(
        tenant, json_output, lambda c, t: approvals.approve_suite(c, t, use_case, approver=cli_actor(actor))
    )
    emit(decision.as_dict(), json_output, human=f"approved {decision.subject} ({decision.id})")


@model_app.command("request")
def model_request(
    use_case: str = typer.Option(..., help="Use case whose default model should change."),
    to: str = typer.Option(..., "--to", help="The model alias to switch to."),
    reason: str = typer.Option("", help="Why (kept with the request and in the ledger)."),
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Ask for a model change; you are the requester, so someone else approves it."""
    result = write_once(
        tenant,
        json_output,
        lambda c, t: approvals.request_model_change(c, t, use_case, to_alias=to, actor=cli_actor(actor), reason=reason),
    )
    emit(result, json_output, human=f"request {result['id']}: {use_case} {result['from_alias']} -> {to}")


@model_app.command("approve")
def model_approve(
    request_id: str = typer.Argument(..., help="The request to approve."),
    run_id: str | None = typer.Option(None, "--run", help="The suite run to judge (default: the latest)."),
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Approve a model change request through the gate (not your own request); exits 1 when refused.
    The gate needs a finished suite run with the new model (and the production prompt) within the thresholds."""
    decision = _approve(
        tenant,
        json_output,
        lambda c, t: approvals.approve_model_change(c, t, request_id, approver=cli_actor(actor), run_id=run_id),
    )
    emit(decision.as_dict(), json_output, human=f"[green]approved[/green] {decision.subject} ({decision.id})")


@model_app.command("list")
def model_list(tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Recent model change requests."""
    emit_listing(
        tenant, json_output, approvals.list_model_change_requests, "model change requests",
        {"id": "id", "use case": "use_case", "from": "from_alias", "to": "to_alias", "requested by": "requested_by",
         "when": "created_at"},
    )


@suite_app.command("show")
def suite_show(use_case: str = typer.Option(...), tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Show a use case's suite."""
    data = read_once(tenant, json_output, lambda conn, t: suites.get_suite(conn, t, use_case).as_dict())
    emit(data, json_output)


# -- runs -----------------------------------------------------------------------------------
def _target_spec(tenant: str, tenant_id: str, target: str, secret: str | None) -> TargetSpec:
    if target == "providers":
        if secret is not None:
            raise InvalidRequest("--secret is for a --target URL", code="invalid_value", param="--secret")
        return TargetSpec("providers", tenant=tenant, tenant_id=tenant_id)
    if target.startswith(("http://", "https://")):
        return TargetSpec("url", tenant=tenant, tenant_id=tenant_id, url=target, secret=secret)
    raise InvalidRequest("--target is `providers` or the base URL of an OpenAI-compatible API", code="invalid_value")


def _plan(
    rt: Runtime,
    tenant_id: str,
    *,
    use_case: str | None,
    dataset: str | None,
    evaluator: list[str],
    prompt: list[str],
    model: list[str],
    seed: int,
    max_tokens: int | None,
) -> tuple[Any, str | None]:
    with rt.engine.connect() as conn:
        if use_case:
            suite = suites.get_suite(conn, tenant_id, use_case)
            charter = policy.get_charter(conn, tenant_id, use_case)[2]
            prompts: list[str | None] = list(prompt) or (
                [f"{charter.prompt}:{charter.prompt_label}"] if charter.prompt else [None]
            )
            params = dict(suite.params)
            plan = experiments.ExperimentPlan(
                dataset=f"{suite.dataset}@{suite.dataset_version}",
                models=tuple(model or charter.models[:1]),
                evaluators=suite.evaluators,
                prompts=tuple(prompts),
                use_case=use_case,
                params=params,
                seed=seed,
            )
            uc_id: str | None = suite.use_case_id
        else:
            if not dataset or not evaluator or not model:
                raise InvalidRequest("without --use-case give --dataset, --evaluator and --model", code="missing_field")
            plan = experiments.ExperimentPlan(
                dataset=dataset,
                models=tuple(model),
                evaluators=suites.evaluator_specs(evaluator),
                prompts=tuple(prompt) or (None,),
                seed=seed,
            )
            uc_id = None
    if max_tokens is not None:
        plan = experiments.ExperimentPlan(**{**plan.__dict__, "params": {**plan.params, "max_tokens": max_tokens}})
    return plan, uc_id


async def _execute(
    rt: Runtime,
    tenant_id: str,
    experiment_id: str,
    target: Target,
    concurrency: int,
    actor: str,
    show: bool,
    fanout: RayFanout | None = None,
) -> list[dict[str, Any]]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, disable=not show, transient=False) as progress:
        tasks: dict[str, Any] = {}

        def on_item(run_id: str, done: int, total: int) -> None:
            if run_id not in tasks:
                tasks[run_id] = progress.add_task(run_id, total=total)
            progress.update(tasks[run_id], completed=done)

        try:
            return await experiments.execute(
                rt, tenant_id, experiment_id, target, concurrency=concurrency, on_item=on_item, actor=actor,
                fanout=fanout,
            )
        finally:
            await target.aclose()
            if fanout is not None:
                fanout.close()


@app.command()
def run(
    use_case: str | None = typer.Option(None, help="Run this use case's suite."),
    dataset: str | None = typer.Option(None, help="Ad hoc: dataset name or name@N."),
    evaluator: list[str] = typer.Option([], "--evaluator", "-e", help="Ad hoc: evaluator (repeat)."),
    prompt: list[str] = typer.Option([], "--prompt", "-p", help="Prompt variant: name@N or name:label."),
    model: list[str] = typer.Option([], "--model", "-m", help="Model alias variant (repeat)."),
    target: str = typer.Option("providers", help="`providers` (registered models) or a base URL."),
    secret: str | None = typer.Option(
        None, help="Operator-defined secret sent to the --target URL (docs/operations.md, Provider secrets)."
    ),
    api_key_env: RetiredApiKeyEnv = None,
    concurrency: int = typer.Option(4, min=1, max=256),
    ray: bool = typer.Option(
        False, "--ray", help="Fan the items out over Ray (CHARTER_RAY_ADDRESS, else a local Ray instance)."
    ),
    ray_workers: RayWorkersOption = None,
    seed: int = typer.Option(0),
    max_tokens: int | None = typer.Option(None),
    resume: str | None = typer.Option(
        None, help="Finish an interrupted experiment (or run) without redoing stored items."
    ),
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Run a dataset over prompt x model variants; results are stored per item as they finish."""
    who = cli_actor(actor)
    with open_runtime(json_output) as rt:
        if api_key_env is not None:
            raise secret_name_refusal("--api-key-env", replacement="--secret")
        tenant_id = _tenant(rt, tenant)
        spec = _target_spec(tenant, tenant_id, target, secret)
        answers = build_target(rt, spec)
        fanout = None
        if ray or rt.settings.ray_address:
            fanout = RayFanout(rt.settings, spec, workers=ray_workers, concurrency=concurrency)
        experiment_id = resume
        if experiment_id is None:
            plan, uc_id = _plan(
                rt,
                tenant_id,
                use_case=use_case,
                dataset=dataset,
                evaluator=evaluator,
                prompt=prompt,
                model=model,
                seed=seed,
                max_tokens=max_tokens,
            )
            experiments.build_evaluators(rt, plan.evaluators, answers, tenant_id=tenant_id)
            started = rt.writer.write(
                lambda c: experiments.start_experiment(c, tenant_id, plan, actor=who, target=target, use_case_id=uc_id)
            )
            experiment_id = started["experiment_id"]
            if not json_output:
                console.print(f"experiment {experiment_id}: {len(started['runs'])} run(s) over {started['dataset']}")
        runs = asyncio.run(
            _execute(
                rt,
                tenant_id,
                experiment_id,
                answers,
                concurrency,
                who,
                not json_output,
                fanout,
            )
        )
    emit({"experiment_id": experiment_id, "runs": runs}, json_output, human=_runs_table(runs))
    if any(r["status"] != "finished" for r in runs):
        raise typer.Exit(3)


def _runs_table(runs: list[dict[str, Any]]) -> Any:
    metrics = sorted({m for r in runs for m in r["aggregates"]})
    return table(
        "runs",
        ["run", "model", "status", "done", *metrics],
        [
            [
                r["run_id"],
                r["model"],
                r["status"],
                f"{r['done']}/{r['items']}",
                *[_fmt(r["aggregates"].get(m)) for m in metrics],
            ]
            for r in runs
        ],
    )


def _fmt(value: Any) -> str:
    return "" if value is None else f"{value:.4g}"


@app.command()
def runs(
    experiment: str | None = typer.Option(None),
    limit: int = typer.Option(20),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """List recent runs."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        rows = experiments.list_runs(conn, policy.tenant_id_for(conn, tenant), limit=limit, experiment=experiment)
    emit(rows, json_output, human=_runs_table(rows))


@app.command()
def compare(
    a: str = typer.Argument(..., help="Baseline run."),
    b: str = typer.Argument(..., help="Candidate run."),
    resamples: int = typer.Option(2000),
    confidence: float = typer.Option(0.95),
    seed: int = typer.Option(0),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Per-metric deltas (B - A) with paired bootstrap intervals, and the items that regressed."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        data = compare_runs(
            conn, policy.tenant_id_for(conn, tenant), a, b, resamples=resamples, confidence=confidence, seed=seed
        )
    rows = [
        [
            m,
            _fmt(v["a"]),
            _fmt(v["b"]),
            _fmt(v["delta"]),
            "" if v["ci_low"] is None else f"[{v['ci_low']:.4g}, {v['ci_high']:.4g}]",
            "REGRESSED" if v["regressed"] else "",
            len(v["regressed_items"]),
        ]
        for m, v in data["metrics"].items()
    ]
    emit(
        data,
        json_output,
        human=table(
            f"{b} vs {a} ({data['items_compared']} items)",
            ["metric", "A", "B", "delta", f"{confidence:.0%} CI", "", "worse items"],
            rows,
        ),
    )


@app.command("gate")
def gate_(
    use_case: JudgedUseCase,
    prompt: str | None = typer.Option(None, help="Candidate prompt version: name@N."),
    model: str | None = typer.Option(None, help="Candidate model alias (a model change)."),
    label: str = typer.Option("production"),
    run_id: str | None = typer.Option(None, "--run"),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Check a candidate against the gate without moving anything; exits 1 when it would fail (CI)."""
    candidate = gate.Candidate(use_case, prompt=prompt, model=model, label=label, run_id=run_id)
    decision = read_once(tenant, json_output, lambda conn, t: gate.check_candidate(conn, t, candidate))
    data = decision.as_dict()
    human = ("[green]PASS[/green] " if decision.passed else "[red]FAIL[/red] ") + decision.subject
    for failure in decision.failures:
        human += f"\n  - {failure}"
    emit(data, json_output, human=human)
    if not decision.passed:
        raise typer.Exit(1)


@app.command("report")
def report_(
    ids: list[str] = typer.Argument(..., help="Experiment or run ids."),
    out: Path = typer.Option(Path("eval-report.html"), help="Where to write the HTML file."),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Write a self-contained HTML report (inline SVG charts, no network) for experiments or runs."""
    html = read_once(tenant, json_output, lambda conn, t: report.render_report(conn, t, ids))
    write_private(out, html)
    emit({"path": str(out), "bytes": len(html.encode())}, json_output, human=f"wrote {out}")


@app.command()
def drift(
    use_case: JudgedUseCase,
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Compare the latest production suite run with its baseline; exits 1 on drift (schedule it, ME-2)."""
    data = write_once(tenant, json_output, lambda c, t: check_drift(c, t, use_case, actor=cli_actor(actor)))
    human = ("[red]DRIFT[/red] " if data["drifted"] else "[green]stable[/green] ") + use_case
    for failure in data["failures"]:
        human += f"\n  - {failure}"
    emit(data, json_output, human=human)
    if data["drifted"]:
        raise typer.Exit(1)


@app.command("breakdown")
def breakdown_(
    run_id: str = typer.Argument(..., help="A run id."),
    by: str = typer.Option("tag", help="tag, or an item metadata key: group, language, gender, ..."),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Every metric per segment (tag or metadata value) and the widest gap between segments (ME-4)."""
    data = read_once(tenant, json_output, lambda conn, t: breakdown(conn, t, run_id, by=by))
    metrics = sorted({m for seg in data["segments"].values() for m in seg if m != "items"})
    rows = [[s, seg["items"], *[_fmt(seg.get(m)) for m in metrics]] for s, seg in data["segments"].items()]
    rows.append(["(widest gap)", "", *[_fmt(data["gaps"].get(m)) for m in metrics]])
    emit(data, json_output, human=table(f"{run_id} by {by}", [by, "items", *metrics], rows))
