"""``charter train dataset build|list|show|export``: training datasets built from reviewed answers
and upheld appeal corrections (DP-7; docs/learning.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from charter.cli.common import JSON_OPTION, cli_actor, emit, emit_rows, open_runtime, tenant_id_of
from charter.files import write_private
from charter.training import BuildRequest, build_dataset, export_dataset, get_dataset, list_datasets

__all__ = ["app"]

app = typer.Typer(help="Training data (and, later, fine-tuning).", no_args_is_help=True)
dataset = typer.Typer(help="Versioned SFT and DPO datasets from reviewed answers.", no_args_is_help=True)
app.add_typer(dataset, name="dataset")

TENANT = typer.Option("demo", help="Tenant name.")


@dataset.command()
def build(
    use_case: str = typer.Option(..., "--use-case", help="The use case whose reviewed answers to use."),
    kind: str = typer.Option("sft", "--kind", help="sft (chat messages) or dpo (preference pairs)."),
    tenant: str = TENANT,
    json_output: bool = JSON_OPTION,
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
    tenant: str = TENANT,
    json_output: bool = JSON_OPTION,
) -> None:
    """Dataset versions, newest first."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        rows = list_datasets(conn, tenant_id_of(rt, tenant), use_case)
    emit_rows(rows, json_output, "training datasets", {
        "id": "id", "use case": "use_case", "kind": "kind", "version": "version", "examples": "examples",
        "sha256": lambda r: r["sha256"][:16], "tainted": lambda r: r["tainted_at"] or "", "at": "created_at",
    })


@dataset.command()
def show(dataset_id: str, tenant: str = TENANT, json_output: bool = JSON_OPTION) -> None:
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
    tenant: str = TENANT,
    out: Path | None = typer.Option(None, "--out", help="Write the JSON Lines here (owner-only)."),
    json_output: bool = JSON_OPTION,
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
