"""``charter train dataset build|list|show|export``: training datasets built from reviewed answers
and upheld appeal corrections (DP-7); ``charter train run|work|jobs|job``: fine-tuning jobs
(docs/learning.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from charter.cli.common import cli_actor, emit, emit_rows, open_runtime, tenant_id_of, tenant_write
from charter.cli.models import _object_file
from charter.cli.options import JsonFlag, TenantOption
from charter.cluster import LOCAL
from charter.errors import NotFound
from charter.files import write_private
from charter.jobs.scheduler import replica_id
from charter.store.schema import utcnow
from charter.training import BuildRequest, build_dataset, export_dataset, get_dataset, list_datasets
from charter.training.jobs import (
    TrainingRequest,
    claim_training,
    get_training_job,
    list_training_jobs,
    run_training_job,
    submit_training,
)

__all__ = ["app"]

app = typer.Typer(help="Training data and fine-tuning jobs (docs/learning.md).", no_args_is_help=True)
dataset = typer.Typer(help="Versioned SFT and DPO datasets from reviewed answers.", no_args_is_help=True)
app.add_typer(dataset, name="dataset")


@dataset.command()
def build(
    use_case: str = typer.Option(..., "--use-case", help="The use case whose reviewed answers to use."),
    kind: str = typer.Option("sft", "--kind", help="sft (chat messages) or dpo (preference pairs)."),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Build a new dataset version (refused unless the charter says may_train; PII scrubbed; ledgered)."""
    with open_runtime(json_output) as rt:
        tenant_id = tenant_id_of(rt, tenant)
        request = BuildRequest(use_case=use_case, kind=kind, actor=cli_actor())
        result = rt.writer.write(lambda c: build_dataset(rt, c, tenant_id, request))
    state = "new version" if result["created"] else "unchanged, latest version"
    emit(result, json_output, human=f"{result['id']}: {use_case} {kind} v{result['version']} ({state}), "
                                    f"{result['examples']} examples, sha256 {result['sha256']}")


@dataset.command("list")
def list_(
    use_case: str | None = typer.Option(None, "--use-case"),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Dataset versions, newest first."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        rows = list_datasets(conn, tenant_id_of(rt, tenant), use_case)
    emit_rows(rows, json_output, "training datasets", {
        "id": "id", "use case": "use_case", "kind": "kind", "version": "version", "examples": "examples",
        "sha256": lambda r: r["sha256"][:16], "tainted": lambda r: r["tainted_at"] or "", "at": "created_at",
    })


@dataset.command()
def show(dataset_id: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """One version with each example's lineage (interaction, review, decision, feedback)."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        found = get_dataset(conn, tenant_id_of(rt, tenant), dataset_id)
    if json_output:
        emit(found, json_output)
        return
    emit_rows(found["lineage"], json_output, f"{dataset_id} · v{found['version']} · {found['sha256']}", {
        "#": "position", "source": "source", "interaction": "interaction_id", "review": "review_id",
        "decision": "decision_id", "feedback": lambda r: r["feedback_id"] or "",
    })


@dataset.command()
def export(
    dataset_id: str,
    tenant: TenantOption = "demo",
    out: Path | None = typer.Option(None, "--out", help="Write the JSON Lines here (owner-only)."),
    json_output: JsonFlag = False,
) -> None:
    """The version's JSON Lines in TRL's format (ledgered); printed when --out is not given."""
    with open_runtime(json_output) as rt:
        tenant_id = tenant_id_of(rt, tenant)
        body, meta = rt.writer.write(lambda c: export_dataset(c, tenant_id, dataset_id, actor=cli_actor()))
    if out is None:
        sys.stdout.write(body.decode())
        return
    write_private(out, body)
    human = f"{meta['examples']} examples → {out} (sha256 {meta['sha256_now']})"
    emit({**meta, "out": str(out)}, json_output, human=human)


@app.command()
def run(
    dataset_id: str = typer.Option(..., "--dataset", help="The dataset version to train on (sft or dpo)."),
    alias: str = typer.Option(..., "--alias", help="The model alias the result is registered under."),
    base: str = typer.Option("smollm2", help="An embedded model (smollm2) or an absolute GGUF path."),
    config: Path | None = typer.Option(None, "--config", help="Training options (JSON or YAML): lora_r, "
                                       "learning_rate, epochs, max_steps, batch_size, grid, ..."),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Queue a fine-tuning job (LoRA; SFT or DPO after the dataset's kind). The scheduler's `training.run`
    job runs it; `charter train work` runs it here and now."""
    options = _object_file(config, "config")
    request = TrainingRequest(alias=alias, dataset_id=dataset_id, base=base, options=options)
    with open_runtime(json_output) as rt:
        row = tenant_write(rt, tenant, lambda c, t: submit_training(rt, c, t, request, actor=cli_actor()))
    emit(row, json_output, human=f"queued {row['id']}: {row['method']} on {dataset_id} for {alias}")


@app.command()
def work(
    job_id: str | None = typer.Argument(None, help="This job (default: the oldest queued or stale one)."),
    ray: bool = typer.Option(
        False, "--ray", help="Train as a Ray task (CHARTER_RAY_ADDRESS, else a local Ray instance)."
    ),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Run one training job in this process (a queued one, or one whose process died: it resumes from its
    last checkpoint); registers the result as a candidate version. With --ray or CHARTER_RAY_ADDRESS the
    training runs as one task on the Ray cluster (docs/operations.md, Batch work on Ray)."""
    with open_runtime(json_output) as rt:
        address = rt.settings.ray_address or (LOCAL if ray else None)
        worker, tenant_id = replica_id(), tenant_id_of(rt, tenant)
        job = rt.writer.write(lambda c: claim_training(c, worker=worker, now=utcnow(), tenant_id=tenant_id,
                                                       stale_s=rt.settings.training_stale_s, job_id=job_id))
        if job is None:
            raise NotFound("no training job is queued or stale" + (f" with id {job_id}" if job_id else ""),
                           code="not_found")
        done = run_training_job(rt, job, worker=worker, ray_address=address)
    emit(done, json_output, human=f"{done['id']}: {done['status']}"
         + (f", registered {done['result']['version']}" if done["status"] == "succeeded" else f": {done['error']}"))
    if done["status"] != "succeeded":
        raise typer.Exit(1)


@app.command()
def jobs(tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Fine-tuning jobs, newest first, with progress and cost."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        rows = list_training_jobs(conn, tenant_id_of(rt, tenant))
    emit_rows(rows, json_output, "training jobs", {
        "id": "id", "alias": "alias", "method": "method", "status": "status",
        "step": lambda r: f"{r['progress'].get('step', '')}/{r['progress'].get('max_steps', '')}",
        "loss": lambda r: r["progress"].get("loss", ""), "cost": "cost",
        "version": lambda r: (r["result"] or {}).get("version", ""),
    })


@app.command()
def job(job_id: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """One fine-tuning job."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        found = get_training_job(conn, tenant_id_of(rt, tenant), job_id)
    emit(found, True)
